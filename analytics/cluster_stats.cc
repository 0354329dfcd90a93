#include "analytics/cluster_stats.h"

#include <algorithm>
#include <limits>

#include "absl/container/btree_map.h"

namespace subex {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

using History = MarketHistory;

double Ratio(absl::int128 a, absl::int128 b) {
  return b == 0 ? kNaN : static_cast<double>(a) / static_cast<double>(b);
}

void Count(ContractTally& t, absl::int128 value) {
  ++t.count;
  t.value += value;
}

// The median of `v` (reordered); NaN when empty.
double Median(std::vector<int64_t>& v) {
  if (v.empty()) return kNaN;
  const size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + mid, v.end());
  if (v.size() % 2 == 1) return static_cast<double>(v[mid]);
  const int64_t upper = v[mid];
  const int64_t lower = *std::max_element(v.begin(), v.begin() + mid);
  return (static_cast<double>(lower) + static_cast<double>(upper)) / 2;
}

// The time from placing `o` to the latest live contract that covers it.
int64_t MsToFullAllocation(const History& h, const History::Order& o) {
  Instant latest = o.placed;
  for (uint32_t i : o.contracts) {
    const History::Contract& c = h.contracts()[i];
    if (c.live()) latest = std::max(latest, c.made);
  }
  return latest.unix_ms - o.placed.unix_ms;
}

class Tallier {
 public:
  Tallier(const History& h, ClusterId cluster, Day from, Day to)
      : h_(h), cluster_(cluster), from_(from), to_(to) {
    s_.cluster = cluster;
    s_.from = from;
    s_.to = to;
  }

  ClusterStats Run() {
    const History::Cluster& c = *h_.cluster(cluster_);
    s_.members = static_cast<int64_t>(c.members.size());
    for (MemberId id : c.members) {
      const History::Member& m = *h_.member(id);
      Orders(m);
      Contracts(id, m);
      Capacity(id, m);
    }
    s_.fill_rate = s_.orders > 0 ? fill_sum_ / static_cast<double>(s_.orders) : kNaN;
    const double median_ms = Median(durations_);
    s_.median_hours_to_full_allocation = median_ms / 3'600'000.0;
    s_.utilisation = Ratio(s_.used_value, s_.offered_value);
    for (auto& [branch, figures] : branches_) s_.by_process.push_back(figures);
    return std::move(s_);
  }

 private:
  BranchFigures& Branch(ProcessId process) {
    const ProcessId branch = h_.BranchOf(process);
    BranchFigures& b = branches_[branch.value];
    b.branch = branch;
    return b;
  }

  void Orders(const History::Member& m) {
    for (uint32_t i : h_.OrdersPlaced(m, from_, to_)) {
      const History::Order& o = h_.orders()[i];
      ++s_.orders;
      fill_sum_ += static_cast<double>(o.allocated) / static_cast<double>(o.quantity);
      if (o.fully_allocated()) {
        ++s_.fully_allocated;
        durations_.push_back(MsToFullAllocation(h_, o));
      }
      BranchFigures& b = Branch(o.process);
      ++b.orders;
      b.ordered += o.quantity;
      b.allocated += o.allocated;
    }
  }

  void Contracts(MemberId id, const History::Member& m) {
    for (uint32_t i : h_.ContractsMade(m, from_, to_)) {
      const History::Contract& c = h_.contracts()[i];
      const bool as_supplier = c.supplier == id;
      const MemberId other_id = as_supplier ? c.customer : c.supplier;
      const History::Member& other = *h_.member(other_id);
      const bool other_inside = other.InCluster(cluster_);
      using R = History::Release;
      if (as_supplier && (c.release == R::kDeclined || c.release == R::kLapsed ||
                          c.release == R::kCancelledBySupplier)) {
        ++(c.release == R::kDeclined ? s_.declined
           : c.release == R::kLapsed ? s_.lapsed
                                     : s_.cancelled_by_supplier);
      }
      if (!as_supplier && c.release == R::kCancelledByCustomer) ++s_.cancelled_by_customer;
      // A contract between two members is counted from its customer's side only.
      if (!c.live() || (other_inside && as_supplier)) continue;
      const absl::int128 value = absl::int128(c.quantity) * c.unit_price;
      Count(s_.contracts, value);
      Count(other_inside              ? s_.inside_cluster
            : !other.clusters.empty() ? s_.with_other_clusters
                                      : s_.with_non_members,
            value);
      if (other.region != m.region) Count(s_.inter_regional, value);
    }
  }

  void Capacity(MemberId id, const History::Member& m) {
    for (uint32_t i : m.offers) {
      const History::Offer& o = h_.offers()[i];
      const Day first = std::max(o.from, from_), last = std::min(o.to, to_);
      if (first > last) continue;
      ++s_.offers;
      const Quantity units = Quantity{o.daily_capacity} * (last - first + 1);
      s_.offered_value += absl::int128(units) * o.unit_price;
      Branch(o.process).offered += units;
    }
    // Contracts made after the period cannot use its days.
    for (uint32_t i : h_.ContractsMade(m, Day{std::numeric_limits<int32_t>::min() / 2}, to_)) {
      const History::Contract& c = h_.contracts()[i];
      if (c.supplier != id || !c.live() || !c.offer.valid()) continue;
      const Quantity units = UnitsWithin(c.days, from_, to_);
      if (units == 0) continue;
      const History::Offer& o = h_.offers()[c.offer.value];
      s_.used_value += absl::int128(units) * o.unit_price;
      Branch(o.process).used += units;
    }
  }

  const History& h_;
  const ClusterId cluster_;
  const Day from_, to_;
  ClusterStats s_;
  double fill_sum_ = 0;
  std::vector<int64_t> durations_;
  absl::btree_map<uint32_t, BranchFigures> branches_;
};

}  // namespace

Quantity UnitsWithin(const std::vector<DayQuantity>& days, Day from, Day to) {
  if (days.empty() || days.front().day > to || days.back().day < from) return 0;
  auto it = std::partition_point(days.begin(), days.end(),
                                 [from](const DayQuantity& d) { return d.day < from; });
  Quantity units = 0;
  for (; it != days.end() && it->day <= to; ++it) units += it->quantity;
  return units;
}

ClusterStats ComputeClusterStats(const MarketHistory& history, ClusterId cluster, Day from,
                                 Day to) {
  return Tallier(history, cluster, from, to).Run();
}

}  // namespace subex
