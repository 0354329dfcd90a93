// The one visibility rule of PRODUCT §5, shown as an information-flow test against the real
// subexd: every route of the service's route table (Service::Routes) that names an object × every
// kind of caller × the object's state, and the same callers' feeds.
//
// The market: a customer C (in cluster K) with four rfq orders —
//
//   pub     public, bidding open: sealed bids of S1 and S2
//   clu     clusters-only (K), bidding open: a sealed bid of S1
//   inv     invited (S1, S2, B), bidding open: a sealed bid of S1
//   closed  public, bidding closed: bids of S1 and S2, now ranked
//
// and an active contract ct between C and S1 (from S1's offer f). C blocks B and the platform P2.
// The callers, in the order of every table below:
//
//   op     the operator's admin key
//   C      the customer who owns the orders (customer only)
//   S1     the counterparty: bidder on every order, supplier of the contract (in K, invited)
//   S2     the competitor: the other bidder (in K, invited)
//   OS     an outsider supplier (no cluster, not invited)
//   OC     an outsider customer (customer only)
//   B      a supplier in K and invited, whom C blocks
//   P+OS   the platform P acting for OS (X-On-Behalf-Of)
//   P      the platform P on its own key (no header)
//   P2     the platform P2 on its own key, whom C blocks
//   A      an analyst key
//   none   no key
//
// The expected answers are written from PRODUCT §5 ("One visibility rule") and §6, not read from
// the code: a caller that may not see an object gets 404 on every route naming it — the answer of
// an id that never existed (`missing`) — and only then are roles (403) and states (409, 412)
// checked; a route a key's kind may never use answers 403 whatever the id. Mutations are sent
// with a stale If-Match (or a price over the order's maximum), so no cell may change anything,
// and the state's fingerprint is checked after every row.

#include <algorithm>
#include <array>
#include <chrono>
#include <map>
#include <set>
#include <string>
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

enum Who { kOp, kC, kS1, kS2, kOS, kOC, kB, kPforOS, kP, kP2, kA, kNone, kWhoCount };
constexpr std::array<const char*, kWhoCount> kWhoName = {
    "op", "C", "S1", "S2", "OS", "OC", "B", "P+OS", "P", "P2", "A", "none"};
using Statuses = std::array<int, kWhoCount>;

enum State { kPub, kClu, kInv, kClosed, kContract, kOffer, kMissing };
constexpr const char* kStateName[] = {"pub", "clu", "inv", "closed", "contract", "offer",
                                      "missing"};

// A row: one route, one object state, the status each caller gets.
struct Cell {
  std::string route;  // "METHOD pattern", as in Service::Routes.
  State state;
  Statuses expect;
};

//                                   op   C   S1   S2   OS   OC    B  P+OS   P   P2    A  none
constexpr Statuses kReadOpenOrder = {200, 200, 200, 200, 200, 200, 404, 200, 200, 404, 403, 401};
constexpr Statuses kReadRestricted = {200, 200, 200, 200, 404, 404, 404, 404, 404, 404, 403, 401};
constexpr Statuses kReadMissing = {404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 403, 401};
// Routes for members (and platforms acting for one) only: the operator and a bare platform 403.
constexpr Statuses kCancel = {403, 412, 404, 404, 404, 404, 404, 404, 403, 403, 403, 401};
constexpr Statuses kMemberMissing = {403, 404, 404, 404, 404, 404, 404, 404, 403, 403, 403, 401};
// A sealed bid: its bidder alone; after the close also the customer and the operator.
constexpr Statuses kSealedBid = {404, 404, 200, 404, 404, 404, 404, 404, 404, 404, 403, 401};
constexpr Statuses kOpenedBid = {200, 200, 200, 404, 404, 404, 404, 404, 404, 404, 403, 401};
constexpr Statuses kWithdrawBid = {403, 404, 412, 404, 404, 404, 404, 404, 403, 403, 403, 401};
// A bid over the order's max_unit_price: 422 for whoever may bid on a visible open order.
constexpr Statuses kBidPub = {403, 403, 422, 422, 422, 403, 404, 422, 403, 403, 403, 401};
constexpr Statuses kBidHidden = {403, 403, 422, 422, 404, 404, 404, 404, 403, 403, 403, 401};
constexpr Statuses kBidClosed = {403, 403, 409, 409, 409, 403, 404, 409, 403, 403, 403, 401};
constexpr Statuses kAwardPub = {403, 412, 403, 403, 403, 404, 404, 403, 403, 403, 403, 401};
constexpr Statuses kAwardHidden = {403, 412, 403, 403, 404, 404, 404, 404, 403, 403, 403, 401};
constexpr Statuses kReadContract = {200, 200, 200, 404, 404, 404, 404, 404, 404, 404, 403, 401};
constexpr Statuses kSupplierStep = {403, 403, 412, 404, 404, 404, 404, 404, 403, 403, 403, 401};
constexpr Statuses kCustomerStep = {403, 412, 403, 404, 404, 404, 404, 404, 403, 403, 403, 401};
constexpr Statuses kEitherStep = {403, 412, 412, 404, 404, 404, 404, 404, 403, 403, 403, 401};
constexpr Statuses kReadOffer = {200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 403, 401};
constexpr Statuses kWithdrawOffer = {403, 404, 412, 404, 404, 404, 404, 404, 403, 403, 403, 401};
// C's own blocks and platforms: C alone (an idempotent PUT/DELETE that changes nothing).
constexpr Statuses kOwnRelation = {403, 200, 404, 404, 404, 404, 404, 404, 403, 403, 403, 401};

std::vector<Cell> Table() {
  std::vector<Cell> t;
  auto rows = [&t](const std::string& route, std::initializer_list<std::pair<State, Statuses>> r) {
    for (const auto& [state, expect] : r) t.push_back({route, state, expect});
  };
  rows("GET /v1/orders/{id}", {{kPub, kReadOpenOrder}, {kClu, kReadRestricted},
                               {kInv, kReadRestricted}, {kClosed, kReadOpenOrder},
                               {kMissing, kReadMissing}});
  rows("POST /v1/orders/{id}/cancel", {{kPub, kCancel}, {kClu, kCancel}, {kInv, kCancel},
                                       {kClosed, kCancel}, {kMissing, kMemberMissing}});
  rows("GET /v1/orders/{id}/bids", {{kPub, kReadOpenOrder}, {kClu, kReadRestricted},
                                    {kInv, kReadRestricted}, {kClosed, kReadOpenOrder},
                                    {kMissing, kReadMissing}});
  rows("GET /v1/orders/{id}/bids/{bid}", {{kPub, kSealedBid}, {kClu, kSealedBid},
                                          {kInv, kSealedBid}, {kClosed, kOpenedBid},
                                          {kMissing, kReadMissing}});
  rows("DELETE /v1/orders/{id}/bids/{bid}", {{kPub, kWithdrawBid}, {kClu, kWithdrawBid},
                                             {kInv, kWithdrawBid}, {kClosed, kWithdrawBid},
                                             {kMissing, kMemberMissing}});
  rows("POST /v1/orders/{id}/bids", {{kPub, kBidPub}, {kClu, kBidHidden}, {kInv, kBidHidden},
                                     {kClosed, kBidClosed}, {kMissing, kMemberMissing}});
  rows("POST /v1/orders/{id}/award", {{kPub, kAwardPub}, {kClu, kAwardHidden},
                                      {kInv, kAwardHidden}, {kClosed, kAwardPub},
                                      {kMissing, kMemberMissing}});
  rows("GET /v1/contracts/{id}", {{kContract, kReadContract}, {kMissing, kReadMissing}});
  for (const char* step : {"confirm", "decline", "deliver"}) {
    rows(absl::StrCat("POST /v1/contracts/{id}/", step),
         {{kContract, kSupplierStep}, {kMissing, kMemberMissing}});
  }
  for (const char* step : {"accept", "dispute"}) {
    rows(absl::StrCat("POST /v1/contracts/{id}/", step),
         {{kContract, kCustomerStep}, {kMissing, kMemberMissing}});
  }
  rows("POST /v1/contracts/{id}/cancel", {{kContract, kEitherStep}, {kMissing, kMemberMissing}});
  rows("GET /v1/offers/{id}", {{kOffer, kReadOffer}, {kMissing, kReadMissing}});
  rows("DELETE /v1/offers/{id}", {{kOffer, kWithdrawOffer}, {kMissing, kMemberMissing}});
  rows("PUT /v1/members/{id}/blocks/{other}", {{kPub, kOwnRelation}});
  rows("DELETE /v1/members/{id}/blocks/{other}", {{kPub, kOwnRelation}});
  rows("PUT /v1/members/{id}/platforms/{platform}", {{kPub, kOwnRelation}});
  return t;
}

// Routes that name no object whose visibility depends on the caller, with where their access is
// shown instead. A new route must be placed in the table above or here.
const std::map<std::string, std::string> kElsewhere = {
    {"GET /healthz", "public"},
    {"GET /readyz", "public"},
    {"GET /metrics", "public"},
    {"GET /v1/openapi.json", "public"},
    {"POST /v1/members", "authz_e2e_test"},
    {"GET /v1/members", "public profiles; authz_e2e_test"},
    {"GET /v1/members/{id}", "ProfilesArePublicTheirPrivatePartsAreNot"},
    {"PATCH /v1/members/{id}", "authz_e2e_test (self or operator, else 404)"},
    {"PUT /v1/members/{id}/suspension", "operator only: authz_e2e_test"},
    {"DELETE /v1/members/{id}/suspension", "operator only: authz_e2e_test"},
    {"POST /v1/clusters", "operator only: authz_e2e_test"},
    {"GET /v1/clusters", "public: authz_e2e_test"},
    {"GET /v1/clusters/{id}", "public: authz_e2e_test"},
    {"PUT /v1/clusters/{id}/members/{member}", "operator only: authz_e2e_test"},
    {"DELETE /v1/clusters/{id}/members/{member}", "operator only: authz_e2e_test"},
    {"GET /v1/processes", "public: authz_e2e_test"},
    {"POST /v1/offers", "names no object"},
    {"GET /v1/offers", "offers are public: authz_e2e_test"},
    {"POST /v1/orders", "names no object"},
    {"GET /v1/orders", "ListsShowWhatTheRoutesShow"},
    {"GET /v1/contracts", "ListsShowWhatTheRoutesShow"},
    {"GET /v1/events", "EveryFeedShowsWhatItsReaderMaySee"},
    {"GET /v1/events/stream", "the same pages as GET /v1/events: feed_e2e_test"},
    {"GET /v1/state", "operator only: authz_e2e_test"},
    {"POST /v1/keys", "operator only: authz_e2e_test"},
    {"GET /v1/keys", "operator only: authz_e2e_test"},
    {"GET /v1/keys/{id}", "operator only: authz_e2e_test"},
    {"DELETE /v1/keys/{id}", "own keys or operator: authz_e2e_test"},
    {"DELETE /v1/members/{id}/platforms/{platform}", "authz_e2e_test"},
    {"GET /v1/clusters/{id}/stats", "analytics: authz_e2e_test"},
    {"POST /v1/analytics/did", "analytics: authz_e2e_test"},
    {"GET /v1/analytics/fairness", "analytics: authz_e2e_test"},
};

struct FeedEvent {
  std::string type;
  std::string data;  // The event's `data` as JSON.
};

class VisibilityTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    Member(kC, "Lipetsk Works", 1, 52.60, 39.57, "\"customer\"");
    Member(kS1, "Voronezh Mill", 2, 51.66, 39.20, "\"supplier\"");
    Member(kS2, "Tambov Press", 3, 52.72, 41.45, "\"supplier\"");
    Member(kOS, "Kazan Turning", 4, 55.79, 49.10, "\"supplier\"");
    Member(kOC, "Oryol Assembly", 5, 52.97, 36.07, "\"customer\"");
    Member(kB, "Yelets Forge", 6, 52.62, 38.50, "\"supplier\"");
    Member(kP, "Regional Portal", 7, 52.6, 39.6, "\"platform\"");
    Member(kP2, "Federal Portal", 8, 55.75, 37.62, "\"platform\"");
    HttpClient::Response analyst =
        Send("POST", "/v1/keys", kAdmin, R"({"kind":"analyst","label":"flow"})");
    ASSERT_EQ(analyst.status, 201) << analyst.body;
    key_[kA] = At(analyst.body, "/api_key");
    key_[kOp] = kAdmin;
    key_[kPforOS] = key_[kP];
    HttpClient::Response k = Send("POST", "/v1/clusters", kAdmin,
                                  R"({"name":"Lipetsk","region":"RU-LIP","kind":"regional"})");
    ASSERT_EQ(k.status, 201) << k.body;
    const std::string cluster = At(k.body, "/id");
    for (Who w : {kC, kS1, kS2, kB}) {
      ASSERT_EQ(Send("PUT", "/v1/clusters/" + cluster + "/members/" + id_[w], kAdmin).status, 200);
    }
    ASSERT_EQ(Send("PUT", Path(kOS) + "/platforms/" + id_[kP], key_[kOS]).status, 200);
    ASSERT_EQ(Send("PUT", Path(kC) + "/platforms/" + id_[kP], key_[kC]).status, 200);
    ASSERT_EQ(Send("PUT", Path(kC) + "/blocks/" + id_[kB], key_[kC]).status, 200);
    ASSERT_EQ(Send("PUT", Path(kC) + "/blocks/" + id_[kP2], key_[kC]).status, 200);

    order_[kPub] = RfqOrder(R"("visibility":"public")", 3'600'000);
    order_[kClu] = RfqOrder(R"("visibility":"clusters","clusters":[")" + cluster + "\"]", 3'600'000);
    order_[kInv] = RfqOrder(R"("visibility":"invited","invited":[")" + id_[kS1] + "\",\"" +
                                id_[kS2] + "\",\"" + id_[kB] + "\"]",
                            3'600'000);
    order_[kClosed] = RfqOrder(R"("visibility":"public")", 1'500);
    for (State s : {kPub, kClu, kInv, kClosed}) bid_[s] = Bid(s, kS1, "2500.00");
    rival_pub_ = Bid(kPub, kS2, "2400.00");
    rival_closed_ = Bid(kClosed, kS2, "2400.00");

    HttpClient::Response f = Send("POST", "/v1/offers", key_[kS1], kOfferBody);
    ASSERT_EQ(f.status, 201) << f.body;
    offer_ = At(f.body, "/id");
    HttpClient::Response o = Send(
        "POST", "/v1/orders", key_[kC],
        R"({"title":"Flanges","process":"machining.milling","quantity":16,)" + kOrderDays +
            R"(,"max_unit_price":3500.00})");
    ASSERT_EQ(o.status, 201) << o.body;
    contract_ = At(o.body, "/allocations/0/contract");
    ASSERT_NE(contract_, "<missing>") << o.body;
    // Ids of the right kinds that name nothing: the first of each kind, shifted far out.
    missing_order_ = OtherIdLike(order_[kPub]);
    WaitUntilClosed();
  }

  void Member(Who w, const std::string& name, int serial, double lat, double lon,
              const std::string& roles) {
    std::tie(id_[w], key_[w]) = Register(name, CompanyInnFrom(200000000 + serial), lat, lon, roles);
  }
  std::string Path(Who w) const { return "/v1/members/" + id_[w]; }

  std::string RfqOrder(const std::string& visibility, int64_t close_in_ms) {
    HttpClient::Response r = Send(
        "POST", "/v1/orders", key_[kC],
        absl::StrCat(R"({"title":"Castings","process":"machining.milling","quantity":40,)",
                     kOrderDays, R"(,"max_unit_price":3000.00,"mode":"rfq","award":"manual",)",
                     R"("bids_close_at":")", FromNow(close_in_ms), R"(","award_by":")",
                     FromNow(7'200'000), R"(",)", visibility, "}"));
    EXPECT_EQ(r.status, 201) << r.body;
    return At(r.body, "/id");
  }
  std::string Bid(State s, Who w, const std::string& price) {
    HttpClient::Response r =
        Send("POST", "/v1/orders/" + order_[s] + "/bids", key_[w],
             R"({"unit_price":)" + price + R"(,"quantity":40,"lead_days":5})");
    EXPECT_EQ(r.status, 201) << r.body;
    return At(r.body, "/id");
  }
  // An id of the same kind as `id` that no object has: the same prefix, another tail. With keyed
  // ids (api/ids.h) most such strings do not even spell an id; on a route's path both answer the
  // same 404.
  static std::string OtherIdLike(const std::string& id) {
    std::string out = id;
    out.back() = out.back() == 'z' ? 'y' : 'z';
    return out;
  }
  void WaitUntilClosed() {
    for (int i = 0; i < 300; ++i) {
      if (At(Send("GET", "/v1/orders/" + order_[kClosed], key_[kC]).body, "/status") !=
          "bidding") {
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    FAIL() << "the closed order's bidding never closed";
  }

  HttpClient::Response As(Who w, const std::string& method, const std::string& path,
                           const std::string& body = "", bool stale_if_match = false) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (w == kPforOS) headers.emplace_back("X-On-Behalf-Of", id_[kOS]);
    if (stale_if_match) headers.emplace_back("If-Match", "\"999\"");
    HttpClient c(server_->port());
    return c.Send(method, path, w == kNone ? "" : key_[w], body, headers);
  }

  // The path and body one cell of `route` sends for an object in `state`.
  std::pair<std::string, std::string> Target(const std::string& route, State state) const;

  std::vector<FeedEvent> ReadFeed(Who w);

  std::array<std::string, kWhoCount> id_, key_;
  std::map<State, std::string> order_, bid_;
  std::string rival_pub_, rival_closed_, offer_, contract_, missing_order_;
};

std::pair<std::string, std::string> VisibilityTest::Target(const std::string& route,
                                                           State state) const {
  const bool missing = state == kMissing;
  const std::string order = missing ? missing_order_ : order_.count(state) ? order_.at(state) : "";
  // Under a missing order, a real bid (of another order): the order decides the answer, and a
  // body naming a malformed bid would be refused as invalid (422) before anything is looked up.
  const std::string bid = missing ? bid_.at(kPub) : bid_.count(state) ? bid_.at(state) : "";
  const std::string contract = missing ? OtherIdLike(contract_) : contract_;
  const std::string offer = missing ? OtherIdLike(offer_) : offer_;
  const std::string pattern = route.substr(route.find(' ') + 1);
  const std::string o = "/v1/orders/" + order;
  if (pattern == "/v1/orders/{id}") return {o, ""};
  if (pattern == "/v1/orders/{id}/cancel") return {o + "/cancel", ""};
  if (pattern == "/v1/orders/{id}/bids") {
    // Over the order's max_unit_price (3000.00): refused on its merits, after visibility.
    return {o + "/bids", route[0] == 'P' ? R"({"unit_price":3100.00,"quantity":40,"lead_days":5})"
                                         : ""};
  }
  if (pattern == "/v1/orders/{id}/bids/{bid}") return {o + "/bids/" + bid, ""};
  if (pattern == "/v1/orders/{id}/award") return {o + "/award", R"({"bids":[")" + bid + "\"]}"};
  if (pattern == "/v1/contracts/{id}") return {"/v1/contracts/" + contract, ""};
  if (pattern.rfind("/v1/contracts/{id}/", 0) == 0) {
    const std::string step = pattern.substr(std::string("/v1/contracts/{id}/").size());
    const bool reason = step == "decline" || step == "dispute" || step == "cancel";
    return {"/v1/contracts/" + contract + "/" + step, reason ? R"({"reason":"checking"})" : ""};
  }
  if (pattern == "/v1/offers/{id}") return {"/v1/offers/" + offer, ""};
  const std::string c = "/v1/members/" + id_[kC];
  // C already blocks B and has authorised P, and does not block S1: each answer changes nothing.
  if (pattern == "/v1/members/{id}/blocks/{other}") {
    return {c + "/blocks/" + (route[0] == 'P' ? id_[kB] : id_[kS1]), ""};
  }
  if (pattern == "/v1/members/{id}/platforms/{platform}") return {c + "/platforms/" + id_[kP], ""};
  ADD_FAILURE() << "no target for " << route;
  return {"/", ""};
}

std::vector<FeedEvent> VisibilityTest::ReadFeed(Who w) {
  std::vector<FeedEvent> out;
  std::string after = "0";
  for (;;) {
    HttpClient::Response r = As(w, "GET", "/v1/events?limit=1000&after=" + after);
    EXPECT_EQ(r.status, 200) << kWhoName[w] << ": " << r.body;
    if (r.status != 200) return out;
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    EXPECT_EQ(parser.parse(r.body).get(doc), simdjson::SUCCESS);
    simdjson::dom::array items;
    EXPECT_EQ(doc["items"].get_array().get(items), simdjson::SUCCESS);
    for (simdjson::dom::element e : items) {
      std::string_view type;
      EXPECT_EQ(e["type"].get_string().get(type), simdjson::SUCCESS);
      out.push_back({std::string(type), simdjson::minify(e["data"])});
    }
    const std::string next = At(r.body, "/next");
    if (next == after) return out;
    after = next;
  }
}

TEST_F(VisibilityTest, EveryRouteNamingAnObjectAnswersEachCallerFromTheOneRule) {
  std::vector<Cell> table = Table();
  std::set<std::string> tabled;
  for (const Cell& c : table) tabled.insert(c.route);
  for (const Service::Route& route : Service::Routes()) {
    const std::string name = std::string(route.method) + " " + std::string(route.pattern);
    EXPECT_TRUE(tabled.contains(name) || kElsewhere.contains(name))
        << name << ": a route in neither the visibility table nor the list of routes shown elsewhere";
  }
  for (const Cell& cell : table) {
    const std::string method = cell.route.substr(0, cell.route.find(' '));
    const auto [path, body] = Target(cell.route, cell.state);
    const std::string before = StateHash();
    for (int w = 0; w < kWhoCount; ++w) {
      SCOPED_TRACE(absl::StrCat(cell.route, " on ", kStateName[cell.state], " as ", kWhoName[w]));
      // A stale If-Match keeps every mutation of a trade object from happening; the members'
      // relations are sent as they are, since each cell there changes nothing anyway.
      const bool stale = method != "GET" && cell.route.find("/v1/members/") == std::string::npos;
      HttpClient::Response r = As(static_cast<Who>(w), method, path, body, stale);
      EXPECT_EQ(r.status, cell.expect[w]) << r.body;
      if (r.status == 404) {
        EXPECT_THAT(r.body, testing::HasSubstr("not found"));
      }
    }
    EXPECT_EQ(StateHash(), before) << cell.route << " on " << kStateName[cell.state];
  }
}

TEST_F(VisibilityTest, AHiddenObjectAnswersExactlyAsAnIdThatNeverExisted) {
  // The clusters-only order, to an outsider customer, word for word as a made-up id.
  for (const std::string& suffix : {std::string(""), std::string("/bids")}) {
    HttpClient::Response hidden = As(kOC, "GET", "/v1/orders/" + order_[kClu] + suffix);
    HttpClient::Response never = As(kOC, "GET", "/v1/orders/" + missing_order_ + suffix);
    EXPECT_EQ(hidden.status, 404);
    EXPECT_EQ(hidden.body, never.body);
  }
  HttpClient::Response hidden = As(kOS, "POST", "/v1/orders/" + order_[kInv] + "/award",
                                   R"({"bids":[")" + bid_[kInv] + "\"]}");
  HttpClient::Response never = As(kOS, "POST", "/v1/orders/" + missing_order_ + "/award",
                                  R"({"bids":[")" + bid_[kInv] + "\"]}");
  EXPECT_EQ(hidden.status, 404);
  EXPECT_EQ(hidden.body, never.body);
}

TEST_F(VisibilityTest, BidsShowTheirTermsToTheirBidderAndAfterTheCloseToTheCustomer) {
  auto ids = [&](Who w, State s) {
    HttpClient::Response r = As(w, "GET", "/v1/orders/" + order_[s] + "/bids");
    std::vector<std::string> out;
    for (size_t i = 0; i < Count(r.body, "/items"); ++i) {
      out.push_back(At(r.body, absl::StrCat("/items/", i, "/id")));
    }
    std::sort(out.begin(), out.end());
    return out;
  };
  using V = std::vector<std::string>;
  auto sorted = [](V v) {
    std::sort(v.begin(), v.end());
    return v;
  };
  for (Who w : {kOp, kC, kOS, kOC, kPforOS, kP}) EXPECT_EQ(ids(w, kPub), V{}) << kWhoName[w];
  EXPECT_EQ(ids(kS1, kPub), V{bid_[kPub]});
  EXPECT_EQ(ids(kS2, kPub), V{rival_pub_});
  EXPECT_EQ(ids(kC, kClosed), sorted({bid_[kClosed], rival_closed_}));
  EXPECT_EQ(ids(kOp, kClosed), sorted({bid_[kClosed], rival_closed_}));
  EXPECT_EQ(ids(kS1, kClosed), V{bid_[kClosed]});
  EXPECT_EQ(ids(kS2, kClosed), V{rival_closed_});
  for (Who w : {kOS, kOC, kPforOS, kP}) EXPECT_EQ(ids(w, kClosed), V{}) << kWhoName[w];
  // After the close the customer sees every bid ranked: the cheaper rival first, with scores.
  HttpClient::Response r = As(kC, "GET", "/v1/orders/" + order_[kClosed] + "/bids");
  EXPECT_EQ(At(r.body, "/items/0/id"), rival_closed_);
  EXPECT_NE(At(r.body, "/items/0/unit_price"), "<missing>");
  EXPECT_NE(At(r.body, "/items/0/score"), "<missing>");
}

TEST_F(VisibilityTest, ListsShowWhatTheRoutesShow) {
  auto listed = [&](Who w, const std::string& path) {
    std::set<std::string> out;
    HttpClient::Response r = As(w, "GET", path);
    EXPECT_EQ(r.status, 200) << kWhoName[w] << ": " << r.body;
    for (size_t i = 0; i < Count(r.body, "/items"); ++i) {
      out.insert(At(r.body, absl::StrCat("/items/", i, "/id")));
    }
    return out;
  };
  // Which of the four rfq orders each caller's list shows: the 200 cells of GET /v1/orders/{id}.
  const std::map<Who, std::set<State>> orders = {
      {kOp, {kPub, kClu, kInv, kClosed}}, {kC, {kPub, kClu, kInv, kClosed}},
      {kS1, {kPub, kClu, kInv, kClosed}}, {kS2, {kPub, kClu, kInv, kClosed}},
      {kOS, {kPub, kClosed}},             {kOC, {kPub, kClosed}},
      {kB, {}},                           {kPforOS, {kPub, kClosed}},
      {kP, {kPub, kClosed}},              {kP2, {}}};
  for (const auto& [w, states] : orders) {
    const std::set<std::string> got = listed(w, "/v1/orders?limit=1000");
    for (State s : {kPub, kClu, kInv, kClosed}) {
      EXPECT_EQ(got.contains(order_[s]), states.contains(s)) << kWhoName[w] << " " << kStateName[s];
    }
    EXPECT_EQ(listed(w, "/v1/contracts").contains(contract_), w == kOp || w == kC || w == kS1)
        << kWhoName[w];
  }
}

TEST_F(VisibilityTest, ProfilesArePublicTheirPrivatePartsAreNot) {
  for (Who w : {kOp, kC, kS1, kOC, kB, kPforOS, kP, kP2}) {
    HttpClient::Response r = As(w, "GET", "/v1/members/" + id_[kC]);
    EXPECT_EQ(r.status, 200) << kWhoName[w];
    EXPECT_EQ(At(r.body, "/blocked") != "<missing>", w == kOp || w == kC) << kWhoName[w];
  }
  // The private parts of an order: its invitations, to its customer and the operator only.
  for (Who w : {kOp, kC, kS1, kS2}) {
    HttpClient::Response r = As(w, "GET", "/v1/orders/" + order_[kInv]);
    EXPECT_EQ(At(r.body, "/invited") != "<missing>", w == kOp || w == kC) << kWhoName[w];
  }
}

TEST_F(VisibilityTest, EveryFeedShowsWhatItsReaderMaySee) {
  auto mentions = [](const FeedEvent& e, const std::string& id) {
    return e.data.find("\"" + id + "\"") != std::string::npos;
  };
  auto of_type = [](const std::vector<FeedEvent>& feed, const std::string& type) {
    std::vector<FeedEvent> out;
    for (const FeedEvent& e : feed) {
      if (e.type == type) out.push_back(e);
    }
    return out;
  };
  const std::set<std::string> sealed = {bid_[kPub], bid_[kClu], bid_[kInv], rival_pub_};
  const std::set<std::string> opened = {bid_[kClosed], rival_closed_};

  // The operator: every bid, but a sealed one without its terms until its order's close.
  std::vector<FeedEvent> op = ReadFeed(kOp);
  std::vector<FeedEvent> placed = of_type(op, "bid.placed");
  EXPECT_EQ(placed.size(), 6u);
  for (const FeedEvent& e : placed) {
    const std::string bid = At(e.data, "/bid");
    EXPECT_NE(At(e.data, "/order"), "<missing>");
    EXPECT_NE(At(e.data, "/supplier"), "<missing>");
    for (const char* term : {"/unit_price", "/quantity", "/lead_days"}) {
      EXPECT_EQ(At(e.data, term) == "<missing>", sealed.contains(bid)) << bid << term;
    }
    EXPECT_TRUE(sealed.contains(bid) || opened.contains(bid));
  }

  // Each bidder: its own bids, with their terms; never its competitor's.
  for (Who w : {kS1, kS2}) {
    std::vector<FeedEvent> bids = of_type(ReadFeed(w), "bid.placed");
    EXPECT_EQ(bids.size(), w == kS1 ? 4u : 2u) << kWhoName[w];
    for (const FeedEvent& e : bids) {
      EXPECT_EQ(At(e.data, "/supplier"), id_[w]);
      EXPECT_NE(At(e.data, "/unit_price"), "<missing>");
    }
  }

  // The customer: no bid.placed (sealed, then told at the close with every bid's score).
  std::vector<FeedEvent> c = ReadFeed(kC);
  EXPECT_TRUE(of_type(c, "bid.placed").empty());
  std::vector<FeedEvent> closed = of_type(c, "order.bidding_closed");
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_TRUE(mentions(closed[0], order_[kClosed]));

  // Callers that may not read the clusters-only and invited orders read nothing about them; the
  // blocked member and the blocked platform nothing about any of the customer's orders.
  const std::map<Who, std::set<State>> hidden = {
      {kOS, {kClu, kInv}},         {kOC, {kClu, kInv}}, {kPforOS, {kClu, kInv}},
      {kP, {kClu, kInv}},          {kB, {kPub, kClu, kInv, kClosed}},
      {kP2, {kPub, kClu, kInv, kClosed}}};
  std::map<Who, std::vector<FeedEvent>> feeds;
  for (const auto& [w, states] : hidden) {
    feeds[w] = ReadFeed(w);
    for (const FeedEvent& e : feeds[w]) {
      for (State s : states) {
        EXPECT_FALSE(mentions(e, order_[s])) << kWhoName[w] << " reads " << e.type << e.data;
      }
      for (const std::string& b : sealed) EXPECT_FALSE(mentions(e, b)) << kWhoName[w];
      EXPECT_FALSE(mentions(e, contract_)) << kWhoName[w] << " reads " << e.type;
    }
  }
  // A platform acting for a member reads exactly that member's feed.
  auto types = [](const std::vector<FeedEvent>& f) {
    std::vector<std::string> out;
    for (const FeedEvent& e : f) out.push_back(e.type + e.data);
    return out;
  };
  EXPECT_EQ(types(feeds[kPforOS]), types(ReadFeed(kOS)));

  // The platform on its own key: the public orders' placement, and nothing private.
  std::vector<FeedEvent> p = feeds[kP];
  std::set<std::string> placed_orders;
  for (const FeedEvent& e : of_type(p, "order.placed")) placed_orders.insert(At(e.data, "/order"));
  EXPECT_TRUE(placed_orders.contains(order_[kPub]));
  EXPECT_TRUE(placed_orders.contains(order_[kClosed]));
  for (const FeedEvent& e : p) {
    for (const char* prefix : {"bid.", "contract.", "key."}) {
      EXPECT_NE(e.type.rfind(prefix, 0), 0u) << e.type;
    }
    for (const char* type : {"member.blocked", "order.announced", "order.bidding_closed",
                             "member.suspended"}) {
      EXPECT_NE(e.type, type);
    }
  }
  // The blocked platform reads no order of the customer's, even a public one.
  for (const FeedEvent& e : of_type(feeds[kP2], "order.placed")) {
    EXPECT_NE(At(e.data, "/customer"), id_[kC]);
  }
  // An analyst reads analytics only.
  EXPECT_EQ(As(kA, "GET", "/v1/events").status, 403);
}

}  // namespace
}  // namespace subex::test
