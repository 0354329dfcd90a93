// End-to-end specification of the HTTP API v1 (PRODUCT §6): the real subexd on an ephemeral
// port, a real journal in a temporary directory, and plain HTTP over a socket.

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "simdjson.h"
#include "tests/e2e_fixture.h"
#include "tests/http_client.h"
#include "tests/subexd_process.h"

namespace subex::test {
namespace {

using ::testing::HasSubstr;

TEST_F(ApiTest, HealthReadinessAndTheOpenApiDocumentNeedNoKey) {
  EXPECT_EQ(Send("GET", "/healthz").status, 200);
  EXPECT_EQ(Send("GET", "/readyz").status, 200);
  HttpClient::Response doc = Send("GET", "/v1/openapi.json");
  EXPECT_EQ(doc.status, 200);
  EXPECT_THAT(At(doc.body, "/openapi"), HasSubstr("3.1"));
}

TEST_F(ApiTest, TheTourWorksEndToEnd) {
  MakeMarket();
  ASSERT_FALSE(supplier_key_.empty());
  HttpClient::Response offer = Send("POST", "/v1/offers", supplier_key_, kOfferBody);
  ASSERT_EQ(offer.status, 201) << offer.body;
  EXPECT_EQ(offer.header("location"), "/v1/offers/" + At(offer.body, "/id"));
  EXPECT_EQ(At(offer.body, "/free_total"), "496");
  EXPECT_EQ(At(offer.body, "/supplier"), supplier_);

  HttpClient::Response order = Send("POST", "/v1/orders", customer_key_, kOrderBody);
  ASSERT_EQ(order.status, 201) << order.body;
  const std::string order_id = At(order.body, "/id");
  EXPECT_EQ(At(order.body, "/status"), "allocated");
  EXPECT_EQ(At(order.body, "/allocated"), "240");
  ASSERT_EQ(Count(order.body, "/allocations"), 1u);
  EXPECT_EQ(At(order.body, "/allocations/0/supplier"), supplier_);
  EXPECT_EQ(At(order.body, "/allocations/0/unit_price"), "3200.0");
  EXPECT_NE(At(order.body, "/allocations/0/score/total"), "<missing>");
  EXPECT_NE(At(order.body, "/allocations/0/days/0/day"), "<missing>");
  const std::string contract = At(order.body, "/allocations/0/contract");

  HttpClient::Response got = Send("GET", "/v1/orders/" + order_id, customer_key_);
  EXPECT_EQ(got.status, 200);
  EXPECT_EQ(got.header("etag"), "\"" + At(got.body, "/revision") + "\"");
  EXPECT_EQ(Count(got.body, "/allocations"), 1u);

  EXPECT_EQ(Send("GET", "/v1/contracts/" + contract, supplier_key_).status, 200);
  HttpClient::Response mine = Send("GET", "/v1/contracts?role=supplier", supplier_key_);
  EXPECT_EQ(Count(mine.body, "/items"), 1u);
  EXPECT_EQ(Count(Send("GET", "/v1/contracts?role=supplier", customer_key_).body, "/items"), 0u);

  // The feed: each party sees the contract; the other member sees none of it.
  HttpClient::Response feed = Send("GET", "/v1/events", supplier_key_);
  EXPECT_THAT(feed.body, HasSubstr("contract.created"));
  EXPECT_THAT(feed.body, HasSubstr("offer.posted"));
  EXPECT_THAT(feed.body, Not(HasSubstr("order.placed")));
  EXPECT_THAT(Send("GET", "/v1/events", other_key_).body, Not(HasSubstr("contract.created")));
}

TEST_F(ApiTest, EveryReadAndListRouteAnswers) {
  MakeMarket();
  HttpClient::Response cluster = Send("POST", "/v1/clusters", kAdmin,
                                      R"({"name":"Lipetsk machine building","region":"RU-LIP",)"
                                      R"("kind":"regional"})");
  ASSERT_EQ(cluster.status, 201) << cluster.body;
  const std::string k = At(cluster.body, "/id");
  EXPECT_EQ(Send("PUT", "/v1/clusters/" + k + "/members/" + supplier_, kAdmin).status, 200);
  EXPECT_EQ(Send("PUT", "/v1/clusters/" + k + "/members/" + other_, kAdmin).status, 200);
  HttpClient::Response left =
      Send("DELETE", "/v1/clusters/" + k + "/members/" + other_, kAdmin);
  EXPECT_EQ(left.status, 200) << left.body;
  EXPECT_EQ(Count(left.body, "/members"), 1u);
  EXPECT_EQ(Count(Send("GET", "/v1/clusters/" + k, customer_key_).body, "/members"), 1u);
  EXPECT_EQ(Count(Send("GET", "/v1/clusters", customer_key_).body, "/items"), 1u);
  EXPECT_GT(Count(Send("GET", "/v1/processes", customer_key_).body, "/items"), 40u);
  EXPECT_EQ(Count(Send("GET", "/v1/members?cluster=" + k, customer_key_).body, "/items"), 1u);
  // The catalogue finds members with a process at or below the one asked for.
  EXPECT_EQ(Count(Send("GET", "/v1/members?process=machining", customer_key_).body, "/items"), 3u);
  EXPECT_EQ(Count(Send("GET", "/v1/members?process=machining.milling", customer_key_).body,
                  "/items"),
            0u);
  EXPECT_EQ(Count(Send("GET", "/v1/members?limit=2", customer_key_).body, "/items"), 2u);
  HttpClient::Response page = Send("GET", "/v1/members?limit=2", customer_key_);
  HttpClient::Response rest =
      Send("GET", "/v1/members?limit=2&cursor=" + At(page.body, "/next"), customer_key_);
  EXPECT_EQ(Count(rest.body, "/items"), 1u);
  EXPECT_EQ(At(rest.body, "/next"), "null");

  ASSERT_EQ(Send("POST", "/v1/offers", supplier_key_, kOfferBody).status, 201);
  EXPECT_EQ(Count(Send("GET", "/v1/offers?process=machining&status=open", other_key_).body,
                  "/items"),
            1u);
  EXPECT_EQ(Count(Send("GET", "/v1/offers?supplier=" + supplier_, other_key_).body, "/items"), 1u);
  EXPECT_EQ(Count(Send("GET", "/v1/offers?process=casting", other_key_).body, "/items"), 0u);
  ASSERT_EQ(Send("POST", "/v1/orders", customer_key_, kOrderBody).status, 201);
  EXPECT_EQ(Count(Send("GET", "/v1/orders", other_key_).body, "/items"), 1u);
  EXPECT_EQ(Count(Send("GET", "/v1/orders?status=open", other_key_).body, "/items"), 0u);

  // A member's own profile is full; another's is public.
  EXPECT_NE(At(Send("GET", "/v1/members/" + customer_, customer_key_).body, "/blocked"),
            "<missing>");
  EXPECT_EQ(At(Send("GET", "/v1/members/" + customer_, other_key_).body, "/blocked"),
            "<missing>");
}

TEST_F(ApiTest, MutationsOfExistingObjectsWork) {
  MakeMarket();
  HttpClient::Response offer = Send("POST", "/v1/offers", supplier_key_, kOfferBody);
  const std::string f = At(offer.body, "/id");
  HttpClient::Response withdrawn = Send("DELETE", "/v1/offers/" + f, supplier_key_, "",
                                        {{"If-Match", offer.header("etag")}});
  EXPECT_EQ(withdrawn.status, 200) << withdrawn.body;
  EXPECT_EQ(At(withdrawn.body, "/status"), "withdrawn");

  HttpClient::Response order = Send("POST", "/v1/orders", customer_key_, kOrderBody);
  const std::string o = At(order.body, "/id");
  EXPECT_EQ(At(order.body, "/status"), "open");
  HttpClient::Response cancelled = Send("POST", "/v1/orders/" + o + "/cancel", customer_key_);
  EXPECT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(At(cancelled.body, "/status"), "cancelled");

  HttpClient::Response patched = Send("PATCH", "/v1/members/" + customer_, customer_key_,
                                      R"({"name":"Lipetsk Works JSC"})");
  EXPECT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(At(patched.body, "/name"), "Lipetsk Works JSC");
  EXPECT_EQ(Send("PUT", "/v1/members/" + customer_ + "/blocks/" + other_, customer_key_).status,
            200);
  EXPECT_EQ(At(Send("GET", "/v1/members/" + customer_, customer_key_).body, "/blocked/0"), other_);
  EXPECT_EQ(
      Send("DELETE", "/v1/members/" + customer_ + "/blocks/" + other_, customer_key_).status, 200);
  HttpClient::Response suspended = Send("PUT", "/v1/members/" + other_ + "/suspension", kAdmin,
                                        R"({"until":")" + DayFromToday(38) + R"("})");
  EXPECT_EQ(suspended.status, 200) << suspended.body;
  EXPECT_EQ(At(suspended.body, "/suspended_until"), DayFromToday(38));
  EXPECT_EQ(Send("DELETE", "/v1/members/" + other_ + "/suspension", kAdmin).status, 200);
}

TEST_F(ApiTest, EveryErrorClassIsAProblemDocument) {
  MakeMarket();
  auto expect = [&](const HttpClient::Response& r, int status, const std::string& field = "") {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(r.header("content-type"), "application/problem+json") << r.body;
    EXPECT_EQ(At(r.body, "/status"), std::to_string(status));
    if (!field.empty()) {
      EXPECT_EQ(At(r.body, "/errors/0/field"), field) << r.body;
    }
  };
  expect(Send("POST", "/v1/orders", customer_key_, "{\"title\":"), 400);
  expect(Send("POST", "/v1/orders", customer_key_, R"({"qunatity":1})"), 400, "qunatity");
  expect(Send("POST", "/v1/orders", customer_key_, R"({"title":"a","title":"b"})"), 400);
  expect(Send("GET", "/v1/orders"), 401);
  expect(Send("GET", "/v1/orders", "sx_not_a_key"), 401);
  expect(Send("POST", "/v1/members", customer_key_, MemberBody("X", "3662000008", 1, 1, "")), 403);
  expect(Send("GET", "/v1/orders/o_0000000", customer_key_), 404);
  expect(Send("GET", "/v1/nothing", customer_key_), 404);
  HttpClient::Response wrong_method = Send("DELETE", "/v1/orders", customer_key_);
  expect(wrong_method, 405);
  EXPECT_THAT(wrong_method.header("allow"), HasSubstr("POST"));
  HttpClient::Response order = Send("POST", "/v1/orders", customer_key_, kOrderBody);
  const std::string o = At(order.body, "/id");
  ASSERT_EQ(Send("POST", "/v1/orders/" + o + "/cancel", customer_key_).status, 200);
  expect(Send("POST", "/v1/orders/" + o + "/cancel", customer_key_), 409);
  HttpClient::Response offer = Send("POST", "/v1/offers", supplier_key_, kOfferBody);
  expect(Send("DELETE", "/v1/offers/" + At(offer.body, "/id"), supplier_key_, "",
              {{"If-Match", "\"999\""}}),
         412);
  expect(Send("POST", "/v1/orders", customer_key_, std::string(2 << 20, ' ')), 413);
  expect(Send("POST", "/v1/orders", customer_key_, kOrderBody, {{"Content-Type", "text/plain"}}),
         415);
  expect(Send("POST", "/v1/orders", customer_key_,
              R"({"title":"x","process":"machining","quantity":-1,)" + kOrderDays +
                  R"(,"max_unit_price":1})"),
         422, "quantity");
  expect(Send("POST", "/v1/orders", customer_key_,
              R"({"title":"x","process":"machining","quantity":5,"start":"2026-02-30",)"
              R"("due":")" +
                  DayFromToday(27) + R"(","max_unit_price":1.001})"),
         422);
  expect(Send("GET", "/v1/orders", customer_key_, "",
              {{"X-Padding", std::string(10'000, 'a')}}),
         431);
}

TEST_F(ApiTest, AnotherMembersObjectsAreNotFoundAndNothingChanges) {
  MakeMarket();
  HttpClient::Response offer = Send("POST", "/v1/offers", supplier_key_, kOfferBody);
  const std::string f = At(offer.body, "/id");
  HttpClient::Response order = Send("POST", "/v1/orders", customer_key_, kOrderBody);
  const std::string o = At(order.body, "/id");
  const std::string c = At(order.body, "/allocations/0/contract");
  const std::string before = LastSeq();

  struct Attempt {
    std::string method, target, body;
  };
  const std::vector<Attempt> attempts = {
      {"DELETE", "/v1/offers/" + f, ""},
      {"POST", "/v1/orders/" + o + "/cancel", ""},
      {"PATCH", "/v1/members/" + customer_, R"({"name":"Hijacked"})"},
      {"PUT", "/v1/members/" + customer_ + "/blocks/" + supplier_, ""},
      {"DELETE", "/v1/members/" + customer_ + "/blocks/" + supplier_, ""},
      {"GET", "/v1/contracts/" + c, ""},
  };
  for (const Attempt& a : attempts) {
    HttpClient::Response r = Send(a.method, a.target, other_key_, a.body);
    EXPECT_EQ(r.status, 404) << a.method << " " << a.target << ": " << r.body;
  }
  EXPECT_EQ(LastSeq(), before);
  EXPECT_EQ(At(Send("GET", "/v1/offers/" + f, supplier_key_).body, "/status"), "open");
  EXPECT_EQ(At(Send("GET", "/v1/members/" + customer_, customer_key_).body, "/name"),
            "Lipetsk Works");
  // Another member sees the public order but none of its allocations.
  EXPECT_EQ(At(Send("GET", "/v1/orders/" + o, other_key_).body, "/allocations"), "<missing>");
}

TEST_F(ApiTest, AnIdempotentRetryGetsTheFirstAnswerAcrossARestart) {
  MakeMarket();
  ASSERT_EQ(Send("POST", "/v1/offers", supplier_key_, kOfferBody).status, 201);
  const std::vector<std::pair<std::string, std::string>> key = {{"Idempotency-Key", "erp-42"}};
  HttpClient::Response first = Send("POST", "/v1/orders", customer_key_, kOrderBody, key);
  ASSERT_EQ(first.status, 201) << first.body;
  Restart();
  HttpClient::Response again = Send("POST", "/v1/orders", customer_key_, kOrderBody, key);
  EXPECT_EQ(again.status, 201);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(again.header("location"), first.header("location"));
  EXPECT_EQ(again.header("idempotent-replayed"), "true");
  EXPECT_EQ(Count(Send("GET", "/v1/orders?customer=" + customer_, customer_key_).body, "/items"),
            1u);
  std::string other_body = kOrderBody;
  other_body.replace(other_body.find("240"), 3, "120");
  HttpClient::Response reused = Send("POST", "/v1/orders", customer_key_, other_body, key);
  EXPECT_EQ(reused.status, 422) << reused.body;
  EXPECT_EQ(At(reused.body, "/errors/0/field"), "Idempotency-Key");
  // The key is the caller's own: another member may use the same one.
  EXPECT_EQ(Send("POST", "/v1/orders", other_key_, kOrderBody, key).status, 201);
}

TEST_F(ApiTest, ANewKeyIsShownOnceAndNeverStored) {
  const std::vector<std::pair<std::string, std::string>> key = {{"Idempotency-Key", "reg-1"}};
  const std::string body = MemberBody("Voronezh Mill", "3662000008", 51.66, 39.2, "\"supplier\"");
  HttpClient::Response first = Send("POST", "/v1/members", kAdmin, body, key);
  ASSERT_EQ(first.status, 201) << first.body;
  const std::string api_key = At(first.body, "/api_key");
  ASSERT_THAT(api_key, HasSubstr("sx_"));
  HttpClient::Response again = Send("POST", "/v1/members", kAdmin, body, key);
  EXPECT_EQ(again.status, 201);
  EXPECT_EQ(At(again.body, "/id"), At(first.body, "/id"));
  EXPECT_EQ(At(again.body, "/api_key"), "<missing>");
  Restart();
  // Nothing on disk holds the key: not the journal, not the idempotency records.
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir_.path())) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(bytes.find(api_key), std::string::npos) << entry.path();
  }
  EXPECT_EQ(Send("GET", "/v1/members/" + At(first.body, "/id"), api_key).status, 200);
}

TEST_F(ApiTest, CyrillicTextRoundTripsExactly) {
  const std::string name = "ООО «Липецкий завод литья» — цех №3";
  HttpClient::Response created =
      Send("POST", "/v1/members", kAdmin, MemberBody(name, "4826000001", 52.6, 39.57, "\"customer\""));
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(At(created.body, "/name"), name);
  HttpClient::Response got = Send("GET", "/v1/members/" + At(created.body, "/id"), kAdmin);
  EXPECT_EQ(At(got.body, "/name"), name);
  EXPECT_THAT(got.body, HasSubstr(name));  // Sent as UTF-8, not as \u escapes.
}

TEST_F(ApiTest, TheFeedWaitsForTheNextEvent) {
  MakeMarket();
  const std::string after = LastSeq();
  std::thread poster([port = server_->port(), key = supplier_key_] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    HttpClient c(port);
    c.Send("POST", "/v1/offers", key, kOfferBody);
  });
  HttpClient::Response r =
      Send("GET", "/v1/events?wait_ms=20000&after=" + after, supplier_key_);
  poster.join();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(At(r.body, "/items/0/type"), "offer.posted");
  EXPECT_EQ(At(r.body, "/next"), std::to_string(std::stoull(after) + 1));
}

TEST_F(ApiTest, TheAdminKeyIsKeptAcrossRestartsAndMemberKeysToo) {
  MakeMarket();
  Restart();
  EXPECT_EQ(Send("GET", "/v1/members/" + supplier_, supplier_key_).status, 200);
  EXPECT_EQ(Send("GET", "/v1/members/" + supplier_, kAdmin).status, 200);
}

TEST_F(ApiTest, APlatformActsOnlyForMembersThatAuthorisedIt) {
  MakeMarket();
  auto [platform, platform_key] =
      Register("Portal of Lipetsk region", "4826000019", 52.6, 39.6, "\"platform\"");
  ASSERT_FALSE(platform_key.empty());
  const std::vector<std::pair<std::string, std::string>> for_customer = {
      {"X-On-Behalf-Of", customer_}};
  // Not authorised yet: refused, and nothing is placed.
  HttpClient::Response r = Send("POST", "/v1/orders", platform_key, kOrderBody, for_customer);
  EXPECT_EQ(r.status, 403) << r.body;
  // Without naming a member a platform may read, but not act.
  EXPECT_EQ(Send("POST", "/v1/orders", platform_key, kOrderBody).status, 403);
  EXPECT_EQ(Send("GET", "/v1/orders", platform_key).status, 200);
  // A member key may not name another member.
  EXPECT_EQ(Send("GET", "/v1/orders", other_key_, "", for_customer).status, 403);

  HttpClient::Response authorised =
      Send("PUT", "/v1/members/" + customer_ + "/platforms/" + platform, customer_key_);
  ASSERT_EQ(authorised.status, 200) << authorised.body;
  EXPECT_EQ(At(authorised.body, "/platforms/0"), platform);
  r = Send("POST", "/v1/orders", platform_key, kOrderBody, for_customer);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(At(r.body, "/customer"), customer_);
  // It acts for that member only.
  EXPECT_EQ(Send("POST", "/v1/orders", platform_key, kOrderBody, {{"X-On-Behalf-Of", other_}})
                .status,
            403);
  // On its own key the platform reads the public part of the feed: other members' profiles.
  EXPECT_THAT(Send("GET", "/v1/events?limit=1000", platform_key).body,
              HasSubstr("\"member\":\"" + other_ + "\""));

  ASSERT_EQ(
      Send("DELETE", "/v1/members/" + customer_ + "/platforms/" + platform, customer_key_).status,
      200);
  EXPECT_EQ(Send("POST", "/v1/orders", platform_key, kOrderBody, for_customer).status, 403);
}

TEST_F(ApiTest, TheOperatorIssuesAndRevokesKeys) {
  MakeMarket();
  HttpClient::Response analyst =
      Send("POST", "/v1/keys", kAdmin, R"({"kind":"analyst","label":"cluster centre"})");
  ASSERT_EQ(analyst.status, 201) << analyst.body;
  EXPECT_EQ(analyst.header("location"), "/v1/keys/" + At(analyst.body, "/id"));
  const std::string analyst_key = At(analyst.body, "/api_key");
  EXPECT_EQ(Send("GET", "/v1/orders", analyst_key).status, 403);  // Analytics only.

  HttpClient::Response erp = Send("POST", "/v1/keys", kAdmin,
                                  R"({"kind":"member","member":")" + supplier_ +
                                      R"(","label":"ERP integration"})");
  ASSERT_EQ(erp.status, 201) << erp.body;
  const std::string erp_key = At(erp.body, "/api_key"), erp_id = At(erp.body, "/id");
  EXPECT_EQ(Send("POST", "/v1/offers", erp_key, kOfferBody).status, 201);
  EXPECT_EQ(Count(Send("GET", "/v1/keys", kAdmin).body, "/items"), 5u);
  EXPECT_EQ(At(Send("GET", "/v1/keys/" + erp_id, kAdmin).body, "/label"), "ERP integration");
  EXPECT_THAT(Send("GET", "/v1/keys", kAdmin).body, Not(HasSubstr(erp_key)));

  // Another member cannot revoke it; its own member can, and it stops working at once.
  EXPECT_EQ(Send("DELETE", "/v1/keys/" + erp_id, customer_key_).status, 404);
  HttpClient::Response revoked = Send("DELETE", "/v1/keys/" + erp_id, supplier_key_);
  EXPECT_EQ(revoked.status, 200) << revoked.body;
  EXPECT_EQ(At(revoked.body, "/revoked"), "true");
  EXPECT_EQ(Send("GET", "/v1/orders", erp_key).status, 401);
  EXPECT_EQ(Send("GET", "/v1/orders", supplier_key_).status, 200);
  Restart();
  EXPECT_EQ(Send("GET", "/v1/orders", erp_key).status, 401);
  EXPECT_EQ(Send("DELETE", "/v1/keys/" + At(analyst.body, "/id"), kAdmin).status, 200);
  EXPECT_EQ(Send("GET", "/v1/processes", analyst_key).status, 401);
}

// A server with small limits, from a config file of the test's own.
class LimitsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = dir_.path() + "/subex.toml";
    FILE* f = fopen(config_.c_str(), "w");
    ASSERT_NE(f, nullptr);
    fprintf(f,
            "[server]\nmax_connections = 3\nrequest_timeout_ms = 300\nidle_timeout_ms = 60000\n"
            "max_pipelined = 4\nrequire_if_match = true\n"
            "[taxonomy]\nfile = \"%s/config/processes.toml\"\n",
            SUBEX_SOURCE_DIR);
    fclose(f);
    server_ = std::make_unique<SubexdProcess>(dir_.path() + "/data",
                                              std::vector<std::string>{"--config", config_});
    ASSERT_TRUE(server_->Start()) << server_->output();
  }
  void TearDown() override { EXPECT_EQ(server_->Stop(), 0) << server_->output(); }

  TempDir dir_;
  std::string config_;
  std::unique_ptr<SubexdProcess> server_;
};

TEST_F(LimitsTest, PipelinedRequestsAreAnsweredInOrder) {
  HttpClient c(server_->port());
  const std::string three =
      "GET /v1/processes HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + kAdmin +
      "\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n";
  HttpClient::Response first = c.SendRaw(three);
  EXPECT_EQ(first.status, 200);
  EXPECT_GT(Count(first.body, "/items"), 40u);
  HttpClient::Response second = c.SendRaw("");
  EXPECT_EQ(second.status, 200);
  EXPECT_EQ(second.body, R"({"status":"ok"})");
  EXPECT_EQ(c.SendRaw("").status, 404);
}

TEST_F(LimitsTest, AClientThatDripsItsRequestIsCutOff) {
  HttpClient c(server_->port());
  ASSERT_TRUE(c.Connect());
  // Half a request, then silence beyond request_timeout_ms: the server closes the connection
  // without an answer.
  HttpClient::Response r = c.SendRaw("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ");
  EXPECT_EQ(r.status, 0);
  // Others are still served.
  HttpClient other(server_->port());
  EXPECT_EQ(other.Send("GET", "/healthz").status, 200);
}

TEST_F(LimitsTest, ConnectionsBeyondTheCapGetAFast503) {
  std::vector<std::unique_ptr<HttpClient>> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(std::make_unique<HttpClient>(server_->port()));
    ASSERT_EQ(held.back()->Send("GET", "/healthz").status, 200);  // Open, kept alive.
  }
  HttpClient extra(server_->port());
  HttpClient::Response r = extra.SendRaw("");  // Nothing sent: the answer comes unasked.
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.header("retry-after"), "1");
  held.pop_back();  // One leaves; a new connection is served again.
  for (int attempt = 0; attempt < 50; ++attempt) {
    HttpClient again(server_->port());
    if (again.Send("GET", "/healthz").status == 200) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ADD_FAILURE() << "no connection was served after one closed";
}

TEST_F(LimitsTest, AMutationWithoutIfMatchIsRefusedWhenRequired) {
  HttpClient c(server_->port());
  HttpClient::Response member = c.Send(
      "POST", "/v1/members", kAdmin,
      MemberBody("Voronezh Mill", "3662000008", 51.6608, 39.2003, "\"supplier\""));
  ASSERT_EQ(member.status, 201) << member.body;
  const std::string id = At(member.body, "/id"), key = At(member.body, "/api_key");
  HttpClient::Response r = c.Send("PATCH", "/v1/members/" + id, key, R"({"name":"Mill"})");
  EXPECT_EQ(r.status, 428) << r.body;
  r = c.Send("PATCH", "/v1/members/" + id, key, R"({"name":"Mill"})",
             {{"If-Match", member.header("etag")}});
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(At(r.body, "/name"), "Mill");
}

}  // namespace
}  // namespace subex::test
