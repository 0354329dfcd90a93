// The feed at scale against the real subexd (issue 21): many followers and concurrent writers
// over a window small enough to overflow, each follower reading exactly its events, in order,
// without gaps or duplicates; the same over Server-Sent Events; resuming after a restart; the
// parking limits.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "simdjson.h"
#include "tests/e2e_fixture.h"
#include "tests/http_client.h"

namespace subex::test {
namespace {

struct FeedItem {
  uint64_t seq = 0;
  std::string type;
  std::string json;  // The event as sent.
};

// The items of a page (or one SSE data line).
std::vector<FeedItem> Items(const std::string& body, const std::string& pointer) {
  std::vector<FeedItem> out;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(body).get(doc) != simdjson::SUCCESS) {
    ADD_FAILURE() << "not JSON: " << body;
    return out;
  }
  auto add = [&out](simdjson::dom::element e) {
    FeedItem item;
    uint64_t seq = 0;
    std::string_view type;
    EXPECT_EQ(e["seq"].get(seq), simdjson::SUCCESS);
    EXPECT_EQ(e["type"].get(type), simdjson::SUCCESS);
    out.push_back({seq, std::string(type), simdjson::minify(e)});
  };
  if (pointer.empty()) {
    add(doc);
    return out;
  }
  simdjson::dom::array items;
  EXPECT_EQ(doc.at_pointer(pointer).get(items), simdjson::SUCCESS) << body;
  for (simdjson::dom::element e : items) add(e);
  return out;
}

std::vector<uint64_t> Seqs(const std::vector<FeedItem>& items) {
  std::vector<uint64_t> out;
  for (const FeedItem& i : items) out.push_back(i.seq);
  return out;
}

// Whether the member `id` is named as the event's customer, supplier or member: by PRODUCT §5,
// exactly the events of this test's market a member sees (it has no announcements or platforms),
// but keys, which are the operator's business.
bool Names(const FeedItem& e, const std::string& id) {
  if (e.type == "key.issued" || e.type == "key.revoked") return false;
  for (const char* field : {"/data/customer", "/data/supplier", "/data/member", "/data/id"}) {
    if (At(e.json, field) == id) return true;
  }
  return false;
}

// An event stream read from a plain socket: the `id:`/`data:` events and the comment lines.
class SseReader {
 public:
  SseReader(uint16_t port, const std::string& target, const std::string& key,
            const std::string& last_event_id = "") {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    std::string req = absl::StrCat("GET ", target, " HTTP/1.1\r\nHost: localhost\r\n",
                                   "Authorization: Bearer ", key, "\r\n");
    if (!last_event_id.empty()) absl::StrAppend(&req, "Last-Event-ID: ", last_event_id, "\r\n");
    req += "\r\n";
    EXPECT_EQ(::send(fd_, req.data(), req.size(), 0), static_cast<ssize_t>(req.size()));
  }
  ~SseReader() { ::close(fd_); }

  // The head's text, once read.
  const std::string& head() {
    while (head_.empty()) {
      const size_t end = buffer_.find("\r\n\r\n");
      if (end != std::string::npos) {
        head_ = buffer_.substr(0, end);
        buffer_.erase(0, end + 4);
      } else if (!Fill()) {
        break;
      }
    }
    return head_;
  }

  // Reads events until one with seq >= `until` (false when the stream ended first).
  bool ReadUntil(uint64_t until) {
    head();
    for (;;) {
      size_t end;
      while ((end = buffer_.find("\n\n")) != std::string::npos) {
        const std::string block = buffer_.substr(0, end);
        buffer_.erase(0, end + 2);
        if (block.starts_with(":")) {
          ++comments;
          continue;
        }
        const size_t data = block.find("\ndata: ");
        EXPECT_NE(data, std::string::npos) << block;
        EXPECT_TRUE(block.starts_with("id: ")) << block;
        if (data == std::string::npos) continue;
        uint64_t id = 0;
        EXPECT_TRUE(absl::SimpleAtoi(block.substr(4, data - 4), &id)) << block;
        std::vector<FeedItem> item = Items(block.substr(data + 7), "");
        EXPECT_EQ(item.at(0).seq, id);
        events.push_back(item.at(0));
        if (id >= until) return true;
      }
      if (!Fill()) return false;
    }
  }

  // Reads until `n` comment lines have come (the heartbeats of an idle stream).
  bool ReadComments(int n) {
    head();
    while (comments < n) {
      const size_t end = buffer_.find("\n\n");
      if (end == std::string::npos) {
        if (!Fill()) return false;
        continue;
      }
      if (buffer_.starts_with(":")) ++comments;
      buffer_.erase(0, end + 2);
    }
    return true;
  }

  std::vector<FeedItem> events;
  int comments = 0;

 private:
  bool Fill() {
    char chunk[16384];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  std::string buffer_;
  std::string head_;
};

class FeedE2eTest : public ApiTest {
 protected:
  // A window of 16 events: followers fall behind it and read the journal.
  std::vector<std::string> ServerArgs() const override {
    return {"--feed.window_events=16", "--feed.max_scan=20", "--feed.heartbeat_ms=50",
            "--feed.max_parked_per_key=1000"};
  }

  // Follows the feed with long polls from `after` until `last` is set and reached.
  std::vector<FeedItem> Follow(const std::string& key, uint64_t after,
                               const std::atomic<uint64_t>& last, size_t limit = 5) {
    HttpClient c(server_->port());
    std::vector<FeedItem> seen;
    for (int i = 0; i < 100'000; ++i) {
      const uint64_t until = last.load();
      if (until != 0 && after >= until) break;
      HttpClient::Response r = c.Send(
          "GET", absl::StrCat("/v1/events?limit=", limit, "&wait_ms=200&after=", after), key);
      EXPECT_EQ(r.status, 200) << r.body;
      if (r.status != 200) break;
      for (FeedItem& item : Items(r.body, "/items")) seen.push_back(std::move(item));
      uint64_t next = 0;
      EXPECT_TRUE(absl::SimpleAtoi(At(r.body, "/next"), &next)) << r.body;
      EXPECT_GE(next, after);
      after = next;
    }
    return seen;
  }

  // Posts `n` offers (supplier) or orders (customer) from a client of its own.
  void Write(const std::string& key, const std::string& path, const std::string& body, int n) {
    HttpClient c(server_->port());
    for (int i = 0; i < n; ++i) {
      HttpClient::Response r = c.Send("POST", path, key, body);
      EXPECT_EQ(r.status, 201) << r.body;
    }
  }

  void WriteMarket(int n) {
    std::vector<std::thread> writers;
    writers.emplace_back([&] { Write(supplier_key_, "/v1/offers", kOfferBody, n); });
    writers.emplace_back([&] { Write(customer_key_, "/v1/orders", kOrderBody, n); });
    writers.emplace_back([&] { Write(other_key_, "/v1/offers", kOfferBody, n); });
    for (std::thread& t : writers) t.join();
  }
};

TEST_F(FeedE2eTest, ManyFollowersAndWritersEachReadExactlyTheirEventsAcrossTheWindow) {
  MakeMarket();
  const auto [idle, idle_key] =
      Register("Tula Forge", CompanyInnFrom(710'000'001), 54.19, 37.61, "\"customer\"");
  const std::vector<std::pair<std::string, std::string>> followers = {
      {"", kAdmin},           {"", kAdmin},          {supplier_, supplier_key_},
      {customer_, customer_key_}, {other_, other_key_}, {idle, idle_key}};
  std::atomic<uint64_t> last{0};
  std::vector<std::vector<FeedItem>> seen(followers.size() * 2);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < followers.size(); ++i) {
    threads.emplace_back([&, i] { seen[i] = Follow(followers[i].second, 0, last); });
  }
  WriteMarket(25);
  uint64_t final_seq = 0;
  ASSERT_TRUE(absl::SimpleAtoi(LastSeq(), &final_seq));
  last.store(final_seq);
  // These start after the writers, far behind the window.
  for (size_t i = 0; i < followers.size(); ++i) {
    threads.emplace_back(
        [&, i] { seen[followers.size() + i] = Follow(followers[i].second, 0, last, 50); });
  }
  for (std::thread& t : threads) t.join();

  // The operator's feed is every event, 1..last, once each, in order.
  const std::vector<FeedItem>& all = seen[0];
  ASSERT_EQ(all.size(), final_seq);
  for (size_t i = 0; i < all.size(); ++i) ASSERT_EQ(all[i].seq, i + 1);
  EXPECT_GT(final_seq, 100u);
  for (size_t i = 0; i < seen.size(); ++i) {
    const std::string& member = followers[i % followers.size()].first;
    std::vector<uint64_t> expected;
    for (const FeedItem& e : all) {
      if (member.empty() || Names(e, member)) expected.push_back(e.seq);
    }
    EXPECT_EQ(Seqs(seen[i]), expected) << "follower " << i << " member " << member;
    if (member.empty()) {
      for (size_t j = 0; j < all.size() && j < seen[i].size(); ++j) {
        EXPECT_EQ(seen[i][j].json, all[j].json);
      }
    }
  }
  // A member with nothing of its own reads only its registration.
  EXPECT_EQ(seen[5].size(), 1u);
}

TEST_F(FeedE2eTest, AStreamSendsTheSameEventsAsThePollsAndHeartbeatsWhenIdle) {
  MakeMarket();
  WriteMarket(10);
  uint64_t final_seq = 0;
  ASSERT_TRUE(absl::SimpleAtoi(LastSeq(), &final_seq));
  std::atomic<uint64_t> last{final_seq};
  const std::vector<FeedItem> polled = Follow(supplier_key_, 0, last);
  const std::vector<FeedItem> all = Follow(kAdmin, 0, last, 1000);

  SseReader supplier(server_->port(), "/v1/events/stream", supplier_key_);
  EXPECT_THAT(supplier.head(), testing::StartsWith("HTTP/1.1 200"));
  EXPECT_THAT(supplier.head(), testing::HasSubstr("text/event-stream"));
  ASSERT_TRUE(supplier.ReadUntil(polled.back().seq));
  EXPECT_EQ(Seqs(supplier.events), Seqs(polled));
  SseReader op(server_->port(), "/v1/events/stream?after=0", kAdmin);
  ASSERT_TRUE(op.ReadUntil(final_seq));
  ASSERT_EQ(op.events.size(), all.size());
  for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(op.events[i].json, all[i].json);
  // Nothing more: heartbeats.
  EXPECT_TRUE(op.ReadComments(2));
  // New events reach an open stream.
  Write(supplier_key_, "/v1/offers", kOfferBody, 1);
  ASSERT_TRUE(op.ReadUntil(final_seq + 1));
  EXPECT_EQ(op.events.back().type, "offer.posted");
}

TEST_F(FeedE2eTest, FollowersResumeAfterARestartFromAfterAndLastEventId) {
  MakeMarket();
  WriteMarket(8);
  uint64_t before = 0;
  ASSERT_TRUE(absl::SimpleAtoi(LastSeq(), &before));
  Restart();
  WriteMarket(4);
  uint64_t final_seq = 0;
  ASSERT_TRUE(absl::SimpleAtoi(LastSeq(), &final_seq));
  ASSERT_GT(final_seq, before);
  const uint64_t resume = before - 5;
  std::atomic<uint64_t> last{final_seq};
  std::vector<uint64_t> expected;
  for (uint64_t s = resume + 1; s <= final_seq; ++s) expected.push_back(s);
  EXPECT_EQ(Seqs(Follow(kAdmin, resume, last)), expected);
  SseReader sse(server_->port(), "/v1/events/stream?after=1", kAdmin, std::to_string(resume));
  ASSERT_TRUE(sse.ReadUntil(final_seq));
  EXPECT_EQ(Seqs(sse.events), expected);
  // The customer's events after the same point, by both ways.
  const std::vector<FeedItem> mine = Follow(customer_key_, resume, last);
  SseReader customer(server_->port(), "/v1/events/stream", customer_key_, std::to_string(resume));
  ASSERT_FALSE(mine.empty());
  ASSERT_TRUE(customer.ReadUntil(mine.back().seq));
  EXPECT_EQ(Seqs(customer.events), Seqs(mine));
  for (const FeedItem& e : mine) EXPECT_TRUE(Names(e, customer_)) << e.json;
}

class FeedLimitsTest : public ApiTest {
 protected:
  std::vector<std::string> ServerArgs() const override {
    return {"--feed.max_parked_per_key=1", "--feed.retry_after_s=2"};
  }
};

TEST_F(FeedLimitsTest, PastTheKeysLimitAWaitOrAStreamIs429WithRetryAfter) {
  MakeMarket();
  const std::string now = LastSeq();
  std::thread parked([&] {
    HttpClient c(server_->port());
    // Answered by the offer below; refused while the probe below holds the key's one place.
    HttpClient::Response r;
    do {
      r = c.Send("GET", "/v1/events?wait_ms=20000&after=" + now, supplier_key_);
    } while (r.status == 429);
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(Count(r.body, "/items"), 1u) << r.body;
  });
  // Until the wait is parked, a second one may still park: wait for the 429.
  HttpClient::Response second;
  for (int i = 0; i < 200; ++i) {
    second = Send("GET", "/v1/events?wait_ms=1&after=" + now, supplier_key_);
    if (second.status == 429) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(second.status, 429) << second.body;
  EXPECT_EQ(second.header("retry-after"), "2");
  SseReader stream(server_->port(), "/v1/events/stream?after=" + now, supplier_key_);
  EXPECT_THAT(stream.head(), testing::StartsWith("HTTP/1.1 429"));
  // Another key is not limited; a request with events to return is answered.
  EXPECT_EQ(Send("GET", "/v1/events?wait_ms=1&after=" + now, customer_key_).status, 200);
  EXPECT_EQ(Send("GET", "/v1/events?after=0", supplier_key_).status, 200);
  EXPECT_EQ(Send("POST", "/v1/offers", supplier_key_, kOfferBody).status, 201);
  parked.join();
  // The refusals (at least the two above, and the parked request's retries), on /metrics.
  const std::string metrics = Send("GET", "/metrics").body;
  const size_t at = metrics.find("\nsubex_feed_refused_total ");
  ASSERT_NE(at, std::string::npos);
  EXPECT_GE(std::atoi(metrics.c_str() + at + 26), 2);
}

}  // namespace
}  // namespace subex::test
