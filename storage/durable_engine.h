// DurableEngine — the engine thread of PRODUCT §8: one thread owns the engine; callers queue
// requests; the thread takes a batch, decides and applies each command in order, and hands the
// batch to the journal thread, which writes the whole batch's events and idempotency records in
// one synced write and only then releases the batch's replies, batch after batch in order. The
// engine thread decides the next batch meanwhile (one batch ahead at most), so deciding and
// syncing overlap. Reads queue the same way and are answered with their batch, so no caller ever
// sees state that is not yet durable.
//
// The batch is whatever is queued when the thread comes round, up to `max_batch`: one request
// when idle, hundreds under load, so the cost of one fsync is shared by everything that arrived
// while the previous one ran. If a write fails the engine stops acknowledging: that batch, the
// one decided behind it and every later request is answered Unavailable (HTTP 503), and nothing
// claims durability it does not have.
//
// A request's idempotency key is looked up on the engine thread before the command runs, so two
// requests with one key never both run, even in one batch or across a restart. A stored answer
// expires `idempotency_retention` after the `now` of the request that stored it: judged by each
// request's own `now` (the engine thread reads no clock), an expired answer is absent, whether
// or not it has been pruned yet, and the request runs as a new one. The journal thread prunes
// expired answers after each batch's replies have left, a bounded step at a time.
//
//   SUBEX_ASSIGN_OR_RETURN(auto engine, DurableEngine::Open(taxonomy, params, {.dir = "data"}));
//   engine->Submit({.command = PlaceOrder{...}, .now = clock(), .reply = [](Result r) {...}});
//
// What it does is counted for the operator (`WriteMetrics`): the queue's depth, batch sizes, sync
// latency, the journal's size, snapshots and the time recovery took. The two threads record into
// sharded atomics (telemetry/metrics.h) and take no lock for it.
//
// Thread-safety: Submit and Query are safe from any thread; `render` and `read` run on the engine
// thread, replies and `done` on the journal thread, and none of them may block.

#ifndef SUBEX_STORAGE_DURABLE_ENGINE_H_
#define SUBEX_STORAGE_DURABLE_ENGINE_H_

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "engine/engine.h"
#include "storage/journal.h"
#include "telemetry/metrics.h"

namespace subex {

class DurableEngine {
 public:
  struct Options {
    std::string dir;          // The journal's directory.
    size_t max_batch = 1024;  // Requests decided per synced write at most.
    // While a batch is being synced, the engine thread decides the requests queued behind it
    // once this many are waiting, and the rest when the sync ends. At 1 it wakes for each
    // request as it arrives: the least latency, and a thread wake-up per request. Larger, it
    // wakes about once per batch, and a request waits at most its batch's decisions longer.
    size_t decide_ahead = 1;
    bool sync = true;         // Only benchmarks of the engine alone turn this off.
    // Write a snapshot once this many events have been journalled since the last one (0: never).
    // Between batches, the engine thread forks a child that encodes the state it inherited
    // (copy-on-write) and writes it, while the engine goes on; `last_snapshot_stall_us` says how
    // long the engine thread was held up.
    uint64_t snapshot_every_events = 0;
    // After a snapshot, keep this many events before it (so the feed can still replay them) and
    // prune older ones together with older snapshots.
    uint64_t retain_events = 1'000'000;
    // On close, once everything queued is answered, write a snapshot of the final state (on the
    // engine thread, without forking) unless the newest snapshot already holds it, so that the
    // next start replays nothing.
    bool snapshot_on_close = false;
    // After each snapshot's child is done, gather the heap's huge pages that the parent's writes
    // split while the child lived (storage/huge_pages.h), on a thread of its own, so that the
    // next fork copies as few page tables as the first. Acts only on memory the allocator
    // advised for huge pages.
    bool collapse_huge_pages = true;
    // How long a stored idempotency answer stays; a request after that runs as a new one.
    std::chrono::milliseconds idempotency_retention = std::chrono::hours(24);
    // Expired answers the journal thread deletes after a batch, at most: the most a prune can
    // hold up the next batch's write.
    size_t idempotency_prune_step = 1024;
    // Called on the journal thread with each batch's events once they are durable, before any
    // of the batch's replies leave: whoever hears of an event from a reply can already read it
    // (the API's key ring and feed listen here). Must not block.
    std::function<void(std::span<const Event>)> on_durable;
  };

  // What a command came to, delivered once it is durable (or never will be).
  struct Result {
    absl::Status status;                 // Unavailable when the journal could not write.
    std::optional<Rejection> rejection;  // The engine's verdict when status is OK.
    std::vector<Event> events;           // What the command caused, with their seqs.
    std::string rendered;                // What `render` produced, if given.
    // The request's idempotency key already had an answer: `rendered` is that stored answer,
    // the command was not executed again, and `rejection` and `events` are empty.
    bool replayed = false;
  };

  struct Request {
    Command command;
    Instant now;
    // Optional: the idempotency key to store the rendered answer under, in the same write. A
    // key that already has an answer (from any earlier batch, or earlier in this one, or before
    // a restart) not yet expired at `now` is not executed again: the reply carries the stored
    // answer (`replayed`).
    std::string idempotency_key;
    // Optional: turns the result into the answer to store and send, on the engine thread
    // while the state is exactly as the command left it.
    std::function<std::string(const Result&, const State&)> render;
    std::function<void(Result)> reply;
  };

  // Opens the journal, rebuilds the state from it, and starts the engine thread.
  static absl::StatusOr<std::unique_ptr<DurableEngine>> Open(
      std::shared_ptr<const Taxonomy> taxonomy, Params params, Options options);
  // As above, over a journal the caller opened (`options.dir` and `sync` are then unused).
  static absl::StatusOr<std::unique_ptr<DurableEngine>> Open(
      std::shared_ptr<const Taxonomy> taxonomy, Params params, Options options,
      std::unique_ptr<Journal> journal);
  ~DurableEngine();  // Answers what is queued, then stops.

  void Submit(Request request);

  // Runs `read` on the engine thread, in queue order, and delivers `done` once every event
  // `read` could have seen is durable. `read` returns what `done` receives.
  void Query(std::function<std::string(const State&)> read,
             std::function<void(absl::StatusOr<std::string>)> done);

  // The newest event that is durable (and so may be shown to anyone). Safe from any thread.
  uint64_t durable_seq() const { return durable_seq_.load(std::memory_order_acquire); }

  // Up to `limit` durable events after `after`, oldest first, read from the journal (not the
  // engine thread). OutOfRange when events after `after` are no longer retained. Safe from any
  // thread.
  absl::StatusOr<std::vector<Event>> ReadEvents(uint64_t after, size_t limit) const;

  // Whether a journal write has failed: from then on nothing more is acknowledged (every
  // request is answered Unavailable). Safe from any thread.
  bool journal_failed() const { return failed_.load(std::memory_order_acquire); }

  // Counters for operations: batches written and requests answered so far.
  uint64_t batches() const { return batches_.load(); }
  uint64_t requests() const { return requests_.load(); }
  // Snapshots written since start, and how long the latest one held up the engine thread: waiting
  // for the batch being synced (a snapshot holds only durable events) and the fork, plus
  // recording the finished snapshot and pruning. A snapshot still being written is not counted;
  // closing the engine waits for it.
  uint64_t snapshots() const { return snapshots_.load(); }
  uint64_t last_snapshot_stall_us() const { return last_snapshot_stall_us_.load(); }
  // Expired idempotency answers deleted since start.
  uint64_t idempotency_pruned() const { return idempotency_pruned_.load(); }
  // How long `Open` took to restore the snapshot and replay the journal after it, and how many
  // events it replayed.
  uint64_t recovery_us() const { return recovery_us_; }
  uint64_t replayed_events() const { return replayed_events_; }
  // Requests queued and not yet taken into a batch.
  size_t queue_depth() const { return queue_depth_.load(std::memory_order_relaxed); }

  // Appends the engine's and the journal's metric families (subex_engine_*, subex_journal_*,
  // subex_snapshot*, subex_recovery_*) in the Prometheus text format. Safe from any thread; reads
  // the journal's directory for its size.
  void WriteMetrics(MetricsText& out) const;
  // The state hash, computed on the engine thread (for tests and recovery checks).
  uint64_t StateHashNow();

 private:
  struct Item {
    std::optional<Request> request;
    std::function<std::string(const State&)> read;
    std::function<void(absl::StatusOr<std::string>)> done;
  };
  // A batch decided and applied, on its way to the journal thread.
  struct Decided {
    std::vector<Item> items;
    std::vector<Result> results;
    std::vector<std::string> answers;  // Of the reads.
    std::vector<Event> events;
    std::vector<IdempotencyRecord> records;
    absl::flat_hash_map<std::string, size_t> keys;  // Index in `records` of each key.
    Instant now;  // The latest `now` of its requests: what pruning judges expiry by.
  };

  DurableEngine(std::shared_ptr<const Taxonomy> taxonomy, Params params, Options options,
                std::unique_ptr<Journal> journal);
  absl::Status Recover();
  void MaybeSnapshot();
  void StartSnapshot(uint64_t seq);
  // The snapshot of `snapshot_on_close`, written by the engine thread itself as it stops.
  void SnapshotOnClose();
  // Prunes events older than `retain_events` before a snapshot at `seq`.
  void PruneBefore(uint64_t seq);
  // Records the child's snapshot once it has finished (waiting for it when `wait`).
  void ReapSnapshot(bool wait);
  void CollapseHugePagesInBackground();
  void Run();
  // Moves `taken` into `d` and decides each.
  void Decide(Decided& d, std::vector<Item>& taken);
  void Decide(Decided& d, size_t i);
  bool WriterIdle();
  void WaitWriterIdle();
  // The answer stored under `key`, expired or not, from this batch, one being written, or the
  // journal.
  absl::StatusOr<std::optional<IdempotencyRecord>> FindAnswer(const Decided& d,
                                                              const std::string& key);
  bool Expired(const IdempotencyRecord& r, Instant now) const;
  // On the journal thread, after a batch's replies: deletes answers expired at `now`.
  void PruneAnswers(Instant now);
  void Hand(Decided d);
  void WaitWritten();  // Until every batch handed over is written and answered.
  void Write();        // The journal thread.
  void Answer(Decided& d);
  void Enqueue(Item item);
  // Whether the engine thread should take the queued requests now (under mu_): the journal
  // thread is idle, or `decide_ahead` of them are waiting.
  bool DecideNow() const;

  Options options_;
  std::unique_ptr<Journal> journal_;
  Engine engine_;
  std::mutex mu_;
  std::condition_variable ready_;
  std::deque<Item> queue_;
  bool stopping_ = false;
  bool writer_idle_ = true;  // Guarded by mu_: the journal thread holds no batch.
  // Set by the journal thread when a write fails; nothing more is acknowledged. `failure_` is
  // written before it.
  std::atomic<bool> failed_{false};
  absl::Status failure_;
  std::atomic<uint64_t> durable_seq_{0};
  // Between the engine thread and the journal thread.
  std::mutex write_mu_;
  std::condition_variable write_ready_;
  std::deque<Decided> to_write_;  // Handed over only to an idle journal thread.
  bool writing_ = false;          // The journal thread holds a batch.
  bool write_stop_ = false;
  // The idempotency answers of batches handed over and not yet written.
  absl::flat_hash_map<std::string, IdempotencyRecord> unwritten_answers_;
  std::atomic<uint64_t> idempotency_pruned_{0};
  std::atomic<uint64_t> batches_{0};
  std::atomic<uint64_t> requests_{0};
  std::atomic<uint64_t> snapshots_{0};
  std::atomic<uint64_t> last_snapshot_stall_us_{0};
  std::atomic<uint64_t> last_snapshot_written_seq_{0};
  std::atomic<size_t> queue_depth_{0};
  uint64_t recovery_us_ = 0;  // Set by Open before the threads start.
  uint64_t replayed_events_ = 0;
  Histogram batch_size_;  // Requests per batch handed to the journal thread.
  Histogram sync_us_;     // Of each synced write.
  std::shared_ptr<const Taxonomy> taxonomy_;
  Params params_;
  uint64_t last_snapshot_seq_ = 0;  // Of the newest snapshot recovered, started or tried.
  pid_t snapshot_child_ = 0;        // The child writing a snapshot, if any.
  uint64_t snapshot_child_seq_ = 0;
  uint64_t snapshot_fork_us_ = 0;
  std::thread thread_;
  std::thread writer_;
  std::thread collapser_;                 // Started by the engine thread after a snapshot.
  std::atomic<bool> collapsing_{false};  // While collapser_ runs.
};

}  // namespace subex

#endif  // SUBEX_STORAGE_DURABLE_ENGINE_H_
