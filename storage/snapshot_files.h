// SnapshotFiles — the journal's snapshots, one file each in a directory of their own
// (`<journal dir>/snapshots/<seq, 20 digits>.sxsn`), beside RocksDB rather than inside it.
//
// A snapshot is tens of megabytes written once and read once. As a file it can be written by a
// child process forked from the engine thread, which must not touch RocksDB (its locks and
// background threads did not survive the fork), and it never passes through RocksDB's write-ahead
// log or compaction.
//
// `Write` puts the bytes in a temporary file, syncs it, renames it into place and syncs the
// directory, so after a crash a snapshot is either whole or absent; `Open` removes temporary files
// a crash left behind. It uses only system calls and the heap (which glibc keeps usable in a
// forked child) and takes no lock, so a child forked from a multithreaded process may call it.
//
//   SnapshotFiles files(dir + "/snapshots");
//   SUBEX_RETURN_IF_ERROR(files.Open());
//   SUBEX_RETURN_IF_ERROR(files.Write(seq, bytes));
//   SUBEX_ASSIGN_OR_RETURN(std::vector<uint64_t> seqs, files.List());
//
// Thread-safety: the methods are const and safe for concurrent use; a file listed may be gone by
// the time it is read if another thread removes it.

#ifndef SUBEX_STORAGE_SNAPSHOT_FILES_H_
#define SUBEX_STORAGE_SNAPSHOT_FILES_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace subex {

class SnapshotFiles {
 public:
  explicit SnapshotFiles(std::string dir) : dir_(std::move(dir)) {}

  // Creates the directory if it is missing and removes half-written files.
  absl::Status Open() const;

  // Writes the snapshot at `seq` (replacing one already there), durably and atomically.
  absl::Status Write(uint64_t seq, std::string_view bytes) const;

  // The seqs of the snapshots present, ascending.
  absl::StatusOr<std::vector<uint64_t>> List() const;

  // The bytes of the snapshot at `seq`.
  absl::StatusOr<std::string> Read(uint64_t seq) const;

  // Removes the snapshot at `seq`; one already gone is not an error.
  absl::Status Remove(uint64_t seq) const;

  const std::string& dir() const { return dir_; }

 private:
  std::string PathOf(uint64_t seq) const;

  std::string dir_;
};

}  // namespace subex

#endif  // SUBEX_STORAGE_SNAPSHOT_FILES_H_
