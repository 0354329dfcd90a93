// Demo market — the tables the demo is made of (server/demo_data.cc): the plants and their
// clusters, what a plant's spare capacity looks like, and what the customers order. Shared by the
// demo's week and the year of history before it (server/demo_history.h); not used elsewhere.
//
// Pure functions of fixed tables; safe for concurrent use.

#ifndef SUBEX_SERVER_DEMO_MARKET_H_
#define SUBEX_SERVER_DEMO_MARKET_H_

#include <cstdint>
#include <vector>

#include "engine/commands.h"
#include "engine/units.h"

namespace subex::demo {

// The clusters of the demo, by the ids the engine gives them (created in this order).
inline constexpr ClusterId kLipetskCluster{0};
inline constexpr ClusterId kKamaCluster{1};

// The command that creates one of the two clusters.
CreateCluster ClusterCreation(ClusterId cluster);

// The plants, by member id (registered in this order from id 0).
size_t MemberCount();
uint8_t RolesOf(MemberId member);
// The cluster the plant belongs to once its cluster is formed; invalid for none.
ClusterId ClusterOf(MemberId member);

// The capacity a supplier offers for the days [first, last] (at least 20 days): one offer per
// process of its profile, over the whole span or part of it, now and then a second-shift offer at
// a higher price. `salt` varies prices and capacities from one period to another; salt 0 with
// December 2026 gives the demo week's offers.
std::vector<PostOffer> OffersFor(MemberId member, Day first, Day last, uint64_t salt);

// What the customers order: the demo's December orders, each with its production window as days
// of the month (1-based).
struct OrderTemplate {
  PlaceOrder order;
  int start_day = 1;
  int due_day = 1;
};
std::vector<OrderTemplate> OrderTemplates();

// A small fixed-seed generator (SplitMix64): the demo varies from plant to plant and month to
// month yet comes out the same on every build and platform.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // A multiple of `step` in [lo, hi].
  double Pick(double lo, double hi, double step);
  // True with probability `percent` / 100.
  bool Chance(int percent) { return Next() % 100 < static_cast<uint64_t>(percent); }
  // An integer in [lo, hi].
  int64_t Between(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(Next() % static_cast<uint64_t>(hi - lo + 1));
  }

 private:
  uint64_t state_;
};

}  // namespace subex::demo

#endif  // SUBEX_SERVER_DEMO_MARKET_H_
