// subex_crash_child — the process that tests/crash_test.cc kills. It opens a Pipeline on a
// data directory (recovering whatever an earlier, killed run left, from its newest snapshot),
// makes sure the exchange's members exist exactly once, then drives the engine from a few threads
// with random commands until it is killed, a snapshot being written every few hundred events.
// Each command carries a unique idempotency key; each answer the engine
// releases is appended to the ack log as one line, "key answer", with one write() to an
// O_APPEND descriptor, so a line the kernel has taken survives SIGKILL.
//
// The answer (the idempotency record's value) is "first:count" for a command that caused events
// (the seq of its first event and how many), "rejected" or "none" otherwise.
//
//   subex_crash_child <data dir> <ack log> <cycle> <ready fd>
//
// Once recovery and set-up are done the child writes one byte to <ready fd>. It exits non-zero
// only when something is wrong (recovery fails, the state breaks an invariant, the members are
// not what set-up made), and the parent fails the test on that.

#include <fcntl.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "config/config.h"
#include "engine/civil_time.h"
#include "engine/inn.h"
#include "engine/invariants.h"
#include "engine/taxonomy.h"
#include "pipeline/pipeline.h"

namespace subex {
namespace {

[[noreturn]] void Die(const std::string& what, int code) {
  std::fprintf(stderr, "crash child: %s\n", what.c_str());
  std::fflush(stderr);
  _exit(code);
}

// The exchange the child trades on: the shipped taxonomy and ten plants of central Russia, each
// both customer and supplier of every branch, close enough to each other to trade.
constexpr uint32_t kMembers = 10;
constexpr GeoPoint kPlaces[] = {{52.60, 39.57}, {51.66, 39.20}, {55.76, 37.62}, {54.19, 37.62},
                                {52.97, 36.06}, {54.63, 39.69}, {51.73, 36.19}, {52.72, 41.45},
                                {53.25, 34.37}, {54.53, 36.28}};

// Snapshots come often, so that kills land while a forked child is writing one and recovery
// starts from them; nothing is pruned, so that the parent can check the whole journal.
constexpr uint64_t kSnapshotEveryEvents = 500;
constexpr uint64_t kRetainEvents = uint64_t{1} << 62;

// Exchange time: each cycle starts six hours after the one before, so timers fire across runs.
Instant CycleStart(int cycle) {
  return Instant{ParseInstant("2026-11-23T09:00:00Z")->unix_ms + int64_t{cycle} * 6 * 3'600'000};
}

struct World {
  std::shared_ptr<const Taxonomy> taxonomy;
  std::vector<std::string> branches;  // Top-level codes.
  std::vector<std::string> nodes;     // Every code.
};

World MakeWorld() {
  absl::StatusOr<Taxonomy> t = LoadTaxonomy(SUBEX_SOURCE_DIR "/config/processes.toml");
  if (!t.ok()) Die("cannot load the taxonomy: " + t.status().ToString(), 2);
  World w;
  w.taxonomy = std::make_shared<const Taxonomy>(*std::move(t));
  for (const ProcessNode& n : w.taxonomy->nodes()) {
    w.nodes.push_back(n.code);
    if (n.depth == 0) w.branches.push_back(n.code);
  }
  return w;
}

RegisterMember Member(const World& w, uint32_t i) {
  return RegisterMember{{.name = "Plant " + std::to_string(i),
                         .region = "RU-CEN",
                         .location = kPlaces[i],
                         .roles = kRoleCustomer | kRoleSupplier},
                        kOperator,
                        CompanyInn(std::to_string(470'000'000 + i)),
                        w.branches,
                        {}};
}

std::string Render(const Pipeline::Result& r) {
  if (r.rejection) return "rejected";
  if (r.events.empty()) return "none";
  return std::to_string(r.events.front().seq) + ":" + std::to_string(r.events.size());
}

// Runs one command and waits for its answer.
Pipeline::Result RunNow(Pipeline& engine, Command command, Instant now, std::string key) {
  std::promise<Pipeline::Result> done;
  engine.Submit({.command = std::move(command),
                 .now = now,
                 .idempotency = {.key = std::move(key)},
                 .render = [](const Pipeline::Result& r,
                              const State&) { return CommandAnswer{.body = Render(r)}; },
                 .reply = [&done](Pipeline::Result r) { done.set_value(std::move(r)); }});
  return done.get_future().get();
}

template <typename T>
T ReadState(Pipeline& engine, std::function<T(const State&)> read) {
  std::promise<T> value;
  engine.Query(
      [&](const State& s) {
        value.set_value(read(s));
        return std::string();
      },
      [](absl::StatusOr<std::string>) {});
  return value.get_future().get();
}

// Ids the drivers have seen created, to aim cancels and withdrawals at real objects.
struct Known {
  std::mutex mu;
  std::vector<std::pair<uint32_t, uint32_t>> orders;  // (order, customer)
  std::vector<std::pair<uint32_t, uint32_t>> offers;  // (offer, supplier)
};

class Driver {
 public:
  Driver(const World& world, Pipeline& engine, int ack_fd, int cycle, int thread, Known& known)
      : world_(world),
        engine_(engine),
        ack_fd_(ack_fd),
        cycle_(cycle),
        thread_(thread),
        known_(known),
        rng_(static_cast<uint64_t>(cycle) * 1000 + static_cast<uint64_t>(thread)) {}

  // Submits commands forever, keeping up to `kWindow` waiting for their answers.
  [[noreturn]] void Run() {
    constexpr int kWindow = 24;
    for (uint64_t m = 0;; ++m) {
      {
        std::unique_lock<std::mutex> lock(mu_);
        open_.wait(lock, [this] { return in_flight_ < kWindow; });
        ++in_flight_;
      }
      Submit(m);
    }
  }

 private:
  void Submit(uint64_t m) {
    const int64_t step = static_cast<int64_t>(clock_.fetch_add(1));
    const Instant now{CycleStart(cycle_).unix_ms +
                      step * 1'000};  // A second of exchange time each.
    std::string key = "cycle-" + std::to_string(cycle_) + "-t" + std::to_string(thread_) + "-cmd-" +
                      std::to_string(m);
    Command command = Next(now);
    engine_.Submit(
        {.command = std::move(command),
         .now = now,
         .idempotency = {.key = key},
         .render = [](const Pipeline::Result& r,
                      const State&) { return CommandAnswer{.body = Render(r)}; },
         .reply = [this, key](Pipeline::Result r) { Acknowledge(key, r); }});
  }

  // Runs on the journal thread, once the answer is durable.
  void Acknowledge(const std::string& key, const Pipeline::Result& r) {
    if (r.status.ok()) {
      std::string line = key + " " + r.answer.body + "\n";
      if (write(ack_fd_, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
        Die("cannot write the ack log", 5);
      }
      Remember(r);
    } else {
      Die("the engine answered " + r.status.ToString(), 6);
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      --in_flight_;
    }
    open_.notify_one();
  }

  void Remember(const Pipeline::Result& r) {
    std::lock_guard<std::mutex> lock(known_.mu);
    for (const Event& e : r.events) {
      if (const auto* o = std::get_if<OrderPlaced>(&e.body)) {
        known_.orders.push_back({o->order.value, o->customer.value});
      } else if (const auto* o = std::get_if<OfferPosted>(&e.body)) {
        known_.offers.push_back({o->offer.value, o->supplier.value});
      }
    }
  }

  int64_t Uniform(int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng_);
  }

  const std::string& Pick(const std::vector<std::string>& from) {
    return from[static_cast<size_t>(Uniform(0, static_cast<int64_t>(from.size()) - 1))];
  }

  Command Next(Instant now) {
    const Day today = DayOf(now);
    const int64_t roll = Uniform(0, 99);
    if (roll < 40) {
      PostOffer c;
      c.by = MemberId{static_cast<uint32_t>(Uniform(0, kMembers - 1))};
      c.process = Pick(Uniform(0, 1) == 0 ? world_.branches : world_.nodes);
      c.daily_capacity = static_cast<int32_t>(Uniform(1, 12));
      c.from = today + static_cast<int32_t>(Uniform(0, 15));
      c.to = c.from + static_cast<int32_t>(Uniform(0, 30));
      c.unit_price = Uniform(100, 400) * 1'000;
      c.min_lot = Uniform(0, 4) == 0 ? Uniform(2, 6) : 1;
      return c;
    }
    if (roll < 85) {
      PlaceOrder c;
      c.by = MemberId{static_cast<uint32_t>(Uniform(0, kMembers - 1))};
      c.title = "Parts";
      c.process = Pick(Uniform(0, 2) != 0 ? world_.branches : world_.nodes);
      c.quantity = Uniform(1, 80);
      c.start = today + static_cast<int32_t>(Uniform(0, 10));
      c.due = c.start + static_cast<int32_t>(Uniform(3, 40));
      c.max_unit_price = Uniform(150, 450) * 1'000;
      if (Uniform(0, 3) == 0) c.min_lot = Uniform(2, 10);
      return c;
    }
    if (roll < 97) {
      std::lock_guard<std::mutex> lock(known_.mu);
      const bool cancel = roll < 92;
      auto& ids = cancel ? known_.orders : known_.offers;
      if (!ids.empty()) {
        auto [id, owner] =
            ids[static_cast<size_t>(Uniform(0, static_cast<int64_t>(ids.size()) - 1))];
        // Now and then by someone else, which the engine must refuse.
        MemberId by{Uniform(0, 9) == 0 ? (owner + 1) % kMembers : owner};
        if (cancel) return CancelOrder{.by = by, .order = OrderId{id}};
        return WithdrawOffer{.by = by, .offer = OfferId{id}};
      }
    }
    return Tick{};
  }

  const World& world_;
  Pipeline& engine_;
  const int ack_fd_;
  const int cycle_;
  const int thread_;
  Known& known_;
  std::mt19937_64 rng_;
  std::mutex mu_;
  std::condition_variable open_;
  int in_flight_ = 0;
  static std::atomic<uint64_t> clock_;
};

std::atomic<uint64_t> Driver::clock_{0};

int Main(int argc, char** argv) {
  if (argc != 5) Die("usage: subex_crash_child <data dir> <ack log> <cycle> <ready fd>", 2);
  prctl(PR_SET_PDEATHSIG, SIGKILL);  // Never outlive the test.
  const std::string dir = argv[1];
  const int cycle = std::atoi(argv[3]);
  const int ready_fd = std::atoi(argv[4]);
  const int ack_fd = open(argv[2], O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (ack_fd < 0) Die("cannot open the ack log", 2);

  const World world = MakeWorld();
  absl::StatusOr<std::unique_ptr<Pipeline>> opened =
      Pipeline::Open(world.taxonomy, Params{},
                          {.dir = dir,
                           .max_batch = 256,
                           .snapshot_every_events = kSnapshotEveryEvents,
                           .retain_events = kRetainEvents,
                           // Every start replays the set-up's keys, cycles of exchange time
                           // after they were stored: they must not expire within the test.
                           .idempotency_retention = std::chrono::hours(24 * 365)});
  if (!opened.ok()) Die("recovery failed: " + opened.status().ToString(), 3);
  Pipeline& engine = **opened;

  std::vector<std::string> broken = ReadState<std::vector<std::string>>(
      engine, [](const State& s) { return CheckInvariants(s); });
  if (!broken.empty()) Die("the recovered state breaks an invariant: " + broken.front(), 4);

  // Set-up, repeated on every start: the keys make it happen once.
  for (uint32_t i = 0; i < kMembers; ++i) {
    Pipeline::Result r =
        RunNow(engine, Member(world, i), CycleStart(0), "setup-member-" + std::to_string(i));
    if (!r.status.ok() || r.answer.body != std::to_string(i + 1) + ":1") {
      Die("set-up of member " + std::to_string(i) + " answered " + r.status.ToString() + " " +
              r.answer.body,
          4);
    }
  }
  const size_t members =
      ReadState<size_t>(engine, [](const State& s) { return s.members().size(); });
  if (members != kMembers) Die("members: " + std::to_string(members), 4);

  if (write(ready_fd, "R", 1) != 1) Die("cannot signal readiness", 2);
  close(ready_fd);

  Known known;
  constexpr int kThreads = 3;
  std::vector<std::unique_ptr<Driver>> drivers;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    drivers.push_back(std::make_unique<Driver>(world, engine, ack_fd, cycle, t, known));
    threads.emplace_back([d = drivers.back().get()] { d->Run(); });
  }
  // Runs until killed; a parent that forgot is covered by PDEATHSIG and this.
  sleep(300);
  _exit(7);
}

}  // namespace
}  // namespace subex

int main(int argc, char** argv) { return subex::Main(argc, argv); }
