// Specification of the engine thread (pipeline/pipeline.h): every request is answered, in
// batches under load; what was answered survives closing and reopening; idempotency records go
// with their events and stop a repeated key from running twice; reads see every earlier command.

#include "pipeline/pipeline.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "engine/civil_time.h"
#include "engine/inn.h"
#include "engine/invariants.h"
#include "engine/state_hash.h"
#include "engine/taxonomy.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pipeline/idempotency.h"
#include "storage/journal.h"

namespace subex {
namespace {

class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "subex-durable-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::shared_ptr<const Taxonomy> TestTaxonomy() {
  absl::StatusOr<Taxonomy> t = Taxonomy::Create({{"machining", "Machining", "machine_hour", 0.4},
                                                 {"machining.milling", "Milling", "", -1},
                                                 {"casting", "Casting", "kg", 0.01}});
  EXPECT_TRUE(t.ok()) << t.status();
  return std::make_shared<const Taxonomy>(*std::move(t));
}

const Instant kNow = *ParseInstant("2026-11-23T09:00:00Z");
const Day kFrom = *ParseDay("2026-12-01");

RegisterMember Member(int i) {
  return RegisterMember{{.name = "Member " + std::to_string(i),
                         .region = "RU-LIP",
                         .location = GeoPoint{52.6 + 0.01 * i, 39.57},
                         .roles = kRoleCustomer | kRoleSupplier},
                        kOperator,
                        CompanyInn(std::to_string(480'000'100 + i)),
                        {"machining", "casting"},
                        {}};
}

PostOffer Offer(int supplier, int i) {
  PostOffer c;
  c.by = MemberId{static_cast<uint32_t>(supplier)};
  c.process = "machining.milling";
  c.daily_capacity = 8;
  c.from = kFrom + (i % 5);
  c.to = c.from + 20;
  c.unit_price = 300'000 + 1'000 * (i % 7);
  return c;
}

PlaceOrder Order(int customer, int i) {
  PlaceOrder c;
  c.by = MemberId{static_cast<uint32_t>(customer)};
  c.title = "Order " + std::to_string(i);
  c.process = "machining";
  c.quantity = 4 + i % 9;
  c.start = kFrom;
  c.due = kFrom + 30;
  c.max_unit_price = 305'000;
  return c;
}

// The real journal, every call passed through; the test journals below change one or two.
class ForwardingJournal : public Journal {
 public:
  explicit ForwardingJournal(std::unique_ptr<Journal> real) : real_(std::move(real)) {}
  absl::Status Append(std::span<const Event> events,
                      std::span<const IdempotencyRecord> records) override {
    return real_->Append(events, records);
  }
  uint64_t last_seq() const override { return real_->last_seq(); }
  uint64_t first_seq() const override { return real_->first_seq(); }
  absl::Status Replay(uint64_t after,
                      const std::function<absl::Status(const Event&)>& visit) const override {
    return real_->Replay(after, visit);
  }
  absl::StatusOr<std::optional<IdempotencyRecord>> FindIdempotencyRecord(
      std::string_view key) const override {
    return real_->FindIdempotencyRecord(key);
  }
  absl::StatusOr<size_t> PruneIdempotency(Instant expired_up_to, size_t max_records) override {
    return real_->PruneIdempotency(expired_up_to, max_records);
  }
  absl::StatusOr<uint64_t> CountIdempotency() const override { return real_->CountIdempotency(); }
  absl::Status WriteSnapshot(uint64_t seq, std::string_view bytes) override {
    return real_->WriteSnapshot(seq, bytes);
  }
  absl::StatusOr<std::optional<Snapshot>> LatestSnapshot() const override {
    return real_->LatestSnapshot();
  }
  absl::Status PruneBefore(uint64_t seq) override { return real_->PruneBefore(seq); }

 protected:
  std::unique_ptr<Journal> real_;
};

// The real journal, made to fail every write after the first `good` ones, as a full or failing
// disk would.
class FailingJournal final : public ForwardingJournal {
 public:
  FailingJournal(std::unique_ptr<Journal> real, int good)
      : ForwardingJournal(std::move(real)), good_(good) {}
  absl::Status Append(std::span<const Event> events,
                      std::span<const IdempotencyRecord> records) override {
    if (good_-- <= 0) return absl::UnavailableError("no space left on device");
    return real_->Append(events, records);
  }

 private:
  int good_;
};

// The real journal, whose snapshots wait at a gate (a pipe) until the test closes it. The wait
// runs in the child that writes the snapshot, so the engine thread must never be waiting on it.
class GatedJournal final : public ForwardingJournal {
 public:
  GatedJournal(std::unique_ptr<Journal> real, const int gate[2])
      : ForwardingJournal(std::move(real)), read_end_(gate[0]), write_end_(gate[1]) {}
  absl::Status WriteSnapshot(uint64_t seq, std::string_view bytes) override {
    close(write_end_);  // The child's copy, so that only the test's can hold the gate shut.
    char byte = 0;
    while (read(read_end_, &byte, 1) > 0) {
    }
    return real_->WriteSnapshot(seq, bytes);
  }

 private:
  const int read_end_;
  const int write_end_;
};

// The real journal, counting how far it has synced; its appends can be held at a gate, so a
// test can see what the engine does while a batch is being written.
class WatchedJournal final : public ForwardingJournal {
 public:
  explicit WatchedJournal(std::unique_ptr<Journal> real) : ForwardingJournal(std::move(real)) {}
  absl::Status Append(std::span<const Event> events,
                      std::span<const IdempotencyRecord> records) override {
    {
      std::unique_lock<std::mutex> lock(mu_);
      ++appends_started_;
      changed_.notify_all();
      changed_.wait(lock, [this] { return open_; });
    }
    absl::Status s = real_->Append(events, records);
    if (s.ok() && !events.empty()) synced_through_.store(events.back().seq);
    return s;
  }

  // The seq of the last event a finished Append made durable.
  uint64_t synced_through() const { return synced_through_.load(); }
  void Close() {
    std::lock_guard<std::mutex> lock(mu_);
    open_ = false;
  }
  void Open() {
    std::lock_guard<std::mutex> lock(mu_);
    open_ = true;
    changed_.notify_all();
  }
  void WaitForAppends(int n) {
    std::unique_lock<std::mutex> lock(mu_);
    changed_.wait(lock, [&] { return appends_started_ >= n; });
  }

 private:
  std::atomic<uint64_t> synced_through_{0};
  std::mutex mu_;
  std::condition_variable changed_;
  bool open_ = true;
  int appends_started_ = 0;
};

class PipelineTest : public ::testing::Test {
 protected:
  std::unique_ptr<Pipeline> Open(size_t max_batch = 1024, uint64_t snapshot_every = 0,
                                      uint64_t retain = 1'000'000) {
    absl::StatusOr<std::unique_ptr<Pipeline>> e =
        Pipeline::Open(taxonomy_, Params{},
                            {.dir = dir_.path(),
                             .max_batch = max_batch,
                             .snapshot_every_events = snapshot_every,
                             .retain_events = retain});
    EXPECT_TRUE(e.ok()) << e.status();
    return e.ok() ? *std::move(e) : nullptr;
  }

  std::unique_ptr<Pipeline> OpenAt(const std::string& dir, uint64_t snapshot_every,
                                        uint64_t retain) {
    absl::StatusOr<std::unique_ptr<Pipeline>> e = Pipeline::Open(
        taxonomy_, Params{},
        {.dir = dir, .snapshot_every_events = snapshot_every, .retain_events = retain});
    EXPECT_TRUE(e.ok()) << e.status();
    return e.ok() ? *std::move(e) : nullptr;
  }

  // Submits and waits for the answer.
  static Pipeline::Result Run(Pipeline& engine, Command command, std::string key = "",
                                   Instant now = kNow) {
    std::promise<Pipeline::Result> done;
    engine.Submit(
        {.command = std::move(command),
         .now = now,
         .idempotency = {.key = std::move(key)},
         .render = [](const Pipeline::Result& r, const State&) { return CommandAnswer{.body = RenderForTest(r)}; },
         .reply = [&done](Pipeline::Result r) { done.set_value(std::move(r)); }});
    return done.get_future().get();
  }

  static std::string RenderForTest(const Pipeline::Result& r) {
    if (r.rejection) return "rejected";
    return r.events.empty() ? "none" : "first " + std::to_string(r.events.front().seq);
  }

  static std::string Read(Pipeline& engine, std::function<std::string(const State&)> read) {
    std::promise<absl::StatusOr<std::string>> done;
    engine.Query(std::move(read),
                 [&done](absl::StatusOr<std::string> r) { done.set_value(std::move(r)); });
    absl::StatusOr<std::string> r = done.get_future().get();
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : "";
  }

  static std::vector<std::string> Violations(Pipeline& engine) {
    std::promise<std::vector<std::string>> found;
    engine.Query(
        [&found](const State& s) {
          found.set_value(CheckInvariants(s));
          return std::string();
        },
        [](absl::StatusOr<std::string>) {});
    return found.get_future().get();
  }

  TempDir dir_;
  std::shared_ptr<const Taxonomy> taxonomy_ = TestTaxonomy();
};

TEST_F(PipelineTest, AnswersEveryRequestFromManyThreadsInBatches) {
  std::unique_ptr<Pipeline> engine = Open();
  ASSERT_NE(engine, nullptr);
  for (int i = 0; i < 4; ++i) ASSERT_FALSE(Run(*engine, Member(i)).rejection);

  // Hold the engine thread in a read until every submitter has queued all it has, so the
  // requests are waiting together when the thread comes round again.
  std::promise<void> holding, all_queued;
  std::shared_future<void> release = all_queued.get_future().share();
  engine->Query(
      [release, &holding](const State&) {
        holding.set_value();
        release.wait();
        return std::string();
      },
      [](absl::StatusOr<std::string>) {});
  holding.get_future().wait();  // The read is running: the queue is empty and filling now.
  const uint64_t batches_before = engine->batches();
  const uint64_t requests_before = engine->requests();

  constexpr int kThreads = 4;
  constexpr int kPerThread = 250;
  std::atomic<int> ok{0}, answered{0};
  std::promise<void> finished;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        Command c = i % 2 == 0 ? Command(Offer(t, i)) : Command(Order((t + 1) % 4, i));
        engine->Submit({.command = std::move(c),
                        .now = kNow,
                        .idempotency = {},
                        .render = {},
                        .reply = [&](Pipeline::Result r) {
                          if (r.status.ok() && !r.rejection) ok.fetch_add(1);
                          if (answered.fetch_add(1) + 1 == kThreads * kPerThread) {
                            finished.set_value();
                          }
                        }});
      }
    });
  }
  for (std::thread& t : threads) t.join();
  all_queued.set_value();
  finished.get_future().wait();

  EXPECT_EQ(answered.load(), kThreads * kPerThread);
  EXPECT_EQ(ok.load(), kThreads * kPerThread);
  const uint64_t batches = engine->batches() - batches_before;
  const uint64_t requests = engine->requests() - requests_before;
  EXPECT_GE(requests, static_cast<uint64_t>(kThreads * kPerThread));
  EXPECT_LE(batches, 1u + kThreads * kPerThread / 1024);
  EXPECT_LT(batches, requests);
  EXPECT_THAT(Violations(*engine), ::testing::IsEmpty());
}

TEST_F(PipelineTest, WhatWasAnsweredSurvivesReopening) {
  uint64_t hash = 0;
  uint64_t last_seq = 0;
  {
    std::unique_ptr<Pipeline> engine = Open(/*max_batch=*/16);
    ASSERT_NE(engine, nullptr);
    for (int i = 0; i < 6; ++i) ASSERT_FALSE(Run(*engine, Member(i)).rejection);
    std::vector<std::thread> threads;
    for (int t = 0; t < 3; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < 60; ++i) {
          Pipeline::Result r =
              Run(*engine, i % 3 == 0 ? Command(Order(t, i)) : Command(Offer(t + 3, i)));
          EXPECT_TRUE(r.status.ok()) << r.status;
        }
      });
    }
    for (std::thread& t : threads) t.join();
    EXPECT_TRUE(Run(*engine, CancelOrder{.by = MemberId{0}, .order = OrderId{0}}).status.ok());
    hash = engine->StateHashNow();
    last_seq =
        std::stoull(Read(*engine, [](const State& s) { return std::to_string(s.last_seq()); }));
    EXPECT_GT(last_seq, 200u);
  }
  std::unique_ptr<Pipeline> engine = Open();
  ASSERT_NE(engine, nullptr);
  EXPECT_EQ(engine->StateHashNow(), hash);
  EXPECT_EQ(Read(*engine, [](const State& s) { return std::to_string(s.last_seq()); }),
            std::to_string(last_seq));
  EXPECT_THAT(Violations(*engine), ::testing::IsEmpty());
  // And the sequence goes on from there.
  Pipeline::Result r = Run(*engine, Offer(5, 1));
  ASSERT_FALSE(r.rejection);
  ASSERT_FALSE(r.events.empty());
  EXPECT_EQ(r.events.front().seq, last_seq + 1);
}

TEST_F(PipelineTest, ClosingWritesASnapshotSoTheNextStartReplaysNothing) {
  uint64_t hash = 0;
  {
    absl::StatusOr<std::unique_ptr<Pipeline>> engine =
        Pipeline::Open(taxonomy_, Params{}, {.dir = dir_.path(), .snapshot_on_close = true});
    ASSERT_TRUE(engine.ok()) << engine.status();
    for (int i = 0; i < 3; ++i) ASSERT_FALSE(Run(**engine, Member(i)).rejection);
    for (int i = 0; i < 20; ++i) ASSERT_FALSE(Run(**engine, Offer(i % 3, i)).rejection);
    hash = (*engine)->StateHashNow();
  }
  std::unique_ptr<Pipeline> engine = Open();
  ASSERT_NE(engine, nullptr);
  EXPECT_EQ(engine->replayed_events(), 0u);
  EXPECT_EQ(engine->StateHashNow(), hash);
  EXPECT_THAT(Violations(*engine), ::testing::IsEmpty());
}

TEST_F(PipelineTest, WithoutSnapshotOnCloseTheNextStartReplaysTheJournal) {
  {
    std::unique_ptr<Pipeline> engine = Open();
    ASSERT_NE(engine, nullptr);
    for (int i = 0; i < 3; ++i) ASSERT_FALSE(Run(*engine, Member(i)).rejection);
  }
  std::unique_ptr<Pipeline> engine = Open();
  ASSERT_NE(engine, nullptr);
  EXPECT_EQ(engine->replayed_events(), 3u);
}

TEST_F(PipelineTest, MetricsCountBatchesSyncsAndTheJournal) {
  std::unique_ptr<Pipeline> engine = Open();
  ASSERT_NE(engine, nullptr);
  for (int i = 0; i < 3; ++i) ASSERT_FALSE(Run(*engine, Member(i)).rejection);
  Read(*engine, [](const State&) { return std::string(); });
  MetricsText out;
  engine->WriteMetrics(out);
  const std::string text = std::move(out).Take();
  // One request a batch: three commands and the read.
  EXPECT_THAT(text, ::testing::HasSubstr("\nsubex_engine_requests_total 4\n"));
  EXPECT_THAT(text, ::testing::HasSubstr("\nsubex_engine_batch_size_bucket{le=\"1\"} 4\n"));
  EXPECT_THAT(text, ::testing::HasSubstr("\nsubex_engine_batch_size_count 4\n"));
  // The read wrote nothing: three synced writes.
  EXPECT_THAT(text, ::testing::HasSubstr("\nsubex_journal_batches_total 3\n"));
  EXPECT_THAT(text, ::testing::HasSubstr("\nsubex_journal_sync_seconds_count 3\n"));
  EXPECT_THAT(text, ::testing::HasSubstr("\nsubex_journal_durable_seq 3\n"));
  EXPECT_THAT(text, ::testing::HasSubstr("\nsubex_journal_events 3\n"));
  EXPECT_THAT(text, ::testing::HasSubstr("\nsubex_journal_failed 0\n"));
  EXPECT_THAT(text, ::testing::HasSubstr("\nsubex_engine_queue_depth 0\n"));
  EXPECT_THAT(text, ::testing::HasSubstr("# TYPE subex_recovery_seconds gauge\n"));
  EXPECT_THAT(text, ::testing::Not(::testing::HasSubstr("subex_journal_bytes 0\n")));
}

TEST_F(PipelineTest, RecoversFromTheNewestSnapshotAfterPruning) {
  uint64_t hash = 0;
  uint64_t last_seq = 0;
  {
    std::unique_ptr<Pipeline> engine =
        Open(/*max_batch=*/1, /*snapshot_every=*/40, /*retain=*/10);
    ASSERT_NE(engine, nullptr);
    for (int i = 0; i < 6; ++i) ASSERT_FALSE(Run(*engine, Member(i)).rejection);
    for (int i = 0; i < 90; ++i) {
      Pipeline::Result r =
          Run(*engine, i % 3 == 0 ? Command(Order(i % 3, i)) : Command(Offer(3 + i % 3, i)));
      ASSERT_TRUE(r.status.ok()) << r.status;
    }
    hash = engine->StateHashNow();
    last_seq =
        std::stoull(Read(*engine, [](const State& s) { return std::to_string(s.last_seq()); }));
  }
  // The early events are gone: only the snapshot can bring the state back.
  {
    absl::StatusOr<std::unique_ptr<Journal>> journal = Journal::Open({.dir = dir_.path()});
    ASSERT_TRUE(journal.ok()) << journal.status();
    EXPECT_GT((*journal)->first_seq(), 1u);
    absl::StatusOr<std::optional<Journal::Snapshot>> snapshot = (*journal)->LatestSnapshot();
    ASSERT_TRUE(snapshot.ok() && snapshot->has_value());
    EXPECT_LE((*snapshot)->seq, last_seq);
  }
  std::unique_ptr<Pipeline> engine = Open();
  ASSERT_NE(engine, nullptr);
  EXPECT_EQ(engine->StateHashNow(), hash);
  EXPECT_THAT(Violations(*engine), ::testing::IsEmpty());
  Pipeline::Result r = Run(*engine, Offer(5, 1));
  ASSERT_FALSE(r.events.empty());
  EXPECT_EQ(r.events.front().seq, last_seq + 1);
}

TEST_F(PipelineTest, CommandsGoOnWhileASnapshotIsWrittenAndRecoveryUsesIt) {
  int gate[2];
  ASSERT_EQ(pipe(gate), 0);
  uint64_t hash = 0;
  uint64_t last_seq = 0;
  {
    absl::StatusOr<std::unique_ptr<Journal>> real = Journal::Open({.dir = dir_.path()});
    ASSERT_TRUE(real.ok()) << real.status();
    const Journal* journal = real->get();
    absl::StatusOr<std::unique_ptr<Pipeline>> opened = Pipeline::Open(
        taxonomy_, Params{},
        {.dir = dir_.path(), .max_batch = 1, .snapshot_every_events = 20, .retain_events = 5},
        std::make_unique<GatedJournal>(*std::move(real), gate));
    ASSERT_TRUE(opened.ok()) << opened.status();
    Pipeline& engine = **opened;
    for (int i = 0; i < 6; ++i) ASSERT_FALSE(Run(engine, Member(i)).rejection);
    for (int i = 0; i < 20; ++i) ASSERT_TRUE(Run(engine, Offer(3 + i % 3, i)).status.ok());
    // The snapshot of event 20 or so is held at the gate, in the child, and yet every command
    // after it was answered.
    for (int i = 0; i < 30; ++i) {
      Pipeline::Result r =
          Run(engine, i % 3 == 0 ? Command(Order(i % 3, i)) : Command(Offer(3 + i % 3, i)));
      ASSERT_TRUE(r.status.ok()) << r.status;
    }
    EXPECT_EQ(engine.snapshots(), 0u);
    absl::StatusOr<std::optional<Journal::Snapshot>> none = journal->LatestSnapshot();
    ASSERT_TRUE(none.ok()) << none.status();
    EXPECT_FALSE(none->has_value());
    EXPECT_EQ(journal->first_seq(), 1u);

    // Opened, the snapshot lands, and the engine records it and prunes behind it by itself.
    close(gate[1]);
    while (engine.snapshots() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    EXPECT_GT(journal->first_seq(), 1u);
    absl::StatusOr<std::optional<Journal::Snapshot>> written = journal->LatestSnapshot();
    ASSERT_TRUE(written.ok() && written->has_value());
    EXPECT_GE((*written)->seq, 20u);
    hash = engine.StateHashNow();
    last_seq =
        std::stoull(Read(engine, [](const State& s) { return std::to_string(s.last_seq()); }));
    EXPECT_GT(last_seq, (*written)->seq);
  }
  close(gate[0]);
  // The events before the snapshot are gone: the state comes back through it.
  std::unique_ptr<Pipeline> engine = Open();
  ASSERT_NE(engine, nullptr);
  EXPECT_EQ(engine->StateHashNow(), hash);
  EXPECT_THAT(Violations(*engine), ::testing::IsEmpty());
}

TEST_F(PipelineTest, TheNextBatchIsDecidedWhileThePreviousOneIsSynced) {
  absl::StatusOr<std::unique_ptr<Journal>> real = Journal::Open({.dir = dir_.path()});
  ASSERT_TRUE(real.ok()) << real.status();
  auto watched = std::make_unique<WatchedJournal>(*std::move(real));
  WatchedJournal* journal = watched.get();
  absl::StatusOr<std::unique_ptr<Pipeline>> opened =
      Pipeline::Open(taxonomy_, Params{}, {.dir = dir_.path()}, std::move(watched));
  ASSERT_TRUE(opened.ok()) << opened.status();
  Pipeline& engine = **opened;

  std::mutex mu;
  std::vector<std::string> answered;
  journal->Close();
  engine.Submit({.command = Member(0),
                 .now = kNow,
                 .idempotency = {},
                 .render = {},
                 .reply = [&](Pipeline::Result r) {
                   EXPECT_TRUE(r.status.ok()) << r.status;
                   std::lock_guard<std::mutex> lock(mu);
                   answered.push_back("register");
                 }});
  journal->WaitForAppends(1);  // The registration's batch is being written, and held there.

  // A read queued behind it runs now, and sees the registration, but is not answered yet.
  std::promise<std::string> seen;
  engine.Query(
      [&seen](const State& s) {
        seen.set_value(std::to_string(s.members().size()));
        return std::string("read");
      },
      [&](absl::StatusOr<std::string> r) {
        EXPECT_TRUE(r.ok()) << r.status();
        std::lock_guard<std::mutex> lock(mu);
        answered.push_back(r.ok() ? *r : "failed");
      });
  EXPECT_EQ(seen.get_future().get(), "1");
  {
    std::lock_guard<std::mutex> lock(mu);
    EXPECT_THAT(answered, ::testing::IsEmpty());
  }
  journal->Open();
  EXPECT_EQ(engine.StateHashNow(), engine.StateHashNow());  // Everything before it answered.
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_THAT(answered, ::testing::ElementsAre("register", "read"));
}

TEST_F(PipelineTest, WithDecideAheadRequestsQueuedDuringASyncWaitForEnoughOfThem) {
  absl::StatusOr<std::unique_ptr<Journal>> real = Journal::Open({.dir = dir_.path()});
  ASSERT_TRUE(real.ok()) << real.status();
  auto watched = std::make_unique<WatchedJournal>(*std::move(real));
  WatchedJournal* journal = watched.get();
  absl::StatusOr<std::unique_ptr<Pipeline>> opened = Pipeline::Open(
      taxonomy_, Params{}, {.dir = dir_.path(), .decide_ahead = 3}, std::move(watched));
  ASSERT_TRUE(opened.ok()) << opened.status();
  Pipeline& engine = **opened;

  std::mutex mu;
  std::vector<std::string> answered;
  std::atomic<int> decided{0};
  auto read = [&](const std::string& name) {
    engine.Query(
        [&decided, name](const State&) {
          decided.fetch_add(1);
          return name;
        },
        [&](absl::StatusOr<std::string> r) {
          std::lock_guard<std::mutex> lock(mu);
          answered.push_back(r.ok() ? *r : "failed");
        });
  };
  journal->Close();
  engine.Submit({.command = Member(0), .now = kNow, .idempotency = {}, .render = {},
                 .reply = [&](Pipeline::Result r) {
                   EXPECT_TRUE(r.status.ok()) << r.status;
                   std::lock_guard<std::mutex> lock(mu);
                   answered.push_back("register");
                 }});
  journal->WaitForAppends(1);  // The registration's batch is being written, and held there.

  // Two requests queue behind the sync and wait: fewer than decide_ahead.
  read("a");
  read("b");
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(decided.load(), 0);
  EXPECT_EQ(engine.queue_depth(), 2u);
  // The third makes enough: all three are decided while the sync still holds, and none answered.
  read("c");
  while (decided.load() < 3) std::this_thread::yield();
  {
    std::lock_guard<std::mutex> lock(mu);
    EXPECT_THAT(answered, ::testing::IsEmpty());
  }
  // One more waits for the sync's end, and is then decided and answered after the others.
  read("d");
  journal->Open();
  EXPECT_EQ(engine.StateHashNow(), engine.StateHashNow());
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_THAT(answered, ::testing::ElementsAre("register", "a", "b", "c", "d"));
}

TEST_F(PipelineTest, RepliesLeaveInOrderAndOnlyOnceTheirEventsAreSynced) {
  absl::StatusOr<std::unique_ptr<Journal>> real = Journal::Open({.dir = dir_.path()});
  ASSERT_TRUE(real.ok()) << real.status();
  auto watched = std::make_unique<WatchedJournal>(*std::move(real));
  WatchedJournal* journal = watched.get();
  absl::StatusOr<std::unique_ptr<Pipeline>> opened = Pipeline::Open(
      taxonomy_, Params{}, {.dir = dir_.path(), .max_batch = 16}, std::move(watched));
  ASSERT_TRUE(opened.ok()) << opened.status();
  Pipeline& engine = **opened;
  for (int i = 0; i < 6; ++i) ASSERT_FALSE(Run(engine, Member(i)).rejection);

  constexpr int kThreads = 4;
  constexpr int kPerThread = 150;
  std::atomic<int> early{0}, out_of_order{0}, left{kThreads * kPerThread};
  std::promise<void> all_answered;
  std::vector<int> last_answered(kThreads, -1);  // Written by the journal thread only.
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        Command c = i % 2 == 0 ? Command(Offer(3 + t % 3, i)) : Command(Order(t % 3, i));
        engine.Submit({.command = std::move(c),
                       .now = kNow,
                       .idempotency = {.key = "t" + std::to_string(t) + "-" + std::to_string(i)},
                       .render = {},
                       .reply = [&, t, i](Pipeline::Result r) {
                         EXPECT_TRUE(r.status.ok()) << r.status;
                         if (!r.events.empty() && r.events.back().seq > journal->synced_through()) {
                           early.fetch_add(1);
                         }
                         if (i != last_answered[static_cast<size_t>(t)] + 1) {
                           out_of_order.fetch_add(1);
                         }
                         last_answered[static_cast<size_t>(t)] = i;
                         if (left.fetch_sub(1) == 1) all_answered.set_value();
                       }});
      }
    });
  }
  for (std::thread& t : threads) t.join();
  all_answered.get_future().wait();
  EXPECT_EQ(early.load(), 0);
  EXPECT_EQ(out_of_order.load(), 0);
}

TEST_F(PipelineTest, AFailedWriteStopsEveryAcknowledgement) {
  {
    absl::StatusOr<std::unique_ptr<Journal>> real = Journal::Open({.dir = dir_.path()});
    ASSERT_TRUE(real.ok()) << real.status();
    absl::StatusOr<std::unique_ptr<Pipeline>> opened =
        Pipeline::Open(taxonomy_, Params{}, {.dir = dir_.path(), .max_batch = 1},
                            std::make_unique<FailingJournal>(*std::move(real), /*good=*/2));
    ASSERT_TRUE(opened.ok()) << opened.status();
    Pipeline& engine = **opened;
    EXPECT_TRUE(Run(engine, Member(0)).status.ok());
    EXPECT_TRUE(Run(engine, Member(1)).status.ok());
    Pipeline::Result failed = Run(engine, Member(2));
    EXPECT_EQ(failed.status.code(), absl::StatusCode::kUnavailable) << failed.status;
    EXPECT_TRUE(failed.events.empty());
    // Nothing after it is acknowledged either, reads included: memory is ahead of the disk.
    EXPECT_EQ(Run(engine, Member(3)).status.code(), absl::StatusCode::kUnavailable);
    std::promise<absl::Status> read;
    engine.Query([](const State&) { return std::string("read"); },
                 [&read](absl::StatusOr<std::string> r) { read.set_value(r.status()); });
    EXPECT_EQ(read.get_future().get().code(), absl::StatusCode::kUnavailable);
  }
  // What was acknowledged is there; what was not, is not.
  std::unique_ptr<Pipeline> engine = Open();
  ASSERT_NE(engine, nullptr);
  EXPECT_EQ(Read(*engine, [](const State& s) { return std::to_string(s.members().size()); }), "2");
}

TEST_F(PipelineTest, TheIdempotencyRecordIsWrittenWithItsEvents) {
  std::string first;
  {
    std::unique_ptr<Pipeline> engine = Open();
    ASSERT_NE(engine, nullptr);
    ASSERT_FALSE(Run(*engine, Member(0), "m/setup-0").rejection);
    Pipeline::Result r = Run(*engine, Offer(0, 1), "0/offer-1");
    ASSERT_FALSE(r.rejection);
    EXPECT_FALSE(r.replayed());
    first = r.answer.body;
    EXPECT_EQ(first, "first 2");
    // A rejected command's answer is kept as well.
    Pipeline::Result rejected = Run(*engine, Offer(7, 1), "7/offer-1");
    ASSERT_TRUE(rejected.rejection);
    EXPECT_EQ(rejected.answer.body, "rejected");
  }
  {
    absl::StatusOr<std::unique_ptr<Journal>> journal = Journal::Open({.dir = dir_.path()});
    ASSERT_TRUE(journal.ok()) << journal.status();
    // Kept under the key's scope, in the binary form of pipeline/idempotency.h.
    auto body = [&](std::string key) -> std::string {
      absl::StatusOr<std::optional<std::string>> stored =
          (*journal)->FindIdempotency(Idempotency::JournalKey({.key = std::move(key)}));
      if (!stored.ok() || !stored->has_value()) return "(none)";
      std::optional<Idempotency::Stored> decoded = Idempotency::Decode(**stored);
      return decoded ? decoded->answer.body : "(unreadable)";
    };
    EXPECT_EQ(body("0/offer-1"), first);
    EXPECT_EQ(body("7/offer-1"), "rejected");
    EXPECT_EQ((*journal)->last_seq(), 2u);
  }
  std::unique_ptr<Pipeline> engine = Open();
  ASSERT_NE(engine, nullptr);
  const uint64_t hash = engine->StateHashNow();
  // The same key again, after a restart: the stored answer, and nothing runs twice.
  Pipeline::Result again = Run(*engine, Offer(0, 1), "0/offer-1");
  EXPECT_TRUE(again.status.ok());
  EXPECT_TRUE(again.replayed());
  EXPECT_EQ(again.answer.body, first);
  EXPECT_TRUE(again.events.empty());
  ASSERT_FALSE(Run(*engine, Member(0), "m/setup-0").rejection);  // Not "INN taken".
  EXPECT_EQ(engine->StateHashNow(), hash);
}

TEST_F(PipelineTest, ARepeatedKeyInOneBatchRunsOnce) {
  std::unique_ptr<Pipeline> engine = Open();
  ASSERT_NE(engine, nullptr);
  ASSERT_FALSE(Run(*engine, Member(0)).rejection);
  std::promise<void> queued;
  std::shared_future<void> release = queued.get_future().share();
  engine->Query(
      [release](const State&) {
        release.wait();
        return std::string();
      },
      [](absl::StatusOr<std::string>) {});
  std::vector<std::promise<Pipeline::Result>> results(3);
  for (auto& p : results) {
    engine->Submit(
        {.command = Offer(0, 1),
         .now = kNow,
         .idempotency = {.key = "0/same"},
         .render = [](const Pipeline::Result& r, const State&) { return CommandAnswer{.body = RenderForTest(r)}; },
         .reply = [&p](Pipeline::Result r) { p.set_value(std::move(r)); }});
  }
  queued.set_value();
  std::vector<Pipeline::Result> got;
  for (auto& p : results) got.push_back(p.get_future().get());
  EXPECT_FALSE(got[0].replayed());
  EXPECT_EQ(got[0].events.size(), 1u);
  for (size_t i = 1; i < got.size(); ++i) {
    EXPECT_TRUE(got[i].replayed());
    EXPECT_EQ(got[i].answer.body, got[0].answer.body);
  }
  EXPECT_EQ(Read(*engine, [](const State& s) { return std::to_string(s.offers().size()); }), "1");
}

TEST_F(PipelineTest, AQueryAfterACommandSeesIt) {
  std::unique_ptr<Pipeline> engine = Open();
  ASSERT_NE(engine, nullptr);
  ASSERT_FALSE(Run(*engine, Member(0)).rejection);
  ASSERT_FALSE(Run(*engine, Member(1)).rejection);
  // Submitted without waiting: the query is queued behind the command and must see it.
  std::promise<Pipeline::Result> placed;
  engine->Submit({.command = Offer(0, 1),
                  .now = kNow,
                  .idempotency = {},
                  .render = {},
                  .reply = [&](Pipeline::Result r) { placed.set_value(std::move(r)); }});
  std::promise<absl::StatusOr<std::string>> seen;
  engine->Query([](const State& s) { return std::to_string(s.offers().size()); },
                [&](absl::StatusOr<std::string> r) { seen.set_value(std::move(r)); });
  absl::StatusOr<std::string> offers = seen.get_future().get();
  // The command's reply left before the query's: answers leave in queue order.
  EXPECT_EQ(placed.get_future().wait_for(std::chrono::seconds(0)), std::future_status::ready);
  ASSERT_TRUE(offers.ok());
  EXPECT_EQ(*offers, "1");

  // What the query saw is durable: a journal opened after the engine holds it.
  engine.reset();
  absl::StatusOr<std::unique_ptr<Journal>> journal = Journal::Open({.dir = dir_.path()});
  ASSERT_TRUE(journal.ok());
  EXPECT_EQ((*journal)->last_seq(), 3u);
}

TEST_F(PipelineTest, AJournalItCannotReadStopsTheOpening) {
  {
    std::unique_ptr<Pipeline> engine = Open();
    ASSERT_NE(engine, nullptr);
    ASSERT_FALSE(Run(*engine, Member(0)).rejection);
    // A second engine on the same directory cannot have the journal while the first holds it.
    absl::StatusOr<std::unique_ptr<Pipeline>> second =
        Pipeline::Open(taxonomy_, Params{}, {.dir = dir_.path()});
    EXPECT_FALSE(second.ok());
  }
  EXPECT_NE(Open(), nullptr);
}

TEST_F(PipelineTest, EventsAreHeardAndReadableOnceDurable) {
  std::vector<uint64_t> heard;  // Engine thread only, until the engine is closed.
  uint64_t durable_when_heard = 0;
  absl::StatusOr<std::unique_ptr<Pipeline>> opened = Pipeline::Open(
      taxonomy_, Params{}, {.dir = dir_.path(), .on_durable = [&](std::span<const Event> events) {
                              for (const Event& e : events) heard.push_back(e.seq);
                              durable_when_heard = events.back().seq;
                            }});
  ASSERT_TRUE(opened.ok()) << opened.status();
  Pipeline& engine = **opened;
  EXPECT_EQ(engine.durable_seq(), 0u);
  for (int i = 0; i < 4; ++i) ASSERT_FALSE(Run(engine, Member(i)).rejection);
  ASSERT_FALSE(Run(engine, Offer(1, 0)).rejection);
  EXPECT_EQ(engine.durable_seq(), 5u);

  absl::StatusOr<std::vector<Event>> all = engine.ReadEvents(0, 100);
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->size(), 5u);
  EXPECT_TRUE(std::holds_alternative<OfferPosted>(all->back().body));
  absl::StatusOr<std::vector<Event>> page = engine.ReadEvents(1, 2);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ((*page)[0].seq, 2u);
  EXPECT_EQ((*page)[1].seq, 3u);
  EXPECT_TRUE(engine.ReadEvents(5, 10)->empty());
  EXPECT_TRUE(engine.ReadEvents(500, 10)->empty());

  opened->reset();
  EXPECT_EQ(heard, (std::vector<uint64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(durable_when_heard, 5u);
}

TEST_F(PipelineTest, ReadingEventsNoLongerRetainedIsOutOfRange) {
  {
    std::unique_ptr<Pipeline> engine =
        Open(/*max_batch=*/1, /*snapshot_every=*/20, /*retain=*/5);
    ASSERT_NE(engine, nullptr);
    for (int i = 0; i < 6; ++i) ASSERT_FALSE(Run(*engine, Member(i)).rejection);
    for (int i = 0; i < 40; ++i) ASSERT_FALSE(Run(*engine, Offer(1 + i % 5, i)).rejection);
    // The forked child finishes in its own time; the idle engine collects it within 20 ms.
    for (int waited = 0; engine->snapshots() == 0 && waited < 30'000; ++waited) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ASSERT_GE(engine->snapshots(), 1u);
  }
  std::unique_ptr<Pipeline> engine = Open();
  ASSERT_NE(engine, nullptr);
  absl::StatusOr<std::vector<Event>> old = engine->ReadEvents(0, 10);
  EXPECT_EQ(old.status().code(), absl::StatusCode::kOutOfRange) << old.status();
  absl::StatusOr<std::vector<Event>> recent = engine->ReadEvents(engine->durable_seq() - 3, 10);
  ASSERT_TRUE(recent.ok()) << recent.status();
  EXPECT_EQ(recent->size(), 3u);
}

// Every kind of timer pending at a restart — a bid close with an automatic award, a manual
// award's deadline, an order's expiry and a contract's confirmation — fires after recovery
// exactly as it fires in an engine that never stopped: the same events, the same state. Once
// recovering by replay alone, once from a snapshot with the journal before it pruned.
TEST_F(PipelineTest, TimersPendingAtARestartFireAsIfItNeverHappened) {
  const Instant h = Instant{kNow.unix_ms + 3'600'000};
  auto at = [&](int hours) { return Instant{kNow.unix_ms + hours * (h.unix_ms - kNow.unix_ms)}; };
  std::vector<Command> script;
  for (int i = 0; i < 4; ++i) script.push_back(Member(i));
  PostOffer slow = Offer(1, 0);
  slow.auto_accept = false;
  script.push_back(slow);
  script.push_back(Order(0, 0));  // Matched with the slow offer: waits for confirmation.
  PlaceOrder auto_rfq = Order(2, 1);
  auto_rfq.mode = OrderMode::kRfq;
  auto_rfq.max_unit_price = 0;
  auto_rfq.bids_close_at = at(2);
  script.push_back(auto_rfq);  // Order 1.
  PlaceOrder manual_rfq = Order(0, 2);
  manual_rfq.mode = OrderMode::kRfq;
  manual_rfq.max_unit_price = 0;
  manual_rfq.bids_close_at = at(1);
  manual_rfq.award = AwardMode::kManual;
  manual_rfq.award_by = at(5);
  script.push_back(manual_rfq);  // Order 2.
  script.push_back(
      PlaceBid{{.unit_price = 290'000, .quantity = 5, .lead_days = 3}, MemberId{3}, OrderId{1}});
  script.push_back(
      PlaceBid{{.unit_price = 280'000, .quantity = 6, .lead_days = 3}, MemberId{1}, OrderId{2}});
  PlaceOrder expiring = Order(3, 3);
  expiring.process = "casting";  // Nobody offers casting: it rests until it expires.
  expiring.expires_at = at(3);
  script.push_back(expiring);

  const std::vector<int> ticks = {1, 2, 3, 5, 49};
  TempDir steady_dir;
  std::unique_ptr<Pipeline> steady = OpenAt(steady_dir.path(), 0, 1'000'000);
  ASSERT_NE(steady, nullptr);
  for (const Command& c : script) ASSERT_FALSE(Run(*steady, c).rejection);
  std::vector<std::vector<std::string>> fired;
  std::vector<uint64_t> hashes;
  for (int hour : ticks) {
    Pipeline::Result r = Run(*steady, Tick{}, "", at(hour));
    std::vector<std::string> types;
    for (const Event& e : r.events) types.push_back(EventType(e.body));
    fired.push_back(types);
    hashes.push_back(steady->StateHashNow());
  }
  // Each timer fired once, where it was due.
  EXPECT_THAT(fired[0], ::testing::ElementsAre("order.bidding_closed"));
  EXPECT_THAT(fired[1],
              ::testing::ElementsAre("order.bidding_closed", "contract.created", "order.awarded"));
  EXPECT_THAT(fired[2], ::testing::ElementsAre("order.expired"));
  EXPECT_THAT(fired[3], ::testing::ElementsAre("order.unawarded"));
  EXPECT_THAT(fired[4], ::testing::Contains("contract.lapsed"));

  for (uint64_t snapshot_every : {uint64_t{0}, uint64_t{4}}) {
    TempDir dir;
    {
      std::unique_ptr<Pipeline> first = OpenAt(dir.path(), snapshot_every, 2);
      ASSERT_NE(first, nullptr);
      for (const Command& c : script) ASSERT_FALSE(Run(*first, c).rejection);
    }
    std::unique_ptr<Pipeline> recovered = OpenAt(dir.path(), 0, 1'000'000);
    ASSERT_NE(recovered, nullptr);
    for (size_t i = 0; i < ticks.size(); ++i) {
      Pipeline::Result r = Run(*recovered, Tick{}, "", at(ticks[i]));
      std::vector<std::string> types;
      for (const Event& e : r.events) types.push_back(EventType(e.body));
      EXPECT_EQ(types, fired[i]) << "snapshot_every " << snapshot_every << ", hour " << ticks[i];
      EXPECT_EQ(recovered->StateHashNow(), hashes[i]) << "snapshot_every " << snapshot_every;
    }
    EXPECT_THAT(Violations(*recovered), ::testing::IsEmpty());
  }
}

// --- Idempotency retention. ---

// An engine over a journal the test can also count, with answers kept `retention`.
struct RetainingEngine {
  Journal* journal = nullptr;  // Owned by the engine.
  std::unique_ptr<Pipeline> engine;
};

RetainingEngine OpenRetaining(const std::string& dir, std::shared_ptr<const Taxonomy> taxonomy,
                              std::chrono::milliseconds retention, size_t prune_step) {
  RetainingEngine out;
  absl::StatusOr<std::unique_ptr<Journal>> journal = Journal::Open({.dir = dir});
  EXPECT_TRUE(journal.ok()) << journal.status();
  if (!journal.ok()) return out;
  out.journal = journal->get();
  absl::StatusOr<std::unique_ptr<Pipeline>> e = Pipeline::Open(
      std::move(taxonomy), Params{},
      {.dir = dir, .idempotency_retention = retention, .idempotency_prune_step = prune_step},
      *std::move(journal));
  EXPECT_TRUE(e.ok()) << e.status();
  if (e.ok()) out.engine = *std::move(e);
  return out;
}

Instant Later(std::chrono::milliseconds by) { return Instant{kNow.unix_ms + by.count()}; }

uint64_t Count(const Journal& journal) {
  absl::StatusOr<uint64_t> n = journal.CountIdempotency();
  EXPECT_TRUE(n.ok()) << n.status();
  return n.ok() ? *n : 0;
}

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::milliseconds;

// Expiry is judged by each request's `now`, not by pruning: with pruning off (a step of 0) an
// expired answer is still never replayed.
TEST_F(PipelineTest, AKeyReplaysWithinRetentionAndIsANewRequestAfterIt) {
  RetainingEngine r = OpenRetaining(dir_.path(), taxonomy_, hours(1), /*prune_step=*/0);
  ASSERT_NE(r.engine, nullptr);
  ASSERT_FALSE(Run(*r.engine, Member(0)).rejection);
  Pipeline::Result first = Run(*r.engine, Offer(0, 1), "0/offer", kNow);
  ASSERT_FALSE(first.replayed());
  EXPECT_EQ(first.answer.body, "first 2");
  Pipeline::Result within = Run(*r.engine, Offer(0, 1), "0/offer", Later(minutes(59)));
  EXPECT_TRUE(within.replayed());
  EXPECT_EQ(within.answer.body, "first 2");
  Pipeline::Result after = Run(*r.engine, Offer(0, 1), "0/offer", Later(hours(1)));
  EXPECT_FALSE(after.replayed());
  EXPECT_EQ(after.answer.body, "first 3");  // It ran again: a second offer.
  // The new answer is the one kept from now on, for a retention after its own time.
  Pipeline::Result again = Run(*r.engine, Offer(0, 1), "0/offer", Later(minutes(119)));
  EXPECT_TRUE(again.replayed());
  EXPECT_EQ(again.answer.body, "first 3");
  EXPECT_EQ(r.engine->idempotency_pruned(), 0u);
  EXPECT_EQ(Count(*r.journal), 1u);
}

TEST_F(PipelineTest, ExpiryHoldsAcrossARestart) {
  {
    RetainingEngine r = OpenRetaining(dir_.path(), taxonomy_, hours(1), 0);
    ASSERT_NE(r.engine, nullptr);
    ASSERT_FALSE(Run(*r.engine, Member(0)).rejection);
    ASSERT_EQ(Run(*r.engine, Offer(0, 1), "k", kNow).answer.body, "first 2");
  }
  RetainingEngine r = OpenRetaining(dir_.path(), taxonomy_, hours(1), 0);
  ASSERT_NE(r.engine, nullptr);
  EXPECT_TRUE(Run(*r.engine, Offer(0, 1), "k", Later(minutes(30))).replayed());
  EXPECT_FALSE(Run(*r.engine, Offer(0, 1), "k", Later(minutes(61))).replayed());
}

// A key stored again after expiry, in the batch behind the first or in the same one, replaces
// the old answer; pruning the old one's time never takes the new answer with it.
TEST_F(PipelineTest, PruningRemovesExpiredAnswersInBoundedStepsAndKeepsLiveOnes) {
  RetainingEngine r = OpenRetaining(dir_.path(), taxonomy_, hours(1), /*prune_step=*/10);
  ASSERT_NE(r.engine, nullptr);
  ASSERT_FALSE(Run(*r.engine, Member(0)).rejection);
  for (int i = 0; i < 35; ++i) {
    Run(*r.engine, Offer(0, i), "key-" + std::to_string(i), Later(milliseconds(i)));
  }
  ASSERT_EQ(Count(*r.journal), 35u);
  // key-0 again after its expiry: a new answer, stored at +1h.
  ASSERT_FALSE(Run(*r.engine, Offer(0, 99), "key-0", Later(hours(1))).replayed());
  // Each later batch deletes at most 10 of the 34 left expired by +1h 30ms (the prune follows a
  // batch's replies, so the next request's reply shows it done).
  const Instant t = Later(hours(1) + milliseconds(40));
  std::vector<uint64_t> counts;
  for (int i = 0; i < 5; ++i) {
    Run(*r.engine, Tick{}, "", t);
    Read(*r.engine, [](const State&) { return std::string(); });
    counts.push_back(Count(*r.journal));
  }
  EXPECT_EQ(counts, (std::vector<uint64_t>{25, 15, 5, 1, 1}));
  EXPECT_EQ(r.engine->idempotency_pruned(), 34u);
  // The one left is key-0's new answer, still replayed.
  Pipeline::Result kept = Run(*r.engine, Offer(0, 99), "key-0", Later(minutes(119)));
  EXPECT_TRUE(kept.replayed());
  // And it goes too once expired.
  Run(*r.engine, Tick{}, "", Later(hours(2)));
  Read(*r.engine, [](const State&) { return std::string(); });
  EXPECT_EQ(Count(*r.journal), 0u);
}

// --- The secret keying public ids. ---

TEST_F(PipelineTest, TheIdSecretSurvivesRecoveryAndASnapshotRestore) {
  const std::string secret(kPublicIdSecretBytes, '\x11');
  auto secret_of = [](Pipeline& e) {
    return Read(e, [](const State& s) { return s.public_id_secret(); });
  };
  {
    std::unique_ptr<Pipeline> engine = Open();
    ASSERT_NE(engine, nullptr);
    ASSERT_FALSE(Run(*engine, KeyPublicIds{kOperator, secret}).rejection);
    for (int i = 0; i < 3; ++i) ASSERT_FALSE(Run(*engine, Member(i)).rejection);
  }
  {
    std::unique_ptr<Pipeline> engine = Open();  // Recovery from the journal alone.
    ASSERT_NE(engine, nullptr);
    EXPECT_EQ(engine->replayed_events(), 4u);
    EXPECT_EQ(secret_of(*engine), secret);
  }
  {
    // Snapshots every 2 events, keeping none before them: the ids.keyed event is pruned.
    std::unique_ptr<Pipeline> engine = Open(1024, 2, 0);
    ASSERT_NE(engine, nullptr);
    for (int i = 3; i < 8; ++i) ASSERT_FALSE(Run(*engine, Member(i)).rejection);
  }
  std::unique_ptr<Pipeline> engine = Open(1024, 2, 0);
  ASSERT_NE(engine, nullptr);
  EXPECT_LT(engine->replayed_events(), 9u);
  EXPECT_EQ(secret_of(*engine), secret);
}

}  // namespace
}  // namespace subex
