#include "storage/durable_engine.h"

#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <future>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "engine/state_hash.h"
#include "storage/snapshot.h"

namespace subex {

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
  if (absl::Status s = engine->Recover(); !s.ok()) return s;
  engine->thread_ = std::thread([e = engine.get()] { e->Run(); });
  return engine;
}

DurableEngine::DurableEngine(std::shared_ptr<const Taxonomy> taxonomy, Params params,
                             Options options, std::unique_ptr<Journal> journal)
    : options_(std::move(options)),
      journal_(std::move(journal)),
      engine_(taxonomy, params),
      taxonomy_(std::move(taxonomy)),
      params_(params) {}

DurableEngine::~DurableEngine() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  ready_.notify_one();
  if (thread_.joinable()) thread_.join();
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
  }
  return journal_->Replay(engine_.state().last_seq(), [this](const Event& e) {
    if (e.seq != engine_.state().last_seq() + 1) {
      return absl::DataLossError(
          absl::StrCat("journal: event ", e.seq, " does not follow ", engine_.state().last_seq()));
    }
    engine_.Replay(e);
    return absl::OkStatus();
  });
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

// Every event up to `seq` is durable here (the batch that made them has been written), so the
// snapshot never holds anything the journal could lose.
void DurableEngine::StartSnapshot(uint64_t seq) {
  const auto start = std::chrono::steady_clock::now();
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
  if (done < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return;
  const uint64_t seq = snapshot_child_seq_;
  if (seq > options_.retain_events) {
    journal_->PruneBefore(seq - options_.retain_events).IgnoreError();
  }
  last_snapshot_stall_us_.store(
      snapshot_fork_us_ +
      static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                std::chrono::steady_clock::now() - start)
                                .count()));
  // Counted last, so that whoever sees it counted sees the pruning done and the stall.
  snapshots_.fetch_add(1);
}

void DurableEngine::Enqueue(Item item) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(std::move(item));
  }
  ready_.notify_one();
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

void DurableEngine::Run() {
  std::vector<Item> batch;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      auto woken = [this] { return stopping_ || !queue_.empty(); };
      if (snapshot_child_ > 0) {
        // Come round now and then even when idle, to record the snapshot once it is written.
        ready_.wait_for(lock, std::chrono::milliseconds(20), woken);
      } else {
        ready_.wait(lock, woken);
      }
      if (queue_.empty()) {
        const bool stop = stopping_;
        lock.unlock();
        // Stopping, and everything queued has been answered: the snapshot being written is
        // finished first, or this thread's end would kill it.
        ReapSnapshot(/*wait=*/stop);
        if (stop) return;
        continue;
      }
      while (!queue_.empty() && batch.size() < options_.max_batch) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    Process(batch);
    batch.clear();
  }
}

void DurableEngine::Process(std::vector<Item>& batch) {
  std::vector<Result> results(batch.size());
  std::vector<std::string> answers(batch.size());
  if (!failed_) {
    std::vector<Event> events;
    std::vector<IdempotencyRecord> records;
    // Answers stored by this batch, not yet in the journal: a repeated key inside one batch.
    absl::flat_hash_map<std::string, size_t> batch_records;
    for (size_t i = 0; i < batch.size(); ++i) {
      Item& item = batch[i];
      if (!item.request) {
        answers[i] = item.read(engine_.state());
        continue;
      }
      Request& req = *item.request;
      Result& r = results[i];
      if (!req.idempotency_key.empty()) {
        if (auto it = batch_records.find(req.idempotency_key); it != batch_records.end()) {
          r.rendered = records[it->second].value;
          r.replayed = true;
          continue;
        }
        absl::StatusOr<std::optional<std::string>> stored =
            journal_->FindIdempotency(req.idempotency_key);
        if (!stored.ok()) {
          // Without the lookup the command might run twice; it is not run at all.
          r.status = absl::UnavailableError(absl::StrCat("cannot read the idempotency record: ",
                                                         std::string(stored.status().message())));
          continue;
        }
        if (stored->has_value()) {
          r.rendered = **std::move(stored);
          r.replayed = true;
          continue;
        }
      }
      Engine::Outcome out = engine_.Execute(req.command, req.now);
      r.rejection = std::move(out.rejection);
      r.events.assign(out.events.begin(), out.events.end());
      events.insert(events.end(), out.events.begin(), out.events.end());
      if (req.render) r.rendered = req.render(r, engine_.state());
      if (!req.idempotency_key.empty()) {
        batch_records.emplace(req.idempotency_key, records.size());
        records.push_back({req.idempotency_key, r.rendered});
      }
    }
    if (!events.empty() || !records.empty()) {
      if (absl::Status s = journal_->Append(events, records); !s.ok()) {
        // The state in memory is now ahead of the disk: acknowledge nothing, ever again.
        failed_ = true;
        failure_ = absl::UnavailableError(absl::StrCat(
            "the journal cannot write; not acknowledging: ", std::string(s.message())));
      }
      batches_.fetch_add(1);
    }
  }
  // Counted before the answers leave, so that whoever gets an answer sees it counted.
  requests_.fetch_add(batch.size());
  for (size_t i = 0; i < batch.size(); ++i) {
    Item& item = batch[i];
    if (item.request) {
      if (failed_) {
        results[i] = Result();
        results[i].status = failure_;
      }
      if (item.request->reply) item.request->reply(std::move(results[i]));
    } else if (item.done) {
      if (failed_) {
        item.done(failure_);
      } else {
        item.done(std::move(answers[i]));
      }
    }
  }
  // Between batches, after the answers have left.
  if (!failed_) MaybeSnapshot();
}

}  // namespace subex
