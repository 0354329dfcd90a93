// Crash under load over HTTP (PRODUCT §8 durability): client threads post offers and orders to
// the real subexd, each with an Idempotency-Key, and log which requests were acknowledged (201
// received) and which are unknown (the connection died first). At a random moment (from a fixed
// seed) the server is killed with SIGKILL; it is restarted on the same data directory, and every
// unknown request is retried with its key until it is acknowledged. After the last cycle:
//
//   - the server holds exactly the offers and orders that were acknowledged, each once: the ids
//     the server lists are the ids the clients were given, and a retry of an acknowledged
//     request answers the id it answered the first time;
//   - no capacity is double-allocated: on every offer, each day's free capacity plus what its
//     contracts take that day is the daily capacity, and no order holds more than it asked for;
//   - a clean restart recovers the very same state (GET /v1/state).
//
// SUBEX_CRASH_CYCLES sets the number of kills (20 by default; scripts/crash_soak.sh runs
// hundreds), SUBEX_CRASH_SEED the seed of the timings.

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/e2e_fixture.h"

namespace subex::test {
namespace {

uint64_t EnvOr(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::strtoull(v, nullptr, 10) : fallback;
}

constexpr int kThreads = 4;

struct Posted {
  bool offer = false;
  std::string key;    // The member's API key.
  std::string idem;   // Idempotency-Key.
  std::string body;
  std::string id;     // Once acknowledged.
};

class CrashHttpTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    for (int i = 0; i < 3; ++i) {
      suppliers_.push_back(
          Register(absl::StrCat("Supplier ", i), Inn(10 + i), 52.0 + i * 0.1, 39.0, "\"supplier\"")
              .second);
      customers_.push_back(
          Register(absl::StrCat("Customer ", i), Inn(20 + i), 52.5, 39.5 + i * 0.1,
                   "\"customer\"")
              .second);
    }
  }

  static std::string Inn(int serial) { return CompanyInnFrom(200000000 + serial); }

  // The next request of client thread `t`, varied by `rng`.
  Posted Next(int t, int n, std::mt19937_64& rng) {
    Posted p;
    p.idem = absl::StrCat("crash-", cycle_, "-", t, "-", n);
    p.offer = rng() % 3 == 0;
    if (p.offer) {
      p.key = suppliers_[rng() % suppliers_.size()];
      p.body = absl::StrCat(R"({"process":"machining.milling.cnc_5axis","daily_capacity":)",
                            2 + rng() % 8, R"(,)" + kOfferDays + R"(,"unit_price":)",
                            1000 + rng() % 2000, R"(.00,"auto_accept":true})");
    } else {
      p.key = customers_[rng() % customers_.size()];
      p.body =
          absl::StrCat(R"({"title":")", p.idem, R"(","process":"machining.milling","quantity":)",
                       5 + rng() % 60, R"(,)" + kOrderDays + R"(,"max_unit_price":3500.00})");
    }
    return p;
  }

  // Sends `p` on `c`; true when acknowledged (and then p.id is set).
  static bool Post(HttpClient& c, Posted& p) {
    HttpClient::Response r = c.Send("POST", p.offer ? "/v1/offers" : "/v1/orders", p.key, p.body,
                                    {{"Idempotency-Key", p.idem}});
    if (r.status == 0) return false;
    EXPECT_EQ(r.status, 201) << p.idem << ": " << r.body;
    if (r.status != 201) return false;
    const std::string id = At(r.body, "/id");
    if (!p.id.empty()) {
      EXPECT_EQ(id, p.id) << p.idem << ": a retry answered another id";
    }
    p.id = id;
    return true;
  }

  // Every item of an admin list, over all its pages.
  std::vector<std::string> ListAll(const std::string& path) {
    std::vector<std::string> items;
    std::string cursor;
    for (;;) {
      HttpClient::Response r =
          Send("GET", path + "?limit=1000" + (cursor.empty() ? "" : "&cursor=" + cursor), kAdmin);
      EXPECT_EQ(r.status, 200) << r.body;
      if (r.status != 200) return items;
      simdjson::dom::parser parser;
      simdjson::dom::element doc = parser.parse(r.body);
      for (simdjson::dom::element item : doc["items"].get_array()) {
        items.push_back(simdjson::minify(item));
      }
      const std::string next = At(r.body, "/next");
      if (next == "<missing>" || next == "null" || next.empty()) return items;
      cursor = next;
    }
  }

  std::vector<std::string> suppliers_, customers_;
  int cycle_ = 0;
};

TEST_F(CrashHttpTest, AcknowledgedRequestsSurviveKillsExactlyOnceAndRetriesConverge) {
  const uint64_t cycles = EnvOr("SUBEX_CRASH_CYCLES", 20);
  std::mt19937_64 timing(EnvOr("SUBEX_CRASH_SEED", 20261123));
  std::vector<Posted> all;  // Every request, acknowledged in the end.
  for (cycle_ = 0; cycle_ < static_cast<int>(cycles); ++cycle_) {
    SCOPED_TRACE(absl::StrCat("cycle ", cycle_));
    std::atomic<bool> stop{false};
    std::mutex mu;
    std::vector<Posted> unknown;
    size_t acked = 0;
    std::vector<std::thread> clients;
    const uint16_t port = server_->port();
    for (int t = 0; t < kThreads; ++t) {
      const uint64_t seed = timing();
      clients.emplace_back([&, t, seed] {
        std::mt19937_64 rng(seed);
        HttpClient c(port);
        for (int n = 0; !stop.load(); ++n) {
          Posted p = Next(t, n, rng);
          const bool ok = Post(c, p);
          std::lock_guard<std::mutex> lock(mu);
          if (ok) {
            ++acked;
            all.push_back(std::move(p));
          } else {
            unknown.push_back(std::move(p));
            return;  // The server is gone.
          }
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20 + timing() % 300));
    server_->Kill();
    stop = true;
    for (std::thread& t : clients) t.join();
    EXPECT_GT(acked + unknown.size(), 0u);

    client_.reset();
    ASSERT_TRUE(server_->Start()) << server_->output();
    client_ = std::make_unique<HttpClient>(server_->port());
    // The unknown ones converge: each retry is acknowledged, with the first answer if the
    // request had been carried out before the kill.
    for (Posted& p : unknown) {
      ASSERT_TRUE(Post(*client_, p)) << p.idem;
      all.push_back(std::move(p));
    }
    // An acknowledged one answers as it did.
    if (!all.empty()) {
      Posted again = all[timing() % all.size()];
      ASSERT_TRUE(Post(*client_, again));
    }
  }

  // Exactly once: the server's offers and orders are the acknowledged ones.
  std::set<std::string> offers, orders;
  for (const Posted& p : all) {
    EXPECT_TRUE((p.offer ? offers : orders).insert(p.id).second) << p.id << " answered twice";
  }
  std::map<std::string, std::string> offer_views;  // id → view
  for (const std::string& o : ListAll("/v1/offers")) offer_views[At(o, "/id")] = o;
  std::map<std::string, int64_t> order_quantity;
  for (const std::string& o : ListAll("/v1/orders")) {
    order_quantity[At(o, "/id")] = std::stoll(At(o, "/quantity"));
  }
  std::set<std::string> listed_offers, listed_orders;
  for (const auto& [id, view] : offer_views) listed_offers.insert(id);
  for (const auto& [id, q] : order_quantity) listed_orders.insert(id);
  EXPECT_EQ(listed_offers, offers);
  EXPECT_EQ(listed_orders, orders);

  // No double allocation: per offer and day, free + taken = daily capacity; per order, taken ≤
  // asked.
  std::map<std::string, std::map<std::string, int64_t>> taken;  // offer → day → quantity
  std::map<std::string, int64_t> order_taken;
  for (const std::string& c : ListAll("/v1/contracts")) {
    order_taken[At(c, "/order")] += std::stoll(At(c, "/quantity"));
    for (size_t i = 0; i < Count(c, "/days"); ++i) {
      const std::string d = "/days/" + std::to_string(i);
      taken[At(c, "/offer")][At(c, d + "/day")] += std::stoll(At(c, d + "/quantity"));
    }
  }
  for (const auto& [order, q] : order_taken) {
    ASSERT_TRUE(order_quantity.contains(order)) << order;
    EXPECT_LE(q, order_quantity[order]) << order;
  }
  for (const auto& [id, listed] : offer_views) {
    const std::string view = Send("GET", "/v1/offers/" + id, kAdmin).body;
    const int64_t capacity = std::stoll(At(view, "/daily_capacity"));
    std::map<std::string, int64_t> day_total = taken[id];
    for (size_t i = 0; i < Count(view, "/calendar"); ++i) {
      const std::string d = "/calendar/" + std::to_string(i);
      day_total[At(view, d + "/day")] += std::stoll(At(view, d + "/free"));
    }
    EXPECT_EQ(day_total.size(), 31u) << id;  // December, every day accounted for.
    for (const auto& [day, total] : day_total) {
      EXPECT_EQ(total, capacity) << id << " on " << day;
    }
  }

  // A clean restart recovers the same state.
  const std::string before = StateHash();
  Restart();
  EXPECT_EQ(StateHash(), before);
  std::printf("%zu requests over %llu kills: %zu offers, %zu orders, %zu contracts' orders\n",
              all.size(), static_cast<unsigned long long>(cycles), offers.size(), orders.size(),
              order_taken.size());
}


// A full disk: with a limit on the size of the files it writes, the journal's writes start to
// fail; from then on the server acknowledges nothing (503), not even a read, since the state in
// memory is ahead of the disk, and says it is not ready. Restarted on
// a disk with room, it holds every request it acknowledged, and the refused ones, retried with
// their keys, each get in once.
TEST_F(CrashHttpTest, AFullDiskStopsAcknowledgingAndLosesNothing) {
  client_.reset();
  ASSERT_EQ(server_->Stop(), 0) << server_->output();
  server_->SetFileSizeLimit(512 * 1024);
  ASSERT_TRUE(server_->Start()) << server_->output();
  client_ = std::make_unique<HttpClient>(server_->port());

  std::mt19937_64 rng(7);
  std::vector<Posted> acked, refused;
  for (int n = 0; n < 20'000 && refused.size() < 5; ++n) {
    Posted p = Next(0, n, rng);
    const std::string tag(60, static_cast<char>('a' + n % 26));  // Bulk for the journal.
    p.body.insert(p.body.size() - 1,
                  absl::StrCat(R"(,"tags":[")", tag, "1\",\"", tag, "2\",\"", tag, "3\"]"));
    HttpClient::Response r =
        client_->Send("POST", p.offer ? "/v1/offers" : "/v1/orders", p.key, p.body,
                      {{"Idempotency-Key", p.idem}});
    if (r.status == 201) {
      ASSERT_TRUE(refused.empty()) << "acknowledged after a refusal: " << r.body;
      p.id = At(r.body, "/id");
      acked.push_back(std::move(p));
    } else {
      ASSERT_EQ(r.status, 503) << r.body;
      EXPECT_EQ(r.header("content-type"), "application/problem+json");
      refused.push_back(std::move(p));
    }
  }
  ASSERT_FALSE(refused.empty()) << "the journal never failed within 20,000 requests";
  ASSERT_GT(acked.size(), 10u);
  std::printf("%zu requests acknowledged before the journal failed\n", acked.size());
  EXPECT_TRUE(server_->WaitForOutput("the journal cannot write"));
  // Reads are refused too; readiness and the metrics say what happened.
  EXPECT_EQ(Send("GET", "/v1/orders?limit=1", customers_[0]).status, 503);
  EXPECT_EQ(Send("GET", "/readyz").status, 503);
  EXPECT_NE(Send("GET", "/metrics").body.find("subex_journal_failed 1"), std::string::npos);

  client_.reset();
  server_->Kill();
  server_->SetFileSizeLimit(0);
  ASSERT_TRUE(server_->Start()) << server_->output();
  client_ = std::make_unique<HttpClient>(server_->port());
  for (const Posted& p : acked) {
    EXPECT_EQ(Send("GET", (p.offer ? "/v1/offers/" : "/v1/orders/") + p.id, kAdmin).status, 200)
        << p.idem;
  }
  std::set<std::string> ids;
  for (Posted& p : refused) {
    ASSERT_TRUE(Post(*client_, p)) << p.idem;
    ids.insert(p.id);
  }
  for (const Posted& p : acked) ids.insert(p.id);
  EXPECT_EQ(ids.size(), acked.size() + refused.size());
  EXPECT_EQ(ListAll("/v1/offers").size() + ListAll("/v1/orders").size(), ids.size());
}

}  // namespace
}  // namespace subex::test
