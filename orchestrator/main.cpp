#include "cli/cli.h"

int main(int argc, char** argv) { return ftbench::cli::run(argc, argv); }
