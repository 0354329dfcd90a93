// The authorisation matrix (PRODUCT §6): every route of the service's route table
// (Service::Routes) × every kind of caller, against the real subexd. The callers:
//
//   owner         the member whose object it is, or a member of the role the route is for
//   other member  a member of the same role that does not own the object
//   other role    a member of the other role (on a contract: the counter-party)
//   platform      a platform's key naming the owner in X-On-Behalf-Of without its authorisation
//   analyst       an analyst key
//   admin         the operator's admin key
//   no key        no Authorization header
//
// Each row says which cells may succeed and makes a fresh object for the attempts. Every denied
// cell is tried first, on one object: it must answer 401, 403 or 404 and leave the state as it
// was (GET /v1/state). Then each allowed cell gets an object of its own and must succeed. A route
// without a row — a new one — fails the test until its row says who may use it.

#include <chrono>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "api/service.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e_fixture.h"

namespace subex::test {
namespace {

enum class Who { kOwner, kOtherMember, kOtherRole, kPlatform, kAnalyst, kAdmin, kNoKey };
constexpr Who kEveryone[] = {Who::kOwner,   Who::kOtherMember, Who::kOtherRole, Who::kPlatform,
                             Who::kAnalyst, Who::kAdmin,       Who::kNoKey};

std::string_view Name(Who w) {
  switch (w) {
    case Who::kOwner: return "owner";
    case Who::kOtherMember: return "other member";
    case Who::kOtherRole: return "other role";
    case Who::kPlatform: return "platform without authorisation";
    case Who::kAnalyst: return "analyst";
    case Who::kAdmin: return "admin";
    case Who::kNoKey: return "no key";
  }
  return "?";
}

using Cells = std::set<Who>;
const Cells kPublic(std::begin(kEveryone), std::end(kEveryone));
// Any member key and the operator; not an analyst, not an unauthorised platform, not anonymous.
const Cells kMembersAndAdmin = {Who::kOwner, Who::kOtherMember, Who::kOtherRole, Who::kAdmin};
const Cells kAdminOnly = {Who::kAdmin};
const Cells kOwnerOnly = {Who::kOwner};
const Cells kOwnerAndAdmin = {Who::kOwner, Who::kAdmin};

// Whose object a row's target is: a supplier's (offers, bids, a supplier's contract step) or a
// customer's (members, orders, a customer's contract step).
enum class Side { kSupplier, kCustomer };

struct Request {
  std::string path;
  std::string body;
};

struct Row {
  Side side;
  Cells allowed;
  std::function<Request()> make;  // A fresh target for one attempt.
  // An allowed cell's success may be a 422: the request was let in and refused on its merits
  // (an analysis over a market with no history before the split).
  bool merits_may_refuse = false;
};

std::string Inn(int serial) { return CompanyInnFrom(100000000 + serial); }

const std::string kPendingOffer =
    R"({"process":"machining.turning.cnc","daily_capacity":50,)" + kOfferDays +
    R"(,"unit_price":900.00,"auto_accept":false})";
const std::string kActiveOffer =
    R"({"process":"machining.grinding","daily_capacity":50,)" + kOfferDays +
    R"(,"unit_price":900.00,"auto_accept":true})";

std::string SmallOrder(const std::string& process, const std::string& price) {
  return absl::StrCat(R"({"title":"Bushings","process":")", process,
                      R"(","quantity":10,)" + kOrderDays + R"(,)",
                      R"("max_unit_price":)", price, "}");
}

class AuthzTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    MakeMarket();  // supplier_, customer_, other_ (both roles; not used as a principal here)
    std::tie(supplier2_, supplier2_key_) =
        Register("Tambov Press", Inn(1), 52.72, 41.45, "\"supplier\"");
    std::tie(customer2_, customer2_key_) =
        Register("Oryol Assembly", Inn(2), 52.97, 36.07, "\"customer\"");
    std::tie(platform_, platform_key_) =
        Register("Regional Portal", Inn(3), 52.6, 39.6, "\"platform\"");
    std::tie(platform2_, std::ignore) =
        Register("Federal Portal", Inn(4), 55.75, 37.62, "\"platform\"");
    HttpClient::Response analyst =
        Send("POST", "/v1/keys", kAdmin, R"({"kind":"analyst","label":"matrix"})");
    ASSERT_EQ(analyst.status, 201) << analyst.body;
    analyst_key_ = At(analyst.body, "/api_key");
    HttpClient::Response cluster =
        Send("POST", "/v1/clusters", kAdmin,
             R"({"name":"Lipetsk Machine-Building","region":"RU-LIP","kind":"regional"})");
    ASSERT_EQ(cluster.status, 201) << cluster.body;
    cluster_ = At(cluster.body, "/id");
    ASSERT_EQ(Send("PUT", "/v1/clusters/" + cluster_ + "/members/" + customer_, kAdmin).status,
              200);
    // Capacity for the contracts the rows make: one offer that needs confirming, one that does
    // not, on processes nothing else offers.
    ASSERT_EQ(Send("POST", "/v1/offers", supplier_key_, kPendingOffer).status, 201);
    ASSERT_EQ(Send("POST", "/v1/offers", supplier_key_, kActiveOffer).status, 201);
    // An rfq order whose bidding closes soon, with the supplier's bid, for the award row.
    award_order_ = NewRfqOrder(1500);
    award_bid_ = NewBid(award_order_, supplier_key_);
  }

  // The key and headers a cell sends with, for a row of `side`.
  std::pair<std::string, std::vector<std::pair<std::string, std::string>>> Credentials(
      Who who, Side side) const {
    const bool s = side == Side::kSupplier;
    switch (who) {
      case Who::kOwner: return {s ? supplier_key_ : customer_key_, {}};
      case Who::kOtherMember: return {s ? supplier2_key_ : customer2_key_, {}};
      case Who::kOtherRole: return {s ? customer_key_ : supplier_key_, {}};
      case Who::kPlatform:
        return {platform_key_, {{"X-On-Behalf-Of", s ? supplier_ : customer_}}};
      case Who::kAnalyst: return {analyst_key_, {}};
      case Who::kAdmin: return {kAdmin, {}};
      case Who::kNoKey: return {"", {}};
    }
    return {};
  }

  std::string Post(const std::string& path, const std::string& key, const std::string& body) {
    HttpClient::Response r = Send("POST", path, key, body);
    EXPECT_EQ(r.status, 201) << path << ": " << r.body;
    return At(r.body, "/id");
  }
  std::string NewOffer() { return Post("/v1/offers", supplier_key_, kOfferBody); }
  // An open order of the customer's that nothing matches (its price is below every offer's).
  std::string NewOrder() {
    return Post("/v1/orders", customer_key_, SmallOrder("machining.milling", "100.00"));
  }
  // A contract between customer_ and supplier_: pending its confirmation, or active.
  std::string NewContract(bool pending) {
    HttpClient::Response r =
        Send("POST", "/v1/orders", customer_key_,
             SmallOrder(pending ? "machining.turning.cnc" : "machining.grinding", "1000.00"));
    EXPECT_EQ(r.status, 201) << r.body;
    const std::string c = At(r.body, "/allocations/0/contract");
    EXPECT_NE(c, "<missing>") << r.body;
    return c;
  }
  std::string NewDeliveredContract() {
    const std::string c = NewContract(false);
    EXPECT_EQ(Send("POST", "/v1/contracts/" + c + "/deliver", supplier_key_).status, 200);
    return c;
  }
  std::string NewRfqOrder(int64_t close_in_ms = 3'600'000) {
    return Post("/v1/orders", customer_key_,
                absl::StrCat(R"({"title":"Castings","process":"machining.milling","quantity":40,)",
                             kOrderDays + R"(,"mode":"rfq",)",
                             R"("award":"manual","bids_close_at":")", FromNow(close_in_ms),
                             R"(","award_by":")", FromNow(7'200'000), R"("})"));
  }
  std::string NewBid(const std::string& order, const std::string& key) {
    return Post("/v1/orders/" + order + "/bids", key,
                R"({"unit_price":2500.00,"quantity":40,"lead_days":5})");
  }
  std::string NewKey() {
    return Post("/v1/keys", kAdmin,
                R"({"kind":"member","member":")" + customer_ + R"(","label":"ERP"})");
  }
  std::string NewMemberBody() {
    ++serial_;
    return MemberBody("Works " + std::to_string(serial_), Inn(100 + serial_), 52.5, 39.5,
                      "\"customer\"");
  }
  // Waits (on the server's clock, up to ~30 s) until the award order's bidding has closed.
  void WaitForAwardOrderToClose() {
    for (int i = 0; i < 300; ++i) {
      if (At(Send("GET", "/v1/orders/" + award_order_, customer_key_).body, "/status") !=
          "bidding") {
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << "the award order's bidding never closed";
  }

  std::map<std::string, Row> Rows();

  std::string supplier2_, supplier2_key_, customer2_, customer2_key_;
  std::string platform_, platform_key_, platform2_, analyst_key_, cluster_;
  std::string award_order_, award_bid_;
  int serial_ = 0;
};

std::map<std::string, Row> AuthzTest::Rows() {
  const Side S = Side::kSupplier, C = Side::kCustomer;
  auto fixed = [](std::string path, std::string body = "") {
    return [path = std::move(path), body = std::move(body)] { return Request{path, body}; };
  };
  const std::string me = "/v1/members/" + customer_;
  const std::string did =
      R"({"cluster":")" + cluster_ + R"(","metric":"contracts","before_from":")" +
      MonthFromThis(-1) + R"(","before_to":")" + MonthFromThis(-1) + R"(","after_from":")" +
      MonthFromThis(0) + R"(","after_to":")" + MonthFromThis(0) + R"("})";
  std::map<std::string, Row> rows = {
      {"GET /healthz", {C, kPublic, fixed("/healthz")}},
      {"GET /readyz", {C, kPublic, fixed("/readyz")}},
      {"GET /metrics", {C, kPublic, fixed("/metrics")}},
      {"GET /v1/openapi.json", {C, kPublic, fixed("/v1/openapi.json")}},
      {"POST /v1/members",
       {C, kAdminOnly, [this] { return Request{"/v1/members", NewMemberBody()}; }}},
      {"GET /v1/members", {C, kMembersAndAdmin, fixed("/v1/members")}},
      {"GET /v1/members/{id}", {C, kMembersAndAdmin, fixed(me)}},
      {"PATCH /v1/members/{id}",
       {C, kOwnerAndAdmin, [this, me] {
          return Request{me, R"({"name":"Lipetsk Works )" + std::to_string(++serial_) + "\"}"};
        }}},
      {"PUT /v1/members/{id}/blocks/{other}",
       {C, kOwnerOnly, [this, me] {
          Send("DELETE", me + "/blocks/" + supplier2_, customer_key_);
          return Request{me + "/blocks/" + supplier2_, ""};
        }}},
      {"DELETE /v1/members/{id}/blocks/{other}",
       {C, kOwnerOnly, [this, me] {
          EXPECT_EQ(Send("PUT", me + "/blocks/" + supplier2_, customer_key_).status, 200);
          return Request{me + "/blocks/" + supplier2_, ""};
        }}},
      {"PUT /v1/members/{id}/suspension",
       {C, kAdminOnly, [this] {
          return Request{"/v1/members/" + customer2_ + "/suspension",
                         R"({"until":")" + DayFromToday(38) + R"("})"};
        }}},
      {"DELETE /v1/members/{id}/suspension",
       {C, kAdminOnly, [this] {
          EXPECT_EQ(Send("PUT", "/v1/members/" + customer2_ + "/suspension", kAdmin,
                         R"({"until":")" + DayFromToday(38) + R"("})")
                        .status,
                    200);
          return Request{"/v1/members/" + customer2_ + "/suspension", ""};
        }}},
      {"POST /v1/clusters",
       {C, kAdminOnly, fixed("/v1/clusters", R"({"name":"Tula Arms","region":"RU-TUL","kind":"regional"})")}},
      {"GET /v1/clusters", {C, kMembersAndAdmin, fixed("/v1/clusters")}},
      {"GET /v1/clusters/{id}", {C, kMembersAndAdmin, fixed("/v1/clusters/" + cluster_)}},
      {"PUT /v1/clusters/{id}/members/{member}",
       {C, kAdminOnly, fixed("/v1/clusters/" + cluster_ + "/members/" + other_)}},
      {"DELETE /v1/clusters/{id}/members/{member}",
       {C, kAdminOnly, [this] {
          EXPECT_EQ(Send("PUT", "/v1/clusters/" + cluster_ + "/members/" + other_, kAdmin).status,
                    200);
          return Request{"/v1/clusters/" + cluster_ + "/members/" + other_, ""};
        }}},
      {"GET /v1/processes", {C, kMembersAndAdmin, fixed("/v1/processes")}},
      {"POST /v1/offers",
       {S, {Who::kOwner, Who::kOtherMember}, fixed("/v1/offers", kOfferBody)}},
      {"GET /v1/offers", {S, kMembersAndAdmin, fixed("/v1/offers")}},
      // Offers are public: any member may read one (its calendar only its supplier).
      {"GET /v1/offers/{id}",
       {S, kMembersAndAdmin, [this] { return Request{"/v1/offers/" + NewOffer(), ""}; }}},
      {"DELETE /v1/offers/{id}",
       {S, kOwnerOnly, [this] { return Request{"/v1/offers/" + NewOffer(), ""}; }}},
      {"POST /v1/orders",
       {C, {Who::kOwner, Who::kOtherMember},
        fixed("/v1/orders", SmallOrder("machining.milling", "100.00"))}},
      {"GET /v1/orders", {C, kMembersAndAdmin, fixed("/v1/orders")}},
      {"GET /v1/orders/{id}",
       {C, kMembersAndAdmin, [this] { return Request{"/v1/orders/" + NewOrder(), ""}; }}},
      {"POST /v1/orders/{id}/cancel",
       {C, kOwnerOnly,
        [this] { return Request{"/v1/orders/" + NewOrder() + "/cancel", ""}; }}},
      {"GET /v1/contracts", {C, kMembersAndAdmin, fixed("/v1/contracts")}},
      {"POST /v1/orders/{id}/bids",
       {S, {Who::kOwner, Who::kOtherMember}, [this] {
          return Request{"/v1/orders/" + NewRfqOrder() + "/bids",
                         R"({"unit_price":2500.00,"quantity":40,"lead_days":5})"};
        }}},
      {"GET /v1/orders/{id}/bids",
       {S, kMembersAndAdmin, [this] {
          const std::string o = NewRfqOrder();
          NewBid(o, supplier_key_);
          return Request{"/v1/orders/" + o + "/bids", ""};
        }}},
      // Sealed until the bidding closes: from everyone but its bidder, the operator included.
      {"GET /v1/orders/{id}/bids/{bid}",
       {S, kOwnerOnly, [this] {
          const std::string o = NewRfqOrder();
          return Request{"/v1/orders/" + o + "/bids/" + NewBid(o, supplier_key_), ""};
        }}},
      {"DELETE /v1/orders/{id}/bids/{bid}",
       {S, kOwnerOnly, [this] {
          const std::string o = NewRfqOrder();
          return Request{"/v1/orders/" + o + "/bids/" + NewBid(o, supplier_key_), ""};
        }}},
      {"POST /v1/orders/{id}/award",
       {C, kOwnerOnly, [this] {
          WaitForAwardOrderToClose();
          return Request{"/v1/orders/" + award_order_ + "/award",
                         R"({"bids":[")" + award_bid_ + R"("]})"};
        }}},
      {"GET /v1/contracts/{id}",
       {C, {Who::kOwner, Who::kOtherRole, Who::kAdmin},
        [this] { return Request{"/v1/contracts/" + NewContract(false), ""}; }}},
      {"POST /v1/contracts/{id}/confirm",
       {S, kOwnerOnly,
        [this] { return Request{"/v1/contracts/" + NewContract(true) + "/confirm", ""}; }}},
      {"POST /v1/contracts/{id}/decline",
       {S, kOwnerOnly, [this] {
          return Request{"/v1/contracts/" + NewContract(true) + "/decline",
                         R"({"reason":"no material"})"};
        }}},
      {"POST /v1/contracts/{id}/deliver",
       {S, kOwnerOnly,
        [this] { return Request{"/v1/contracts/" + NewContract(false) + "/deliver", ""}; }}},
      {"POST /v1/contracts/{id}/accept",
       {C, kOwnerOnly,
        [this] { return Request{"/v1/contracts/" + NewDeliveredContract() + "/accept", ""}; }}},
      {"POST /v1/contracts/{id}/dispute",
       {C, kOwnerOnly, [this] {
          return Request{"/v1/contracts/" + NewDeliveredContract() + "/dispute",
                         R"({"reason":"out of tolerance"})"};
        }}},
      // Either party may cancel an active contract: the customer (owner) and the supplier.
      {"POST /v1/contracts/{id}/cancel",
       {C, {Who::kOwner, Who::kOtherRole},
        [this] {
          return Request{"/v1/contracts/" + NewContract(false) + "/cancel",
                         R"({"reason":"plans changed"})"};
        }}},
      {"GET /v1/events", {C, kMembersAndAdmin, fixed("/v1/events")}},
      {"GET /v1/events/stream", {C, kMembersAndAdmin, fixed("/v1/events/stream")}},
      {"GET /v1/state", {C, kAdminOnly, fixed("/v1/state")}},
      {"POST /v1/keys", {C, kAdminOnly, fixed("/v1/keys", R"({"kind":"analyst","label":"x"})")}},
      {"GET /v1/keys", {C, kAdminOnly, fixed("/v1/keys")}},
      {"GET /v1/keys/{id}",
       {C, kAdminOnly, [this] { return Request{"/v1/keys/" + NewKey(), ""}; }}},
      {"DELETE /v1/keys/{id}",
       {C, kOwnerAndAdmin, [this] { return Request{"/v1/keys/" + NewKey(), ""}; }}},
      {"PUT /v1/members/{id}/platforms/{platform}",
       {C, kOwnerOnly, [this, me] {
          Send("DELETE", me + "/platforms/" + platform2_, customer_key_);
          return Request{me + "/platforms/" + platform2_, ""};
        }}},
      {"DELETE /v1/members/{id}/platforms/{platform}",
       {C, kOwnerOnly, [this, me] {
          EXPECT_EQ(Send("PUT", me + "/platforms/" + platform2_, customer_key_).status, 200);
          return Request{me + "/platforms/" + platform2_, ""};
        }}},
      // A member reads the statistics of its own clusters: the customer is in this one.
      {"GET /v1/clusters/{id}/stats",
       {C, {Who::kOwner, Who::kAnalyst, Who::kAdmin},
        fixed("/v1/clusters/" + cluster_ + "/stats?from=" + DayFromToday(-300) +
              "&to=" + DayFromToday(60))}},
      {"POST /v1/analytics/did",
       {C, {Who::kAnalyst, Who::kAdmin}, fixed("/v1/analytics/did", did),
        /*merits_may_refuse=*/true}},
      {"GET /v1/analytics/fairness",
       {C, {Who::kAnalyst, Who::kAdmin},
        fixed("/v1/analytics/fairness?from=" + DayFromToday(8) + "&to=" + DayFromToday(38))}},
  };
  return rows;
}

TEST_F(AuthzTest, EveryRouteLetsInOnlyItsAllowedCallersAndDeniedOnesChangeNothing) {
  std::map<std::string, Row> rows = Rows();
  std::set<std::string> seen;
  for (const Service::Route& route : Service::Routes()) {
    const std::string name = std::string(route.method) + " " + std::string(route.pattern);
    seen.insert(name);
    auto it = rows.find(name);
    if (it == rows.end()) {
      ADD_FAILURE() << name << ": no row in the authorisation matrix";
      continue;
    }
    const Row& row = it->second;
    const std::string method(route.method);
    auto send = [&](Who who, const Request& req) {
      auto [key, headers] = Credentials(who, row.side);
      HttpClient c(server_->port());
      return c.Send(method, req.path, key, req.body, headers);
    };

    const Request target = row.make();
    const std::string before = StateHash();
    for (Who who : kEveryone) {
      if (row.allowed.contains(who)) continue;
      SCOPED_TRACE(name + " as " + std::string(Name(who)));
      HttpClient::Response r = send(who, target);
      if (who == Who::kNoKey) {
        EXPECT_EQ(r.status, 401) << r.body;
      } else if (who == Who::kPlatform || who == Who::kAnalyst) {
        EXPECT_EQ(r.status, 403) << r.body;
      } else {
        EXPECT_TRUE(r.status == 403 || r.status == 404) << r.status << " " << r.body;
      }
      EXPECT_EQ(StateHash(), before);
    }
    bool first = true;
    for (Who who : kEveryone) {
      if (!row.allowed.contains(who)) continue;
      SCOPED_TRACE(name + " as " + std::string(Name(who)));
      HttpClient::Response r = send(who, first ? target : row.make());
      first = false;
      const bool ok = (r.status >= 200 && r.status < 300) ||
                      (row.merits_may_refuse && r.status == 422);
      EXPECT_TRUE(ok) << r.status << " " << r.body;
    }
  }
  for (const auto& [name, row] : rows) {
    EXPECT_TRUE(seen.contains(name)) << name << ": a row for a route the service does not have";
  }
}

}  // namespace
}  // namespace subex::test
