#include "pipeline/snapshotter.h"

#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <string>

#include "pipeline/elapsed.h"
#include "pipeline/huge_pages.h"
#include "storage/snapshot.h"
#include "telemetry/log.h"

namespace subex {

Snapshotter::Snapshotter(Journal& journal, JournalWriter& writer, Options options,
                         uint64_t recovered_seq)
    : journal_(journal),
      writer_(writer),
      options_(options),
      last_seq_(recovered_seq),
      written_seq_(recovered_seq) {}

Snapshotter::~Snapshotter() {
  stopping_.store(true);  // A collapse under way ends after its current step.
  if (collapser_.joinable()) collapser_.join();
}

void Snapshotter::MaybeSnapshot(const State& state) {
  if (child_ > 0) {
    Reap(/*wait=*/false);
    return;
  }
  const uint64_t seq = state.last_seq();
  if (options_.every_events == 0 || seq - last_seq_ < options_.every_events) return;
  Start(state, seq);
}

// Every event up to `seq` is made durable first (the batch on its way to the journal is waited
// for), so the snapshot never holds anything the journal could lose.
void Snapshotter::Start(const State& state, uint64_t seq) {
  const auto start = std::chrono::steady_clock::now();
  writer_.WaitWritten();
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid == 0) {
    // The child: only this thread was copied, and the locks other threads held stay held, so it
    // touches nothing they use (RocksDB, the queue), runs no destructors, and leaves by _exit.
    // It dies with the engine thread, so a killed server leaves no writer behind.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(2);
    std::string bytes;
    EncodeSnapshot(state, bytes);
    _exit(journal_.WriteSnapshot(seq, bytes).ok() ? 0 : 1);
  }
  fork_us_ = MicrosSince(start);
  // A snapshot that cannot be made costs only recovery time: the journal still holds every
  // event, so the engine goes on acknowledging and tries again an interval later.
  last_seq_ = seq;
  if (pid < 0) return;
  child_ = pid;
  child_seq_ = seq;
}

void Snapshotter::Reap(bool wait) {
  if (child_ <= 0) return;
  const auto start = std::chrono::steady_clock::now();
  int status = 0;
  pid_t done = 0;
  do {
    done = waitpid(child_, &status, wait ? 0 : WNOHANG);
  } while (done < 0 && errno == EINTR);
  if (done == 0) return;  // Still writing.
  child_ = 0;
  const uint64_t seq = child_seq_;
  if (done < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    Log(LogLevel::kWarn, "snapshot failed; the journal still holds every event",
        {{"seq", seq}, {"exit_status", WIFEXITED(status) ? WEXITSTATUS(status) : -1}});
    return;
  }
  PruneBefore(seq);
  last_stall_us_.store(fork_us_ + MicrosSince(start));
  written_seq_.store(seq);
  // Counted last, so that whoever sees it counted sees the pruning done and the stall.
  snapshots_.fetch_add(1);
  Log(LogLevel::kInfo, "snapshot written", {{"seq", seq}, {"stall_us", last_stall_us_.load()}});
  if (options_.collapse_huge_pages) CollapseHugePagesInBackground();
}

// One collapse at a time; a snapshot that ends while one still runs starts none.
void Snapshotter::CollapseHugePagesInBackground() {
  if (collapsing_.load()) return;
  if (collapser_.joinable()) collapser_.join();
  collapsing_.store(true);
  collapser_ = std::thread([this] {
    const auto start = std::chrono::steady_clock::now();
    const CollapseResult r = CollapseHugePages(&stopping_);
    if (r.mappings > 0) {
      Log(LogLevel::kDebug, "huge pages collapsed after a snapshot",
          {{"mappings", r.mappings},
           {"mb", r.advised_bytes >> 20},
           {"refused", r.refused},
           {"ms", MicrosSince(start) / 1000}});
    }
    collapsing_.store(false);
  });
}

void Snapshotter::PruneBefore(uint64_t seq) {
  if (seq <= options_.retain_events) return;
  writer_.WaitWritten();  // The journal has one writer at a time.
  if (absl::Status s = journal_.PruneBefore(seq - options_.retain_events); !s.ok()) {
    Log(LogLevel::kWarn, "pruning the journal failed", {{"error", std::string(s.message())}});
  }
}

void Snapshotter::WriteNow(const State& state) {
  const uint64_t seq = state.last_seq();
  if (writer_.failed() || seq == written_seq_.load()) return;
  const auto start = std::chrono::steady_clock::now();
  std::string bytes;
  EncodeSnapshot(state, bytes);
  if (absl::Status s = journal_.WriteSnapshot(seq, bytes); !s.ok()) {
    Log(LogLevel::kWarn, "snapshot on stop failed; the journal still holds every event",
        {{"seq", seq}, {"error", std::string(s.message())}});
    return;
  }
  last_seq_ = seq;
  PruneBefore(seq);
  written_seq_.store(seq);
  snapshots_.fetch_add(1);
  Log(LogLevel::kInfo, "snapshot written on stop",
      {{"seq", seq},
       {"bytes", static_cast<uint64_t>(bytes.size())},
       {"ms", MicrosSince(start) / 1000}});
}

}  // namespace subex
