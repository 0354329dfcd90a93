#include "pipeline/journal_writer.h"

#include <chrono>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "pipeline/elapsed.h"
#include "telemetry/log.h"

namespace subex {
namespace {

// From 50 µs (a sync on a fast NVMe) to 2.5 s (a disk in trouble).
std::vector<uint64_t> SyncBoundsUs() {
  return {50,     100,    250,     500,     1'000,   2'500,     5'000,    10'000,
          25'000, 50'000, 100'000, 250'000, 500'000, 1'000'000, 2'500'000};
}

}  // namespace

JournalWriter::JournalWriter(Journal& journal, Idempotency& idempotency,
                             std::function<void()> on_idle, uint64_t durable_seq)
    : journal_(journal),
      idempotency_(idempotency),
      on_idle_(std::move(on_idle)),
      durable_seq_(durable_seq),
      batch_size_(Histogram::ExponentialBounds(1, 2, 65'536)),
      sync_us_(SyncBoundsUs()) {}

JournalWriter::~JournalWriter() { Stop(); }

void JournalWriter::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  ready_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void JournalWriter::Start(std::vector<Listener> listeners) {
  listeners_ = std::move(listeners);
  thread_ = std::thread([this] { Run(); });
}

void JournalWriter::Hand(Batch batch) {
  idempotency_.Handed(batch);
  std::lock_guard<std::mutex> lock(mu_);
  to_write_.push_back(std::move(batch));
  ready_.notify_all();
}

void JournalWriter::WaitWritten() {
  std::unique_lock<std::mutex> lock(mu_);
  ready_.wait(lock, [this] { return to_write_.empty() && !writing_; });
}

void JournalWriter::Run() {
  for (;;) {
    Batch batch;
    {
      std::unique_lock<std::mutex> lock(mu_);
      ready_.wait(lock, [this] { return stop_ || !to_write_.empty(); });
      if (to_write_.empty()) return;  // Stopping, and everything handed over is answered.
      batch = std::move(to_write_.front());
      to_write_.pop_front();
      writing_ = true;
      ready_.notify_all();  // Room for the next batch.
    }
    batch_size_.Observe(batch.items.size());
    if (!failed() && (!batch.events.empty() || !batch.records.empty())) Write(batch);
    Answer(batch);
    idempotency_.Written(batch);
    if (!failed() && batch.now.unix_ms != 0) idempotency_.Prune(batch.now);
    {
      std::lock_guard<std::mutex> lock(mu_);
      writing_ = false;
      ready_.notify_all();
    }
    on_idle_();
  }
}

void JournalWriter::Write(Batch& batch) {
  const auto start = std::chrono::steady_clock::now();
  absl::Status s = journal_.Append(batch.events, batch.records);
  sync_us_.Observe(MicrosSince(start));
  if (!s.ok()) {
    // The state in memory is now ahead of the disk: acknowledge nothing, ever again.
    failure_ = absl::UnavailableError(
        absl::StrCat("the journal cannot write; not acknowledging: ", std::string(s.message())));
    failed_.store(true, std::memory_order_release);
    Log(LogLevel::kError, "the journal cannot write; answering 503 from now on",
        {{"error", std::string(s.message())}});
  } else if (!batch.events.empty()) {
    durable_seq_.store(batch.events.back().seq, std::memory_order_release);
    for (const Listener& listener : listeners_) listener(batch.events);
  }
  batches_.fetch_add(1);
}

void JournalWriter::Answer(Batch& batch) {
  const bool failed = this->failed();
  // Counted before the answers leave, so that whoever gets an answer sees it counted.
  requests_.fetch_add(batch.items.size());
  for (size_t i = 0; i < batch.items.size(); ++i) {
    PipelineItem& item = batch.items[i];
    if (item.request) {
      if (failed) {
        batch.results[i] = PipelineResult();
        batch.results[i].status = failure_;
      }
      if (item.request->reply) item.request->reply(std::move(batch.results[i]));
    } else if (item.done) {
      if (failed) {
        item.done(failure_);
      } else {
        item.done(std::move(batch.answers[i]));
      }
    }
  }
}

void JournalWriter::WriteBatchSizes(MetricsText& out) const {
  out.Family("subex_engine_batch_size", "histogram",
             "Requests per batch the engine thread decided and handed to the journal.");
  out.Histogram("subex_engine_batch_size", {}, batch_size_.Read());
}

void JournalWriter::WriteSyncTimes(MetricsText& out) const {
  out.Family("subex_journal_sync_seconds", "histogram",
             "Time of one synced journal write (a batch's events and idempotency records).");
  out.Histogram("subex_journal_sync_seconds", {}, sync_us_.Read(), 1e-6);
}

}  // namespace subex
