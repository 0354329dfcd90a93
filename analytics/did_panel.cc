#include "analytics/did_panel.h"

#include <algorithm>
#include <limits>

#include "absl/numeric/int128.h"

namespace subex {
namespace {

using History = MarketHistory;

// Which roles a metric is about.
uint8_t RolesOf(DidMetric m) {
  switch (m) {
    case DidMetric::kPurchasedValue:
    case DidMetric::kOrders:
    case DidMetric::kFillRate:
      return kRoleCustomer;
    case DidMetric::kSuppliedValue:
    case DidMetric::kUtilisation:
      return kRoleSupplier;
    case DidMetric::kContractedValue:
    case DidMetric::kContracts:
      return kRoleCustomer | kRoleSupplier;
  }
  return 0;
}

// One member's sums per month of the window.
struct MonthSums {
  absl::int128 value = 0;              // Kopecks of contracts.
  int64_t count = 0;                   // Contracts or orders.
  double fill_sum = 0;                 // Σ allocated / quantity of its orders.
  absl::int128 offered = 0, used = 0;  // Kopecks of capacity at the offers' prices.
};

class Builder {
 public:
  Builder(const History& h, const DidDesign& d)
      : h_(h), d_(d), first_(FirstDay(d.before_from)), last_(LastDay(d.after_to)) {
    for (Month m = d.before_from; m <= d.after_to; m = m + 1) month_starts_.push_back(FirstDay(m));
  }

  DidPanel Run() {
    const uint8_t roles = RolesOf(d_.metric);
    for (uint32_t i = 0; i < h_.members().size(); ++i) {
      const History::Member& m = h_.members()[i];
      if ((m.roles & roles) == 0) continue;
      const bool treated = m.InCluster(d_.cluster);
      if (!treated && d_.control == DidControl::kNonMembers && !m.clusters.empty()) continue;
      if (Add(MemberId{i}, m, treated))
        ++(treated ? panel_.treated_members : panel_.control_members);
    }
    return std::move(panel_);
  }

 private:
  // Adds the member's observations; false when it has none.
  bool Add(MemberId id, const History::Member& m, bool treated) {
    sums_.assign(static_cast<size_t>(d_.after_to - d_.before_from + 1), MonthSums{});
    Fill(id, m);
    bool any = false;
    const Day registered = DayOf(m.registered);
    for (Month month = d_.before_from; month <= d_.after_to; month = month + 1) {
      const bool before = month <= d_.before_to, after = month >= d_.after_from;
      if ((!before && !after) || FirstDay(month) < registered) continue;
      std::optional<double> y = Value(sums_[static_cast<size_t>(month - d_.before_from)]);
      if (!y) continue;
      panel_.observations.push_back({.treated = treated, .after = after, .y = *y});
      any = true;
    }
    return any;
  }

  // The sums of the window's month that `day` falls in.
  MonthSums& At(Day day) {
    const auto next = std::upper_bound(month_starts_.begin(), month_starts_.end(), day);
    return sums_[static_cast<size_t>(next - month_starts_.begin() - 1)];
  }

  void Fill(MemberId id, const History::Member& m) {
    switch (d_.metric) {
      case DidMetric::kOrders:
      case DidMetric::kFillRate:
        for (uint32_t i : h_.OrdersPlaced(m, first_, last_)) {
          const History::Order& o = h_.orders()[i];
          MonthSums& s = At(DayOf(o.placed));
          ++s.count;
          s.fill_sum += static_cast<double>(o.allocated) / static_cast<double>(o.quantity);
        }
        return;
      case DidMetric::kUtilisation:
        FillCapacity(id, m);
        return;
      default:
        for (uint32_t i : h_.ContractsMade(m, first_, last_)) {
          const History::Contract& c = h_.contracts()[i];
          if (!c.live()) continue;
          if (d_.metric == DidMetric::kPurchasedValue && c.customer != id) continue;
          if (d_.metric == DidMetric::kSuppliedValue && c.supplier != id) continue;
          MonthSums& s = At(DayOf(c.made));
          ++s.count;
          s.value += absl::int128(c.quantity) * c.unit_price;
        }
        return;
    }
  }

  void FillCapacity(MemberId id, const History::Member& m) {
    for (uint32_t i : m.offers) {
      const History::Offer& o = h_.offers()[i];
      for (Day day = std::max(o.from, first_); day <= std::min(o.to, last_); day = day + 1) {
        At(day).offered += absl::int128(o.daily_capacity) * o.unit_price;
      }
    }
    for (uint32_t i : h_.ContractsMade(m, Day{std::numeric_limits<int32_t>::min() / 2}, last_)) {
      const History::Contract& c = h_.contracts()[i];
      if (c.supplier != id || !c.live() || !c.offer.valid()) continue;
      const Kopecks price = h_.offers()[c.offer.value].unit_price;
      for (const DayQuantity& dq : c.days) {
        if (dq.day < first_ || dq.day > last_) continue;
        At(dq.day).used += absl::int128(dq.quantity) * price;
      }
    }
  }

  std::optional<double> Value(const MonthSums& s) const {
    switch (d_.metric) {
      case DidMetric::kContractedValue:
      case DidMetric::kPurchasedValue:
      case DidMetric::kSuppliedValue:
        return static_cast<double>(s.value) / 100;
      case DidMetric::kContracts:
      case DidMetric::kOrders:
        return static_cast<double>(s.count);
      case DidMetric::kFillRate:
        if (s.count == 0) return std::nullopt;
        return s.fill_sum / static_cast<double>(s.count);
      case DidMetric::kUtilisation:
        if (s.offered == 0) return std::nullopt;
        return static_cast<double>(s.used) / static_cast<double>(s.offered);
    }
    return std::nullopt;
  }

  const History& h_;
  const DidDesign& d_;
  const Day first_, last_;
  std::vector<Day> month_starts_;  // The first day of each month of the window.
  std::vector<MonthSums> sums_;
  DidPanel panel_;
};

}  // namespace

DidPanel BuildDidPanel(const MarketHistory& history, const DidDesign& design) {
  return Builder(history, design).Run();
}

const char* ToString(DidMetric m) {
  switch (m) {
    case DidMetric::kContractedValue:
      return "contracted_value";
    case DidMetric::kPurchasedValue:
      return "purchased_value";
    case DidMetric::kSuppliedValue:
      return "supplied_value";
    case DidMetric::kContracts:
      return "contracts";
    case DidMetric::kOrders:
      return "orders";
    case DidMetric::kFillRate:
      return "fill_rate";
    case DidMetric::kUtilisation:
      return "utilisation";
  }
  return "contracted_value";
}

const char* UnitOf(DidMetric m) {
  switch (m) {
    case DidMetric::kContractedValue:
    case DidMetric::kPurchasedValue:
    case DidMetric::kSuppliedValue:
      return "RUB";
    case DidMetric::kContracts:
      return "contracts";
    case DidMetric::kOrders:
      return "orders";
    case DidMetric::kFillRate:
    case DidMetric::kUtilisation:
      return "share";
  }
  return "RUB";
}

const char* ToString(DidControl c) {
  return c == DidControl::kNonMembers ? "non_members" : "other_members";
}

}  // namespace subex
