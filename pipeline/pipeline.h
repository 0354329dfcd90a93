// Pipeline — the single-writer pipeline of PRODUCT §8: one thread owns the engine; callers queue
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
// A request's idempotency key (pipeline/idempotency.h: scoped to its caller, refused when reused
// for another request) is looked up on the engine thread before the command runs, so two
// requests with one key never both run, even in one batch or across a restart. A stored answer
// expires `idempotency_retention` after the `now` of the request that stored it: judged by each
// request's own `now` (the engine thread reads no clock), an expired answer is absent, whether
// or not it has been pruned yet, and the request runs as a new one. The journal thread prunes
// expired answers after each batch's replies have left, a bounded step at a time.
//
//   SUBEX_ASSIGN_OR_RETURN(auto engine, Pipeline::Open(taxonomy, params, {.dir = "data"}));
//   engine->Submit({.command = PlaceOrder{...}, .now = clock(), .reply = [](Result r) {...}});
//
// What it does is counted for the operator (`WriteMetrics`): the queue's depth, batch sizes, sync
// latency, the journal's size, snapshots and the time recovery took. The two threads record into
// sharded atomics (telemetry/metrics.h) and take no lock for it.
//
// Its parts, each with one job: the sequencer (pipeline/sequencer.h: queue, batch, decide,
// apply), the journal writer (pipeline/journal_writer.h: group commit, listeners, replies), the
// snapshotter (pipeline/snapshotter.h: fork, reap, prune, huge pages), idempotency
// (pipeline/idempotency.h) and recovery (pipeline/recovery.h). This class builds and owns them.
//
// Thread-safety: Submit and Query are safe from any thread; `render` and `read` run on the engine
// thread, replies and `done` on the journal thread, and none of them may block.

#ifndef SUBEX_PIPELINE_PIPELINE_H_
#define SUBEX_PIPELINE_PIPELINE_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/engine.h"
#include "pipeline/batch.h"
#include "pipeline/recovery.h"
#include "storage/journal.h"
#include "telemetry/metrics.h"

namespace subex {

class Idempotency;
class JournalWriter;
class Sequencer;
class Snapshotter;

class Pipeline {
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
    // For Open: called on the journal thread with each batch's events once they are durable,
    // before any of the batch's replies leave, so whoever hears of an event from a reply can
    // already read it. Must not block. (subexd passes its listeners to Start instead.)
    std::function<void(std::span<const Event>)> on_durable;
  };

  // What a command came to, and a command on its way (pipeline/batch.h).
  using Result = PipelineResult;
  using Request = PipelineRequest;

  // Hears each batch's events once they are durable, on the journal writer's thread, before any
  // of the batch's replies leave. Must not block.
  using Listener = std::function<void(std::span<const Event>)>;

  // Opens the journal and rebuilds the state from it; nothing runs until Start. What is built
  // on the recovered pipeline before it starts (the API's feed, say) can listen from its first
  // batch on.
  static absl::StatusOr<std::unique_ptr<Pipeline>> Recover(
      std::shared_ptr<const Taxonomy> taxonomy, Params params, Options options);
  // Starts the engine thread and the journal writer, with `listeners` hearing every batch from
  // the first. Once, before the first Submit or Query.
  void Start(std::vector<Listener> listeners);

  // Recover, then Start with `options.on_durable` as the one listener.
  static absl::StatusOr<std::unique_ptr<Pipeline>> Open(
      std::shared_ptr<const Taxonomy> taxonomy, Params params, Options options);
  // As above, over a journal the caller opened (`options.dir` and `sync` are then unused).
  static absl::StatusOr<std::unique_ptr<Pipeline>> Open(
      std::shared_ptr<const Taxonomy> taxonomy, Params params, Options options,
      std::unique_ptr<Journal> journal);
  ~Pipeline();  // Answers what is queued, then stops.

  void Submit(Request request);

  // Runs `read` on the engine thread, in queue order, and delivers `done` once every event
  // `read` could have seen is durable. `read` returns what `done` receives.
  void Query(std::function<std::string(const State&)> read,
             std::function<void(absl::StatusOr<std::string>)> done);

  // The newest event that is durable (and so may be shown to anyone). Safe from any thread.
  uint64_t durable_seq() const;

  // Up to `limit` durable events after `after`, oldest first, read from the journal (not the
  // engine thread). OutOfRange when events after `after` are no longer retained. Safe from any
  // thread.
  absl::StatusOr<std::vector<Event>> ReadEvents(uint64_t after, size_t limit) const;

  // Whether a journal write has failed: from then on nothing more is acknowledged (every
  // request is answered Unavailable). Safe from any thread.
  bool journal_failed() const;

  // Counters for operations: batches written and requests answered so far.
  uint64_t batches() const;
  uint64_t requests() const;
  // Snapshots written since start, and how long the latest one held up the engine thread: waiting
  // for the batch being synced (a snapshot holds only durable events) and the fork, plus
  // recording the finished snapshot and pruning. A snapshot still being written is not counted;
  // closing the engine waits for it.
  uint64_t snapshots() const;
  uint64_t last_snapshot_stall_us() const;
  // Expired idempotency answers deleted since start.
  uint64_t idempotency_pruned() const;
  // How long `Open` took to restore the snapshot and replay the journal after it, and how many
  // events it replayed.
  uint64_t recovery_us() const { return recovered_.micros; }
  uint64_t replayed_events() const { return recovered_.replayed_events; }
  // Requests queued and not yet taken into a batch.
  size_t queue_depth() const;

  // Appends the engine's and the journal's metric families (subex_engine_*, subex_journal_*,
  // subex_snapshot*, subex_recovery_*) in the Prometheus text format. Safe from any thread; reads
  // the journal's directory for its size.
  void WriteMetrics(MetricsText& out) const;
  // The state hash, computed on the engine thread (for tests and recovery checks).
  uint64_t StateHashNow();

 private:
  Pipeline(Options options, std::unique_ptr<Journal> journal, std::unique_ptr<Engine> engine);
  static absl::StatusOr<std::unique_ptr<Pipeline>> Recover(
      std::shared_ptr<const Taxonomy> taxonomy, Params params, Options options,
      std::unique_ptr<Journal> journal);
  void Enqueue(PipelineItem item);

  const Options options_;
  std::unique_ptr<Journal> journal_;
  std::unique_ptr<Engine> engine_;  // Touched by the sequencer's thread alone once started.
  Recovered recovered_;
  // The parts, in the order they are built; the threads stop in the reverse order.
  std::unique_ptr<Idempotency> idempotency_;
  std::unique_ptr<JournalWriter> writer_;
  std::unique_ptr<Snapshotter> snapshotter_;
  std::unique_ptr<Sequencer> sequencer_;
};

}  // namespace subex

#endif  // SUBEX_PIPELINE_PIPELINE_H_
