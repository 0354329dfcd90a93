// The feed against the real durable engine (RocksDB journal in a temporary directory): many
// followers and concurrent writers, a window small enough to overflow, a restart, the limits.

#include "api/feed.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "engine/civil_time.h"
#include "engine/inn.h"
#include "gtest/gtest.h"
#include "simdjson.h"
#include "pipeline/pipeline.h"

namespace subex {
namespace {

using namespace std::chrono_literals;

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "subex-feed-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

const Instant kNow = *ParseInstant("2026-11-23T09:00:00Z");
const Day kFrom = *ParseDay("2026-12-01");

Command Member(int i) {
  return RegisterMember{{.name = "Member " + std::to_string(i),
                         .region = "RU-LIP",
                         .location = GeoPoint{52.6 + 0.01 * i, 39.57},
                         .roles = kRoleCustomer | kRoleSupplier},
                        kOperator,
                        CompanyInn(std::to_string(480'000'100 + i)),
                        {"machining", "casting"},
                        {}};
}

Command Offer(MemberId supplier, int i) {
  PostOffer c;
  c.by = supplier;
  c.process = "machining.milling";
  c.daily_capacity = 8;
  c.from = kFrom + (i % 5);
  c.to = c.from + 20;
  c.unit_price = 300'000 + 1'000 * (i % 7);
  return c;
}

Command Order(MemberId customer, int i) {
  PlaceOrder c;
  c.by = customer;
  c.title = "Order " + std::to_string(i);
  c.process = "machining";
  c.quantity = 4 + i % 9;
  c.start = kFrom;
  c.due = kFrom + 30;
  c.max_unit_price = 305'000;
  return c;
}

// The seqs of a page's items and its `next`, read back from the JSON the feed sent.
struct Read {
  unsigned status = 0;
  std::vector<uint64_t> seqs;
  uint64_t next = 0;
  std::string retry_after;
};

Read Parse(const HttpResponse& r) {
  Read out{.status = r.status, .seqs = {}, .next = 0, .retry_after = {}};
  for (const auto& [name, value] : r.headers) {
    if (name == "Retry-After") out.retry_after = value;
  }
  if (r.status != 200) return out;
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  EXPECT_EQ(parser.parse(r.body).get(root), simdjson::SUCCESS) << r.body;
  simdjson::dom::array items;
  EXPECT_EQ(root["items"].get(items), simdjson::SUCCESS);
  for (simdjson::dom::element item : items) {
    uint64_t seq = 0;
    EXPECT_EQ(item["seq"].get(seq), simdjson::SUCCESS);
    out.seqs.push_back(seq);
  }
  std::string_view next;
  EXPECT_EQ(root["next"].get(next), simdjson::SUCCESS);
  out.next = std::stoull(std::string(next));
  return out;
}

// An engine whose durable batches go to the feed, as subexd wires them.
class Exchange {
 public:
  Exchange(const std::string& dir, Feed::Options options) {
    taxonomy_ = [] {
      absl::StatusOr<Taxonomy> t = Taxonomy::Create({{"machining", "Machining", "machine_hour", 0.4},
                                                     {"machining.milling", "Milling", "", -1},
                                                     {"casting", "Casting", "kg", 0.01}});
      return std::make_shared<const Taxonomy>(*std::move(t));
    }();
    auto opened = Pipeline::Open(
        taxonomy_, Params{},
        {.dir = dir, .sync = false, .on_durable = [this](std::span<const Event> events) {
           if (Feed* f = feed_ptr_.load()) f->OnDurable(events);
         }});
    EXPECT_TRUE(opened.ok()) << opened.status();
    engine_ = *std::move(opened);
    feed_ = std::make_unique<Feed>(
        [e = engine_.get()](uint64_t after, size_t limit) { return e->ReadEvents(after, limit); },
        [e = engine_.get()](std::function<void(const State&)> judge,
                            std::function<void(absl::Status)> done) {
          e->Query(
              [judge = std::move(judge)](const State& s) {
                judge(s);
                return std::string();
              },
              [done = std::move(done)](absl::StatusOr<std::string> r) { done(r.status()); });
        },
        taxonomy_, engine_->durable_seq(), options);
    feed_ptr_.store(feed_.get());
    feed_->Notify(engine_->durable_seq());
  }
  ~Exchange() {
    feed_->Stop();
    feed_ptr_.store(nullptr);
    engine_.reset();
    feed_.reset();
  }

  std::future<Pipeline::Result> Submit(Command c) {
    auto done = std::make_shared<std::promise<Pipeline::Result>>();
    std::future<Pipeline::Result> f = done->get_future();
    engine_->Submit({.command = std::move(c),
                     .now = kNow,
                     .idempotency = {},
                     .render = {},
                     .reply = [done](Pipeline::Result r) { done->set_value(std::move(r)); }});
    return f;
  }
  MemberId Register(int i) {
    Pipeline::Result r = Submit(Member(i)).get();
    EXPECT_FALSE(r.rejection.has_value());
    return std::get<MemberRegistered>(r.events.at(0).body).member;
  }

  Read Get(const Caller& caller, std::string key, uint64_t after, size_t limit,
           std::chrono::milliseconds wait) {
    std::promise<HttpResponse> answer;
    feed_->Get(caller, std::move(key), after, limit, wait,
               [&answer](HttpResponse r) { answer.set_value(std::move(r)); });
    return Parse(answer.get_future().get());
  }

  // What the one rule shows `caller` of the whole journal, with the state as it is now.
  std::vector<uint64_t> Visible(const Caller& caller) {
    absl::StatusOr<std::vector<Event>> all = engine_->ReadEvents(0, 1'000'000);
    EXPECT_TRUE(all.ok());
    std::promise<std::vector<uint64_t>> out;
    engine_->Query(
        [&](const State& s) {
          std::vector<uint64_t> seqs;
          for (const Event& e : *all) {
            const EventView v = ViewOf(e.body, Viewer::Of(caller), &s);
            if (v == EventView::kFull || v == EventView::kSealed) seqs.push_back(e.seq);
          }
          out.set_value(std::move(seqs));
          return std::string();
        },
        [](absl::StatusOr<std::string>) {});
    return out.get_future().get();
  }

  Pipeline& engine() { return *engine_; }
  Feed& feed() { return *feed_; }

 private:
  std::shared_ptr<const Taxonomy> taxonomy_;
  std::atomic<Feed*> feed_ptr_{nullptr};
  std::unique_ptr<Pipeline> engine_;
  std::unique_ptr<Feed> feed_;
};

// Follows the feed from `after` until it has read past `last` (which another thread may raise).
std::vector<uint64_t> Follow(Exchange& x, const Caller& caller, const std::string& key,
                             uint64_t after, const std::atomic<uint64_t>& last) {
  std::vector<uint64_t> seen;
  for (int i = 0; i < 100'000; ++i) {
    const uint64_t until = last.load();
    if (until != 0 && after >= until) break;
    Read r = x.Get(caller, key, after, 7, 100ms);
    EXPECT_EQ(r.status, 200u);
    if (r.status != 200) break;
    seen.insert(seen.end(), r.seqs.begin(), r.seqs.end());
    EXPECT_GE(r.next, after);
    after = r.next;
  }
  return seen;
}

TEST(FeedTest, ManyFollowersAndWritersEachReadExactlyTheirEventsAcrossAnOverflow) {
  TempDir dir;
  // A window of 24 events: the late followers start far behind it and read the journal.
  Exchange x(dir.path(), {.window = {.max_events = 24, .max_bytes = 1 << 20},
                          .max_scan = 40,
                          .max_catch_up = 64,
                          .max_parked = 1'000,
                          .max_parked_per_key = 1'000});
  std::vector<MemberId> m;
  for (int i = 0; i < 6; ++i) m.push_back(x.Register(i));

  std::vector<Caller> callers{Caller::Admin(), Caller::Admin(), Caller::Platform(m[5])};
  for (MemberId id : m) callers.push_back(Caller::Member(id));
  std::atomic<uint64_t> last{0};
  std::vector<std::vector<uint64_t>> seen(callers.size() * 2);
  std::vector<std::thread> followers;
  for (size_t i = 0; i < callers.size(); ++i) {
    followers.emplace_back([&, i] { seen[i] = Follow(x, callers[i], "k" + std::to_string(i), 0, last); });
  }

  // Four writers: each of suppliers 0..3 posts offers, and customer 4 orders against them.
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; i < 30; ++i) {
        x.Submit(Offer(m[w], i)).get();
        Pipeline::Result r = x.Submit(Order(m[4], w * 100 + i)).get();
        EXPECT_FALSE(r.rejection.has_value());
      }
    });
  }
  for (std::thread& t : writers) t.join();
  last.store(x.engine().durable_seq());
  // Followers that start now are hundreds of events behind the window.
  for (size_t i = 0; i < callers.size(); ++i) {
    followers.emplace_back([&, i] {
      seen[callers.size() + i] = Follow(x, callers[i], "late" + std::to_string(i), 0, last);
    });
  }
  for (std::thread& t : followers) t.join();

  EXPECT_GT(last.load(), 200u);
  EXPECT_GT(x.feed().counts().journal_pages, 0u);
  for (size_t i = 0; i < seen.size(); ++i) {
    const Caller& c = callers[i % callers.size()];
    const std::vector<uint64_t> expected = x.Visible(c);
    EXPECT_FALSE(expected.empty());
    EXPECT_EQ(seen[i], expected) << "follower " << i;
  }
}

TEST(FeedTest, AFollowerResumesAfterARestartFromTheJournalThenTheWindow) {
  TempDir dir;
  uint64_t middle = 0;
  std::vector<MemberId> m;
  {
    Exchange x(dir.path(), {.window = {.max_events = 1'000, .max_bytes = 1 << 20}});
    for (int i = 0; i < 3; ++i) m.push_back(x.Register(i));
    for (int i = 0; i < 20; ++i) x.Submit(Offer(m[i % 2], i)).get();
    middle = x.engine().durable_seq() / 2;
  }
  Exchange x(dir.path(), {.window = {.max_events = 1'000, .max_bytes = 1 << 20}});
  for (int i = 0; i < 10; ++i) x.Submit(Order(m[2], i)).get();
  std::atomic<uint64_t> last{x.engine().durable_seq()};
  for (const Caller& c : {Caller::Admin(), Caller::Member(m[0]), Caller::Member(m[2])}) {
    std::vector<uint64_t> expected = x.Visible(c);
    std::erase_if(expected, [&](uint64_t s) { return s <= middle; });
    EXPECT_EQ(Follow(x, c, "k", middle, last), expected);
  }
}

TEST(FeedTest, PastTheParkingLimitsAnEmptyWaitIs429ButAPageIsAnswered) {
  TempDir dir;
  Exchange x(dir.path(), {.window = {},
                          .max_parked = 2,
                          .max_parked_per_key = 1,
                          .retry_after_s = 3});
  std::vector<MemberId> m;
  for (int i = 0; i < 4; ++i) m.push_back(x.Register(i));
  const uint64_t now = x.engine().durable_seq();
  // Until the window holds every durable event, an empty wait is not parked but served again.
  while (x.feed().counts().window_last < now) std::this_thread::yield();
  // Two parked requests: member 0's and member 1's, each waiting for its next event.
  std::promise<HttpResponse> a, b;
  x.feed().Get(Caller::Member(m[0]), "key0", now, 10, 60s,
               [&a](HttpResponse r) { a.set_value(std::move(r)); });
  x.feed().Get(Caller::Member(m[1]), "key1", now, 10, 60s,
               [&b](HttpResponse r) { b.set_value(std::move(r)); });
  // Polls are served by the feed's thread, in the order they came.
  while (x.feed().counts().parked < 2) std::this_thread::yield();
  EXPECT_EQ(x.feed().counts().parked, 2u);
  Read same_key = x.Get(Caller::Member(m[0]), "key0", now, 10, 60s);
  EXPECT_EQ(same_key.status, 429u);
  EXPECT_EQ(same_key.retry_after, "3");
  Read third = x.Get(Caller::Member(m[2]), "key2", now, 10, 60s);
  EXPECT_EQ(third.status, 429u);
  // A request with events to return gets them whatever the limits.
  Read page = x.Get(Caller::Member(m[0]), "key0", 0, 10, 60s);
  EXPECT_EQ(page.status, 200u);
  EXPECT_EQ(page.seqs, std::vector<uint64_t>{1});
  // An event of member 0 answers its parked request, and only that one.
  x.Submit(Offer(m[0], 1)).get();
  Read woken = Parse(a.get_future().get());
  EXPECT_EQ(woken.seqs, std::vector<uint64_t>{now + 1});
  EXPECT_EQ(x.feed().counts().parked, 1u);
  x.feed().Stop();
  Read stopped = Parse(b.get_future().get());
  EXPECT_EQ(stopped.status, 200u);
  EXPECT_TRUE(stopped.seqs.empty());
  EXPECT_EQ(x.feed().counts().refused, 2u);
  // A stopped feed still answers a poll at once, with what its window holds.
  Read late = x.Get(Caller::Member(m[0]), "key0", 0, 10, 60s);
  EXPECT_EQ(late.status, 200u);
  EXPECT_EQ(late.seqs, (std::vector<uint64_t>{1, now + 1}));  // Its registration, its offer.
}

TEST(FeedTest, AWaitingPageThatIsNotFullLingersForMoreBatches) {
  TempDir dir;
  // A linger far longer than the test: only a full page, or the request's own wait, ends it.
  Exchange x(dir.path(), {.window = {}, .linger = std::chrono::hours(1)});
  const MemberId m = x.Register(0);
  const uint64_t now = x.engine().durable_seq();
  while (x.feed().counts().window_last < now) std::this_thread::yield();
  std::promise<HttpResponse> a;
  x.feed().Get(Caller::Member(m), "key", now, 3, 1h,
               [&a](HttpResponse r) { a.set_value(std::move(r)); });
  // Three offers, each its own batch, each taken into the window before the next is posted:
  // without the linger the first batch would answer the request with one event.
  for (int i = 0; i < 3; ++i) {
    x.Submit(Offer(m, i)).get();
    while (x.feed().counts().window_last < now + i + 1) std::this_thread::yield();
  }
  EXPECT_EQ(Parse(a.get_future().get()).seqs, (std::vector<uint64_t>{now + 1, now + 2, now + 3}));

  // A page that does not fill is answered when the request's wait runs out, with what it has.
  x.Submit(Offer(m, 3)).get();
  Read short_wait = x.Get(Caller::Member(m), "key", now + 3, 3, 20ms);
  EXPECT_EQ(short_wait.seqs, std::vector<uint64_t>{now + 4});
  // A request that does not wait never lingers.
  Read no_wait = x.Get(Caller::Member(m), "key", now + 2, 3, 0ms);
  EXPECT_EQ(no_wait.seqs, (std::vector<uint64_t>{now + 3, now + 4}));
  EXPECT_EQ(x.feed().counts().parked, 0u);
}

}  // namespace
}  // namespace subex
