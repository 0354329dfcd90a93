#include "api/analytics_views.h"

#include <string>

#include "analytics/cluster_stats.h"
#include "engine/test_fixture.h"
#include "gtest/gtest.h"

namespace subex {
namespace {

TEST(AnalyticsViewsTest, WideMoneyIsExactRoublesAndKopecks) {
  EXPECT_EQ(FormatWideMoney(0), "0.00");
  EXPECT_EQ(FormatWideMoney(5), "0.05");
  EXPECT_EQ(FormatWideMoney(350000), "3500.00");
  EXPECT_EQ(FormatWideMoney(-123), "-1.23");
  // Beyond int64: 10^20 kopecks.
  EXPECT_EQ(FormatWideMoney(absl::int128(10'000'000'000) * 10'000'000'000),
            "1000000000000000000.00");
}

class AnalyticsViewsStateTest : public test::ExchangeTest {};

// With nothing in the period the ratios are undefined, and written as null rather than 0.
TEST_F(AnalyticsViewsStateTest, UndefinedRatiosAreNull) {
  MemberId m = Register();
  ClusterId k = AddCluster("Quiet", {m});
  const MarketHistory h = MarketHistory::FromState(state());
  JsonWriter w;
  WriteClusterStats(w, h, ComputeClusterStats(h, k, test::D("2026-01-01"), test::D("2026-01-31")));
  const std::string json = std::move(w).Take();
  EXPECT_NE(json.find(R"("orders":{"count":0,"fully_allocated":0,"fill_rate":null,)"
                      R"("median_hours_to_full_allocation":null})"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find(R"("utilisation":null)"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("name":"Quiet","from":"2026-01-01","to":"2026-01-31","members":1)"),
            std::string::npos)
      << json;
}

}  // namespace
}  // namespace subex
