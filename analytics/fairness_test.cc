#include "analytics/fairness.h"

#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "engine/engine.h"
#include "engine/inn.h"
#include "engine/test_fixture.h"
#include "gtest/gtest.h"

namespace subex {
namespace {

using test::D;

constexpr GeoPoint kTowns[] = {test::kLipetsk, test::kVoronezh, test::kMoscow, test::kKazan};

// A day of trading through a real engine: eight suppliers in four towns post capacity at prices
// that differ by a few percent, four customers order again and again. With `cluster`, a cluster
// forms before trading starts from the first four suppliers and the first two customers; with
// `prefer` as well, those customers' orders prefer their cluster (a bonus of 300.00 RUB a unit).
struct World {
  Engine engine{test::SmallTaxonomy(), Params{}};
  Instant now = test::At("2026-11-23T09:00:00Z");

  void Do(const Command& command) {
    now.unix_ms += 60'000;
    Engine::Outcome out = engine.Execute(command, now);
    ASSERT_FALSE(out.rejection) << out.rejection->message;
  }

  World(bool cluster, bool prefer) {
    for (int i = 0; i < 12; ++i) {
      Do(RegisterMember{{.name = absl::StrFormat("Plant %d", i),
                         .region = "RU-LIP",
                         .location = kTowns[i % 4],
                         .roles = static_cast<uint8_t>(i < 8 ? kRoleSupplier : kRoleCustomer)},
                        kOperator,
                        CompanyInn(absl::StrFormat("48%07d", i + 1)),
                        {"machining"}});
    }
    if (cluster) {
      Do(CreateCluster{.name = "Home", .region = "RU-LIP"});
      for (uint32_t m : {0u, 1u, 2u, 3u, 8u, 9u}) {
        Do(JoinCluster{.cluster = ClusterId{0}, .member = MemberId{m}});
      }
    }
    for (int round = 0; round < 6; ++round) {
      for (uint32_t s = 0; s < 8; ++s) {
        Do(PostOffer{{.daily_capacity = 8,
                      .from = D("2026-12-01") + round,
                      .to = D("2026-12-20"),
                      .unit_price = 300000 + 2500 * ((s * 7 + round * 3) % 11)},
                     MemberId{s},
                     s % 2 ? "machining.turning" : "machining.milling.cnc_5axis"});
      }
      for (uint32_t c = 8; c < 12; ++c) {
        PlaceOrder order{{.title = "Parts",
                          .quantity = 24 + 8 * ((c + round) % 4),
                          .start = D("2026-12-01"),
                          .due = D("2026-12-20"),
                          .max_unit_price = 340000},
                         MemberId{c},
                         round % 2 ? "machining" : "machining.milling"};
        if (prefer && c < 10) {
          order.prefer_clusters = {ClusterId{0}};
          order.cluster_bonus = 30000;
        }
        Do(order);
      }
    }
  }

  const State& state() const { return engine.state(); }
};

// What a contract is, apart from anything cluster-related that a preference would put in it.
bool SameContract(const Contract& a, const Contract& b) {
  return a.order == b.order && a.offer == b.offer && a.supplier == b.supplier &&
         a.quantity == b.quantity && a.unit_price == b.unit_price && a.days == b.days &&
         a.score == b.score;
}

// PRODUCT §1, §3: membership enters the ranking only through an order's prefer_clusters. The same
// trading with and without a cluster of half the market makes the very same contracts, score for
// score; with the preference, it does not.
TEST(FairnessTest, RankingIgnoresClusterMembershipUnlessAnOrderPrefersAClusters) {
  const World plain(/*cluster=*/false, /*prefer=*/false);
  const World clustered(/*cluster=*/true, /*prefer=*/false);
  const World preferring(/*cluster=*/true, /*prefer=*/true);
  ASSERT_GT(plain.state().contracts().size(), 20u);
  ASSERT_EQ(clustered.state().contracts().size(), plain.state().contracts().size());
  for (size_t i = 0; i < plain.state().contracts().size(); ++i) {
    EXPECT_TRUE(SameContract(plain.state().contracts()[i], clustered.state().contracts()[i]))
        << "contract " << i;
  }
  size_t differ = 0;
  const size_t n =
      std::min(plain.state().contracts().size(), preferring.state().contracts().size());
  for (size_t i = 0; i < n; ++i) {
    differ += !SameContract(plain.state().contracts()[i], preferring.state().contracts()[i]);
  }
  EXPECT_GT(differ, 0u);

  // The fairness report tells the two apart: without the preference nothing is `preferred` and
  // the cluster's share of allocations is what its offers earned on price and distance; with it,
  // the share grows by the preferred volume.
  const Day from = D("2026-12-01"), to = D("2026-12-31");
  const FairnessReport neutral =
      ComputeFairness(MarketHistory::FromState(clustered.state()), from, to);
  const FairnessReport steered =
      ComputeFairness(MarketHistory::FromState(preferring.state()), from, to);
  ASSERT_EQ(neutral.branches.size(), 1u);
  ASSERT_EQ(steered.branches.size(), 1u);
  const FairnessBranch& a = neutral.branches[0];
  const FairnessBranch& b = steered.branches[0];
  ASSERT_EQ(a.groups.size(), 2u);
  ASSERT_EQ(b.groups.size(), 2u);
  EXPECT_EQ(a.groups[0].cluster, ClusterId{0});
  EXPECT_FALSE(a.groups[1].cluster.valid());
  EXPECT_EQ(a.groups[0].preferred, 0);
  EXPECT_GT(b.groups[0].preferred, 0);
  EXPECT_EQ(a.offered, b.offered);
  EXPECT_GT(static_cast<double>(b.groups[0].allocated) / static_cast<double>(b.allocated),
            static_cast<double>(a.groups[0].allocated) / static_cast<double>(a.allocated));
}

// Each supplier is in at most one cluster here, so the groups add up to the branch.
TEST(FairnessTest, GroupsAddUpToTheBranchAndMatchTheContracts) {
  const World world(/*cluster=*/true, /*prefer=*/false);
  const FairnessReport r =
      ComputeFairness(MarketHistory::FromState(world.state()), D("2026-12-01"), D("2026-12-31"));
  ASSERT_EQ(r.branches.size(), 1u);
  const FairnessBranch& b = r.branches[0];
  Quantity offered = 0, allocated = 0;
  for (const FairnessGroup& g : b.groups) {
    offered += g.offered;
    allocated += g.allocated;
  }
  EXPECT_EQ(offered, b.offered);
  EXPECT_EQ(allocated, b.allocated);
  Quantity contracted = 0;
  for (const Contract& c : world.state().contracts()) contracted += c.live() ? c.quantity : 0;
  EXPECT_EQ(b.allocated, contracted);
  Quantity capacity = 0;
  for (const CapacityOffer& o : world.state().offers()) {
    capacity += Quantity{o.daily_capacity} * (o.to - o.from + 1);
  }
  EXPECT_EQ(b.offered, capacity);
}

// By hand: the cluster's supplier offers half the capacity and, being cheaper, takes the whole
// order. Only the days inside the period count.
class FairnessByHandTest : public test::ExchangeTest {};

TEST_F(FairnessByHandTest, SharesOfCapacityAndAllocationOnThePeriodsDays) {
  const MemberId a = Register({.roles = kRoleSupplier});
  const MemberId n = Register({.roles = kRoleSupplier});
  const MemberId c = Register({.roles = kRoleCustomer});
  AddCluster("K", {a});
  Post(a, {.unit_price = 300000});  // 8 a day, December 1–10.
  Post(n, {.unit_price = 310000});
  Place(c, {.quantity = 40, .due = D("2026-12-11")});  // Takes A's last five days, 6–10.
  const MarketHistory h = MarketHistory::FromState(state());

  const FairnessReport all = ComputeFairness(h, D("2026-12-01"), D("2026-12-31"));
  ASSERT_EQ(all.branches.size(), 1u);
  EXPECT_EQ(all.branches[0].offered, 160);
  EXPECT_EQ(all.branches[0].allocated, 40);
  ASSERT_EQ(all.branches[0].groups.size(), 2u);
  EXPECT_EQ(all.branches[0].groups[0].offered, 80);
  EXPECT_EQ(all.branches[0].groups[0].allocated, 40);
  EXPECT_EQ(all.branches[0].groups[1].offered, 80);
  EXPECT_EQ(all.branches[0].groups[1].allocated, 0);

  const FairnessReport early = ComputeFairness(h, D("2026-12-01"), D("2026-12-07"));
  EXPECT_EQ(early.branches[0].offered, 112);   // 7 days × 8 × 2 offers.
  EXPECT_EQ(early.branches[0].allocated, 16);  // December 6 and 7.

  EXPECT_TRUE(ComputeFairness(h, D("2027-01-01"), D("2027-01-31")).branches.empty());
}

}  // namespace
}  // namespace subex
