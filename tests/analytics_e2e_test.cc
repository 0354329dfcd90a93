// End-to-end specification of the cluster analytics routes (PRODUCT §7): who may read them, what
// bad requests answer, and that the figures are the same after a restart from a snapshot that
// pruned the early events.

#include <cstdio>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e_fixture.h"
#include "tests/http_client.h"
#include "tests/subexd_process.h"

namespace subex::test {
namespace {

using ::testing::HasSubstr;

// A period around today, which the test's offers, orders and contracts fall in.
const std::string kPeriod = "?from=" + DayFromToday(-300) + "&to=" + DayFromToday(60);
// The offer's days (kOfferBody).
const std::string kOfferPeriod = "?from=" + DayFromToday(8) + "&to=" + DayFromToday(38);
// Last month and this one, as the periods of a difference in differences.
const std::string kMonths = R"("before_from":")" + MonthFromThis(-1) + R"(","before_to":")" +
                            MonthFromThis(-1) + R"(","after_from":")" + MonthFromThis(0) +
                            R"(","after_to":")" + MonthFromThis(0) + R"(")";

class AnalyticsTest : public ApiTest {
 protected:
  // The market of MakeMarket, a cluster of the supplier and the customer, an analyst key and one
  // order filled by the supplier's offer.
  void MakeClusterMarket() {
    MakeMarket();
    HttpClient::Response cluster =
        Send("POST", "/v1/clusters", kAdmin,
             R"({"name":"Lipetsk Machine-Building","region":"RU-LIP","kind":"regional"})");
    ASSERT_EQ(cluster.status, 201) << cluster.body;
    cluster_ = At(cluster.body, "/id");
    for (const std::string& m : {supplier_, customer_}) {
      ASSERT_EQ(Send("PUT", "/v1/clusters/" + cluster_ + "/members/" + m, kAdmin).status, 200);
    }
    HttpClient::Response analyst =
        Send("POST", "/v1/keys", kAdmin, R"({"kind":"analyst","label":"cluster centre"})");
    ASSERT_EQ(analyst.status, 201) << analyst.body;
    analyst_key_ = At(analyst.body, "/api_key");
    ASSERT_EQ(Send("POST", "/v1/offers", supplier_key_, kOfferBody).status, 201);
  }

  std::string Stats(const std::string& key) {
    HttpClient::Response r = Send("GET", "/v1/clusters/" + cluster_ + "/stats" + kPeriod, key);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.body;
  }

  std::string DidBody(const std::string& cluster, const std::string& rest) {
    return R"({"cluster":")" + cluster + R"(","metric":"contracts",)" + rest + "}";
  }

  std::string cluster_, analyst_key_;
};

TEST_F(AnalyticsTest, AnalystsReadAnalyticsAndMembersTheirOwnClustersStatistics) {
  MakeClusterMarket();
  // The answer to the order has left, so the statistics already count its contract.
  HttpClient::Response order = Send("POST", "/v1/orders", customer_key_, kOrderBody);
  ASSERT_EQ(order.status, 201) << order.body;
  const std::string stats = Stats(analyst_key_);
  EXPECT_EQ(At(stats, "/cluster"), cluster_);
  EXPECT_EQ(At(stats, "/members"), "2");
  EXPECT_EQ(At(stats, "/orders/count"), "1");
  EXPECT_THAT(stats, HasSubstr(R"("fill_rate":1.0000,"median_hours_to_full_allocation":0.00})"));
  EXPECT_EQ(At(stats, "/contracts/count"), "1");
  EXPECT_THAT(stats, HasSubstr(R"("contracts":{"count":1,"value":768000.00,)"));  // 240 × 3,200.
  EXPECT_EQ(At(stats, "/contracts/inside_cluster/count"), "1");
  EXPECT_EQ(At(stats, "/by_process/0/process"), "machining");
  EXPECT_EQ(Stats(kAdmin), stats);
  EXPECT_EQ(Stats(customer_key_), stats);  // A member of the cluster.

  EXPECT_EQ(Send("GET", "/v1/clusters/" + cluster_ + "/stats", other_key_).status, 403);
  EXPECT_EQ(Send("GET", "/v1/clusters/" + cluster_ + "/stats").status, 401);
  EXPECT_EQ(Send("GET", "/v1/analytics/fairness" + std::string(kPeriod), customer_key_).status,
            403);
  EXPECT_EQ(Send("POST", "/v1/analytics/did", customer_key_, DidBody(cluster_, kMonths)).status,
            403);
  EXPECT_EQ(Send("GET", "/v1/orders", analyst_key_).status, 403);  // Still analytics only.

  HttpClient::Response fairness =
      Send("GET", "/v1/analytics/fairness" + kOfferPeriod, analyst_key_);
  ASSERT_EQ(fairness.status, 200) << fairness.body;
  EXPECT_EQ(At(fairness.body, "/branches/0/process"), "machining");
  EXPECT_EQ(At(fairness.body, "/branches/0/offered"), "496");
  EXPECT_EQ(At(fairness.body, "/branches/0/allocated"), "240");
  EXPECT_EQ(At(fairness.body, "/branches/0/groups/0/cluster"), cluster_);
  EXPECT_THAT(fairness.body, HasSubstr(R"("preferred":0,"ratio":1.0000})"));
}

TEST_F(AnalyticsTest, BadAnalyticsRequestsAreProblemsNamingTheField) {
  MakeClusterMarket();
  const std::string stats = "/v1/clusters/" + cluster_ + "/stats";
  HttpClient::Response r = Send("GET", stats + "?from=2026-12-01&to=2026-11-30", analyst_key_);
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(At(r.body, "/errors/0/field"), "from");
  r = Send("GET", stats + "?to=2026-13-01", analyst_key_);
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(At(r.body, "/errors/0/field"), "to");
  r = Send("GET", stats + "?from=2000-01-01&to=2026-12-31", analyst_key_);
  EXPECT_EQ(r.status, 422);
  EXPECT_THAT(r.body, HasSubstr("at most 3660 days"));
  EXPECT_EQ(Send("GET", stats + "?since=2026-01-01", analyst_key_).status, 400);
  EXPECT_EQ(Send("GET", "/v1/clusters/k_2222222/stats", analyst_key_).status, 404);
  EXPECT_EQ(Send("GET", "/v1/clusters/nonsense/stats", analyst_key_).status, 404);

  const std::string& months = kMonths;
  r = Send("POST", "/v1/analytics/did", analyst_key_,
           DidBody(cluster_, R"("before_from":")" + MonthFromThis(-1) + R"(","before_to":")" +
                                 MonthFromThis(0) + R"(","after_from":")" + MonthFromThis(0) +
                                 R"(","after_to":")" + MonthFromThis(1) + R"(")"));
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(At(r.body, "/errors/0/field"), "after_from");
  r = Send(
      "POST", "/v1/analytics/did", analyst_key_,
      DidBody(cluster_, R"("before_from":"2000-01","before_to":"2000-01",)"
                        R"("after_from":")" +
                            MonthFromThis(0) + R"(","after_to":")" + MonthFromThis(0) + R"(")"));
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(At(r.body, "/errors/0/field"), "after_to");
  r = Send("POST", "/v1/analytics/did", analyst_key_, DidBody("k_2222222", months));
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(At(r.body, "/errors/0/field"), "cluster");
  // Everyone registered today: nobody has a month before the split.
  r = Send("POST", "/v1/analytics/did", analyst_key_, DidBody(cluster_, months));
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(At(r.body, "/errors/0/field"), "cluster");
  EXPECT_THAT(r.body, HasSubstr("before period"));
  r = Send("POST", "/v1/analytics/did", analyst_key_, DidBody(cluster_, months + ",\"x\":1"));
  EXPECT_EQ(r.status, 400);
  r = Send("POST", "/v1/analytics/did", analyst_key_,
           R"({"cluster":")" + cluster_ + R"(","metric":"profit",)" + months + "}");
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(At(r.body, "/errors/0/field"), "metric");
  r = Send("POST", "/v1/analytics/did", analyst_key_, DidBody(cluster_, months),
           {{"Content-Type", "text/plain"}});
  EXPECT_EQ(r.status, 415);
}

// Days of a period are years 0001 to 9999, the ones a four-digit date writes; a default `from`
// (364 days before `to`) never starts before 0001-01-01.
TEST_F(AnalyticsTest, PeriodsStayWithinTheYearsADateCanWrite) {
  MakeClusterMarket();
  for (const std::string& route : std::vector<std::string>{
           "/v1/analytics/fairness", "/v1/clusters/" + cluster_ + "/stats"}) {
    SCOPED_TRACE(route);
    for (const auto& [query, field] : std::vector<std::pair<std::string, std::string>>{
             {"?to=0000-01-01", "to"},
             {"?from=0000-12-31&to=0001-01-02", "from"},
             {"?from=9999-12-01&to=10000-01-01", "to"},
             {"?from=-001-01-01&to=0001-01-01", "from"}}) {
      HttpClient::Response r = Send("GET", route + query, analyst_key_);
      EXPECT_EQ(r.status, 422) << query << ": " << r.body;
      EXPECT_EQ(At(r.body, "/errors/0/field"), field) << query << ": " << r.body;
    }
    HttpClient::Response first = Send("GET", route + "?to=0001-03-01", analyst_key_);
    ASSERT_EQ(first.status, 200) << first.body;
    EXPECT_EQ(At(first.body, "/from"), "0001-01-01");
    EXPECT_EQ(At(first.body, "/to"), "0001-03-01");
    HttpClient::Response last = Send("GET", route + "?to=9999-12-31", analyst_key_);
    ASSERT_EQ(last.status, 200) << last.body;
    EXPECT_EQ(At(last.body, "/from"), "9999-01-01");  // 364 days before: not a leap year.
  }
}

// A server that snapshots every few events and keeps none before the snapshot: after a restart
// the history is loaded from the snapshot's records, and the figures are the same.
class AnalyticsSnapshotTest : public AnalyticsTest {
 protected:
  void SetUp() override {
    const std::string config = dir_.path() + "/subex.toml";
    FILE* f = fopen(config.c_str(), "w");
    ASSERT_NE(f, nullptr);
    fprintf(f,
            "[storage]\nsnapshot_every_events = 5\nretain_events = 0\n"
            "[taxonomy]\nfile = \"%s/config/processes.toml\"\n",
            SUBEX_SOURCE_DIR);
    fclose(f);
    server_ = std::make_unique<SubexdProcess>(dir_.path() + "/data",
                                              std::vector<std::string>{"--config", config});
    ASSERT_TRUE(server_->Start()) << server_->output();
    client_ = std::make_unique<HttpClient>(server_->port());
  }
};

TEST_F(AnalyticsSnapshotTest, FiguresAreTheSameAfterARestartFromAPrunedJournal) {
  MakeClusterMarket();
  ASSERT_EQ(Send("POST", "/v1/orders", customer_key_, kOrderBody).status, 201);
  ASSERT_EQ(Send("POST", "/v1/orders", other_key_, kOrderBody).status, 201);
  const std::string stats = Stats(analyst_key_);
  const std::string fairness =
      Send("GET", "/v1/analytics/fairness" + std::string(kPeriod), analyst_key_).body;
  Restart();
  EXPECT_EQ(Send("GET", "/v1/events?after=0", kAdmin).status, 410);  // The early events are gone.
  EXPECT_EQ(Stats(analyst_key_), stats);
  EXPECT_EQ(Send("GET", "/v1/analytics/fairness" + std::string(kPeriod), analyst_key_).body,
            fairness);
  // And the history goes on from there.
  ASSERT_EQ(Send("POST", "/v1/orders", customer_key_, kOrderBody).status, 201);
  EXPECT_EQ(At(Stats(analyst_key_), "/orders/count"), "2");
}

// The demo market, loaded by `subexd --demo` with its year of history: the Lipetsk cluster's
// dashboard and the difference in differences the README shows.
class AnalyticsDemoTest : public AnalyticsTest {
 protected:
  void SetUp() override {
    server_ = std::make_unique<SubexdProcess>(dir_.path(), std::vector<std::string>{"--demo"});
    ASSERT_TRUE(server_->Start()) << server_->output();
    client_ = std::make_unique<HttpClient>(server_->port());
    HttpClient::Response clusters = Send("GET", "/v1/clusters", kAdmin);
    ASSERT_EQ(clusters.status, 200) << clusters.body;
    cluster_ = At(clusters.body, "/items/0/id");
  }
};

TEST_F(AnalyticsDemoTest, TheDemosHistoryAnswersTheReadmesQuestions) {
  HttpClient::Response stats =
      Send("GET", "/v1/clusters/" + cluster_ + "/stats?from=2026-06-01&to=2026-10-31", kAdmin);
  ASSERT_EQ(stats.status, 200) << stats.body;
  EXPECT_EQ(At(stats.body, "/name"), "Lipetsk Machine-Building Cluster");
  EXPECT_EQ(At(stats.body, "/members"), "29");
  EXPECT_GT(std::stoi(At(stats.body, "/contracts/count")), 50);
  HttpClient::Response did =
      Send("POST", "/v1/analytics/did", kAdmin,
           R"({"cluster":")" + cluster_ +
               R"(","metric":"contracted_value","before_from":"2025-12","before_to":"2026-05",)"
               R"("after_from":"2026-06","after_to":"2026-10","control":"non_members"})");
  ASSERT_EQ(did.status, 200) << did.body;
  EXPECT_GT(std::stod(At(did.body, "/estimate")), 0);
  EXPECT_LT(std::stod(At(did.body, "/regression/coefficients/after_treated/p_value")), 0.05);
  EXPECT_EQ(At(did.body, "/regression/degrees_of_freedom"),
            std::to_string(std::stoi(At(did.body, "/regression/observations")) - 4));
  // The history survives a restart, figure for figure.
  Restart();
  EXPECT_EQ(
      Send("GET", "/v1/clusters/" + cluster_ + "/stats?from=2026-06-01&to=2026-10-31", kAdmin).body,
      stats.body);
}

}  // namespace
}  // namespace subex::test
