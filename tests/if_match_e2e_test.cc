// If-Match on every change of an object with a revision (PRODUCT §6), against a real subexd
// started with `server.require_if_match = true`.
//
// Every route of the service's table that is not a read has a row here saying whether it changes
// an existing object with a revision, and which object's revision it takes:
//
//   PATCH  /v1/members/{id}                       the member's
//   PUT    /v1/members/{id}/blocks/{other}        the blocking member's (its blocked list)
//   DELETE /v1/members/{id}/blocks/{other}        the blocking member's
//   PUT    /v1/members/{id}/suspension            the member's
//   DELETE /v1/members/{id}/suspension            the member's
//   PUT    /v1/clusters/{id}/members/{member}     the cluster's
//   DELETE /v1/clusters/{id}/members/{member}     the cluster's
//   DELETE /v1/offers/{id}                        the offer's
//   POST   /v1/orders/{id}/cancel                 the order's
//   DELETE /v1/orders/{id}/bids/{bid}             the bid's
//   POST   /v1/orders/{id}/award                  the order's
//   POST   /v1/contracts/{id}/<step>              the contract's (six steps)
//   PUT    /v1/members/{id}/platforms/{platform}  the authorising member's
//   DELETE /v1/members/{id}/platforms/{platform}  the authorising member's
//
// and the rest take none: the POSTs that create (members, clusters, offers, orders, bids, keys),
// DELETE /v1/keys/{id} (a key has no revision) and POST /v1/analytics/did (a computation that
// changes nothing). Each row that takes one must answer 428 without If-Match and 412 with a
// revision the object is not at, both changing nothing, and succeed with the object's ETag; each
// row that takes none must succeed without it. The served OpenAPI document must list If-Match, 412
// and 428 on exactly the operations whose rows take it. A route without a row fails the test.

#include <chrono>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "api/service.h"
#include "gtest/gtest.h"
#include "tests/e2e_fixture.h"

namespace subex::test {
namespace {

// The routes of the table above that take If-Match.
const std::set<std::string> kTakesIfMatch = {
    "PATCH /v1/members/{id}",
    "PUT /v1/members/{id}/blocks/{other}",
    "DELETE /v1/members/{id}/blocks/{other}",
    "PUT /v1/members/{id}/suspension",
    "DELETE /v1/members/{id}/suspension",
    "PUT /v1/clusters/{id}/members/{member}",
    "DELETE /v1/clusters/{id}/members/{member}",
    "DELETE /v1/offers/{id}",
    "POST /v1/orders/{id}/cancel",
    "DELETE /v1/orders/{id}/bids/{bid}",
    "POST /v1/orders/{id}/award",
    "POST /v1/contracts/{id}/confirm",
    "POST /v1/contracts/{id}/decline",
    "POST /v1/contracts/{id}/deliver",
    "POST /v1/contracts/{id}/accept",
    "POST /v1/contracts/{id}/dispute",
    "POST /v1/contracts/{id}/cancel",
    "PUT /v1/members/{id}/platforms/{platform}",
    "DELETE /v1/members/{id}/platforms/{platform}",
};

// One attempt's request: who sends what where, and where the object whose revision it takes is
// read (its ETag); `revision_of` is empty for a route that takes none.
struct Target {
  std::string path;
  std::string key;
  std::string body;
  std::string revision_of;
  std::vector<std::pair<std::string, std::string>> headers = {};
};

class IfMatchTest : public ApiTest {
 protected:
  std::vector<std::string> ServerArgs() const override {
    return {"--server.require_if_match=true"};
  }

  void SetUp() override {
    ApiTest::SetUp();
    MakeMarket();
    std::tie(platform_, std::ignore) = Register("Regional Portal", CompanyInnFrom(100000003),
                                                52.6, 39.6, "\"platform\"");
    HttpClient::Response analyst =
        Send("POST", "/v1/keys", kAdmin, R"({"kind":"analyst","label":"if-match"})");
    ASSERT_EQ(analyst.status, 201) << analyst.body;
    analyst_key_ = At(analyst.body, "/api_key");
    HttpClient::Response cluster = Send("POST", "/v1/clusters", kAdmin,
                                        R"({"name":"Lipetsk","region":"RU-LIP","kind":"regional"})");
    ASSERT_EQ(cluster.status, 201) << cluster.body;
    cluster_ = At(cluster.body, "/id");
    ASSERT_EQ(Change("PUT", "/v1/clusters/" + cluster_ + "/members/" + customer_, kAdmin, "",
                     "/v1/clusters/" + cluster_)
                  .status,
              200);
    ASSERT_EQ(Send("POST", "/v1/offers", supplier_key_, kPendingOffer).status, 201);
    ASSERT_EQ(Send("POST", "/v1/offers", supplier_key_, kActiveOffer).status, 201);
  }

  // The ETag of `url` as the admin reads it, unquoted ("" when there is none).
  std::string Revision(const std::string& url, const std::string& key = kAdmin) {
    HttpClient::Response r = Send("GET", url, key);
    EXPECT_EQ(r.status, 200) << url << ": " << r.body;
    std::string etag = r.header("etag");
    if (etag.size() >= 2 && etag.front() == '"') etag = etag.substr(1, etag.size() - 2);
    return etag;
  }

  // A change sent with the object's current revision, as a careful client sends it.
  HttpClient::Response Change(const std::string& method, const std::string& path,
                              const std::string& key, const std::string& body,
                              const std::string& revision_of) {
    const std::string revision = Revision(revision_of, key);
    EXPECT_FALSE(revision.empty()) << revision_of << " has no ETag";
    return Send(method, path, key, body, {{"If-Match", "\"" + revision + "\""}});
  }

  std::string Created(const std::string& path, const std::string& key, const std::string& body) {
    HttpClient::Response r = Send("POST", path, key, body);
    EXPECT_EQ(r.status, 201) << path << ": " << r.body;
    return At(r.body, "/id");
  }
  std::string NewOffer() { return Created("/v1/offers", supplier_key_, kOfferBody); }
  std::string NewOrder() {
    return Created("/v1/orders", customer_key_,
                   R"({"title":"Bushings","process":"machining.milling","quantity":10,)" +
                       kOrderDays + R"(,"max_unit_price":100.00})");
  }
  std::string NewContract(bool pending) {
    HttpClient::Response r = Send(
        "POST", "/v1/orders", customer_key_,
        absl::StrCat(R"({"title":"Bushings","process":")",
                     pending ? "machining.turning.cnc" : "machining.grinding",
                     R"(","quantity":10,)", kOrderDays, R"(,"max_unit_price":1000.00})"));
    EXPECT_EQ(r.status, 201) << r.body;
    return At(r.body, "/allocations/0/contract");
  }
  std::string NewDeliveredContract() {
    const std::string c = NewContract(false);
    EXPECT_EQ(Change("POST", "/v1/contracts/" + c + "/deliver", supplier_key_, "",
                     "/v1/contracts/" + c)
                  .status,
              200);
    return c;
  }
  std::string NewRfqOrder(int64_t close_in_ms) {
    return Created("/v1/orders", customer_key_,
                   absl::StrCat(R"({"title":"Castings","process":"machining.milling",)",
                                R"("quantity":40,)", kOrderDays, R"(,"mode":"rfq",)",
                                R"("award":"manual","bids_close_at":")", FromNow(close_in_ms),
                                R"(","award_by":")", FromNow(7'200'000), R"("})"));
  }
  std::string NewBid(const std::string& order) {
    return Created("/v1/orders/" + order + "/bids", supplier_key_,
                   R"({"unit_price":2500.00,"quantity":40,"lead_days":5})");
  }
  void WaitUntilClosed(const std::string& order) {
    for (int i = 0; i < 300; ++i) {
      if (At(Send("GET", "/v1/orders/" + order, customer_key_).body, "/status") != "bidding") {
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << "the order's bidding never closed";
  }

  std::map<std::string, std::function<Target()>> Rows();

  const std::string kPendingOffer =
      R"({"process":"machining.turning.cnc","daily_capacity":50,)" + kOfferDays +
      R"(,"unit_price":900.00,"auto_accept":false})";
  const std::string kActiveOffer =
      R"({"process":"machining.grinding","daily_capacity":50,)" + kOfferDays +
      R"(,"unit_price":900.00,"auto_accept":true})";
  std::string platform_, analyst_key_, cluster_;
  int serial_ = 0;
};

std::map<std::string, std::function<Target()>> IfMatchTest::Rows() {
  const std::string me = "/v1/members/" + customer_;
  auto contract_step = [this](bool pending, bool delivered, std::string step, bool supplier,
                              std::string body) {
    return [=, this] {
      const std::string c = delivered ? NewDeliveredContract() : NewContract(pending);
      return Target{"/v1/contracts/" + c + "/" + step, supplier ? supplier_key_ : customer_key_,
                    body, "/v1/contracts/" + c};
    };
  };
  return {
      {"POST /v1/members",
       [this] {
         return Target{"/v1/members", kAdmin,
                       MemberBody("Works " + std::to_string(++serial_),
                                  CompanyInnFrom(100000100 + serial_), 52.5, 39.5, "\"customer\""),
                       ""};
       }},
      {"PATCH /v1/members/{id}",
       [=, this] {
         return Target{me, customer_key_,
                       R"({"name":"Lipetsk Works )" + std::to_string(++serial_) + "\"}", me};
       }},
      {"PUT /v1/members/{id}/blocks/{other}",
       [=, this] { return Target{me + "/blocks/" + other_, customer_key_, "", me}; }},
      {"DELETE /v1/members/{id}/blocks/{other}",
       [=, this] {
         EXPECT_EQ(Change("PUT", me + "/blocks/" + other_, customer_key_, "", me).status, 200);
         return Target{me + "/blocks/" + other_, customer_key_, "", me};
       }},
      {"PUT /v1/members/{id}/suspension",
       [this] {
         const std::string m = "/v1/members/" + other_;
         return Target{m + "/suspension", kAdmin, R"({"until":")" + DayFromToday(38) + R"("})",
                       m};
       }},
      {"DELETE /v1/members/{id}/suspension",
       [this] {
         const std::string m = "/v1/members/" + other_;
         EXPECT_EQ(Change("PUT", m + "/suspension", kAdmin,
                          R"({"until":")" + DayFromToday(38) + R"("})", m)
                       .status,
                   200);
         return Target{m + "/suspension", kAdmin, "", m};
       }},
      {"POST /v1/clusters",
       [] {
         return Target{"/v1/clusters", kAdmin,
                       R"({"name":"Tula Arms","region":"RU-TUL","kind":"regional"})", ""};
       }},
      {"PUT /v1/clusters/{id}/members/{member}",
       [this] {
         return Target{"/v1/clusters/" + cluster_ + "/members/" + supplier_, kAdmin, "",
                       "/v1/clusters/" + cluster_};
       }},
      {"DELETE /v1/clusters/{id}/members/{member}",
       [this] {
         return Target{"/v1/clusters/" + cluster_ + "/members/" + customer_, kAdmin, "",
                       "/v1/clusters/" + cluster_};
       }},
      {"POST /v1/offers", [this] { return Target{"/v1/offers", supplier_key_, kOfferBody, ""}; }},
      {"DELETE /v1/offers/{id}",
       [this] {
         const std::string o = "/v1/offers/" + NewOffer();
         return Target{o, supplier_key_, "", o};
       }},
      {"POST /v1/orders",
       [this] {
         return Target{"/v1/orders", customer_key_,
                       R"({"title":"Bushings","process":"machining.milling","quantity":10,)" +
                           kOrderDays + R"(,"max_unit_price":100.00})",
                       ""};
       }},
      {"POST /v1/orders/{id}/cancel",
       [this] {
         const std::string o = "/v1/orders/" + NewOrder();
         return Target{o + "/cancel", customer_key_, "", o};
       }},
      {"POST /v1/orders/{id}/bids",
       [this] {
         return Target{"/v1/orders/" + NewRfqOrder(3'600'000) + "/bids", supplier_key_,
                       R"({"unit_price":2500.00,"quantity":40,"lead_days":5})", ""};
       }},
      {"DELETE /v1/orders/{id}/bids/{bid}",
       [this] {
         const std::string o = NewRfqOrder(3'600'000);
         const std::string b = "/v1/orders/" + o + "/bids/" + NewBid(o);
         return Target{b, supplier_key_, "", b, {}};
       }},
      {"POST /v1/orders/{id}/award",
       [this] {
         const std::string o = NewRfqOrder(1'000);
         const std::string b = NewBid(o);
         WaitUntilClosed(o);
         return Target{"/v1/orders/" + o + "/award", customer_key_, R"({"bids":[")" + b + R"("]})",
                       "/v1/orders/" + o};
       }},
      {"POST /v1/contracts/{id}/confirm", contract_step(true, false, "confirm", true, "")},
      {"POST /v1/contracts/{id}/decline",
       contract_step(true, false, "decline", true, R"({"reason":"no material"})")},
      {"POST /v1/contracts/{id}/deliver", contract_step(false, false, "deliver", true, "")},
      {"POST /v1/contracts/{id}/accept", contract_step(false, true, "accept", false, "")},
      {"POST /v1/contracts/{id}/dispute",
       contract_step(false, true, "dispute", false, R"({"reason":"out of tolerance"})")},
      {"POST /v1/contracts/{id}/cancel",
       contract_step(false, false, "cancel", false, R"({"reason":"plans changed"})")},
      {"POST /v1/keys",
       [] { return Target{"/v1/keys", kAdmin, R"({"kind":"analyst","label":"x"})", ""}; }},
      {"DELETE /v1/keys/{id}",
       [this] {
         return Target{"/v1/keys/" + Created("/v1/keys", kAdmin,
                                             R"({"kind":"member","member":")" + customer_ +
                                                 R"(","label":"ERP"})"),
                       kAdmin, "", ""};
       }},
      {"PUT /v1/members/{id}/platforms/{platform}",
       [=, this] { return Target{me + "/platforms/" + platform_, customer_key_, "", me}; }},
      {"DELETE /v1/members/{id}/platforms/{platform}",
       [=, this] {
         EXPECT_EQ(Change("PUT", me + "/platforms/" + platform_, customer_key_, "", me).status,
                   200);
         return Target{me + "/platforms/" + platform_, customer_key_, "", me};
       }},
      {"POST /v1/analytics/did",
       [this] {
         return Target{"/v1/analytics/did", analyst_key_,
                       R"({"cluster":")" + cluster_ + R"(","metric":"contracts","before_from":")" +
                           MonthFromThis(-1) + R"(","before_to":")" + MonthFromThis(-1) +
                           R"(","after_from":")" + MonthFromThis(0) + R"(","after_to":")" +
                           MonthFromThis(0) + R"("})",
                       ""};
       }},
  };
}

bool Succeeded(const HttpClient::Response& r, const std::string& path) {
  // An analysis over a market with no history is refused on its merits, not for If-Match.
  return (r.status >= 200 && r.status < 300) || (path == "/v1/analytics/did" && r.status == 422);
}

TEST_F(IfMatchTest, EveryChangeOfAnObjectWithARevisionNeedsItsCurrentRevision) {
  std::map<std::string, std::function<Target()>> rows = Rows();
  std::set<std::string> seen;
  for (const Service::Route& route : Service::Routes()) {
    if (route.method == "GET") continue;
    const std::string method(route.method);
    const std::string name = method + " " + std::string(route.pattern);
    seen.insert(name);
    auto it = rows.find(name);
    if (it == rows.end()) {
      ADD_FAILURE() << name << ": no row says whether it takes If-Match";
      continue;
    }
    SCOPED_TRACE(name);
    const Target t = it->second();
    EXPECT_EQ(!t.revision_of.empty(), kTakesIfMatch.contains(name))
        << "the row and the list of routes that take If-Match disagree";
    if (t.revision_of.empty()) {
      HttpClient::Response r = Send(method, t.path, t.key, t.body, t.headers);
      EXPECT_TRUE(Succeeded(r, t.path)) << r.status << " " << r.body;
      continue;
    }
    const std::string before = StateHash();
    HttpClient::Response missing = Send(method, t.path, t.key, t.body, t.headers);
    EXPECT_EQ(missing.status, 428) << missing.body;
    EXPECT_EQ(At(missing.body, "/status"), "428") << missing.body;
    const std::string revision = Revision(t.revision_of, t.key);
    ASSERT_FALSE(revision.empty()) << t.revision_of << " has no ETag";
    std::vector<std::string> stale = {std::to_string(std::stoll(revision) + 1)};
    if (std::stoll(revision) > 1) stale.push_back(std::to_string(std::stoll(revision) - 1));
    for (const std::string& wrong : stale) {
      auto headers = t.headers;
      headers.emplace_back("If-Match", "\"" + wrong + "\"");
      HttpClient::Response r = Send(method, t.path, t.key, t.body, headers);
      EXPECT_EQ(r.status, 412) << "If-Match \"" << wrong << "\" at revision " << revision << ": "
                               << r.body;
    }
    EXPECT_EQ(StateHash(), before) << "a refused change changed the state";
    auto headers = t.headers;
    headers.emplace_back("If-Match", "\"" + revision + "\"");
    HttpClient::Response ok = Send(method, t.path, t.key, t.body, headers);
    EXPECT_TRUE(Succeeded(ok, t.path)) << ok.status << " " << ok.body;
    EXPECT_NE(StateHash(), before) << "the change with the right revision changed nothing";
  }
  for (const auto& [name, row] : rows) {
    EXPECT_TRUE(seen.contains(name)) << name << ": a row for a route the service does not have";
  }
}

// The document lists If-Match (with 412 and 428) on exactly the operations that take it.
TEST_F(IfMatchTest, TheDocumentListsIfMatchOnExactlyTheOperationsThatTakeIt) {
  HttpClient::Response doc = Send("GET", "/v1/openapi.json");
  ASSERT_EQ(doc.status, 200);
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  ASSERT_EQ(parser.parse(doc.body).get(root), simdjson::SUCCESS);
  for (const Service::Route& route : Service::Routes()) {
    std::string method(route.method);
    const std::string name = method + " " + std::string(route.pattern);
    for (char& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    simdjson::dom::element op;
    ASSERT_EQ(root["paths"][route.pattern][method].get(op), simdjson::SUCCESS) << name;
    bool listed = false;
    simdjson::dom::array params;
    if (op["parameters"].get(params) == simdjson::SUCCESS) {
      for (simdjson::dom::element p : params) {
        std::string_view ref;
        if (p["$ref"].get(ref) == simdjson::SUCCESS && ref == "#/components/parameters/IfMatch") {
          listed = true;
        }
      }
    }
    const bool answers_412 = op["responses"]["412"].error() == simdjson::SUCCESS;
    const bool answers_428 = op["responses"]["428"].error() == simdjson::SUCCESS;
    const bool takes = kTakesIfMatch.contains(name);
    EXPECT_EQ(listed, takes) << name << (takes ? " takes If-Match; the document does not list it"
                                               : " lists If-Match but takes none");
    EXPECT_EQ(answers_412, takes) << name << ": 412";
    EXPECT_EQ(answers_428, takes) << name << ": 428";
  }
}

}  // namespace
}  // namespace subex::test
