#include "analytics/fairness.h"

#include <algorithm>
#include <vector>

#include "analytics/cluster_stats.h"

namespace subex {
namespace {

using History = MarketHistory;

class Report {
 public:
  Report(const History& h, Day from, Day to)
      : h_(h), from_(from), to_(to), branches_(h.taxonomy().size()) {}

  FairnessReport Run() {
    for (const History::Offer& o : h_.offers()) {
      const Day first = std::max(o.from, from_), last = std::min(o.to, to_);
      if (first > last) continue;
      const Quantity units = Quantity{o.daily_capacity} * (last - first + 1);
      Branch& b = BranchOf(o.process);
      b.offered += units;
      ForEachGroup(b, o.supplier, [units](FairnessGroup& g) { g.offered += units; });
    }
    for (const History::Contract& c : h_.contracts()) {
      if (!c.live() || !c.offer.valid()) continue;
      const Quantity units = UnitsWithin(c.days, from_, to_);
      if (units == 0) continue;
      const History::Order& order = h_.orders()[c.order];
      Branch& b = BranchOf(h_.offers()[c.offer.value].process);
      b.allocated += units;
      ForEachGroup(b, c.supplier, [&](FairnessGroup& g) {
        g.allocated += units;
        if (g.cluster.valid() && std::binary_search(order.prefer_clusters.begin(),
                                                    order.prefer_clusters.end(), g.cluster)) {
          g.preferred += units;
        }
      });
    }
    FairnessReport r{from_, to_, {}};
    for (uint32_t id = 0; id < branches_.size(); ++id) {
      const Branch& b = branches_[id];
      if (b.clusters.empty() && b.none.offered == 0 && b.none.allocated == 0) continue;
      FairnessBranch out{ProcessId{id}, b.offered, b.allocated, {}};
      for (const FairnessGroup& g : b.clusters) {
        if (g.offered > 0 || g.allocated > 0) out.groups.push_back(g);
      }
      if (b.none.offered > 0 || b.none.allocated > 0) out.groups.push_back(b.none);
      r.branches.push_back(std::move(out));
    }
    return r;
  }

 private:
  struct Branch {
    Quantity offered = 0, allocated = 0;
    std::vector<FairnessGroup> clusters;  // By cluster id, once the branch has any supplier.
    FairnessGroup none;
  };

  Branch& BranchOf(ProcessId process) { return branches_[h_.BranchOf(process).value]; }

  template <class F>
  void ForEachGroup(Branch& b, MemberId supplier, F f) {
    const History::Member& m = *h_.member(supplier);
    if (m.clusters.empty()) return f(b.none);
    if (b.clusters.empty()) {
      for (uint32_t c = 0; c < h_.clusters().size(); ++c) b.clusters.push_back({ClusterId{c}});
    }
    for (ClusterId c : m.clusters) f(b.clusters[c.value]);
  }

  const History& h_;
  const Day from_, to_;
  std::vector<Branch> branches_;  // By process id (only branches are used).
};

}  // namespace

FairnessReport ComputeFairness(const MarketHistory& history, Day from, Day to) {
  return Report(history, from, to).Run();
}

}  // namespace subex
