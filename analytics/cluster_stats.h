// ClusterStats — what a cluster's members did on the exchange over a period: the dashboard of a
// cluster development centre (PRODUCT §7, GET /v1/clusters/{id}/stats).
//
// Computed from a MarketHistory (analytics/history.h), so every figure is exact and follows from
// the journal alone. The members are the cluster's members of today. Over the days [from, to]:
//
// - Orders: those the members placed on those days; how many are fully allocated now, the mean
//   share of each order's quantity that is allocated (`fill_rate`: every order weighs the same,
//   whatever its unit), and the median time from placing an order to the latest of the contracts
//   that now cover it, over the fully allocated ones.
// - Contracts: the live ones (not declined, lapsed or cancelled) made on those days with a member
//   as customer or supplier, counted once each, with their value (quantity × unit price), split by
//   the counterparty: a member of the cluster too (`inside_cluster`), a member of another cluster
//   only (`with_other_clusters`), or of none (`with_non_members`); and those whose two parties are
//   in different regions (`inter_regional`).
// - Capacity: the members' offers on those calendar days, as posted (withdrawn or expired offers
//   too) — what they offered (daily capacity × days) and what live contracts use — per process
//   branch in its unit, and overall weighted by the offers' unit prices (`utilisation` = value
//   used / value offered, so machine hours and kilograms can be added up).
// - Releases: of the contracts made on those days, those a member supplier declined, let lapse or
//   cancelled, and those a member customer cancelled.
//
//   ClusterStats s = ComputeClusterStats(history, cluster, from, to);
//
// Pure; reads `history` only. The cluster must exist in it.

#ifndef SUBEX_ANALYTICS_CLUSTER_STATS_H_
#define SUBEX_ANALYTICS_CLUSTER_STATS_H_

#include <cstdint>
#include <vector>

#include "absl/numeric/int128.h"
#include "analytics/history.h"
#include "engine/units.h"

namespace subex {

// A count of contracts and their value in kopecks (wide: a sum of quantity × price).
struct ContractTally {
  int64_t count = 0;
  absl::int128 value = 0;
};

// One process branch (one unit) of a cluster's figures.
struct BranchFigures {
  ProcessId branch;
  int64_t orders = 0;
  Quantity ordered = 0;
  Quantity allocated = 0;
  Quantity offered = 0;
  Quantity used = 0;
};

struct ClusterStats {
  ClusterId cluster;
  Day from, to;
  int64_t members = 0;

  int64_t orders = 0;
  int64_t fully_allocated = 0;
  double fill_rate = 0;                        // NaN without orders.
  double median_hours_to_full_allocation = 0;  // NaN without fully allocated orders.

  ContractTally contracts;
  ContractTally inside_cluster;
  ContractTally with_other_clusters;
  ContractTally with_non_members;
  ContractTally inter_regional;

  int64_t offers = 0;              // Offers with calendar days in the period.
  absl::int128 offered_value = 0;  // Kopecks: Σ offered units × the offer's unit price.
  absl::int128 used_value = 0;     // Kopecks: Σ used units × the offer's unit price.
  double utilisation = 0;          // used_value / offered_value; NaN when nothing was offered.

  std::vector<BranchFigures> by_process;  // Branches with any order or capacity, by process id.

  int64_t declined = 0;
  int64_t lapsed = 0;
  int64_t cancelled_by_supplier = 0;
  int64_t cancelled_by_customer = 0;
};

ClusterStats ComputeClusterStats(const MarketHistory& history, ClusterId cluster, Day from, Day to);

// The units of `days` on [from, to].
Quantity UnitsWithin(const std::vector<DayQuantity>& days, Day from, Day to);

}  // namespace subex

#endif  // SUBEX_ANALYTICS_CLUSTER_STATS_H_
