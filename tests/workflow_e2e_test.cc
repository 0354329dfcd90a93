// End-to-end specification of the portal workflows (PRODUCT §2, §4, §5): a contract's steps by
// each party, a decline that rematches, sealed bids and the customer's award, visibility and
// blocks, and what the feed shows each caller — over HTTP against the real subexd.
//
// Timers run on the server's own clock: an rfq order here closes its bidding a few seconds after
// it is placed, and the test waits for the close in the feed (long-polling, with a generous
// bound), so no assertion depends on how fast the machine is.

#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e_fixture.h"

namespace subex::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// The "type" of every event in a feed page.
std::vector<std::string> Types(const std::string& page) {
  std::vector<std::string> types;
  for (size_t i = 0; i < Count(page, "/items"); ++i) {
    types.push_back(At(page, "/items/" + std::to_string(i) + "/type"));
  }
  return types;
}

const std::string kSlowOffer = R"({"process":"machining.milling.cnc_5axis","daily_capacity":10,)" +
                               kOfferDays + R"(,"unit_price":3000.00,"auto_accept":false})";

std::string PlainOrder(int quantity, const std::string& extra = "") {
  return absl::StrCat(R"({"title":"Flanges","process":"machining.milling","quantity":)", quantity,
                      ",", kOrderDays, R"(,"max_unit_price":3500.00)", extra, "}");
}

class WorkflowTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    MakeMarket();
  }

  // Every page of the feed the key may read, from its start.
  std::vector<std::string> FeedPages(const std::string& key) {
    std::vector<std::string> pages;
    std::string after = "0";
    for (;;) {
      HttpClient::Response r = Send("GET", "/v1/events?limit=1000&after=" + after, key);
      EXPECT_EQ(r.status, 200) << r.body;
      const std::string next = At(r.body, "/next");
      pages.push_back(std::move(r.body));
      if (r.status != 200 || next == after || next == "null") return pages;
      after = next;
    }
  }

  // Every event the key may see, from the start of the feed.
  std::vector<std::string> FeedTypes(const std::string& key) {
    std::vector<std::string> all;
    for (const std::string& page : FeedPages(key)) {
      for (std::string& t : Types(page)) all.push_back(std::move(t));
    }
    return all;
  }

  // The whole feed the key may read, as one text.
  std::string FeedText(const std::string& key) { return absl::StrJoin(FeedPages(key), ""); }

  // Long-polls `key`'s feed until an event of `type` arrives (at most ~30 s), on a connection of
  // its own. Answers the event, or "" when it never came.
  std::string WaitFor(const std::string& key, const std::string& type) {
    HttpClient waiter(server_->port());
    std::string after = "0";
    for (int round = 0; round < 30; ++round) {
      HttpClient::Response r =
          waiter.Send("GET", "/v1/events?limit=1000&wait_ms=1000&after=" + after, key);
      if (r.status != 200) return "";
      for (size_t i = 0; i < Count(r.body, "/items"); ++i) {
        const std::string item = "/items/" + std::to_string(i);
        if (At(r.body, item + "/type") == type) return At(r.body, item);
      }
      const std::string next = At(r.body, "/next");
      if (next != "null") after = next;
    }
    return "";
  }

  std::string Post(const std::string& target, const std::string& key, const std::string& body,
                   int want) {
    HttpClient::Response r = Send("POST", target, key, body);
    EXPECT_EQ(r.status, want) << target << ": " << r.body;
    return r.body;
  }
};

TEST_F(WorkflowTest, EachPartyTakesOnlyItsOwnStepsOfAContract) {
  const std::string offer = At(Post("/v1/offers", supplier_key_, kSlowOffer, 201), "/id");
  const std::string order = Post("/v1/orders", customer_key_, PlainOrder(40), 201);
  ASSERT_EQ(At(order, "/allocations/0/state"), "pending_confirmation") << order;
  const std::string c = "/v1/contracts/" + At(order, "/allocations/0/contract");

  // A stranger finds nothing; the customer may not take the supplier's step.
  EXPECT_EQ(Send("POST", c + "/confirm", other_key_).status, 404);
  EXPECT_EQ(Send("GET", c, other_key_).status, 404);
  EXPECT_EQ(Send("POST", c + "/confirm", customer_key_).status, 403);
  EXPECT_EQ(Send("POST", c + "/deliver", supplier_key_).status, 409);  // Not active yet.
  // A stale revision is refused; the right one confirms.
  EXPECT_EQ(Send("POST", c + "/confirm", supplier_key_, "", {{"If-Match", "\"7\""}}).status, 412);
  HttpClient::Response confirmed =
      Send("POST", c + "/confirm", supplier_key_, "", {{"If-Match", "\"1\""}});
  ASSERT_EQ(confirmed.status, 200) << confirmed.body;
  EXPECT_EQ(At(confirmed.body, "/state"), "active");
  EXPECT_EQ(confirmed.header("etag"), "\"2\"");
  EXPECT_EQ(Send("POST", c + "/confirm", supplier_key_).status, 409);  // Only once.

  EXPECT_EQ(Send("POST", c + "/accept", customer_key_).status, 409);  // Not delivered yet.
  EXPECT_EQ(Send("POST", c + "/deliver", customer_key_).status, 403);
  HttpClient::Response delivered = Send("POST", c + "/deliver", supplier_key_);
  ASSERT_EQ(delivered.status, 200) << delivered.body;
  EXPECT_EQ(At(delivered.body, "/state"), "delivered");
  EXPECT_NE(At(delivered.body, "/delivered_on"), "null");
  EXPECT_EQ(Send("POST", c + "/cancel", supplier_key_, R"({"reason":"late"})").status, 409);
  EXPECT_EQ(Send("POST", c + "/accept", supplier_key_).status, 403);
  EXPECT_EQ(Send("POST", c + "/dispute", customer_key_).status, 422);  // A reason is required.
  HttpClient::Response accepted = Send("POST", c + "/accept", customer_key_);
  ASSERT_EQ(accepted.status, 200) << accepted.body;
  EXPECT_EQ(At(accepted.body, "/state"), "accepted");
  EXPECT_EQ(Send("POST", c + "/dispute", customer_key_, R"({"reason":"x"})").status, 409);

  // The order is completed; the supplier's reliability moved above the prior.
  EXPECT_EQ(At(Send("GET", "/v1/orders/" + At(order, "/id"), customer_key_).body, "/status"),
            "completed");
  EXPECT_GT(std::stod(At(Send("GET", "/v1/members/" + supplier_, other_key_).body,
                         "/reliability")),
            0.8);
  // Both parties' feeds show each step; a stranger's shows none of them.
  for (const std::string& key : {customer_key_, supplier_key_}) {
    std::vector<std::string> feed = FeedTypes(key);
    for (const char* step : {"contract.created", "contract.confirmed", "contract.delivered",
                             "contract.accepted"}) {
      EXPECT_EQ(std::count(feed.begin(), feed.end(), step), 1) << step;
    }
  }
  std::vector<std::string> stranger = FeedTypes(other_key_);
  EXPECT_EQ(std::count(stranger.begin(), stranger.end(), "contract.confirmed"), 0);
  EXPECT_EQ(At(Send("GET", "/v1/offers/" + offer, supplier_key_).body, "/free_total"),
            std::to_string(31 * 10 - 40));
}

TEST_F(WorkflowTest, ADeclineReturnsTheDaysAndRematchesTheOrderWithoutTheSupplier) {
  const std::string first = At(Post("/v1/offers", supplier_key_, kSlowOffer, 201), "/id");
  // A dearer offer of another supplier, used only once the first is out.
  const std::string second = At(Post("/v1/offers", other_key_,
                                     R"({"process":"machining.milling","daily_capacity":10,)" +
                                         kOfferDays + R"(,"unit_price":3400.00})",
                                     201),
                                "/id");
  const std::string order = Post("/v1/orders", customer_key_, PlainOrder(40), 201);
  ASSERT_EQ(At(order, "/allocations/0/offer"), first) << order;
  const std::string c = "/v1/contracts/" + At(order, "/allocations/0/contract");

  HttpClient::Response declined =
      Send("POST", c + "/decline", supplier_key_, R"({"reason":"machine down"})");
  ASSERT_EQ(declined.status, 200) << declined.body;
  EXPECT_EQ(At(declined.body, "/state"), "declined");
  EXPECT_EQ(At(declined.body, "/reason"), "machine down");

  // The days are back on the first offer; the order was rematched at once with the second.
  EXPECT_EQ(At(Send("GET", "/v1/offers/" + first, supplier_key_).body, "/free_total"), "310");
  const std::string now = Send("GET", "/v1/orders/" + At(order, "/id"), customer_key_).body;
  EXPECT_EQ(At(now, "/allocated"), "40") << now;
  EXPECT_EQ(At(now, "/allocations/1/offer"), second) << now;
  EXPECT_EQ(At(now, "/allocations/1/supplier"), other_);
  // The supplier's feed shows its decline and not the other supplier's new contract.
  std::vector<std::string> feed = FeedTypes(supplier_key_);
  EXPECT_EQ(std::count(feed.begin(), feed.end(), "contract.declined"), 1);
  EXPECT_EQ(std::count(feed.begin(), feed.end(), "contract.created"), 1);
}

TEST_F(WorkflowTest, ACustomersCancellationWithdrawsTheQuantityForGood) {
  Post("/v1/offers", supplier_key_, kOfferBody, 201);
  const std::string order = Post("/v1/orders", customer_key_, PlainOrder(40), 201);
  const std::string c = "/v1/contracts/" + At(order, "/allocations/0/contract");
  ASSERT_EQ(At(order, "/allocations/0/state"), "active") << order;
  EXPECT_EQ(Send("POST", c + "/cancel", customer_key_).status, 422);  // Needs a reason.
  EXPECT_EQ(Send("POST", c + "/cancel", customer_key_, R"({"why":"x"})").status, 400);
  HttpClient::Response cancelled =
      Send("POST", c + "/cancel", customer_key_, R"({"reason":"design changed"})");
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(At(cancelled.body, "/state"), "cancelled");
  EXPECT_EQ(At(cancelled.body, "/cancelled_by"), customer_);
  const std::string now = Send("GET", "/v1/orders/" + At(order, "/id"), customer_key_).body;
  EXPECT_EQ(At(now, "/withdrawn"), "40");
  EXPECT_EQ(At(now, "/status"), "cancelled");
}

TEST_F(WorkflowTest, BidsAreSealedUntilTheCloseAndTheCustomerAwardsTheChosenOne) {
  const std::string order_body =
      absl::StrCat(R"({"title":"Valve bodies","process":"machining.milling","quantity":100,)",
                   kOrderDays + R"(,"mode":"rfq","award":"manual",)", R"("bids_close_at":")",
                   FromNow(2500), R"(","award_by":")", FromNow(3'600'000), R"("})");
  const std::string order = Post("/v1/orders", customer_key_, order_body, 201);
  const std::string id = At(order, "/id");
  EXPECT_EQ(At(order, "/status"), "bidding");
  const std::string bids = "/v1/orders/" + id + "/bids";

  // Both eligible suppliers were told of it.
  for (const std::string& key : {supplier_key_, other_key_}) {
    std::vector<std::string> feed = FeedTypes(key);
    EXPECT_EQ(std::count(feed.begin(), feed.end(), "order.announced"), 1);
  }
  EXPECT_EQ(Send("POST", bids, customer_key_,
                 R"({"unit_price":3000.00,"quantity":100,"lead_days":5})").status,
            403);  // A customer, not a supplier.
  const std::string a = At(Post(bids, supplier_key_,
                                R"({"unit_price":3300.00,"quantity":100,"lead_days":5})", 201),
                           "/id");
  const std::string b = At(Post(bids, other_key_,
                                R"({"unit_price":2900.00,"quantity":100,"lead_days":7})", 201),
                           "/id");
  EXPECT_EQ(Send("POST", bids, other_key_,
                 R"({"unit_price":2800.00,"quantity":100,"lead_days":7})").status,
            409);  // One standing bid each.

  // Sealed: each bidder sees its own bid only; the customer sees none yet.
  HttpClient::Response mine = Send("GET", bids, supplier_key_);
  ASSERT_EQ(mine.status, 200) << mine.body;
  EXPECT_EQ(Count(mine.body, "/items"), 1u);
  EXPECT_EQ(At(mine.body, "/items/0/id"), a);
  EXPECT_EQ(At(mine.body, "/items/0/score"), "null");
  EXPECT_EQ(Send("GET", bids + "/" + b, supplier_key_).status, 404);
  EXPECT_EQ(Send("GET", bids + "/" + a, customer_key_).status, 404);
  EXPECT_EQ(Count(Send("GET", bids, customer_key_).body, "/items"), 0u);
  EXPECT_EQ(Send("DELETE", bids + "/" + b, supplier_key_).status, 404);  // Not its bid.
  EXPECT_EQ(Send("POST", "/v1/orders/" + id + "/award", customer_key_,
                 absl::StrCat(R"({"bids":[")", b, R"("]})")).status,
            409);  // Still bidding.
  for (const std::string& t : FeedTypes(supplier_key_)) EXPECT_NE(t, "order.bidding_closed");

  // The close: the customer sees both, ranked, with scores; the bidders still only their own.
  const std::string closed = WaitFor(customer_key_, "order.bidding_closed");
  ASSERT_FALSE(closed.empty()) << "bidding never closed";
  HttpClient::Response all = Send("GET", bids, customer_key_);
  ASSERT_EQ(Count(all.body, "/items"), 2u) << all.body;
  EXPECT_EQ(At(all.body, "/items/0/id"), b);  // Cheaper, so ranked first.
  EXPECT_EQ(At(all.body, "/items/0/status"), "ranked");
  EXPECT_NE(At(all.body, "/items/0/score/total"), "<missing>");
  EXPECT_EQ(Count(Send("GET", bids, supplier_key_).body, "/items"), 1u);
  EXPECT_EQ(Send("GET", bids + "/" + b, supplier_key_).status, 404);
  EXPECT_EQ(Send("DELETE", bids + "/" + a, supplier_key_).status, 409);  // Too late.

  // The customer chooses the dearer bid; it becomes a contract.
  EXPECT_EQ(Send("POST", "/v1/orders/" + id + "/award", supplier_key_,
                 absl::StrCat(R"({"bids":[")", a, R"("]})")).status,
            403);  // Not a customer.
  HttpClient::Response awarded = Send("POST", "/v1/orders/" + id + "/award", customer_key_,
                                      absl::StrCat(R"({"bids":[")", a, R"("]})"));
  ASSERT_EQ(awarded.status, 200) << awarded.body;
  EXPECT_EQ(At(awarded.body, "/status"), "allocated");
  EXPECT_EQ(At(awarded.body, "/allocations/0/supplier"), supplier_);
  HttpClient::Response won = Send("GET", bids + "/" + a, supplier_key_);
  EXPECT_EQ(At(won.body, "/status"), "awarded");
  const std::string contract = At(won.body, "/contract");
  EXPECT_EQ(At(Send("GET", "/v1/contracts/" + contract, supplier_key_).body, "/bid"), a);
  EXPECT_EQ(At(Send("GET", bids + "/" + b, other_key_).body, "/status"), "lost");
  // The customer's award rate, shown to suppliers.
  EXPECT_EQ(At(Send("GET", "/v1/members/" + customer_, other_key_).body, "/award_rate"), "1.0");

  // No competitor ever saw another's bid in the feed.
  for (const std::string& key : {supplier_key_, other_key_}) {
    std::vector<std::string> feed = FeedTypes(key);
    EXPECT_EQ(std::count(feed.begin(), feed.end(), "bid.placed"), 1);
  }
}

TEST_F(WorkflowTest, AnInvitedOrderIsInvisibleToEveryoneElse) {
  const std::string order = Post(
      "/v1/orders", customer_key_,
      PlainOrder(40, absl::StrCat(R"(,"visibility":"invited","invited":[")", supplier_, R"("])")),
      201);
  const std::string path = "/v1/orders/" + At(order, "/id");
  EXPECT_EQ(Send("GET", path, supplier_key_).status, 200);
  EXPECT_EQ(Send("GET", path, other_key_).status, 404);
  EXPECT_EQ(Send("GET", path + "/bids", other_key_).status, 404);
  EXPECT_EQ(Send("POST", path + "/cancel", other_key_).status, 404);
  HttpClient::Response list = Send("GET", "/v1/orders?limit=100", other_key_);
  EXPECT_THAT(list.body, ::testing::Not(HasSubstr(At(order, "/id"))));
  EXPECT_THAT(Send("GET", "/v1/orders?limit=100", supplier_key_).body,
              HasSubstr(At(order, "/id")));
  // Its resting remainder is not matched with an offer of someone not invited.
  Post("/v1/offers", other_key_,
       R"({"process":"machining.milling","daily_capacity":10,)" + kOfferDays +
           R"(,"unit_price":3000.00})",
       201);
  EXPECT_EQ(At(Send("GET", path, customer_key_).body, "/allocated"), "0");
}

TEST_F(WorkflowTest, AClustersOnlyOrderIsHiddenFromOutsidersOnEveryRouteAndInTheFeed) {
  HttpClient::Response cluster = Send("POST", "/v1/clusters", kAdmin,
                                      R"({"name":"Lipetsk machine building","region":"RU-LIP",)"
                                      R"("kind":"regional"})");
  ASSERT_EQ(cluster.status, 201) << cluster.body;
  const std::string k = At(cluster.body, "/id");
  for (const std::string& m : {customer_, supplier_}) {
    ASSERT_EQ(Send("PUT", "/v1/clusters/" + k + "/members/" + m, kAdmin).status, 200);
  }
  const std::string order = Post(
      "/v1/orders", customer_key_,
      absl::StrCat(R"({"title":"Valve bodies","process":"machining.milling","quantity":100,)",
                   kOrderDays, R"(,"mode":"rfq","award":"manual","bids_close_at":")",
                   FromNow(3'600'000), R"(","award_by":")", FromNow(7'200'000),
                   R"(","visibility":"clusters","clusters":[")", k, R"("]})"),
      201);
  const std::string id = At(order, "/id");
  const std::string path = "/v1/orders/" + id;

  // The cluster's supplier is told of it, reads it, finds it listed and bids.
  EXPECT_EQ(Send("GET", path, supplier_key_).status, 200);
  EXPECT_THAT(Send("GET", "/v1/orders?limit=100", supplier_key_).body, HasSubstr(id));
  EXPECT_THAT(FeedText(supplier_key_), HasSubstr(id));
  const std::string bid = At(Post(path + "/bids", supplier_key_,
                                  R"({"unit_price":3300.00,"quantity":100,"lead_days":5})", 201),
                             "/id");

  // An outsider (a customer and a supplier both) finds nothing on any route, as if the order did
  // not exist, and nothing it tries changes the state.
  const std::string before = LastSeq();
  EXPECT_EQ(Send("GET", path, other_key_).status, 404);
  EXPECT_THAT(Send("GET", "/v1/orders?limit=100", other_key_).body, Not(HasSubstr(id)));
  EXPECT_EQ(Send("GET", path + "/bids", other_key_).status, 404);
  EXPECT_EQ(Send("GET", path + "/bids/" + bid, other_key_).status, 404);
  EXPECT_EQ(Send("POST", path + "/bids", other_key_,
                 R"({"unit_price":2900.00,"quantity":100,"lead_days":5})").status,
            404);
  EXPECT_EQ(Send("DELETE", path + "/bids/" + bid, other_key_).status, 404);
  EXPECT_EQ(Send("POST", path + "/award", other_key_, absl::StrCat(R"({"bids":[")", bid, R"("]})"))
                .status,
            404);
  EXPECT_EQ(Send("POST", path + "/cancel", other_key_).status, 404);
  EXPECT_THAT(FeedText(other_key_), Not(HasSubstr(id)));
  EXPECT_EQ(LastSeq(), before);

  // Visibility follows membership: once in the cluster, the outsider sees the order.
  ASSERT_EQ(Send("PUT", "/v1/clusters/" + k + "/members/" + other_, kAdmin).status, 200);
  EXPECT_EQ(Send("GET", path, other_key_).status, 200);
  EXPECT_THAT(Send("GET", "/v1/orders?limit=100", other_key_).body, HasSubstr(id));
}

TEST_F(WorkflowTest, BlockedPairsNeverMeet) {
  // The supplier blocks the customer: its offer is not matched with the customer's order, whose
  // rfq order does not exist for it — not announced, not readable, not open to its bids.
  ASSERT_EQ(Send("PUT", "/v1/members/" + supplier_ + "/blocks/" + customer_, supplier_key_).status,
            200);
  Post("/v1/offers", supplier_key_, kOfferBody, 201);
  const std::string order = Post("/v1/orders", customer_key_, PlainOrder(40), 201);
  EXPECT_EQ(At(order, "/allocated"), "0");
  const std::string rfq = Post(
      "/v1/orders", customer_key_,
      absl::StrCat(R"({"title":"Shafts","process":"machining.milling","quantity":10,)",
                   kOrderDays + R"(,"mode":"rfq","bids_close_at":")", FromNow(3'600'000), R"("})"),
      201);
  HttpClient::Response bid = Send("POST", "/v1/orders/" + At(rfq, "/id") + "/bids", supplier_key_,
                                  R"({"unit_price":3000.00,"quantity":10,"lead_days":5})");
  EXPECT_EQ(bid.status, 404) << bid.body;
  EXPECT_EQ(Send("GET", "/v1/orders/" + At(rfq, "/id"), supplier_key_).status, 404);
  EXPECT_EQ(Send("GET", "/v1/orders/" + At(order, "/id"), supplier_key_).status, 404);
  EXPECT_EQ(Send("GET", "/v1/orders/" + At(order, "/id"), other_key_).status, 200);
  std::vector<std::string> feed = FeedTypes(supplier_key_);
  EXPECT_EQ(std::count(feed.begin(), feed.end(), "order.announced"), 0);
  // The blocked list is the blocker's business alone.
  EXPECT_EQ(At(Send("GET", "/v1/members/" + supplier_, customer_key_).body, "/blocked"),
            "<missing>");
}

}  // namespace
}  // namespace subex::test
