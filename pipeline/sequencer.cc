#include "pipeline/sequencer.h"

#include <algorithm>
#include <chrono>
#include <utility>

namespace subex {

Sequencer::Sequencer(Engine& engine, JournalWriter& writer, Snapshotter& snapshotter,
                     Idempotency& idempotency, Options options)
    : engine_(engine),
      writer_(writer),
      snapshotter_(snapshotter),
      idempotency_(idempotency),
      options_(options) {}

Sequencer::~Sequencer() { Stop(); }

void Sequencer::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  ready_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void Sequencer::Start() {
  thread_ = std::thread([this] { Run(); });
}

void Sequencer::Enqueue(PipelineItem item) {
  bool wake = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(std::move(item));
    queue_depth_.store(queue_.size(), std::memory_order_relaxed);
    wake = DecideNow();
  }
  // Otherwise the journal writer wakes the engine thread when its sync ends.
  if (wake) ready_.notify_one();
}

bool Sequencer::DecideNow() const {
  return !queue_.empty() && (writer_idle_ || queue_.size() >= options_.decide_ahead);
}

void Sequencer::WriterIdle() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    writer_idle_ = true;
  }
  ready_.notify_one();
}

// The engine thread decides whatever is queued into the pending batch, and hands that batch to
// the journal writer as soon as it is idle.
void Sequencer::Run() {
  Batch pending;
  for (;;) {
    std::vector<PipelineItem> taken;
    bool stop = false;
    {
      std::unique_lock<std::mutex> lock(mu_);
      auto woken = [&] {
        return stopping_ || DecideNow() || (!pending.items.empty() && writer_idle_);
      };
      if (snapshotter_.child_running() && pending.items.empty()) {
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
      if (IsWriterIdle()) {
        Hand(std::move(pending));
        pending = Batch();
        // Between batches, with the next one free to be decided while this one is written.
        if (!writer_.failed()) snapshotter_.MaybeSnapshot(engine_.state());
      }
      continue;
    }
    if (!taken.empty()) continue;
    // Stopping, and everything queued has been decided: it is written and answered, and the
    // snapshot being written is finished, or this thread's end would kill it.
    if (stop) writer_.WaitWritten();
    snapshotter_.Reap(/*wait=*/stop);
    if (stop) {
      if (options_.snapshot_on_close) snapshotter_.WriteNow(engine_.state());
      return;
    }
  }
}

bool Sequencer::IsWriterIdle() {
  std::lock_guard<std::mutex> lock(mu_);
  return writer_idle_;
}

void Sequencer::WaitWriterIdle() {
  std::unique_lock<std::mutex> lock(mu_);
  ready_.wait(lock, [this] { return writer_idle_; });
}

// Only when the journal writer is idle: one batch is written while the next is decided.
void Sequencer::Hand(Batch batch) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    writer_idle_ = false;
  }
  writer_.Hand(std::move(batch));
}

void Sequencer::Decide(Batch& batch, std::vector<PipelineItem>& taken) {
  const size_t first = batch.items.size();
  for (PipelineItem& item : taken) batch.items.push_back(std::move(item));
  batch.results.resize(batch.items.size());
  batch.answers.resize(batch.items.size());
  if (writer_.failed()) return;  // The journal writer answers them.
  for (size_t i = first; i < batch.items.size(); ++i) Decide(batch, i);
}

void Sequencer::Decide(Batch& batch, size_t i) {
  PipelineItem& item = batch.items[i];
  if (!item.request) {
    batch.answers[i] = item.read(engine_.state());
    return;
  }
  PipelineRequest& req = *item.request;
  PipelineResult& r = batch.results[i];
  Idempotency::Admission admission;
  if (!idempotency_.Admit(batch, req, r, admission)) return;
  Engine::Outcome out = engine_.Execute(req.command, req.now);
  r.rejection = std::move(out.rejection);
  r.events.assign(out.events.begin(), out.events.end());
  batch.events.insert(batch.events.end(), out.events.begin(), out.events.end());
  batch.now = std::max(batch.now, req.now);
  if (req.render) r.answer = req.render(r, engine_.state());
  Idempotency::Store(batch, req, r, std::move(admission));
}

}  // namespace subex
