# The sanitizer and fuzzing build (scripts/setup builds it in build-sanitize/ beside build/):
#   FTBENCH_SANITIZE  every object with AddressSanitizer + UndefinedBehaviorSanitizer; the test
#                     programs (orchestrator_tests, perf_tests, history_postgres_tests) abort on
#                     the first finding
#   FTBENCH_FUZZ      also libFuzzer's coverage in every object (-fsanitize=fuzzer-no-link) and the
#                     fuzz targets of tests/fuzz, linked with -fsanitize=fuzzer
# One tree serves both: the test programs link the same coverage-instrumented objects (the
# sanitizer runtime supplies the coverage callbacks), so CI compiles the sources once more, not
# twice. Both need clang: libFuzzer ships with it, and GCC has no -fsanitize=fuzzer.
option(FTBENCH_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer (clang)" OFF)
option(FTBENCH_FUZZ "Build the libFuzzer targets of tests/fuzz (clang; implies FTBENCH_SANITIZE)" OFF)

if(FTBENCH_FUZZ)
  set(FTBENCH_SANITIZE ON)
endif()
if(NOT FTBENCH_SANITIZE)
  return()
endif()
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR
    "FTBENCH_SANITIZE and FTBENCH_FUZZ need clang, not ${CMAKE_CXX_COMPILER_ID} (libFuzzer ships with clang). "
    "Configure a separate tree: CC=clang CXX=clang++ cmake -S . -B build-sanitize -DFTBENCH_SANITIZE=ON "
    "-DFTBENCH_FUZZ=ON (scripts/setup does this); scripts/bootstrap installs clang and libclang-rt-14-dev.")
endif()

# -fno-sanitize-recover: undefined behaviour aborts the test like a memory error does, so a
# finding fails the test instead of scrolling past in its output. The ignore list names the
# few checks left out of third-party headers, each with its reason.
set(FTBENCH_SANITIZE_FLAGS -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
    -fsanitize-ignorelist=${CMAKE_SOURCE_DIR}/cmake/sanitize-ignorelist.txt)
add_compile_options(${FTBENCH_SANITIZE_FLAGS})
# -O1 and line tables only (after the build type's -O2 -g, so they win): a quarter less compile
# time for CI, stack traces still name file:line.
add_compile_options(-O1 -gline-tables-only)
add_link_options(-fsanitize=address,undefined)
if(FTBENCH_FUZZ)
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
