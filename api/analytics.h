// Analytics — the market history (analytics/history.h) the analytics routes read, kept current
// from the durable events, off the engine thread (PRODUCT §7).
//
// At start the wiring loads it from the recovered state on the engine thread (`Load`); from then
// on the journal thread hands it every durable batch (`Observe`, one of the listeners the wiring
// registers with the pipeline), before the batch's replies leave. Observe only copies the events that matter
// into a queue — it never waits for a reader — and `Read` folds the queue in before it runs, so
// a reader sees every event that was durable when it started (a client that was told of an order
// finds it in the statistics) and never one that is not durable yet. When nobody reads for a
// while, Observe folds the queue in itself once it is long, if no reader holds the history.
//
// Events up to the loaded state's last seq are already in the history and are skipped, so the
// listener may be installed before the load; events before the load are dropped (the load
// contains them).
//
//   analytics.Read([&](const MarketHistory& h) { return ComputeClusterStats(h, k, from, to); });
//
// Thread-safety: safe for concurrent use. Readers run one at a time.

#ifndef SUBEX_API_ANALYTICS_H_
#define SUBEX_API_ANALYTICS_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

#include "analytics/history.h"
#include "engine/events.h"
#include "engine/state.h"

namespace subex {

class Analytics {
 public:
  explicit Analytics(std::shared_ptr<const Taxonomy> taxonomy) : history_(std::move(taxonomy)) {}

  Analytics(const Analytics&) = delete;
  Analytics& operator=(const Analytics&) = delete;

  // Replaces the history by the state's records (on the engine thread, at start).
  void Load(const State& state);
  // Takes in durable events, in sequence order (on the journal thread).
  void Observe(std::span<const Event> events);

  // Runs `read` on the history with every observed event folded in, and returns what it returns.
  template <class F>
  auto Read(F&& read) {
    std::lock_guard lock(mu_);
    Fold();
    return read(static_cast<const MarketHistory&>(history_));
  }

 private:
  static constexpr size_t kFoldAt = 4096;  // Queued events that make Observe fold them in.

  void Fold();  // Requires mu_.

  std::mutex mu_;  // Guards history_; held by readers and folds.
  MarketHistory history_;
  std::mutex queue_mu_;  // Guards the members below.
  bool loaded_ = false;
  uint64_t queued_seq_ = 0;  // The newest event loaded or queued.
  std::vector<Event> queue_;
};

}  // namespace subex

#endif  // SUBEX_API_ANALYTICS_H_
