// The hostile-input catalogue (PRODUCT §6, §8): the real subexd is sent what a broken or
// malicious client sends — malformed HTTP, oversized and dripping requests, bad JSON, bad values,
// wrong methods, types and keys, floods of connections and requests — and every case checks the
// status it gets and that the engine's state (GET /v1/state: seq and fingerprint) did not change.
//
// One server serves the whole catalogue; each case opens a connection of its own, since the
// server closes the connection after a request it could not read.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
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

// A client that writes its whole request before it reads (as many do) gets the answer to a request
// over a limit, not a reset: the server answers, stops sending, and reads what is still coming
// before it closes. Each case 20 times, on a connection of its own; every byte must be written.
// 7 MB each: more than the sockets' buffers hold (4 MB of send buffer on Linux by default), so a
// server that closes at once resets the connection while the client still writes, and within
// the default server.close_drain_bytes (8 MiB).
TEST_F(HostileTest, OverLimitAnswersArriveToAClientThatSendsEverythingFirst) {
  struct Case {
    std::string what, bytes, field;
    int status;
  };
  const std::string big_body(7'000'000, ' ');
  const std::vector<Case> cases = {
      {"a body of 7 MB over max_body_bytes, sent in full",
       OrderHead("Content-Length: " + std::to_string(big_body.size()) + "\r\n") + big_body, "body",
       413},
      {"a chunked body that grows over max_body_bytes, sent in full",
       OrderHead("Transfer-Encoding: chunked\r\n") +
           [] {
             std::string chunks;
             for (int i = 0; i < 105; ++i) {
               chunks += "10000\r\n" + std::string(0x10000, ' ') + "\r\n";
             }
             return chunks + "0\r\n\r\n";
           }(),
       "body", 413},
      {"a head of 7 MB over max_header_bytes, sent in full",
       "GET /v1/orders HTTP/1.1\r\nHost: x\r\nX-Pad: " + std::string(7'000'000, 'a') + "\r\n\r\n",
       "headers", 431},
      {"bytes that are not HTTP, then 7 MB more",
       "HELLO THERE\r\n\r\n" + big_body, "request", 400},
  };
  for (const Case& c : cases) {
    int arrived = 0;
    for (int i = 0; i < 20; ++i) {
      SCOPED_TRACE(c.what + ", try " + std::to_string(i + 1));
      HttpClient client(server_->port());
      const bool written = client.Write(c.bytes);
      EXPECT_TRUE(written) << "the connection was cut before the request was written";
      const HttpClient::Response r = client.SendRaw("");  // Reads the answer.
      EXPECT_EQ(r.status, c.status) << r.body;
      EXPECT_EQ(r.header("content-type"), "application/problem+json");
      EXPECT_EQ(At(r.body, "/status"), std::to_string(c.status)) << r.body;
      EXPECT_EQ(At(r.body, "/errors/0/field"), c.field) << r.body;
      arrived += written && r.status == c.status ? 1 : 0;
    }
    EXPECT_EQ(arrived, 20) << c.what;
  }
  EXPECT_EQ(StateHash(), before_);
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

// A body of 250,000 bad values answers a problem that lists the first 100 and counts the rest.
TEST_F(HostileTest, AHugeListOfBadValuesAnswersASmallProblem) {
  std::string roles = "\"x\"";
  for (int i = 1; i < 250'000; ++i) roles += ",\"x\"";
  const std::string body = MemberBody("Flood", "7707083893", 55.75, 37.61, roles);
  ASSERT_LT(body.size(), 1'048'576u);  // Under max_body_bytes: the reader sees every value.
  HttpClient c(server_->port());
  const HttpClient::Response r = c.Send("POST", "/v1/members", kAdmin, body);
  Expect("250,000 bad roles", r, 422);
  EXPECT_EQ(Count(r.body, "/errors"), 100u) << r.body.substr(0, 400);
  EXPECT_THAT(At(r.body, "/errors/0/field"), HasSubstr("roles"));
  EXPECT_THAT(At(r.body, "/detail"), ::testing::MatchesRegex(".*; [0-9]+ more errors not listed"));
  EXPECT_LT(r.body.size(), 20'000u);
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

// A client that goes on sending after its answer is cut off once it has sent close_drain_bytes
// more; the drain's time limit is set beyond the test's, so only the byte limit can cut it.
class DrainBoundTest : public HostileTest {
 protected:
  std::vector<std::string> ServerArgs() const override {
    return {"--server.close_drain_bytes=65536", "--server.close_drain_ms=600000"};
  }
};

TEST_F(DrainBoundTest, AClientThatKeepsSendingPastTheBoundIsCut) {
  HttpClient client(server_->port());
  ASSERT_TRUE(client.Write(OrderHead("Content-Length: 5000000\r\n")));  // Answered 413.
  // 256 MB more, far beyond what the sockets' buffers hold: only a reading server takes it all.
  const std::string chunk(1 << 20, ' ');
  int written = 0;
  while (written < 256 && client.Write(chunk)) ++written;
  EXPECT_LT(written, 256) << "the server read everything the client sent";
  EXPECT_EQ(StateHash(), before_);
}

// A client that does not close after its answer is closed on after close_drain_ms, even while it
// trickles bytes (far fewer than close_drain_bytes).
class DrainTimeTest : public HostileTest {
 protected:
  std::vector<std::string> ServerArgs() const override { return {"--server.close_drain_ms=200"}; }
};

TEST_F(DrainTimeTest, AClientThatDoesNotCloseIsClosedOnAfterTheDrainTime) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(server_->port());
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  timeval timeout{.tv_sec = 30, .tv_usec = 0};  // Guards a hang only.
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  const std::string head =
      "GET /v1/orders HTTP/1.1\r\nHost: x\r\nX-Pad: " + std::string(20'000, 'a') + "\r\n\r\n";
  ASSERT_EQ(::send(fd, head.data(), head.size(), MSG_NOSIGNAL), static_cast<ssize_t>(head.size()));
  // The answer, then the end of the server's stream: it sends nothing more.
  std::string answer;
  char buf[4096];
  ssize_t n;
  while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) answer.append(buf, static_cast<size_t>(n));
  EXPECT_EQ(n, 0) << "not the end of the stream: " << std::strerror(errno);
  EXPECT_THAT(answer, ::testing::StartsWith("HTTP/1.1 431 "));
  EXPECT_THAT(answer, HasSubstr(R"("errors":[{"field":"headers")"));
  // A byte every 10 ms: once the server has closed its socket, a send is refused. The 30 s the
  // loop may last only guard against a server that never closes.
  int sent = 0;
  while (sent < 3'000 && ::send(fd, "x", 1, MSG_NOSIGNAL) == 1) {
    ++sent;
    ::usleep(10'000);
  }
  ::close(fd);
  EXPECT_LT(sent, 3'000) << "the server never closed the connection";
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
