#include "os/files.h"

#include <gtest/gtest.h>

#include <cerrno>

#include "../test_support.h"

using namespace ftbench;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

#define MOUNT_OR_SKIP(m)                    \
  if (!(m).mounted()) GTEST_SKIP() << (m).error()

}  // namespace

TEST(Files, AFullDiskNamesTheFileKeepsTheOldContentAndLeavesNoTemporary) {
  ftbench::testing::TmpfsMount disk(256 * 1024);
  MOUNT_OR_SKIP(disk);
  const auto file = disk.path() / "results.json";
  os::write_file_atomically(file, "old");
  disk.fill();
  try {
    os::write_file_atomically(file, std::string(64 * 1024, 'n'));
    FAIL() << "a write to a full disk must fail";
  } catch (const os::StorageError& e) {
    EXPECT_EQ(e.error(), ENOSPC);
    EXPECT_EQ(e.path(), file);
    EXPECT_EQ(std::string(e.what()), "no space left on device writing " + file.string());
  }
  EXPECT_EQ(os::read_file(file), "old");  // the reader still sees the whole old file
  EXPECT_EQ(names_in(disk.path()), (std::vector<std::string>{"filler", "results.json"}));
  EXPECT_EQ(os::storage_problem(disk.path()), ENOSPC);
  disk.remove_filler();
  EXPECT_EQ(os::storage_problem(disk.path()), std::nullopt);
  os::write_file_atomically(file, "new");
  EXPECT_EQ(os::read_file(file), "new");
}

TEST(Files, TheProbeRefusesAFullDiskAndLeavesNothing) {
  ftbench::testing::TmpfsMount disk(128 * 1024);
  MOUNT_OR_SKIP(disk);
  os::probe_writable(disk.path() / "results");  // creates the directory, leaves it empty
  EXPECT_TRUE(names_in(disk.path() / "results").empty());
  disk.fill();
  try {
    os::probe_writable(disk.path() / "results");
    FAIL() << "the probe must refuse a full disk";
  } catch (const os::StorageError& e) {
    EXPECT_EQ(e.error(), ENOSPC);
    EXPECT_NE(std::string(e.what()).find((disk.path() / "results").string()), std::string::npos) << e.what();
  }
  EXPECT_TRUE(names_in(disk.path() / "results").empty());
}

TEST(Files, AReadOnlyMountIsRefusedByTheProbeAndEveryWrite) {
  ftbench::testing::TmpfsMount disk(128 * 1024);
  MOUNT_OR_SKIP(disk);
  os::write_file_atomically(disk.path() / "manifest.json", "{}");
  ASSERT_TRUE(disk.remount_read_only());
  EXPECT_EQ(os::storage_problem(disk.path()), EROFS);
  try {
    os::probe_writable(disk.path());
    FAIL() << "the probe must refuse a read-only mount";
  } catch (const os::StorageError& e) {
    EXPECT_EQ(e.error(), EROFS);
    EXPECT_EQ(std::string(e.what()), "read-only file system: cannot write " + disk.path().string());
  }
  EXPECT_THROW(os::write_file_atomically(disk.path() / "manifest.json", "{\"x\": 1}"), os::StorageError);
  EXPECT_EQ(os::read_file(disk.path() / "manifest.json"), "{}");
}

TEST(Files, AProbeUnderAFileNamesThePathAndAdviceIsAppended) {
  ftbench::testing::TempDir t;
  ftbench::testing::write_text(t / "file", "x");
  try {
    os::probe_writable(t / "file" / "results");
    FAIL() << "a directory under a file cannot be created";
  } catch (const os::StorageError& e) {
    const auto advised = e.with_advice("choose another --output");
    EXPECT_EQ(advised.error(), e.error());
    EXPECT_EQ(std::string(advised.what()), std::string(e.what()) + ": choose another --output");
    EXPECT_NE(std::string(e.what()).find((t / "file" / "results").string()), std::string::npos) << e.what();
  }
}
