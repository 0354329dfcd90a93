// Metrics — what the API tells the operator at `GET /metrics` (Prometheus text format), besides
// what the pipeline counts itself (EngineDoor::WriteMetrics, api/engine_door.h).
//
// `RequestMetrics` counts every answered request by route, method and status, and times it from
// the moment the handler got it to the moment its answer was handed back, in sharded atomics: the
// I/O threads record without a lock. A `StateCensus` counts the exchange's objects by their
// status — members, offers, orders, contracts, bids, matches and awards — from the state, on the
// engine thread; it is a pass over every object ever made, so it goes in slices (`Advance`), one
// engine read each, and never holds the engine thread long. Objects that change between slices
// are counted as the slice that reached them found them.
//
//   RequestMetrics requests(Service::Routes().size());
//   requests.Record(route_index, 201, elapsed_us);
//   requests.Write(out, [](size_t i) { return RouteLabel{...}; });
//
//   StateCensus census;
//   while (!census.Advance(state, 32'768)) {}  // One engine read per call, in a server.
//   census.Write(out);
//
// Thread-safety: RequestMetrics' Record and Write are safe from any thread at once; a
// StateCensus requires external synchronization (and Advance the engine thread).

#ifndef SUBEX_API_METRICS_H_
#define SUBEX_API_METRICS_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "engine/state.h"
#include "telemetry/metrics.h"

namespace subex {

class RequestMetrics {
 public:
  // Routes are numbered 0 to routes - 1; `routes` itself stands for requests no route matched.
  explicit RequestMetrics(size_t routes);

  void Record(size_t route, unsigned status, uint64_t micros);

  // The labels of route `i`: its method and pattern ("/v1/orders/{id}").
  struct RouteLabel {
    std::string_view method;
    std::string_view route;
  };
  // Writes subex_http_requests_total and subex_http_request_duration_seconds, for the routes
  // and statuses that have been answered at least once.
  void Write(MetricsText& out, const std::function<RouteLabel(size_t)>& label) const;

 private:
  size_t slots() const { return routes_ + 1; }

  const size_t routes_;
  CounterArray by_status_;                              // [route][status slot]
  std::vector<std::unique_ptr<Histogram>> latency_us_;  // By route.
};

class StateCensus {
 public:
  // Counts up to `budget` more objects; true once every object has been counted.
  bool Advance(const State& state, size_t budget);

  // Writes subex_members, subex_offers{status}, subex_orders{status}, subex_contracts{state},
  // subex_bids{status}, subex_matches_total and subex_awards_total.
  void Write(MetricsText& out) const;

 private:
  uint64_t members_ = 0;
  std::array<uint64_t, 4> offers_{};     // By OfferStatus.
  std::array<uint64_t, 9> orders_{};     // By OrderStatus.
  std::array<uint64_t, 8> contracts_{};  // By ContractState.
  std::array<uint64_t, 7> bids_{};       // By BidStatus.
  uint64_t matches_ = 0;
  uint64_t awards_ = 0;
  // Where the next slice begins: the collection (offers, orders, contracts, bids) and index.
  int collection_ = 0;
  size_t next_ = 0;
};

}  // namespace subex

#endif  // SUBEX_API_METRICS_H_
