// Sequencer — the engine thread of PRODUCT §8: it owns the engine, takes whatever is queued
// (up to `max_batch`: one request when idle, hundreds under load), decides and applies each
// command in order, answers each read from the state as the batch left it, and hands the batch
// to the journal writer as soon as that is idle. While a batch is synced the next one grows with
// every request that arrives meanwhile, so the cost of one fsync is shared by all of them.
//
// Thread-safety: Enqueue and queue_depth from any thread; WriterIdle from the journal writer's
// thread; the engine is touched by the engine thread alone once Start has run.

#ifndef SUBEX_PIPELINE_SEQUENCER_H_
#define SUBEX_PIPELINE_SEQUENCER_H_

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "engine/engine.h"
#include "pipeline/batch.h"
#include "pipeline/idempotency.h"
#include "pipeline/journal_writer.h"
#include "pipeline/snapshotter.h"

namespace subex {

class Sequencer {
 public:
  struct Options {
    size_t max_batch = 1024;
    // While a batch is being synced, decide the requests queued behind it once this many are
    // waiting (pipeline/pipeline.h).
    size_t decide_ahead = 1;
    bool snapshot_on_close = false;
  };

  // Everything passed in must outlive it.
  Sequencer(Engine& engine, JournalWriter& writer, Snapshotter& snapshotter,
            Idempotency& idempotency, Options options);
  ~Sequencer();  // Stop().

  void Start();
  // Decides what is queued, waits until it is answered, then stops the engine thread.
  void Stop();
  void Enqueue(PipelineItem item);
  // The journal writer is done with its batch.
  void WriterIdle();
  size_t queue_depth() const { return queue_depth_.load(std::memory_order_relaxed); }

 private:
  void Run();
  // Moves `taken` into `batch` and decides each.
  void Decide(Batch& batch, std::vector<PipelineItem>& taken);
  void Decide(Batch& batch, size_t i);
  bool IsWriterIdle();
  void WaitWriterIdle();
  void Hand(Batch batch);
  // Whether to take the queued requests now (under mu_): the writer is idle, or `decide_ahead`
  // of them are waiting.
  bool DecideNow() const;

  Engine& engine_;
  JournalWriter& writer_;
  Snapshotter& snapshotter_;
  Idempotency& idempotency_;
  const Options options_;
  std::mutex mu_;
  std::condition_variable ready_;
  std::deque<PipelineItem> queue_;
  bool stopping_ = false;
  bool writer_idle_ = true;  // Guarded by mu_: the journal writer holds no batch.
  std::atomic<size_t> queue_depth_{0};
  std::thread thread_;
};

}  // namespace subex

#endif  // SUBEX_PIPELINE_SEQUENCER_H_
