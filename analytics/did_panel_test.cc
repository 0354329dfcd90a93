#include "analytics/did_panel.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "engine/test_fixture.h"
#include "gtest/gtest.h"

namespace subex {
namespace {

using test::D;

// Four months of a market with one supplier selling at 1,000.00 RUB a unit and four customers.
// Two of them form a cluster at the start of the third month and from then on buy 5 units a month
// more; the other two buy 2 more (a trend common to everyone). The effect on purchased value is
// built in: (5 − 2) × 1,000.00 = 3,000.00 RUB per member-month.
class DidPanelTest : public test::ExchangeTest {
 protected:
  static constexpr const char* kMonths[] = {"2026-12", "2027-01", "2027-02", "2027-03"};

  // With `late`, a fifth customer registers in mid-January and buys nothing.
  void Trade(bool late = false) {
    supplier_ = Register({.name = "Supplier", .roles = kRoleSupplier});
    for (int i = 0; i < 4; ++i) {
      customers_.push_back(
          Register({.name = absl::StrCat("Customer ", i), .roles = kRoleCustomer}));
    }
    const Quantity base[4] = {10, 14, 20, 30};  // Treated, treated, control, control.
    for (int month = 0; month < 4; ++month) {
      const Day first = FirstDay(*ParseMonth(kMonths[month]));
      now_ = StartOf(first);
      now_.unix_ms += 8 * 3'600'000;
      if (month == 2) cluster_ = AddCluster("K", {customers_[0], customers_[1]});
      Post(supplier_,
           {.daily_capacity = 100, .from = first, .to = first + 27, .unit_price = 100000});
      for (int i = 0; i < 4; ++i) {
        const Quantity extra = month < 2 ? 0 : i < 2 ? 5 : 2;
        Place(customers_[i], {.quantity = base[i] + extra, .start = first, .due = first + 20});
      }
      if (late && month == 1) {
        now_ = test::At("2027-01-15T08:00:00Z");
        late_ = Register({.name = "Late", .roles = kRoleCustomer});
      }
    }
  }

  DidDesign Design(DidMetric metric) const {
    return {.cluster = cluster_,
            .metric = metric,
            .before_from = *ParseMonth("2026-12"),
            .before_to = *ParseMonth("2027-01"),
            .after_from = *ParseMonth("2027-02"),
            .after_to = *ParseMonth("2027-03")};
  }

  MemberId supplier_, late_;
  std::vector<MemberId> customers_;
  ClusterId cluster_;
};

TEST_F(DidPanelTest, RecoversTheEffectBuiltIntoTheMarket) {
  Trade();
  const MarketHistory h = MarketHistory::FromState(state());
  const DidPanel panel = BuildDidPanel(h, Design(DidMetric::kPurchasedValue));
  EXPECT_EQ(panel.treated_members, 2);
  EXPECT_EQ(panel.control_members, 2);  // The supplier is not a customer.
  EXPECT_EQ(panel.observations.size(), 16u);
  absl::StatusOr<DidEstimate> est = EstimateDid(panel.observations);
  ASSERT_TRUE(est.ok()) << est.status();
  EXPECT_DOUBLE_EQ(est->treated_before.mean, 12'000);
  EXPECT_DOUBLE_EQ(est->treated_after.mean, 17'000);
  EXPECT_DOUBLE_EQ(est->control_before.mean, 25'000);
  EXPECT_DOUBLE_EQ(est->control_after.mean, 27'000);
  EXPECT_NEAR(est->estimate, 3'000, 1e-6);
  EXPECT_NEAR(est->regression.coefficients[3].estimate, 3'000, 1e-6);
}

TEST_F(DidPanelTest, EachMetricReadsItsOwnFigure) {
  Trade();
  const MarketHistory h = MarketHistory::FromState(state());
  // One order a month each, always filled: no effect on either.
  for (DidMetric metric : {DidMetric::kOrders, DidMetric::kFillRate, DidMetric::kContracts}) {
    absl::StatusOr<DidEstimate> est = EstimateDid(BuildDidPanel(h, Design(metric)).observations);
    ASSERT_TRUE(est.ok()) << est.status();
    EXPECT_NEAR(est->estimate, 0, 1e-12) << ToString(metric);
    EXPECT_DOUBLE_EQ(est->treated_before.mean, 1) << ToString(metric);
  }
  // Contracted value counts either side, so the supplier joins the control group.
  const DidPanel value = BuildDidPanel(h, Design(DidMetric::kContractedValue));
  EXPECT_EQ(value.control_members, 3);
  // Nobody treated supplies anything.
  const DidPanel supplied = BuildDidPanel(h, Design(DidMetric::kSuppliedValue));
  EXPECT_EQ(supplied.treated_members, 0);
  EXPECT_EQ(supplied.control_members, 1);
  EXPECT_FALSE(EstimateDid(supplied.observations).ok());
}

// Utilisation is the used share of the supplier's offered capacity, by value, month by month:
// 28 days × 100 units offered each month.
TEST_F(DidPanelTest, UtilisationIsTheUsedShareOfTheMonthsCapacity) {
  Trade();
  DidDesign design = Design(DidMetric::kUtilisation);
  design.control = DidControl::kNonMembers;
  const DidPanel panel = BuildDidPanel(MarketHistory::FromState(state()), design);
  ASSERT_EQ(panel.observations.size(), 4u);  // The supplier alone, a control, in four months.
  EXPECT_NEAR(panel.observations[0].y, (10 + 14 + 20 + 30) / 2800.0, 1e-12);
  EXPECT_NEAR(panel.observations[2].y, (15 + 19 + 22 + 32) / 2800.0, 1e-12);
  EXPECT_FALSE(panel.observations[0].after);
  EXPECT_TRUE(panel.observations[3].after);
}

// A member registered after the first day of a month counts from the next month on; members of
// another cluster stay out of a non-member control group.
TEST_F(DidPanelTest, MembersCountFromTheirFirstWholeMonthAndControlsCanExcludeClusters) {
  Trade(/*late=*/true);
  AddCluster("Other", {customers_[3]});
  const MarketHistory h = MarketHistory::FromState(state());
  DidDesign design = Design(DidMetric::kOrders);
  const DidPanel others = BuildDidPanel(h, design);
  EXPECT_EQ(others.control_members, 3);
  EXPECT_EQ(others.observations.size(), 16u + 2u);  // The late member: February and March.
  design.control = DidControl::kNonMembers;
  const DidPanel non_members = BuildDidPanel(h, design);
  EXPECT_EQ(non_members.control_members, 2);  // Customer 2 and the late one.
  size_t late_observations = 0;
  for (const DidObservation& o : non_members.observations) late_observations += o.y == 0;
  EXPECT_EQ(late_observations, 2u);
}

}  // namespace
}  // namespace subex
