#include "pipeline/pipeline.h"

#include <algorithm>
#include <filesystem>
#include <future>
#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/state_hash.h"
#include "pipeline/idempotency.h"
#include "pipeline/journal_writer.h"
#include "pipeline/recovery.h"
#include "pipeline/sequencer.h"
#include "pipeline/snapshotter.h"

namespace subex {
namespace {

// Bytes of the files under `dir`; files that vanish while it looks (RocksDB compacting, a
// snapshot pruned) are skipped.
uint64_t DirectoryBytes(const std::string& dir) {
  namespace fs = std::filesystem;
  uint64_t bytes = 0;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code size_ec;
    if (!it->is_regular_file(size_ec)) continue;
    const uintmax_t size = it->file_size(size_ec);
    if (!size_ec) bytes += size;
  }
  return bytes;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Pipeline>> Pipeline::Recover(
    std::shared_ptr<const Taxonomy> taxonomy, Params params, Options options) {
  absl::StatusOr<std::unique_ptr<Journal>> journal =
      Journal::Open({.dir = options.dir, .sync = options.sync});
  if (!journal.ok()) return journal.status();
  return Recover(std::move(taxonomy), params, std::move(options), *std::move(journal));
}

absl::StatusOr<std::unique_ptr<Pipeline>> Pipeline::Open(std::shared_ptr<const Taxonomy> taxonomy,
                                                         Params params, Options options) {
  absl::StatusOr<std::unique_ptr<Journal>> journal =
      Journal::Open({.dir = options.dir, .sync = options.sync});
  if (!journal.ok()) return journal.status();
  return Open(std::move(taxonomy), params, std::move(options), *std::move(journal));
}

absl::StatusOr<std::unique_ptr<Pipeline>> Pipeline::Open(std::shared_ptr<const Taxonomy> taxonomy,
                                                         Params params, Options options,
                                                         std::unique_ptr<Journal> journal) {
  absl::StatusOr<std::unique_ptr<Pipeline>> pipeline =
      Recover(std::move(taxonomy), params, std::move(options), std::move(journal));
  if (!pipeline.ok()) return pipeline;
  std::vector<Listener> listeners;
  if ((*pipeline)->options_.on_durable) listeners.push_back((*pipeline)->options_.on_durable);
  (*pipeline)->Start(std::move(listeners));
  return pipeline;
}

absl::StatusOr<std::unique_ptr<Pipeline>> Pipeline::Recover(
    std::shared_ptr<const Taxonomy> taxonomy, Params params, Options options,
    std::unique_ptr<Journal> journal) {
  auto engine = std::make_unique<Engine>(taxonomy, params);
  absl::StatusOr<Recovered> recovered = subex::Recover(*journal, taxonomy, params, *engine);
  if (!recovered.ok()) return recovered.status();
  std::unique_ptr<Pipeline> pipeline(
      new Pipeline(std::move(options), std::move(journal), std::move(engine)));
  pipeline->recovered_ = *recovered;
  Pipeline& p = *pipeline;
  p.idempotency_ = std::make_unique<Idempotency>(
      *p.journal_, Idempotency::Options{.retention = p.options_.idempotency_retention,
                                        .prune_step = p.options_.idempotency_prune_step});
  p.writer_ = std::make_unique<JournalWriter>(*p.journal_, *p.idempotency_,
                                              [&p] { p.sequencer_->WriterIdle(); },
                                              p.engine_->state().last_seq());
  p.snapshotter_ = std::make_unique<Snapshotter>(
      *p.journal_, *p.writer_,
      Snapshotter::Options{.every_events = p.options_.snapshot_every_events,
                           .retain_events = p.options_.retain_events,
                           .collapse_huge_pages = p.options_.collapse_huge_pages},
      recovered->snapshot_seq);
  p.sequencer_ = std::make_unique<Sequencer>(
      *p.engine_, *p.writer_, *p.snapshotter_, *p.idempotency_,
      Sequencer::Options{.max_batch = p.options_.max_batch,
                         .decide_ahead = p.options_.decide_ahead,
                         .snapshot_on_close = p.options_.snapshot_on_close});
  return pipeline;
}

void Pipeline::Start(std::vector<Listener> listeners) {
  writer_->Start(std::move(listeners));
  sequencer_->Start();
}

Pipeline::Pipeline(Options options, std::unique_ptr<Journal> journal,
                   std::unique_ptr<Engine> engine)
    : options_(std::move(options)), journal_(std::move(journal)), engine_(std::move(engine)) {}

// The engine thread answers what is queued and waits until it is written; then the journal
// writer, which may still be telling the sequencer it is idle, stops before either is destroyed.
Pipeline::~Pipeline() {
  if (sequencer_) sequencer_->Stop();
  if (writer_) writer_->Stop();
}

void Pipeline::Enqueue(PipelineItem item) { sequencer_->Enqueue(std::move(item)); }

void Pipeline::Submit(Request request) {
  PipelineItem item;
  item.request = std::move(request);
  Enqueue(std::move(item));
}

void Pipeline::Query(std::function<std::string(const State&)> read,
                     std::function<void(absl::StatusOr<std::string>)> done) {
  Enqueue(PipelineItem{std::nullopt, std::move(read), std::move(done)});
}

uint64_t Pipeline::StateHashNow() {
  std::promise<uint64_t> hash;
  Query([](const State& s) { return std::to_string(StateHash(s)); },
        [&hash](absl::StatusOr<std::string> r) { hash.set_value(r.ok() ? std::stoull(*r) : 0); });
  return hash.get_future().get();
}

uint64_t Pipeline::durable_seq() const { return writer_->durable_seq(); }
bool Pipeline::journal_failed() const { return writer_->failed(); }
uint64_t Pipeline::batches() const { return writer_->batches(); }
uint64_t Pipeline::requests() const { return writer_->requests(); }
uint64_t Pipeline::snapshots() const { return snapshotter_->snapshots(); }
uint64_t Pipeline::last_snapshot_stall_us() const { return snapshotter_->last_stall_us(); }
uint64_t Pipeline::idempotency_pruned() const { return idempotency_->pruned(); }
size_t Pipeline::queue_depth() const { return sequencer_->queue_depth(); }

absl::StatusOr<std::vector<Event>> Pipeline::ReadEvents(uint64_t after, size_t limit) const {
  std::vector<Event> out;
  const uint64_t durable = durable_seq();
  if (after >= durable || limit == 0) return out;
  limit = std::min<uint64_t>(limit, durable - after);
  out.reserve(limit);
  // The visitor stops the walk with Cancelled once it has enough.
  absl::Status s = journal_->Replay(after, [&](const Event& e) {
    out.push_back(e);
    return out.size() < limit ? absl::OkStatus() : absl::CancelledError();
  });
  if (s.ok() || absl::IsCancelled(s)) return out;
  if (out.empty() && absl::IsDataLoss(s) && after + 1 < journal_->first_seq()) {
    return absl::OutOfRangeError(
        absl::StrCat("events up to ", journal_->first_seq() - 1, " are no longer retained"));
  }
  return s;
}

void Pipeline::WriteMetrics(MetricsText& out) const {
  out.Family("subex_engine_queue_depth", "gauge",
             "Requests queued for the engine thread and not yet taken into a batch.");
  out.Sample("subex_engine_queue_depth", {}, static_cast<uint64_t>(queue_depth()));
  out.Family("subex_engine_requests_total", "counter",
             "Requests (commands and reads) the engine thread has answered.");
  out.Sample("subex_engine_requests_total", {}, requests());
  writer_->WriteBatchSizes(out);
  out.Family("subex_journal_batches_total", "counter",
             "Batches written to the journal, each in one synced write.");
  out.Sample("subex_journal_batches_total", {}, batches());
  writer_->WriteSyncTimes(out);
  out.Family("subex_journal_durable_seq", "gauge", "Sequence number of the newest durable event.");
  out.Sample("subex_journal_durable_seq", {}, durable_seq());
  const uint64_t last = journal_->last_seq(), first = journal_->first_seq();
  out.Family("subex_journal_events", "gauge", "Events the journal keeps (after pruning).");
  out.Sample("subex_journal_events", {}, last + 1 > first ? last + 1 - first : 0);
  if (!options_.dir.empty()) {
    out.Family("subex_journal_bytes", "gauge",
               "Bytes of the journal's directory on disk, its snapshots included.");
    out.Sample("subex_journal_bytes", {}, DirectoryBytes(options_.dir));
  }
  out.Family("subex_journal_failed", "gauge",
             "1 once a journal write has failed: the engine acknowledges nothing more (503).");
  out.Sample("subex_journal_failed", {}, uint64_t{journal_failed() ? 1u : 0u});
  out.Family("subex_idempotency_pruned_total", "counter",
             "Expired idempotency answers deleted from the journal since the server started.");
  out.Sample("subex_idempotency_pruned_total", {}, idempotency_pruned());
  out.Family("subex_snapshots_total", "counter", "Snapshots written since the server started.");
  out.Sample("subex_snapshots_total", {}, snapshots());
  out.Family("subex_snapshot_seq", "gauge", "Sequence number the newest snapshot holds.");
  out.Sample("subex_snapshot_seq", {}, snapshotter_->written_seq());
  out.Family("subex_snapshot_stall_seconds", "gauge",
             "How long the latest periodic snapshot held up the engine thread.");
  out.Sample("subex_snapshot_stall_seconds", {},
             static_cast<double>(last_snapshot_stall_us()) * 1e-6);
  out.Family("subex_recovery_seconds", "gauge",
             "Time the start took to restore the newest snapshot and replay the journal after it.");
  out.Sample("subex_recovery_seconds", {}, static_cast<double>(recovery_us()) * 1e-6);
  out.Family("subex_recovery_replayed_events", "gauge",
             "Events the start replayed after the newest snapshot.");
  out.Sample("subex_recovery_replayed_events", {}, replayed_events());
}

}  // namespace subex
