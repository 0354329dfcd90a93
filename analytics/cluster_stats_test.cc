#include "analytics/cluster_stats.h"

#include <cmath>

#include "engine/test_fixture.h"
#include "gtest/gtest.h"

namespace subex {
namespace {

using test::D;

class ClusterStatsTest : public test::ExchangeTest {
 protected:
  ClusterStats Stats(ClusterId cluster, std::string_view from, std::string_view to) {
    return ComputeClusterStats(MarketHistory::FromState(state()), cluster, D(from), D(to));
  }
  void Ok(const Command& command) {
    Engine::Outcome out = Run(command);
    ASSERT_FALSE(out.rejection) << out.rejection->message;
  }
  ContractId Only(OrderId order) {
    EXPECT_EQ(ContractsOf(order).size(), 1u);
    return ContractsOf(order).back()->id;
  }
};

// Cluster K holds supplier A and customer C1; B is in cluster L; N and C2 (in another region) are
// in no cluster. Everyone is in Lipetsk, so the cheapest offer wins: A at 3,000.00, then B at
// 3,100.00, then N at 3,200.00, each 8 a day for ten December days (80 units).
TEST_F(ClusterStatsTest, CountsTheMembersOrdersContractsAndCapacity) {
  const MemberId a = Register({.name = "A", .roles = kRoleSupplier});
  const MemberId c1 = Register({.name = "C1", .roles = kRoleCustomer});
  const MemberId b = Register({.name = "B", .roles = kRoleSupplier});
  const MemberId n = Register({.name = "N", .roles = kRoleSupplier});
  const MemberId c2 = Register({.name = "C2", .region = "RU-MOW", .roles = kRoleCustomer});
  const ClusterId k = AddCluster("K", {a, c1});
  AddCluster("L", {b});
  Post(a, {.unit_price = 300000});
  Post(b, {.unit_price = 310000});
  Post(n, {.unit_price = 320000});
  Place(c1, {.quantity = 80});  // A 80: inside the cluster.
  Place(c1, {.quantity = 40});  // B 40: with another cluster.
  Place(c1, {.quantity = 60});  // B 40 and N 20: with another cluster and with a non-member.
  Place(c2, {.quantity = 16});  // N 16: nobody of K.
  Post(a, {.from = D("2026-12-11"), .to = D("2026-12-20"), .unit_price = 300000});
  Place(c2, {.quantity = 8});  // A 8: with a non-member, across regions.

  const ClusterStats s = Stats(k, "2026-11-01", "2026-12-31");
  EXPECT_EQ(s.members, 2);
  EXPECT_EQ(s.orders, 3);
  EXPECT_EQ(s.fully_allocated, 3);
  EXPECT_DOUBLE_EQ(s.fill_rate, 1);
  EXPECT_DOUBLE_EQ(s.median_hours_to_full_allocation, 0);
  EXPECT_EQ(s.contracts.count, 5);
  EXPECT_EQ(s.contracts.value, 57'600'000);  // Kopecks: 240,000 + 2 × 124,000 + 64,000 + 24,000.
  EXPECT_EQ(s.inside_cluster.count, 1);
  EXPECT_EQ(s.inside_cluster.value, 24'000'000);
  EXPECT_EQ(s.with_other_clusters.count, 2);
  EXPECT_EQ(s.with_other_clusters.value, 24'800'000);
  EXPECT_EQ(s.with_non_members.count, 2);
  EXPECT_EQ(s.with_non_members.value, 8'800'000);
  EXPECT_EQ(s.inter_regional.count, 1);
  EXPECT_EQ(s.inter_regional.value, 2'400'000);
  EXPECT_EQ(s.offers, 2);
  EXPECT_EQ(s.offered_value, 48'000'000);  // 160 units at 3,000.00.
  EXPECT_EQ(s.used_value, 26'400'000);     // 88 of them.
  EXPECT_DOUBLE_EQ(s.utilisation, 0.55);
  ASSERT_EQ(s.by_process.size(), 1u);
  EXPECT_EQ(state().taxonomy().node(s.by_process[0].branch).code, "machining");
  EXPECT_EQ(s.by_process[0].orders, 3);
  EXPECT_EQ(s.by_process[0].ordered, 180);
  EXPECT_EQ(s.by_process[0].allocated, 180);
  EXPECT_EQ(s.by_process[0].offered, 160);
  EXPECT_EQ(s.by_process[0].used, 88);
  EXPECT_EQ(s.declined + s.lapsed + s.cancelled_by_supplier + s.cancelled_by_customer, 0);

  // Late December: no order or contract was made then; of A's second offer, 8 of 80 are used.
  const ClusterStats late = Stats(k, "2026-12-11", "2026-12-31");
  EXPECT_EQ(late.orders, 0);
  EXPECT_TRUE(std::isnan(late.fill_rate));
  EXPECT_TRUE(std::isnan(late.median_hours_to_full_allocation));
  EXPECT_EQ(late.contracts.count, 0);
  EXPECT_EQ(late.offers, 1);
  EXPECT_DOUBLE_EQ(late.utilisation, 0.1);

  // Cluster L sees B's two contracts with C1, a member of another cluster.
  const ClusterStats l = Stats(ClusterId{1}, "2026-11-01", "2026-12-31");
  EXPECT_EQ(l.with_other_clusters.count, 2);
  EXPECT_EQ(l.orders, 0);
}

// A member supplier's declines, lapses and cancellations count against the cluster; so does a
// member customer's cancellation; a non-member supplier's cancellation does not.
TEST_F(ClusterStatsTest, CountsReleasesByTheMemberResponsible) {
  const MemberId a = Register({.name = "A", .roles = kRoleSupplier});
  const MemberId c1 = Register({.name = "C1", .roles = kRoleCustomer});
  const MemberId n = Register({.name = "N", .roles = kRoleSupplier});
  const MemberId x = Register({.name = "X", .roles = kRoleCustomer});
  const ClusterId k = AddCluster("K", {a, c1});
  // A is so much cheaper that its falling reliability never costs it an order.
  Post(a, {.daily_capacity = 16, .unit_price = 200000, .auto_accept = false});
  Post(n, {.daily_capacity = 16, .unit_price = 310000});

  const OrderId declined = Place(x, {.quantity = 8});  // Pending with A; declined; N takes it.
  Ok(DeclineContract{.by = a, .contract = Only(declined), .reason = ""});
  const OrderId withdrawn = Place(c1, {.quantity = 8});  // Pending with A; C1 cancels it.
  Ok(CancelContract{.by = c1, .contract = Only(withdrawn), .reason = "design changed"});
  const OrderId dropped = Place(x, {.quantity = 8});  // A confirms, then cancels; N takes it.
  Ok(ConfirmContract{.by = a, .contract = Only(dropped)});
  Ok(CancelContract{.by = a, .contract = Only(dropped), .reason = "breakdown"});
  const OrderId lapsed = Place(c1, {.quantity = 8});  // A never confirms; N takes it at the lapse.
  TickAt("2026-11-26T00:00:00Z");
  ASSERT_EQ(ContractsOf(lapsed).size(), 2u);
  Ok(CancelContract{.by = n, .contract = ContractsOf(lapsed).back()->id, .reason = "breakdown"});

  const ClusterStats s = Stats(k, "2026-11-01", "2026-11-30");
  EXPECT_EQ(s.declined, 1);
  EXPECT_EQ(s.lapsed, 1);
  EXPECT_EQ(s.cancelled_by_supplier, 1);
  EXPECT_EQ(s.cancelled_by_customer, 1);
  EXPECT_EQ(s.contracts.count, 0);  // Nothing of K's is live.
  EXPECT_EQ(s.orders, 2);
  EXPECT_DOUBLE_EQ(s.fill_rate, 0);
  EXPECT_EQ(s.fully_allocated, 0);
}

// Orders filled at once, after two hours and after four: the median is two hours. An order still
// open does not count.
TEST_F(ClusterStatsTest, MedianTimeFromOrderToFullAllocation) {
  const MemberId s = Register({.roles = kRoleSupplier});
  const MemberId c = Register({.roles = kRoleCustomer});
  const ClusterId k = AddCluster("K", {c});
  Post(s, {.unit_price = 300000});
  Place(c, {.quantity = 8});
  Place(c, {.quantity = 8, .max_unit_price = 250000});
  Place(c, {.quantity = 8, .max_unit_price = 250000});
  Place(c, {.quantity = 8, .max_unit_price = 200000});  // Never filled.
  AdvanceTo("2026-11-23T10:00:00Z");
  Post(s,
       {.daily_capacity = 8, .from = D("2026-12-01"), .to = D("2026-12-01"), .unit_price = 240000});
  AdvanceTo("2026-11-23T12:00:00Z");
  Post(s,
       {.daily_capacity = 8, .from = D("2026-12-02"), .to = D("2026-12-02"), .unit_price = 240000});
  const ClusterStats stats = Stats(k, "2026-11-23", "2026-11-23");
  EXPECT_EQ(stats.orders, 4);
  EXPECT_EQ(stats.fully_allocated, 3);
  EXPECT_DOUBLE_EQ(stats.median_hours_to_full_allocation, 2);
  EXPECT_DOUBLE_EQ(stats.fill_rate, 0.75);
}

TEST(UnitsWithinTest, CountsTheDaysInsideThePeriod) {
  const std::vector<DayQuantity> days = {
      {D("2026-12-01"), 8}, {D("2026-12-02"), 4}, {D("2026-12-05"), 2}};
  EXPECT_EQ(UnitsWithin(days, D("2026-12-01"), D("2026-12-31")), 14);
  EXPECT_EQ(UnitsWithin(days, D("2026-12-02"), D("2026-12-04")), 4);
  EXPECT_EQ(UnitsWithin(days, D("2026-12-06"), D("2026-12-31")), 0);
  EXPECT_EQ(UnitsWithin({}, D("2026-12-01"), D("2026-12-31")), 0);
}

}  // namespace
}  // namespace subex
