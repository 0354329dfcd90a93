// Snapshotter — writes state snapshots so that a restart replays little (PRODUCT §8), and prunes
// the journal behind them.
//
// Between batches, once `every_events` events have been journalled since the last snapshot, the
// engine thread forks a child that encodes the state it inherited (copy-on-write) and writes it
// while the engine goes on; the engine thread reaps the child later and then prunes events older
// than `retain_events` before the snapshot. After each child, the heap's huge pages that the
// parent's writes split are gathered again on a thread of its own (pipeline/huge_pages.h), so the
// next fork copies as few page tables as the first. A snapshot that cannot be made costs only
// recovery time: the journal still holds every event.
//
// Thread-safety: everything but the accessors on the engine thread; the accessors from any
// thread.

#ifndef SUBEX_PIPELINE_SNAPSHOTTER_H_
#define SUBEX_PIPELINE_SNAPSHOTTER_H_

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <thread>

#include "engine/state.h"
#include "pipeline/journal_writer.h"
#include "storage/journal.h"

namespace subex {

class Snapshotter {
 public:
  struct Options {
    uint64_t every_events = 0;  // 0: never.
    uint64_t retain_events = 1'000'000;
    bool collapse_huge_pages = true;
  };

  // `journal` and `writer` must outlive it; `recovered_seq` is the seq of the snapshot the
  // state was recovered from (0 if none).
  Snapshotter(Journal& journal, JournalWriter& writer, Options options, uint64_t recovered_seq);
  ~Snapshotter();  // Waits for the huge-page collapse, if one runs.

  // Between batches: reaps a finished child, or starts one when enough events have passed.
  void MaybeSnapshot(const State& state);
  // Records the child's snapshot once it has finished (waiting for it when `wait`).
  void Reap(bool wait);
  bool child_running() const { return child_ > 0; }
  // Writes a snapshot of `state` on this thread, without forking, unless the newest one holds it
  // already. Everything must be written and no child running.
  void WriteNow(const State& state);

  uint64_t snapshots() const { return snapshots_.load(); }
  // How long the latest one held up the engine thread: waiting for the batch being synced,
  // the fork, and recording the finished snapshot and pruning.
  uint64_t last_stall_us() const { return last_stall_us_.load(); }
  uint64_t written_seq() const { return written_seq_.load(); }

 private:
  void Start(const State& state, uint64_t seq);
  // Prunes events older than `retain_events` before a snapshot at `seq`.
  void PruneBefore(uint64_t seq);
  void CollapseHugePagesInBackground();

  Journal& journal_;
  JournalWriter& writer_;
  const Options options_;
  uint64_t last_seq_ = 0;  // Of the newest snapshot recovered, started or tried.
  pid_t child_ = 0;        // The child writing a snapshot, if any.
  uint64_t child_seq_ = 0;
  uint64_t fork_us_ = 0;
  std::atomic<uint64_t> snapshots_{0};
  std::atomic<uint64_t> last_stall_us_{0};
  std::atomic<uint64_t> written_seq_{0};
  std::thread collapser_;
  std::atomic<bool> collapsing_{false};  // While collapser_ runs.
  std::atomic<bool> stopping_{false};    // Set by the destructor: the collapse stops early.
};

}  // namespace subex

#endif  // SUBEX_PIPELINE_SNAPSHOTTER_H_
