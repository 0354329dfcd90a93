#include "api/metrics.h"

#include <algorithm>
#include <array>
#include <string>

#include "engine/domain.h"

namespace subex {
namespace {

// The statuses the API answers with; any other is counted in the last slot as "other".
constexpr std::array<unsigned, 20> kStatuses = {200, 201, 204, 400, 401, 403, 404, 405, 409, 410,
                                                412, 413, 415, 422, 428, 429, 431, 500, 503, 0};
constexpr size_t kStatusSlots = kStatuses.size();

size_t StatusSlot(unsigned status) {
  for (size_t i = 0; i + 1 < kStatusSlots; ++i) {
    if (kStatuses[i] == status) return i;
  }
  return kStatusSlots - 1;
}

// From 100 µs to 60 s: a long poll of the feed waits up to `max_wait_ms`.
std::vector<uint64_t> LatencyBoundsUs() {
  return {100,       250,       500,       1'000,      2'500,      5'000,
          10'000,    25'000,    50'000,    100'000,    250'000,    500'000,
          1'000'000, 2'500'000, 5'000'000, 10'000'000, 30'000'000, 60'000'000};
}

template <class T, size_t N>
void WriteByStatus(MetricsText& out, std::string_view name, std::string_view label,
                   const std::array<uint64_t, N>& counts, T first) {
  for (size_t i = 0; i < N; ++i) {
    out.Sample(name, {{label, ToString(static_cast<T>(static_cast<size_t>(first) + i))}},
               counts[i]);
  }
}

}  // namespace

RequestMetrics::RequestMetrics(size_t routes)
    : routes_(routes), by_status_((routes + 1) * kStatusSlots) {
  latency_us_.reserve(routes + 1);
  for (size_t i = 0; i <= routes; ++i) {
    latency_us_.push_back(std::make_unique<Histogram>(LatencyBoundsUs()));
  }
}

void RequestMetrics::Record(size_t route, unsigned status, uint64_t micros) {
  if (route > routes_) route = routes_;
  by_status_.Add(route * kStatusSlots + StatusSlot(status));
  latency_us_[route]->Observe(micros);
}

void RequestMetrics::Write(MetricsText& out, const std::function<RouteLabel(size_t)>& label) const {
  auto labels_of = [&](size_t route) {
    return route < routes_ ? label(route) : RouteLabel{"", "unmatched"};
  };
  out.Family("subex_http_requests_total", "counter",
             "Requests answered, by method, route (its pattern) and status.");
  for (size_t route = 0; route < slots(); ++route) {
    const RouteLabel l = labels_of(route);
    for (size_t slot = 0; slot < kStatusSlots; ++slot) {
      const uint64_t n = by_status_.Value(route * kStatusSlots + slot);
      if (n == 0) continue;
      const std::string status =
          slot + 1 < kStatusSlots ? std::to_string(kStatuses[slot]) : std::string("other");
      out.Sample("subex_http_requests_total",
                 {{"method", l.method}, {"route", l.route}, {"status", status}}, n);
    }
  }
  out.Family("subex_http_request_duration_seconds", "histogram",
             "Time from a request's arrival at its route to its answer, by method and route.");
  for (size_t route = 0; route < slots(); ++route) {
    Histogram::Snapshot h = latency_us_[route]->Read();
    if (h.count == 0) continue;
    const RouteLabel l = labels_of(route);
    out.Histogram("subex_http_request_duration_seconds", {{"method", l.method}, {"route", l.route}},
                  h, 1e-6);
  }
}

// The counts are indexed by the enums; a new status must widen them.
static_assert(static_cast<size_t>(OfferStatus::kExpired) + 1 == 4);
static_assert(static_cast<size_t>(OrderStatus::kUnawarded) + 1 == 9);
static_assert(static_cast<size_t>(ContractState::kLapsed) + 1 == 8);
static_assert(static_cast<size_t>(BidStatus::kLost) + 1 == 7);

bool StateCensus::Advance(const State& state, size_t budget) {
  members_ = state.members().size();
  // Counts `collection` from next_ on, within the budget; true when it is done.
  auto scan = [&](const auto& collection, auto&& count) {
    const size_t end = std::min(collection.size(), next_ + std::min(budget, collection.size()));
    for (size_t i = next_; i < end; ++i) count(collection[i]);
    budget -= end - next_;
    next_ = end;
    if (next_ < collection.size()) return false;
    next_ = 0;
    ++collection_;
    return true;
  };
  while (budget > 0 && collection_ < 4) {
    bool done = false;
    switch (collection_) {
      case 0:
        done = scan(state.offers(),
                    [&](const CapacityOffer& o) { ++offers_[static_cast<size_t>(o.status)]; });
        break;
      case 1:
        done =
            scan(state.orders(), [&](const Order& o) { ++orders_[static_cast<size_t>(o.status)]; });
        break;
      case 2:
        done = scan(state.contracts(), [&](const Contract& c) {
          ++contracts_[static_cast<size_t>(c.state)];
          ++(c.bid.valid() ? awards_ : matches_);
        });
        break;
      case 3:
        done = scan(state.bids(), [&](const Bid& b) { ++bids_[static_cast<size_t>(b.status)]; });
        break;
    }
    if (!done) return false;
  }
  return collection_ >= 4;
}

void StateCensus::Write(MetricsText& out) const {
  out.Family("subex_members", "gauge", "Members registered.");
  out.Sample("subex_members", {}, members_);
  out.Family("subex_offers", "gauge", "Capacity offers by status.");
  WriteByStatus(out, "subex_offers", "status", offers_, OfferStatus::kOpen);
  out.Family("subex_orders", "gauge", "Orders by status.");
  WriteByStatus(out, "subex_orders", "status", orders_, OrderStatus::kOpen);
  out.Family("subex_contracts", "gauge", "Contracts by state.");
  WriteByStatus(out, "subex_contracts", "state", contracts_, ContractState::kPendingConfirmation);
  out.Family("subex_bids", "gauge", "Bids on rfq orders by status.");
  WriteByStatus(out, "subex_bids", "status", bids_, BidStatus::kOpen);
  out.Family("subex_matches_total", "counter",
             "Contracts the matcher made between an order and an offer.");
  out.Sample("subex_matches_total", {}, matches_);
  out.Family("subex_awards_total", "counter", "Contracts made by awarding an rfq order's bids.");
  out.Sample("subex_awards_total", {}, awards_);
}

}  // namespace subex
