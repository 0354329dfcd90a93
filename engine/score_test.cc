// Specification of the score (PRODUCT §3): every term against numbers computed by hand, and the
// ranking it induces.
//
// The pair used throughout: the customer in Lipetsk (52.6031, 39.5708), the supplier in Voronezh
// (51.6608, 39.2003). Haversine with R = 6371.0 km:
//
//   Δlat = −0.9423° = −0.0164462375 rad, Δlon = −0.3705° = −0.0064664449 rad
//   h    = sin²(Δlat/2) + cos(52.6031°)·cos(51.6608°)·sin²(Δlon/2)
//        = 6.7618158e-5 + 0.37673817 × 1.0453691e-5 = 7.1556463e-5
//   d    = 2 × 6371 × asin(√h) = 107.787205 km
//
// Machining's tariff is 0.40 RUB = 40 kopecks per unit per km, so at 3,000.00 RUB an hour:
//
//   transport = 40 × 107.787205          =   4,311.488213 kopecks
//   landed    = 300,000 + 4,311.488213   = 304,311.488213
//   risk      = 1 + 0.25 × (1 − 0.8)     = 1.05 (a newcomer's reliability is the prior, 0.8)
//   total     = 304,311.488213 × 1.05    = 319,527.062623
//   with a cluster bonus of 50.00 RUB:   = 314,527.062623

#include "engine/domain.h"
#include "engine/test_fixture.h"
#include "gtest/gtest.h"

namespace subex {
namespace {

using test::kLipetsk;
using test::kVoronezh;
using test::kYekaterinburg;

constexpr double kLipetskVoronezhKm = 107.787205;
constexpr double kTotal = 319527.062623;

class ScoreTest : public test::ExchangeTest {
 protected:
  ScoreTest()
      : customer_(Register({.name = "Lipetsk plant", .location = kLipetsk})),
        supplier_(Register({.name = "Voronezh plant", .region = "RU-VOR", .location = kVoronezh})) {
  }

  // The score of the order's only contract.
  Score OnlyScore(OrderId o) {
    std::vector<const Contract*> contracts = ContractsOf(o);
    EXPECT_EQ(contracts.size(), 1u);
    return contracts.empty() ? Score{} : contracts[0]->score;
  }

  MemberId customer_;
  MemberId supplier_;
};

TEST_F(ScoreTest, EveryTermMatchesTheHandComputation) {
  Post(supplier_, {.unit_price = 300000});
  OrderId o = Place(customer_);
  ASSERT_EQ(ContractsOf(o).size(), 1u);
  const Contract& c = *ContractsOf(o)[0];
  EXPECT_EQ(c.unit_price, 300000) << "money stays in integer kopecks";
  const Score& s = c.score;
  EXPECT_NEAR(s.distance_km, kLipetskVoronezhKm, 1e-6);
  EXPECT_DOUBLE_EQ(s.unit_price, 300000.0);
  EXPECT_NEAR(s.transport, 4311.488213, 1e-5);
  EXPECT_NEAR(s.landed, 304311.488213, 1e-5);
  EXPECT_DOUBLE_EQ(s.reliability, 0.8);
  EXPECT_DOUBLE_EQ(s.risk_factor, 1.05);
  EXPECT_DOUBLE_EQ(s.cluster_bonus, 0.0);
  EXPECT_NEAR(s.total, kTotal, 1e-5);
  // The same formula over the engine's own distance, to the last micro-kopeck.
  EXPECT_NEAR(s.total, (300000 + 40 * s.distance_km) * (1 + 0.25 * (1 - 0.8)), 1e-6);
}

TEST_F(ScoreTest, ANewOfferScoresARestingOrderTheSameWay) {
  OrderId o = Place(customer_);
  Post(supplier_, {.unit_price = 300000});
  Score s = OnlyScore(o);
  EXPECT_NEAR(s.distance_km, kLipetskVoronezhKm, 1e-6);
  EXPECT_NEAR(s.total, kTotal, 1e-5);
}

TEST_F(ScoreTest, ClusterBonusIsSubtractedForPreferredClusters) {
  ClusterId cluster = AddCluster("Chernozemye cluster", {supplier_});
  Post(supplier_, {.unit_price = 300000});
  Score s = OnlyScore(Place(customer_, {.prefer_clusters = {cluster}, .cluster_bonus = 5000}));
  EXPECT_DOUBLE_EQ(s.cluster_bonus, 5000.0);
  EXPECT_NEAR(s.landed, 304311.488213, 1e-5);
  EXPECT_NEAR(s.total, kTotal - 5000, 1e-5);
  EXPECT_NEAR(s.total, (300000 + 40 * s.distance_km) * 1.05 - 5000, 1e-6);
}

TEST_F(ScoreTest, NoClusterBonusUnlessTheOrderAsks) {
  AddCluster("Chernozemye cluster", {supplier_});
  ClusterId other = AddCluster("Kama cluster");
  Post(supplier_, {.unit_price = 300000});
  // The supplier's cluster, but the order does not prefer it.
  Score neutral = OnlyScore(Place(customer_));
  EXPECT_DOUBLE_EQ(neutral.cluster_bonus, 0.0);
  EXPECT_NEAR(neutral.total, kTotal, 1e-5);
  // The order prefers a cluster the supplier is not in.
  Score elsewhere =
      OnlyScore(Place(customer_, {.prefer_clusters = {other}, .cluster_bonus = 5000}));
  EXPECT_DOUBLE_EQ(elsewhere.cluster_bonus, 0.0);
  EXPECT_NEAR(elsewhere.total, kTotal, 1e-5);
}

TEST_F(ScoreTest, CheaperLandedCostBeatsCheaperUnitPrice) {
  // Yekaterinburg is 1,423.8 km away: 290,000 + 40 × 1,423.83 = 346,953 kopecks landed,
  // against 304,311 from Voronezh at 300,000. The far offer is posted first (lower id).
  MemberId far = Register({.name = "Ural plant", .region = "RU-SVE", .location = kYekaterinburg});
  OfferId far_offer = Post(far, {.unit_price = 290000});
  OfferId near_offer = Post(supplier_, {.unit_price = 300000});
  OrderId o = Place(customer_);
  ASSERT_EQ(ContractsOf(o).size(), 1u);
  EXPECT_EQ(ContractOf(o).offer, near_offer);
  EXPECT_EQ(offer(far_offer).calendar.free_total(), 80);
}

TEST_F(ScoreTest, CheaperUnitPriceWinsWhenTransportIsSmall) {
  // Voronezh at 295,000 lands at 299,311.49, below 300,000 from a Lipetsk neighbour at 0 km.
  MemberId neighbour = Register({.name = "Lipetsk neighbour", .location = kLipetsk});
  Post(neighbour, {.unit_price = 300000});
  OfferId voronezh = Post(supplier_, {.unit_price = 295000});
  OrderId o = Place(customer_);
  ASSERT_EQ(ContractsOf(o).size(), 1u);
  EXPECT_EQ(ContractOf(o).offer, voronezh);
  EXPECT_NEAR(ContractOf(o).score.landed, 299311.488213, 1e-5);
}

TEST_F(ScoreTest, PreferredClusterBonusCanChangeTheRanking) {
  // Both in Voronezh: 300,000 scores 319,527.06; 305,000 in the cluster scores
  // (305,000 + 4,311.49) × 1.05 − 10,000 = 314,777.06 with the bonus, 324,777.06 without.
  MemberId member = Register({.location = kVoronezh});
  ClusterId cluster = AddCluster("Chernozemye cluster", {member});
  OfferId plain = Post(supplier_, {.unit_price = 300000});
  OfferId clustered = Post(member, {.unit_price = 305000});
  OrderId neutral = Place(customer_);
  EXPECT_EQ(ContractOf(neutral).offer, plain);
  OrderId preferring = Place(customer_, {.prefer_clusters = {cluster}, .cluster_bonus = 10000});
  ASSERT_EQ(ContractsOf(preferring).size(), 1u);
  EXPECT_EQ(ContractOf(preferring).offer, clustered);
  EXPECT_NEAR(ContractOf(preferring).score.total, 314777.062623, 1e-5);
}

TEST_F(ScoreTest, TiesGoToTheEarlierOffer) {
  // Same place, same price: the offer posted first wins, whichever member registered first.
  MemberId late_member = Register({.location = kVoronezh});
  OfferId first = Post(late_member);
  OfferId second = Post(supplier_);
  OrderId o = Place(customer_);
  ASSERT_EQ(ContractsOf(o).size(), 1u);
  EXPECT_EQ(ContractOf(o).offer, first);
  // A larger order takes the earlier offer whole, then the rest from the later one.
  OrderId big = Place(customer_, {.quantity = 100});
  std::vector<const Contract*> contracts = ContractsOf(big);
  ASSERT_EQ(contracts.size(), 2u);
  EXPECT_EQ(contracts[0]->offer, first);
  EXPECT_EQ(contracts[0]->quantity, 64);
  EXPECT_EQ(contracts[1]->offer, second);
  EXPECT_EQ(contracts[1]->quantity, 36);
}

}  // namespace
}  // namespace subex
