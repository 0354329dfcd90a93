// JournalWriter — the group commit of PRODUCT §8: the thread that writes each batch's events and
// idempotency answers to the journal in one synced write, then tells the listeners of the events
// and only then releases the batch's replies, batch after batch in order.
//
// It takes one batch at a time (`Hand`, only when it is idle), so the sequencer decides the next
// batch while this one is synced. If a write fails it stops acknowledging: that batch and every
// later one is answered Unavailable (HTTP 503), and nothing claims durability it does not have.
//
// Thread-safety: Hand and WaitWritten from the engine thread; the accessors from any thread.
// `on_durable`, `on_idle` and the replies run on the writer's own thread and must not block.

#ifndef SUBEX_PIPELINE_JOURNAL_WRITER_H_
#define SUBEX_PIPELINE_JOURNAL_WRITER_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "pipeline/batch.h"
#include "pipeline/idempotency.h"
#include "storage/journal.h"
#include "telemetry/metrics.h"

namespace subex {

class JournalWriter {
 public:
  // Called with each batch's events once they are durable, before any of the batch's replies
  // leave: whoever hears of an event from a reply can already read it.
  using Listener = std::function<void(std::span<const Event>)>;

  // `journal` and `idempotency` must outlive it. `on_idle` is called each time a batch is done.
  JournalWriter(Journal& journal, Idempotency& idempotency, std::function<void()> on_idle,
                uint64_t durable_seq);
  ~JournalWriter();  // Stop().

  // Starts the thread; `listeners` hear every batch written from now on. Once.
  void Start(std::vector<Listener> listeners);
  // Writes and answers what it was handed, then stops the thread.
  void Stop();
  // Only when idle (the previous batch is done).
  void Hand(Batch batch);
  // Until every batch handed over is written and answered.
  void WaitWritten();

  bool failed() const { return failed_.load(std::memory_order_acquire); }
  uint64_t durable_seq() const { return durable_seq_.load(std::memory_order_acquire); }
  uint64_t batches() const { return batches_.load(); }
  uint64_t requests() const { return requests_.load(); }

  // subex_engine_batch_size and subex_journal_sync_seconds.
  void WriteBatchSizes(MetricsText& out) const;
  void WriteSyncTimes(MetricsText& out) const;

 private:
  void Run();
  void Write(Batch& batch);
  void Answer(Batch& batch);

  Journal& journal_;
  Idempotency& idempotency_;
  std::vector<Listener> listeners_;  // Set before the thread starts.
  const std::function<void()> on_idle_;
  std::mutex mu_;
  std::condition_variable ready_;
  std::deque<Batch> to_write_;  // Handed over only to an idle writer.
  bool writing_ = false;        // The thread holds a batch.
  bool stop_ = false;
  // Set when a write fails; nothing more is acknowledged. `failure_` is written before it.
  std::atomic<bool> failed_{false};
  absl::Status failure_;
  std::atomic<uint64_t> durable_seq_;
  std::atomic<uint64_t> batches_{0};
  std::atomic<uint64_t> requests_{0};
  Histogram batch_size_;  // Requests per batch.
  Histogram sync_us_;     // Of each synced write.
  std::thread thread_;
};

}  // namespace subex

#endif  // SUBEX_PIPELINE_JOURNAL_WRITER_H_
