#include "api/analytics.h"

#include <utility>

namespace subex {

void Analytics::Load(const State& state) {
  std::lock_guard lock(mu_);
  MarketHistory loaded = MarketHistory::FromState(state);
  std::lock_guard queue_lock(queue_mu_);
  history_ = std::move(loaded);
  queue_.clear();
  queued_seq_ = state.last_seq();
  loaded_ = true;
}

void Analytics::Observe(std::span<const Event> events) {
  bool long_queue = false;
  {
    std::lock_guard lock(queue_mu_);
    if (!loaded_) return;
    for (const Event& e : events) {
      if (e.seq <= queued_seq_) continue;
      queued_seq_ = e.seq;
      if (MarketHistory::Concerns(e.body)) queue_.push_back(e);
    }
    long_queue = queue_.size() >= kFoldAt;
  }
  if (long_queue && mu_.try_lock()) {
    Fold();
    mu_.unlock();
  }
}

void Analytics::Fold() {
  std::vector<Event> events;
  {
    std::lock_guard lock(queue_mu_);
    events.swap(queue_);
  }
  for (const Event& e : events) history_.Apply(e);
}

}  // namespace subex
