#include "storage/snapshot_files.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace subex {
namespace {

constexpr std::string_view kSuffix = ".sxsn";
constexpr std::string_view kTempSuffix = ".sxsn.tmp";
constexpr size_t kSeqDigits = 20;

absl::Status Errno(std::string_view what, const std::string& path) {
  return absl::UnavailableError(
      absl::StrCat(std::string(what), " ", path, ": ", std::strerror(errno)));
}

// The seq a file name stands for, when it is a snapshot's (`suffix` after 20 digits).
bool ParseName(std::string_view name, std::string_view suffix, uint64_t* seq) {
  if (name.size() != kSeqDigits + suffix.size() || name.substr(kSeqDigits) != suffix) return false;
  uint64_t v = 0;
  for (char c : name.substr(0, kSeqDigits)) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  *seq = v;
  return true;
}

absl::Status SyncDir(const std::string& dir) {
  int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Errno("cannot open the directory", dir);
  const int rc = fsync(fd);
  close(fd);
  return rc == 0 ? absl::OkStatus() : Errno("cannot sync the directory", dir);
}

// Calls `visit` with every entry name of `dir`.
template <typename F>
absl::Status ForEachName(const std::string& dir, F visit) {
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return Errno("cannot list", dir);
  while (dirent* e = readdir(d)) visit(std::string_view(e->d_name));
  closedir(d);
  return absl::OkStatus();
}

}  // namespace

std::string SnapshotFiles::PathOf(uint64_t seq) const {
  return absl::StrFormat("%s/%020u%s", dir_, seq, std::string(kSuffix));
}

absl::Status SnapshotFiles::Open() const {
  if (mkdir(dir_.c_str(), 0755) != 0 && errno != EEXIST) {
    return Errno("cannot create the snapshot directory", dir_);
  }
  std::vector<std::string> stale;
  absl::Status listed = ForEachName(dir_, [&](std::string_view name) {
    uint64_t seq = 0;
    if (ParseName(name, kTempSuffix, &seq))
      stale.push_back(absl::StrCat(dir_, "/", std::string(name)));
  });
  if (!listed.ok()) return listed;
  for (const std::string& path : stale) {
    if (unlink(path.c_str()) != 0 && errno != ENOENT) return Errno("cannot remove", path);
  }
  return absl::OkStatus();
}

absl::Status SnapshotFiles::Write(uint64_t seq, std::string_view bytes) const {
  const std::string path = PathOf(seq);
  const std::string temp = absl::StrCat(path, ".tmp");
  int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Errno("cannot create", temp);
  const char* p = bytes.data();
  size_t left = bytes.size();
  while (left > 0) {
    const ssize_t n = write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      absl::Status failed = Errno("cannot write", temp);
      close(fd);
      unlink(temp.c_str());
      return failed;
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  if (fsync(fd) != 0) {
    absl::Status failed = Errno("cannot sync", temp);
    close(fd);
    unlink(temp.c_str());
    return failed;
  }
  close(fd);
  if (rename(temp.c_str(), path.c_str()) != 0) {
    absl::Status failed = Errno("cannot rename into place", temp);
    unlink(temp.c_str());
    return failed;
  }
  return SyncDir(dir_);
}

absl::StatusOr<std::vector<uint64_t>> SnapshotFiles::List() const {
  std::vector<uint64_t> seqs;
  absl::Status listed = ForEachName(dir_, [&](std::string_view name) {
    uint64_t seq = 0;
    if (ParseName(name, kSuffix, &seq)) seqs.push_back(seq);
  });
  if (!listed.ok()) return listed;
  std::sort(seqs.begin(), seqs.end());
  return seqs;
}

absl::StatusOr<std::string> SnapshotFiles::Read(uint64_t seq) const {
  const std::string path = PathOf(seq);
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Errno("cannot open", path);
  struct stat st;
  if (fstat(fd, &st) != 0) {
    absl::Status failed = Errno("cannot stat", path);
    close(fd);
    return failed;
  }
  std::string bytes(static_cast<size_t>(st.st_size), '\0');
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = read(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      absl::Status failed = n == 0 ? absl::DataLossError(absl::StrCat(path,
                                                                      " is shorter than "
                                                                      "its size"))
                                   : Errno("cannot read", path);
      close(fd);
      return failed;
    }
    done += static_cast<size_t>(n);
  }
  close(fd);
  return bytes;
}

absl::Status SnapshotFiles::Remove(uint64_t seq) const {
  const std::string path = PathOf(seq);
  if (unlink(path.c_str()) != 0 && errno != ENOENT) return Errno("cannot remove", path);
  return absl::OkStatus();
}

}  // namespace subex
