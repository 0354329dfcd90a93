// Fairness — each cluster's share of the volume the exchange allocated against its share of the
// capacity that was on offer, so that any steering of orders towards a home cluster shows
// (PRODUCT §1, §7; GET /v1/analytics/fairness).
//
// Over the calendar days [from, to], per process branch (so that units are never mixed):
//
// - offered: the capacity of every offer of the branch on those days (daily capacity × days);
// - allocated: the units of live contracts on offers of the branch scheduled on those days;
//
// each split among the suppliers' clusters of today, with a group for the suppliers in no cluster.
// A supplier in two clusters counts in both, so the clusters' shares may add up to more than 1.
// Capacity is the proxy for eligibility: the engine does not keep which offers each order could
// have used, so the comparison is between offers of the same branch on the same days. A cluster
// whose allocated share is well above its offered share wins more than its capacity suggests —
// by price, distance or reliability, or through orders that asked for it: `preferred` counts the
// allocated units whose order named the cluster in `prefer_clusters`, the one way the ranking
// takes membership into account (PRODUCT §3).
//
//   FairnessReport r = ComputeFairness(history, from, to);
//
// Pure; reads `history` only.

#ifndef SUBEX_ANALYTICS_FAIRNESS_H_
#define SUBEX_ANALYTICS_FAIRNESS_H_

#include <vector>

#include "analytics/history.h"
#include "engine/units.h"

namespace subex {

struct FairnessGroup {
  ClusterId cluster;  // Invalid: the suppliers in no cluster.
  Quantity offered = 0;
  Quantity allocated = 0;
  Quantity preferred = 0;  // Of `allocated`: from orders that named this cluster as preferred.
};

struct FairnessBranch {
  ProcessId branch;
  Quantity offered = 0;
  Quantity allocated = 0;
  std::vector<FairnessGroup> groups;  // Clusters by id, then the no-cluster group; non-empty ones.
};

struct FairnessReport {
  Day from, to;
  std::vector<FairnessBranch> branches;  // By process id; branches with capacity or allocations.
};

FairnessReport ComputeFairness(const MarketHistory& history, Day from, Day to);

}  // namespace subex

#endif  // SUBEX_ANALYTICS_FAIRNESS_H_
