// Specification of the snapshot files (storage/snapshot_files.h): a snapshot is whole or absent,
// listed by seq in order, and what a crash leaves half-written is never taken for a snapshot.

#include "storage/snapshot_files.h"

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace subex {
namespace {

namespace fs = std::filesystem;

class SnapshotFilesTest : public ::testing::Test {
 protected:
  SnapshotFilesTest() {
    std::string pattern = (fs::temp_directory_path() / "subex-snapfiles-XXXXXX").string();
    root_ = mkdtemp(pattern.data());
  }
  ~SnapshotFilesTest() override { fs::remove_all(root_); }

  std::string dir() const { return root_ + "/snapshots"; }
  void Put(const std::string& name, const std::string& bytes) {
    std::ofstream(dir() + "/" + name, std::ios::binary) << bytes;
  }

  std::string root_;
};

TEST_F(SnapshotFilesTest, WritesReadsAndListsBySeq) {
  SnapshotFiles files(dir());
  ASSERT_TRUE(files.Open().ok());
  ASSERT_TRUE(files.Write(20, "at 20").ok());
  ASSERT_TRUE(files.Write(3, std::string(1 << 20, 'x')).ok());
  ASSERT_TRUE(files.Write(5, "at 5").ok());
  ASSERT_TRUE(files.Write(5, "at 5, again").ok());  // Replaces.
  absl::StatusOr<std::vector<uint64_t>> seqs = files.List();
  ASSERT_TRUE(seqs.ok()) << seqs.status();
  EXPECT_THAT(*seqs, ::testing::ElementsAre(3u, 5u, 20u));
  EXPECT_EQ(*files.Read(5), "at 5, again");
  EXPECT_EQ(*files.Read(3), std::string(1 << 20, 'x'));
  EXPECT_FALSE(files.Read(4).ok());
}

TEST_F(SnapshotFilesTest, AHalfWrittenFileIsNeverTakenForASnapshotAndOpenRemovesIt) {
  SnapshotFiles files(dir());
  ASSERT_TRUE(files.Open().ok());
  ASSERT_TRUE(files.Write(7, "at 7").ok());
  // What a kill during Write leaves, and names that are not snapshots at all.
  Put("00000000000000000009.sxsn.tmp", "half");
  Put("notes.txt", "x");
  Put("9.sxsn", "too few digits");
  EXPECT_THAT(*files.List(), ::testing::ElementsAre(7u));
  ASSERT_TRUE(files.Open().ok());
  EXPECT_FALSE(fs::exists(dir() + "/00000000000000000009.sxsn.tmp"));
  EXPECT_TRUE(fs::exists(dir() + "/notes.txt"));  // Not ours to remove.
  EXPECT_THAT(*files.List(), ::testing::ElementsAre(7u));
}

TEST_F(SnapshotFilesTest, RemovingWhatIsGoneIsNotAnError) {
  SnapshotFiles files(dir());
  ASSERT_TRUE(files.Open().ok());
  ASSERT_TRUE(files.Write(1, "at 1").ok());
  EXPECT_TRUE(files.Remove(1).ok());
  EXPECT_TRUE(files.Remove(1).ok());
  EXPECT_THAT(*files.List(), ::testing::IsEmpty());
}

TEST_F(SnapshotFilesTest, AWriteThatCannotLandSaysWhy) {
  SnapshotFiles files(root_ + "/missing/snapshots");  // Never opened: no directory.
  absl::Status st = files.Write(1, "at 1");
  EXPECT_EQ(st.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(st.message(), ::testing::HasSubstr("cannot create"));
}

}  // namespace
}  // namespace subex
