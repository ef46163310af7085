#include "os/output_capture.h"

#include <gtest/gtest.h>

#include <string>

#include "../test_support.h"
#include "os/files.h"
#include "os/process.h"

using namespace ftbench;
using namespace ftbench::os;

namespace {

// Runs `script` with its stdout and stderr captured under `limit`.
std::vector<CapturedStream> capture(const ftbench::testing::TempDir& t, const std::string& script,
                                    std::optional<uint64_t> limit) {
  OutputCapture output(t / "out", t / "err", limit);
  SpawnOptions o;
  o.argv = {"/usr/bin/python3", "-c", script};
  o.fds = {{output.child_stdout(), 1}, {output.child_stderr(), 2}};
  auto child = ChildProcess::spawn(o);
  output.close_child_ends();
  const auto status = child.wait_for(std::chrono::seconds(120));
  EXPECT_TRUE(status && status->success()) << (status ? status->describe() : "still running: it blocked on a full pipe?");
  return output.finish();
}

}  // namespace

TEST(OutputCapture, ALongLogKeepsItsHeadAndTailAndSaysHowMuchWasDropped) {
  ftbench::testing::TempDir t;
  // 3 MB of numbered lines on stdout, far beyond a 64 KB limit; a short stderr.
  const auto streams = capture(t,
                               "import sys\n"
                               "for i in range(300000): sys.stdout.write('%09d\\n' % i)\n"
                               "sys.stderr.write('short\\n')\n",
                               64 * 1024);
  ASSERT_EQ(streams.size(), 2u);
  EXPECT_EQ(streams[0].stream, "stdout");
  EXPECT_EQ(streams[0].bytes, 3000000u);
  EXPECT_EQ(streams[0].dropped, 3000000u - 64 * 1024);
  const auto text = read_file(t / "out");
  const auto marker = OutputCapture::marker(streams[0].dropped, "limits.log", 64 * 1024);
  EXPECT_EQ(text.size(), 64 * 1024 + marker.size());
  EXPECT_EQ(text.rfind("000000000\n000000001\n", 0), 0u) << "the head is not the first bytes";
  EXPECT_NE(text.find(marker), std::string::npos);
  EXPECT_NE(marker.find(std::to_string(3000000 - 64 * 1024) + " bytes dropped"), std::string::npos);
  EXPECT_EQ(text.substr(text.size() - 20), "000299998\n000299999\n") << "the tail is not the last bytes";
  // The stream under its limit is whole, with no marker.
  EXPECT_EQ(streams[1].dropped, 0u);
  EXPECT_EQ(read_file(t / "err"), "short\n");
}

TEST(OutputCapture, WithoutALimitEveryByteIsWritten) {
  ftbench::testing::TempDir t;
  const auto streams = capture(t, "import sys\nsys.stdout.write('y' * 1000000)\n", std::nullopt);
  EXPECT_EQ(streams[0].bytes, 1000000u);
  EXPECT_EQ(streams[0].dropped, 0u);
  EXPECT_EQ(read_file(t / "out"), std::string(1000000, 'y'));
}

TEST(OutputCapture, ExactlyAtTheLimitNothingIsDropped) {
  ftbench::testing::TempDir t;
  const auto streams = capture(t, "import sys\nsys.stdout.write('z' * 8192)\n", 8192);
  EXPECT_EQ(streams[0].dropped, 0u);
  EXPECT_EQ(read_file(t / "out"), std::string(8192, 'z'));
}
