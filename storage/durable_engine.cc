#include "storage/durable_engine.h"

#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <future>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "engine/state_hash.h"
#include "storage/huge_pages.h"
#include "storage/snapshot.h"
#include "telemetry/log.h"

namespace subex {
namespace {

uint64_t MicrosSince(std::chrono::steady_clock::time_point start) {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                   std::chrono::steady_clock::now() - start)
                                   .count());
}

// From 50 µs (a sync on a fast NVMe) to 2.5 s (a disk in trouble).
std::vector<uint64_t> SyncBoundsUs() {
  return {50,     100,    250,     500,     1'000,   2'500,     5'000,    10'000,
          25'000, 50'000, 100'000, 250'000, 500'000, 1'000'000, 2'500'000};
}

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

absl::StatusOr<std::unique_ptr<DurableEngine>> DurableEngine::Open(
    std::shared_ptr<const Taxonomy> taxonomy, Params params, Options options) {
  absl::StatusOr<std::unique_ptr<Journal>> journal =
      Journal::Open({.dir = options.dir, .sync = options.sync});
  if (!journal.ok()) return journal.status();
  return Open(std::move(taxonomy), params, std::move(options), *std::move(journal));
}

absl::StatusOr<std::unique_ptr<DurableEngine>> DurableEngine::Open(
    std::shared_ptr<const Taxonomy> taxonomy, Params params, Options options,
    std::unique_ptr<Journal> journal) {
  std::unique_ptr<DurableEngine> engine(
      new DurableEngine(std::move(taxonomy), params, std::move(options), std::move(journal)));
  const auto start = std::chrono::steady_clock::now();
  if (absl::Status s = engine->Recover(); !s.ok()) return s;
  engine->recovery_us_ = MicrosSince(start);
  engine->durable_seq_.store(engine->engine_.state().last_seq(), std::memory_order_release);
  engine->writer_ = std::thread([e = engine.get()] { e->Write(); });
  engine->thread_ = std::thread([e = engine.get()] { e->Run(); });
  return engine;
}

DurableEngine::DurableEngine(std::shared_ptr<const Taxonomy> taxonomy, Params params,
                             Options options, std::unique_ptr<Journal> journal)
    : options_(std::move(options)),
      journal_(std::move(journal)),
      engine_(taxonomy, params),
      batch_size_(Histogram::ExponentialBounds(1, 2, 65'536)),
      sync_us_(SyncBoundsUs()),
      taxonomy_(std::move(taxonomy)),
      params_(params) {}

DurableEngine::~DurableEngine() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  ready_.notify_one();
  if (thread_.joinable()) thread_.join();
  {
    std::lock_guard<std::mutex> lock(write_mu_);
    write_stop_ = true;
  }
  write_ready_.notify_all();
  if (writer_.joinable()) writer_.join();
  if (collapser_.joinable()) collapser_.join();
}

absl::Status DurableEngine::Recover() {
  // The newest snapshot, then every event after it.
  absl::StatusOr<std::optional<Journal::Snapshot>> snapshot = journal_->LatestSnapshot();
  if (!snapshot.ok()) return snapshot.status();
  if (*snapshot) {
    absl::StatusOr<std::unique_ptr<State>> state =
        DecodeSnapshot((*snapshot)->bytes, taxonomy_, params_);
    if (!state.ok()) {
      return absl::DataLossError(absl::StrCat("snapshot at event ", (*snapshot)->seq,
                                              " cannot be restored: ", state.status().message()));
    }
    engine_ = Engine(*std::move(state));
    last_snapshot_seq_ = (*snapshot)->seq;
    last_snapshot_written_seq_.store((*snapshot)->seq);
  }
  engine_.BeginBulkReplay();
  absl::Status replayed = journal_->Replay(engine_.state().last_seq(), [this](const Event& e) {
    if (e.seq != engine_.state().last_seq() + 1) {
      return absl::DataLossError(
          absl::StrCat("journal: event ", e.seq, " does not follow ", engine_.state().last_seq()));
    }
    engine_.Replay(e);
    ++replayed_events_;
    return absl::OkStatus();
  });
  engine_.EndBulkReplay();
  return replayed;
}

void DurableEngine::MaybeSnapshot() {
  if (snapshot_child_ > 0) {
    ReapSnapshot(/*wait=*/false);
    return;
  }
  const uint64_t seq = engine_.state().last_seq();
  if (options_.snapshot_every_events == 0 ||
      seq - last_snapshot_seq_ < options_.snapshot_every_events) {
    return;
  }
  StartSnapshot(seq);
}

// Every event up to `seq` is made durable first (the batch on its way to the journal is waited
// for), so the snapshot never holds anything the journal could lose.
void DurableEngine::StartSnapshot(uint64_t seq) {
  const auto start = std::chrono::steady_clock::now();
  WaitWritten();
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid == 0) {
    // The child: only this thread was copied, and the locks other threads held stay held, so it
    // touches nothing they use (RocksDB, the queue), runs no destructors, and leaves by _exit.
    // It dies with the engine thread, so a killed server leaves no writer behind.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(2);
    std::string bytes;
    EncodeSnapshot(engine_.state(), bytes);
    _exit(journal_->WriteSnapshot(seq, bytes).ok() ? 0 : 1);
  }
  snapshot_fork_us_ = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                                std::chrono::steady_clock::now() - start)
                                                .count());
  // A snapshot that cannot be made costs only recovery time: the journal still holds every
  // event, so the engine goes on acknowledging and tries again an interval later.
  last_snapshot_seq_ = seq;
  if (pid < 0) return;
  snapshot_child_ = pid;
  snapshot_child_seq_ = seq;
}

void DurableEngine::ReapSnapshot(bool wait) {
  if (snapshot_child_ <= 0) return;
  const auto start = std::chrono::steady_clock::now();
  int status = 0;
  pid_t done = 0;
  do {
    done = waitpid(snapshot_child_, &status, wait ? 0 : WNOHANG);
  } while (done < 0 && errno == EINTR);
  if (done == 0) return;  // Still writing.
  snapshot_child_ = 0;
  const uint64_t seq = snapshot_child_seq_;
  if (done < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    Log(LogLevel::kWarn, "snapshot failed; the journal still holds every event",
        {{"seq", seq}, {"exit_status", WIFEXITED(status) ? WEXITSTATUS(status) : -1}});
    return;
  }
  PruneBefore(seq);
  last_snapshot_stall_us_.store(snapshot_fork_us_ + MicrosSince(start));
  last_snapshot_written_seq_.store(seq);
  // Counted last, so that whoever sees it counted sees the pruning done and the stall.
  snapshots_.fetch_add(1);
  Log(LogLevel::kInfo, "snapshot written",
      {{"seq", seq}, {"stall_us", last_snapshot_stall_us_.load()}});
  if (options_.collapse_huge_pages) CollapseHugePagesInBackground();
}

// One collapse at a time; a snapshot that ends while one still runs starts none.
void DurableEngine::CollapseHugePagesInBackground() {
  if (collapsing_.load()) return;
  if (collapser_.joinable()) collapser_.join();
  collapsing_.store(true);
  collapser_ = std::thread([this] {
    const auto start = std::chrono::steady_clock::now();
    const CollapseResult r = CollapseHugePages();
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

void DurableEngine::PruneBefore(uint64_t seq) {
  if (seq <= options_.retain_events) return;
  WaitWritten();  // The journal has one writer at a time.
  if (absl::Status s = journal_->PruneBefore(seq - options_.retain_events); !s.ok()) {
    Log(LogLevel::kWarn, "pruning the journal failed", {{"error", std::string(s.message())}});
  }
}

// Everything is written and answered, and no child is writing: the engine thread has the journal
// to itself.
void DurableEngine::SnapshotOnClose() {
  const uint64_t seq = engine_.state().last_seq();
  if (failed_.load(std::memory_order_acquire) || seq == last_snapshot_written_seq_.load()) return;
  const auto start = std::chrono::steady_clock::now();
  std::string bytes;
  EncodeSnapshot(engine_.state(), bytes);
  if (absl::Status s = journal_->WriteSnapshot(seq, bytes); !s.ok()) {
    Log(LogLevel::kWarn, "snapshot on stop failed; the journal still holds every event",
        {{"seq", seq}, {"error", std::string(s.message())}});
    return;
  }
  last_snapshot_seq_ = seq;
  PruneBefore(seq);
  last_snapshot_written_seq_.store(seq);
  snapshots_.fetch_add(1);
  Log(LogLevel::kInfo, "snapshot written on stop",
      {{"seq", seq},
       {"bytes", static_cast<uint64_t>(bytes.size())},
       {"ms", MicrosSince(start) / 1000}});
}

void DurableEngine::Enqueue(Item item) {
  bool wake = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(std::move(item));
    queue_depth_.store(queue_.size(), std::memory_order_relaxed);
    wake = DecideNow();
  }
  // Otherwise the journal thread wakes the engine thread when its sync ends.
  if (wake) ready_.notify_one();
}

bool DurableEngine::DecideNow() const {
  return !queue_.empty() && (writer_idle_ || queue_.size() >= options_.decide_ahead);
}

void DurableEngine::Submit(Request request) {
  Item item;
  item.request = std::move(request);
  Enqueue(std::move(item));
}

void DurableEngine::Query(std::function<std::string(const State&)> read,
                          std::function<void(absl::StatusOr<std::string>)> done) {
  Enqueue(Item{std::nullopt, std::move(read), std::move(done)});
}

uint64_t DurableEngine::StateHashNow() {
  std::promise<uint64_t> hash;
  Query([](const State& s) { return std::to_string(StateHash(s)); },
        [&hash](absl::StatusOr<std::string> r) { hash.set_value(r.ok() ? std::stoull(*r) : 0); });
  return hash.get_future().get();
}

absl::StatusOr<std::vector<Event>> DurableEngine::ReadEvents(uint64_t after, size_t limit) const {
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

// The engine thread decides whatever is queued into the pending batch, and hands that batch to
// the journal thread as soon as it is idle: while a batch is synced the next one grows with every
// request that arrives meanwhile (up to max_batch), as the batch used to grow while the engine
// thread itself waited for the sync.
void DurableEngine::Run() {
  Decided pending;
  for (;;) {
    std::vector<Item> taken;
    bool stop = false;
    {
      std::unique_lock<std::mutex> lock(mu_);
      auto woken = [&] {
        return stopping_ || DecideNow() || (!pending.items.empty() && writer_idle_);
      };
      if (snapshot_child_ > 0 && pending.items.empty()) {
        // Come round now and then even when idle, to record the snapshot once it is written.
        ready_.wait_for(lock, std::chrono::milliseconds(20), woken);
      } else {
        ready_.wait(lock, woken);
      }
      while (!queue_.empty() && pending.items.size() + taken.size() < options_.max_batch) {
        taken.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      queue_depth_.store(queue_.size(), std::memory_order_relaxed);
      stop = stopping_ && queue_.empty();
    }
    if (!taken.empty()) Decide(pending, taken);
    if (!pending.items.empty()) {
      if (pending.items.size() >= options_.max_batch || stop) WaitWriterIdle();
      if (WriterIdle()) {
        Hand(std::move(pending));
        pending = Decided();
        // Between batches, with the next one free to be decided while this one is written.
        if (!failed_.load(std::memory_order_acquire)) MaybeSnapshot();
      }
      continue;
    }
    if (!taken.empty()) continue;
    // Stopping, and everything queued has been decided: it is written and answered, and the
    // snapshot being written is finished, or this thread's end would kill it.
    if (stop) WaitWritten();
    ReapSnapshot(/*wait=*/stop);
    if (stop) {
      if (options_.snapshot_on_close) SnapshotOnClose();
      return;
    }
  }
}

bool DurableEngine::WriterIdle() {
  std::lock_guard<std::mutex> lock(mu_);
  return writer_idle_;
}

void DurableEngine::WaitWriterIdle() {
  std::unique_lock<std::mutex> lock(mu_);
  ready_.wait(lock, [this] { return writer_idle_; });
}

void DurableEngine::Decide(Decided& d, std::vector<Item>& taken) {
  const size_t first = d.items.size();
  for (Item& item : taken) d.items.push_back(std::move(item));
  d.results.resize(d.items.size());
  d.answers.resize(d.items.size());
  if (failed_.load(std::memory_order_acquire)) return;  // The journal thread answers them.
  for (size_t i = first; i < d.items.size(); ++i) Decide(d, i);
}

void DurableEngine::Decide(Decided& d, size_t i) {
  Item& item = d.items[i];
  if (!item.request) {
    d.answers[i] = item.read(engine_.state());
    return;
  }
  Request& req = *item.request;
  Result& r = d.results[i];
  std::optional<Instant> replaces;  // The stored_at of the expired answer this one replaces.
  if (!req.idempotency_key.empty()) {
    absl::StatusOr<std::optional<IdempotencyRecord>> stored = FindAnswer(d, req.idempotency_key);
    if (!stored.ok()) {
      // Without the lookup the command might run twice; it is not run at all.
      r.status = absl::UnavailableError(absl::StrCat("cannot read the idempotency record: ",
                                                     std::string(stored.status().message())));
      return;
    }
    if (stored->has_value() && !Expired(**stored, req.now)) {
      r.rendered = std::move((*stored)->value);
      r.replayed = true;
      return;
    }
    if (stored->has_value()) replaces = (*stored)->stored_at;
  }
  Engine::Outcome out = engine_.Execute(req.command, req.now);
  r.rejection = std::move(out.rejection);
  r.events.assign(out.events.begin(), out.events.end());
  d.events.insert(d.events.end(), out.events.begin(), out.events.end());
  d.now = std::max(d.now, req.now);
  if (req.render) r.rendered = req.render(r, engine_.state());
  if (!req.idempotency_key.empty()) {
    d.keys.insert_or_assign(req.idempotency_key, d.records.size());
    d.records.push_back({req.idempotency_key, r.rendered, req.now, replaces});
  }
}

bool DurableEngine::Expired(const IdempotencyRecord& r, Instant now) const {
  return now.unix_ms - r.stored_at.unix_ms >= options_.idempotency_retention.count();
}

// A key repeated inside the batch is found there; one handed to the journal thread but perhaps
// not written yet is found in unwritten_answers_, and once written it is in the journal before
// it leaves that map, so no lookup falls between the two.
absl::StatusOr<std::optional<IdempotencyRecord>> DurableEngine::FindAnswer(
    const Decided& d, const std::string& key) {
  if (auto it = d.keys.find(key); it != d.keys.end()) {
    return std::optional<IdempotencyRecord>(d.records[it->second]);
  }
  {
    std::lock_guard<std::mutex> lock(write_mu_);
    if (auto it = unwritten_answers_.find(key); it != unwritten_answers_.end()) {
      return std::optional<IdempotencyRecord>(it->second);
    }
  }
  return journal_->FindIdempotencyRecord(key);
}

// Only when the journal thread is idle: one batch is written while the next is decided.
void DurableEngine::Hand(Decided d) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    writer_idle_ = false;
  }
  std::lock_guard<std::mutex> lock(write_mu_);
  for (const IdempotencyRecord& r : d.records) unwritten_answers_.insert_or_assign(r.key, r);
  to_write_.push_back(std::move(d));
  write_ready_.notify_all();
}

void DurableEngine::WaitWritten() {
  std::unique_lock<std::mutex> lock(write_mu_);
  write_ready_.wait(lock, [this] { return to_write_.empty() && !writing_; });
}

void DurableEngine::Write() {
  for (;;) {
    Decided d;
    {
      std::unique_lock<std::mutex> lock(write_mu_);
      write_ready_.wait(lock, [this] { return write_stop_ || !to_write_.empty(); });
      if (to_write_.empty()) return;  // Stopping, and everything handed over is answered.
      d = std::move(to_write_.front());
      to_write_.pop_front();
      writing_ = true;
      write_ready_.notify_all();  // Room for the next batch.
    }
    batch_size_.Observe(d.items.size());
    if (!failed_.load(std::memory_order_acquire) && (!d.events.empty() || !d.records.empty())) {
      const auto start = std::chrono::steady_clock::now();
      absl::Status s = journal_->Append(d.events, d.records);
      sync_us_.Observe(MicrosSince(start));
      if (!s.ok()) {
        // The state in memory is now ahead of the disk: acknowledge nothing, ever again.
        failure_ = absl::UnavailableError(absl::StrCat(
            "the journal cannot write; not acknowledging: ", std::string(s.message())));
        failed_.store(true, std::memory_order_release);
        Log(LogLevel::kError, "the journal cannot write; answering 503 from now on",
            {{"error", std::string(s.message())}});
      } else if (!d.events.empty()) {
        durable_seq_.store(d.events.back().seq, std::memory_order_release);
        if (options_.on_durable) options_.on_durable(d.events);
      }
      batches_.fetch_add(1);
    }
    Answer(d);
    {
      std::lock_guard<std::mutex> lock(write_mu_);
      for (const IdempotencyRecord& r : d.records) {
        // Unless a later batch, handed over meanwhile, stored a newer answer under the key.
        auto it = unwritten_answers_.find(r.key);
        if (it != unwritten_answers_.end() && it->second.stored_at == r.stored_at) {
          unwritten_answers_.erase(it);
        }
      }
    }
    if (!failed_.load(std::memory_order_acquire) && d.now.unix_ms != 0) PruneAnswers(d.now);
    {
      std::lock_guard<std::mutex> lock(write_mu_);
      writing_ = false;
      write_ready_.notify_all();
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      writer_idle_ = true;
    }
    ready_.notify_one();
  }
}

void DurableEngine::PruneAnswers(Instant now) {
  const Instant expired_up_to{now.unix_ms - options_.idempotency_retention.count()};
  absl::StatusOr<size_t> pruned =
      journal_->PruneIdempotency(expired_up_to, options_.idempotency_prune_step);
  if (!pruned.ok()) {
    // Only space is lost: expired answers are never replayed, pruned or not.
    Log(LogLevel::kWarn, "pruning idempotency answers failed",
        {{"error", std::string(pruned.status().message())}});
    return;
  }
  idempotency_pruned_.fetch_add(*pruned);
}

void DurableEngine::Answer(Decided& d) {
  const bool failed = failed_.load(std::memory_order_acquire);
  // Counted before the answers leave, so that whoever gets an answer sees it counted.
  requests_.fetch_add(d.items.size());
  for (size_t i = 0; i < d.items.size(); ++i) {
    Item& item = d.items[i];
    if (item.request) {
      if (failed) {
        d.results[i] = Result();
        d.results[i].status = failure_;
      }
      if (item.request->reply) item.request->reply(std::move(d.results[i]));
    } else if (item.done) {
      if (failed) {
        item.done(failure_);
      } else {
        item.done(std::move(d.answers[i]));
      }
    }
  }
}

void DurableEngine::WriteMetrics(MetricsText& out) const {
  out.Family("subex_engine_queue_depth", "gauge",
             "Requests queued for the engine thread and not yet taken into a batch.");
  out.Sample("subex_engine_queue_depth", {}, static_cast<uint64_t>(queue_depth()));
  out.Family("subex_engine_requests_total", "counter",
             "Requests (commands and reads) the engine thread has answered.");
  out.Sample("subex_engine_requests_total", {}, requests());
  out.Family("subex_engine_batch_size", "histogram",
             "Requests per batch the engine thread decided and handed to the journal.");
  out.Histogram("subex_engine_batch_size", {}, batch_size_.Read());
  out.Family("subex_journal_batches_total", "counter",
             "Batches written to the journal, each in one synced write.");
  out.Sample("subex_journal_batches_total", {}, batches());
  out.Family("subex_journal_sync_seconds", "histogram",
             "Time of one synced journal write (a batch's events and idempotency records).");
  out.Histogram("subex_journal_sync_seconds", {}, sync_us_.Read(), 1e-6);
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
  out.Sample("subex_journal_failed", {}, uint64_t{failed_.load() ? 1u : 0u});
  out.Family("subex_idempotency_pruned_total", "counter",
             "Expired idempotency answers deleted from the journal since the server started.");
  out.Sample("subex_idempotency_pruned_total", {}, idempotency_pruned());
  out.Family("subex_snapshots_total", "counter", "Snapshots written since the server started.");
  out.Sample("subex_snapshots_total", {}, snapshots());
  out.Family("subex_snapshot_seq", "gauge", "Sequence number the newest snapshot holds.");
  out.Sample("subex_snapshot_seq", {}, last_snapshot_written_seq_.load());
  out.Family("subex_snapshot_stall_seconds", "gauge",
             "How long the latest periodic snapshot held up the engine thread.");
  out.Sample("subex_snapshot_stall_seconds", {},
             static_cast<double>(last_snapshot_stall_us()) * 1e-6);
  out.Family("subex_recovery_seconds", "gauge",
             "Time the start took to restore the newest snapshot and replay the journal after it.");
  out.Sample("subex_recovery_seconds", {}, static_cast<double>(recovery_us_) * 1e-6);
  out.Family("subex_recovery_replayed_events", "gauge",
             "Events the start replayed after the newest snapshot.");
  out.Sample("subex_recovery_replayed_events", {}, replayed_events_);
}

}  // namespace subex
