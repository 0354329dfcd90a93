// The hostile-input catalogue (PRODUCT §6, §8): the real subexd is sent what a broken or
// malicious client sends — malformed HTTP, oversized and dripping requests, bad JSON, bad values,
// wrong methods, types and keys, floods of connections and requests — and every case checks the
// status it gets and that the engine's state (GET /v1/state: seq and fingerprint) did not change.
//
// One server serves the whole catalogue; each case opens a connection of its own, since the
// server closes the connection after a request it could not read.

#include <sys/resource.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e_fixture.h"

namespace subex::test {
namespace {

using ::testing::HasSubstr;

class HostileTest : public ApiTest {
 protected:
  std::vector<std::string> ServerArgs() const override {
    // A short request deadline, so that the drip case is quick; the rest are defaults.
    return {"--server.request_timeout_ms=500"};
  }

  void SetUp() override {
    ApiTest::SetUp();
    MakeMarket();
    ASSERT_EQ(Send("POST", "/v1/offers", supplier_key_, kOfferBody).status, 201);
    HttpClient::Response order = Send("POST", "/v1/orders", customer_key_, kOrderBody);
    ASSERT_EQ(order.status, 201) << order.body;
    order_ = At(order.body, "/id");
    before_ = StateHash();
  }

  // Sends `bytes` on a connection of its own.
  HttpClient::Response Raw(const std::string& bytes) {
    HttpClient c(server_->port());
    return c.SendRaw(bytes);
  }
  // A POST /v1/orders head for the customer, with `extra` header lines, before its body.
  std::string OrderHead(const std::string& extra) const {
    return "POST /v1/orders HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + customer_key_ +
           "\r\nContent-Type: application/json\r\n" + extra + "\r\n";
  }
  HttpClient::Response PostOrder(const std::string& body) {
    HttpClient c(server_->port());
    return c.Send("POST", "/v1/orders", customer_key_, body);
  }

  // The answer has `status`, is a problem document when it is an error, names `field` when
  // given, and the state is as it was before the case.
  void Expect(const std::string& what, const HttpClient::Response& r, int status,
              const std::string& field = "") {
    SCOPED_TRACE(what);
    EXPECT_EQ(r.status, status) << r.body;
    if (status >= 400 && r.status == status) {
      EXPECT_EQ(r.header("content-type"), "application/problem+json") << r.body;
      EXPECT_EQ(At(r.body, "/status"), std::to_string(status)) << r.body;
    }
    if (!field.empty()) {
      EXPECT_EQ(At(r.body, "/errors/0/field"), field) << r.body;
    }
    EXPECT_EQ(StateHash(), before_);
  }

  std::string order_, before_;
};

TEST_F(HostileTest, MalformedHttpIsRefusedAndChangesNothing) {
  Expect("a head over max_header_bytes",
         Raw("GET /v1/orders HTTP/1.1\r\nHost: x\r\nX-Pad: " + std::string(20'000, 'a') +
             "\r\n\r\n"),
         431);
  Expect("many small headers over max_header_bytes",
         Raw([] {
           std::string r = "GET /v1/orders HTTP/1.1\r\nHost: x\r\n";
           for (int i = 0; i < 2000; ++i) r += "X-H" + std::to_string(i) + ": v\r\n";
           return r + "\r\n";
         }()),
         431);
  Expect("a declared body over max_body_bytes, answered before it is sent",
         Raw(OrderHead("Content-Length: 5000000\r\n")), 413);
  Expect("a chunked body that grows over max_body_bytes",
         Raw(OrderHead("Transfer-Encoding: chunked\r\n") + [] {
           std::string chunks;
           for (int i = 0; i < 40; ++i) chunks += "10000\r\n" + std::string(0x10000, ' ') + "\r\n";
           return chunks + "0\r\n\r\n";
         }()),
         413);
  Expect("Content-Length and Transfer-Encoding together",
         Raw(OrderHead("Content-Length: 2\r\nTransfer-Encoding: chunked\r\n") + "2\r\n{}\r\n0\r\n\r\n"),
         400);
  Expect("two different Content-Lengths",
         Raw(OrderHead("Content-Length: 2\r\nContent-Length: 3\r\n") + "{} "), 400);
  Expect("a Content-Length that is not a number",
         Raw(OrderHead("Content-Length: 12abc\r\n") + "{}"), 400);
  Expect("a chunk size that is not hex",
         Raw(OrderHead("Transfer-Encoding: chunked\r\n") + "zz\r\n{}\r\n0\r\n\r\n"), 400);
  Expect("a chunk longer than its size",
         Raw(OrderHead("Transfer-Encoding: chunked\r\n") + "2\r\n{}xx\r\n0\r\n\r\n"), 400);
  Expect("a transfer coding other than chunked",
         Raw(OrderHead("Transfer-Encoding: gzip\r\n") + "{}"), 400);
  Expect("a request line that is not HTTP", Raw("HELLO THERE\r\n\r\n"), 400);
  Expect("a header name with a space", Raw("GET /healthz HTTP/1.1\r\nBad Name: x\r\n\r\n"), 400);
  Expect("a bare LF inside a header value",
         Raw("GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\nb\r\n\r\n"), 400);
  Expect("binary noise", Raw(std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11)),
         400);
}

TEST_F(HostileTest, BadBodiesAreRefusedAndChangeNothing) {
  Expect("truncated JSON", PostOrder(std::string(kOrderBody).substr(0, 60)), 400);
  Expect("trailing bytes after the object", PostOrder(std::string(kOrderBody) + " x"), 400);
  Expect("a second object after the first", PostOrder(std::string(kOrderBody) + "{}"), 400);
  Expect("invalid UTF-8 in a string",
         PostOrder(R"({"title":"valve )" + std::string("\xff\xfe") +
                   R"(","process":"machining","quantity":5,)" + kOrderDays +
                   R"(,"max_unit_price":100})"),
         400);
  Expect("an overlong UTF-8 encoding",
         PostOrder(R"({"title":")" + std::string("\xc0\xaf") + R"("})"), 400);
  Expect("deep nesting", PostOrder(std::string(100'000, '[') + std::string(100'000, ']')), 400);
  Expect("deep nesting inside a field",
         PostOrder(R"({"title":"x","needs":)" + std::string(5'000, '{') + "}"), 400);
  Expect("a duplicate key", PostOrder(R"({"title":"a","title":"b"})"), 400, "title");
  Expect("an unknown key",
         PostOrder(std::string(kOrderBody).insert(1, R"("priority":"urgent",)")), 400,
         "priority");
  Expect("not an object", PostOrder(R"(["title","x"])"), 400);
  Expect("an empty body", Raw(OrderHead("Content-Length: 0\r\n")), 400);
  Expect("null", PostOrder("null"), 400);
  Expect("a number with too many digits for a quantity",
         PostOrder(R"({"title":"x","process":"machining","quantity":99999999999999999999999,)" +
                   kOrderDays + R"(,"max_unit_price":100})"),
         422, "quantity");
  Expect("a quantity beyond what the exchange accepts",
         PostOrder(R"({"title":"x","process":"machining","quantity":4000000000,)" + kOrderDays +
                   R"(,"max_unit_price":100})"),
         422, "quantity");
  Expect("a price beyond the integer range in kopecks",
         PostOrder(R"({"title":"x","process":"machining","quantity":5,)" + kOrderDays +
                   R"(,"max_unit_price":1e300})"),
         422, "max_unit_price");
  Expect("a fractional quantity",
         PostOrder(R"({"title":"x","process":"machining","quantity":2.5,)" + kOrderDays +
                   R"(,"max_unit_price":100})"),
         422, "quantity");
  Expect("a quantity given as a string",
         PostOrder(R"({"title":"x","process":"machining","quantity":"5",)" + kOrderDays +
                   R"(,"max_unit_price":100})"),
         422, "quantity");
  Expect("a title given as a number",
         PostOrder(R"({"title":7,"process":"machining","quantity":5,)" + kOrderDays +
                   R"(,"max_unit_price":100})"),
         422, "title");
  Expect("tags given as an object",
         PostOrder(R"({"title":"x","process":"machining","quantity":5,)" + kOrderDays +
                   R"(,"max_unit_price":100,"tags":{"a":1}})"),
         422, "tags");
  Expect("a date that does not exist",
         PostOrder(R"({"title":"x","process":"machining","quantity":5,"start":"2026-02-30",)"
                   R"("due":")" +
                   DayFromToday(27) + R"(","max_unit_price":100})"),
         422, "start");
}

TEST_F(HostileTest, WrongMethodsTypesAndKeysAreRefusedAndChangeNothing) {
  HttpClient::Response r = [&] {
    HttpClient c(server_->port());
    return c.Send("PUT", "/v1/orders/" + order_, customer_key_, "{}");
  }();
  Expect("a method the resource does not have", r, 405);
  EXPECT_THAT(r.header("allow"), HasSubstr("GET"));
  {
    HttpClient c(server_->port());
    Expect("a body that is not JSON",
           c.Send("POST", "/v1/orders", customer_key_, "title=x",
                  {{"Content-Type", "application/x-www-form-urlencoded"}}),
           415);
  }
  {
    HttpClient c(server_->port());
    Expect("no key", c.Send("POST", "/v1/orders/" + order_ + "/cancel"), 401);
  }
  {
    HttpClient c(server_->port());
    Expect("a made-up key", c.Send("POST", "/v1/orders/" + order_ + "/cancel", "sx_made_up"), 401);
  }
  {
    HttpClient c(server_->port());
    Expect("a key in the wrong scheme",
           c.Send("POST", "/v1/orders/" + order_ + "/cancel", "", "",
                  {{"Authorization", "Basic " + customer_key_}}),
           401);
  }
  {
    HttpClient c(server_->port());
    Expect("a truncated key",
           c.Send("POST", "/v1/orders/" + order_ + "/cancel", customer_key_.substr(0, 10)), 401);
  }
}

TEST_F(HostileTest, ASlowDripIsCutOffAndOthersAreServed) {
  HttpClient slow(server_->port());
  ASSERT_TRUE(slow.Connect());
  // Half a mutation, then silence beyond request_timeout_ms (500 ms): cut off, not applied.
  const std::string head =
      OrderHead("Content-Length: " + std::to_string(kOrderBody.size()) + "\r\n");
  Expect("a request that stops half-way", slow.SendRaw(head + std::string(kOrderBody).substr(0, 40)),
         0);
  HttpClient other(server_->port());
  EXPECT_EQ(other.Send("GET", "/v1/orders/" + order_, customer_key_).status, 200);
}

TEST_F(HostileTest, ThousandsOfIdleConnectionsDoNotStopOthersBeingServed) {
  // 3,000 idle connections, or as many as this process may open (the server raises its own
  // limit to cover server.max_connections).
  rlimit files{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &files), 0);
  files.rlim_cur = files.rlim_max == RLIM_INFINITY ? 4096 : std::min<rlim_t>(files.rlim_max, 4096);
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &files), 0);
  const int idle_count = static_cast<int>(std::min<rlim_t>(3000, files.rlim_cur - 200));
  ASSERT_GE(idle_count, 1000) << "the open-file limit (" << files.rlim_max << ") is too low";
  std::vector<std::unique_ptr<HttpClient>> idle;
  for (int i = 0; i < idle_count; ++i) {
    idle.push_back(std::make_unique<HttpClient>(server_->port()));
    ASSERT_TRUE(idle.back()->Connect()) << i;
  }
  // Every tenth one half-way through a request head, too.
  for (int i = 0; i < idle_count; i += 10) {
    ASSERT_TRUE(idle[i]->Write("GET /v1/orders HTTP/1.1\r\nHost: x\r\n"));
  }
  HttpClient other(server_->port());
  Expect("a request while thousands of connections sit idle",
         other.Send("GET", "/v1/orders/" + order_, customer_key_), 200);
  HttpClient writer(server_->port());
  HttpClient::Response placed = writer.Send("POST", "/v1/orders", customer_key_, kOrderBody);
  EXPECT_EQ(placed.status, 201) << placed.body;
}

class RateLimitedTest : public HostileTest {
 protected:
  std::vector<std::string> ServerArgs() const override {
    return {"--rate_limits.per_key_per_second=0.001", "--rate_limits.per_key_burst=12"};
  }
};

TEST_F(RateLimitedTest, AKeyOverItsRateGets429AndChangesNothing) {
  // SetUp spent some of the customer's burst; spend the rest, then one more.
  HttpClient c(server_->port());
  HttpClient::Response r;
  for (int i = 0; i < 20 && r.status != 429; ++i) {
    r = c.Send("GET", "/v1/orders/" + order_, customer_key_);
  }
  before_ = StateHash();
  Expect("a mutation over the key's rate", c.Send("POST", "/v1/orders", customer_key_, kOrderBody),
         429);
  EXPECT_FALSE(r.header("retry-after").empty());
}

}  // namespace
}  // namespace subex::test
