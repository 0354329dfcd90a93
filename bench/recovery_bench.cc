// recovery_bench — what durability costs (PRODUCT §8):
//
//   1. Recovery: 1,000,000 journalled events (offers posted, orders placed, contracts made, drawn
//      from BenchWorld) read back from RocksDB and applied to a fresh engine. Bar: ≤ 1 s. Then
//      the engine thread's stall for a snapshot of that state, and a restart from the snapshot
//      (with the page cache emptied first when the process may: it takes root). Bar: ≤ 1 s.
//   2. Durable throughput: commands/s through Pipeline with every batch synced (sync=true),
//      against the batch size cap (1, 16, 256, 1024), with client threads keeping many commands
//      in flight, as an HTTP front end under load would.
//
// Data directories live under /tmp and are removed afterwards. Prints plain numbers.
//
//   3. With `restart`: a restart from a snapshot of 1,000,000 open offers, each in a fresh
//      process as a real restart is (its heap cold), with the allocator tuned as `subexd` tunes
//      it. Bar: ≤ 1 s. Then trading on that state with a snapshot every 40,000 events, and the
//      engine thread's stall for each, with and without gathering the huge pages after each.
//
//   recovery_bench [events=1000000] [seconds per batch size=3] [client threads=4]
//   recovery_bench restart [open offers=1000000]

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cinttypes>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bench/world.h"
#include "engine/engine.h"
#include "engine/state_hash.h"
#include "pipeline/pipeline.h"
#include "storage/journal.h"

namespace subex {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "recovery bench: %s\n", what.c_str());
  std::exit(1);
}

void Check(const absl::Status& s, const char* what) {
  if (!s.ok()) Die(std::string(what) + ": " + s.ToString());
}

// The CPU the process has used, all threads, and its peak resident size. On a virtual machine
// the system time shows the cost of fresh memory, which the host may take back when unused.
struct CpuTimes {
  double user = 0, system = 0;
  long max_resident_mb = 0;
  CpuTimes operator-(const CpuTimes& o) const {
    return {user - o.user, system - o.system, max_resident_mb};
  }
};

CpuTimes ProcessCpu() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto secs = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return {secs(usage.ru_utime), secs(usage.ru_stime), usage.ru_maxrss / 1024};
}

// The members of the world's engine as the commands that would register them again, in id
// order, so that another engine fed them gives every member the same id.
std::vector<RegisterMember> MemberCommands(const State& state) {
  std::vector<RegisterMember> out;
  for (const Member& m : state.members()) {
    RegisterMember r{{.name = m.name, .region = m.region, .location = m.location, .roles = m.roles},
                     kOperator,
                     m.inn,
                     {},
                     {}};
    for (ProcessId p : m.processes) r.processes.push_back(state.taxonomy().node(p).code);
    for (auto n : m.certifications) r.certifications.push_back(state.names().name(n));
    out.push_back(std::move(r));
  }
  return out;
}

Command RandomCommand(BenchWorld& world) {
  if (std::uniform_int_distribution<int>(0, 9)(world.rng()) < 6) return world.RandomOffer();
  return world.RandomOrder();
}

// Journals the events of `world`'s generators until `enough` holds, in batches of 1,000 (not
// synced: this only prepares the data). Returns the hash of the state they make.
template <typename Next, typename Enough>
uint64_t WriteJournal(const std::string& dir, Next next, Enough enough, uint64_t* events_written) {
  std::unique_ptr<BenchWorld> world = BenchWorld::Build(0, /*seed=*/7);
  Engine engine(world->engine().state().shared_taxonomy(), Params{});
  absl::StatusOr<std::unique_ptr<Journal>> journal = Journal::Open({.dir = dir, .sync = false});
  if (!journal.ok()) Die(journal.status().ToString());
  std::vector<Event> batch;
  auto run = [&](const Command& c) {
    Engine::Outcome out = engine.Execute(c, world->now());
    batch.insert(batch.end(), out.events.begin(), out.events.end());
    if (batch.size() >= 1'000) {
      Check((*journal)->Append(batch, {}), "append");
      batch.clear();
    }
  };
  for (const RegisterMember& r : MemberCommands(world->engine().state())) run(r);
  while (!enough(engine.state())) run(next(*world));
  Check((*journal)->Append(batch, {}), "append");
  *events_written = engine.state().last_seq();
  return StateHash(engine.state());
}

// Empties the page cache, so that the next start reads the snapshot and the journal from the
// disk; says whether it could (it takes root).
bool DropPageCache() {
  sync();
  std::FILE* f = std::fopen("/proc/sys/vm/drop_caches", "w");
  if (f == nullptr) return false;
  const bool written = std::fputs("3\n", f) >= 0;
  return std::fclose(f) == 0 && written;
}

// The engine thread forks a snapshot of the recovered state (`last_snapshot_stall_us` is how long
// that held it up); then the engine restarts from that snapshot, with the page cache warm and,
// where allowed, emptied first.
void SnapshotAndRestart(const std::string& dir, const std::shared_ptr<const Taxonomy>& taxonomy) {
  uint64_t hash = 0;
  {
    absl::StatusOr<std::unique_ptr<Pipeline>> durable = Pipeline::Open(
        taxonomy, Params{}, {.dir = dir, .snapshot_every_events = 1, .retain_events = 1ull << 62});
    if (!durable.ok()) Die(durable.status().ToString());
    Pipeline& engine = **durable;
    std::promise<void> done;
    engine.Submit({.command = Tick{},
                   .now = BenchWorld::Build(0, 7)->now(),
                   .idempotency = {},
                   .render = {},
                   .reply = [&done](Pipeline::Result) { done.set_value(); }});
    done.get_future().wait();
    const Clock::time_point start = Clock::now();
    while (engine.snapshots() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    std::printf(
        "snapshot of the recovered state: engine thread held up %.2f ms (fork); written "
        "by the child within %.0f ms after the tick was answered\n",
        static_cast<double>(engine.last_snapshot_stall_us()) / 1e3,
        Seconds(Clock::now() - start) * 1e3);
    hash = engine.StateHashNow();
  }
  for (int run = 1; run <= 4; ++run) {
    const bool cold = run > 2 && DropPageCache();
    const Clock::time_point start = Clock::now();
    absl::StatusOr<std::unique_ptr<Pipeline>> durable =
        Pipeline::Open(taxonomy, Params{}, {.dir = dir});
    if (!durable.ok()) Die(durable.status().ToString());
    const double open = Seconds(Clock::now() - start);
    if ((*durable)->StateHashNow() != hash) Die("the state restarted from the snapshot differs");
    std::printf("restart from the snapshot, run %d (%s): Pipeline::Open %.3f s\n", run,
                run <= 2 ? "page cache warm"
                : cold   ? "page cache emptied"
                         : "page cache not emptied",
                open);
  }
}

void RecoveryBench(size_t target) {
  const std::string dir = "/tmp/subex-recovery-bench";
  fs::remove_all(dir);
  uint64_t events = 0;
  const Clock::time_point t0 = Clock::now();
  const uint64_t hash = WriteJournal(
      dir, RandomCommand, [target](const State& s) { return s.last_seq() >= target; }, &events);
  std::printf("journal: %llu events written in %.1f s, %.1f MB on disk\n",
              static_cast<unsigned long long>(events), Seconds(Clock::now() - t0),
              static_cast<double>([&] {
                uintmax_t bytes = 0;
                for (const auto& e : fs::recursive_directory_iterator(dir)) {
                  if (e.is_regular_file()) bytes += e.file_size();
                }
                return bytes;
              }()) /
                  1e6);

  std::shared_ptr<const Taxonomy> taxonomy =
      BenchWorld::Build(0, 7)->engine().state().shared_taxonomy();
  for (int run = 1; run <= 3; ++run) {
    // Read and decode only.
    absl::StatusOr<std::unique_ptr<Journal>> journal = Journal::Open({.dir = dir});
    if (!journal.ok()) Die(journal.status().ToString());
    uint64_t n = 0;
    Clock::time_point start = Clock::now();
    Check((*journal)->Replay(0,
                             [&](const Event&) {
                               ++n;
                               return absl::OkStatus();
                             }),
          "replay");
    const double read = Seconds(Clock::now() - start);
    journal->reset();

    // What start-up does: open the journal, replay into a fresh engine.
    start = Clock::now();
    absl::StatusOr<std::unique_ptr<Journal>> reopened = Journal::Open({.dir = dir});
    if (!reopened.ok()) Die(reopened.status().ToString());
    Engine engine(taxonomy, Params{});
    Check((*reopened)->Replay(0,
                              [&](const Event& e) {
                                engine.Replay(e);
                                return absl::OkStatus();
                              }),
          "replay");
    const double total = Seconds(Clock::now() - start);
    if (StateHash(engine.state()) != hash) Die("the replayed state differs");
    reopened->reset();

    // Start-up itself, through Pipeline::Open.
    const CpuTimes cpu_before = ProcessCpu();
    start = Clock::now();
    absl::StatusOr<std::unique_ptr<Pipeline>> durable =
        Pipeline::Open(taxonomy, Params{}, {.dir = dir});
    if (!durable.ok()) Die(durable.status().ToString());
    const double open = Seconds(Clock::now() - start);
    const CpuTimes cpu = ProcessCpu() - cpu_before;
    if ((*durable)->StateHashNow() != hash) Die("the recovered state differs");
    durable->reset();
    std::printf(
        "recovery run %d: Pipeline::Open of %llu events: %.3f s (%.2f M events/s); CPU of "
        "the process meanwhile %.2f s user, %.2f s system\n",
        run, static_cast<unsigned long long>(n), open, static_cast<double>(n) / open / 1e6,
        cpu.user, cpu.system);
    std::printf(
        "recovery run %d: %llu events: read+decode %.3f s (%.2f M events/s); open+replay into a "
        "fresh engine %.3f s (%.2f M events/s); %zu open offers, %zu contracts\n",
        run, static_cast<unsigned long long>(n), read, static_cast<double>(n) / read / 1e6, total,
        static_cast<double>(n) / total / 1e6, engine.state().offer_book().size(),
        engine.state().contracts().size());
  }
  SnapshotAndRestart(dir, taxonomy);
  fs::remove_all(dir);
}

// The child of RestartBench: opens the engine on `dir`, in this fresh process, and prints how
// long that took. Exits 1 if the state differs from `hash`.
int OpenInFreshProcess(const std::string& dir, uint64_t hash) {
  std::shared_ptr<const Taxonomy> taxonomy =
      BenchWorld::Build(0, 7)->engine().state().shared_taxonomy();
  const Clock::time_point start = Clock::now();
  absl::StatusOr<std::unique_ptr<Journal>> journal = Journal::Open({.dir = dir});
  if (!journal.ok()) Die(journal.status().ToString());
  const double rocks = Seconds(Clock::now() - start);
  absl::StatusOr<std::unique_ptr<Pipeline>> durable =
      Pipeline::Open(taxonomy, Params{}, {}, *std::move(journal));
  if (!durable.ok()) Die(durable.status().ToString());
  const double open = Seconds(Clock::now() - start);
  if ((*durable)->StateHashNow() != hash) Die("the state restarted from the snapshot differs");
  std::promise<std::string> offers;
  (*durable)->Query([](const State& s) { return std::to_string(s.offer_book().size()); },
                    [&offers](absl::StatusOr<std::string> r) { offers.set_value(*r); });
  // System time here is chiefly the kernel handing the process fresh memory.
  const CpuTimes cpu = ProcessCpu();
  std::printf(
      "%.3f s (RocksDB %.3f s, the state %.3f s), %s open offers; the process so far: %.2f s "
      "user, %.2f s system CPU, %ld MB resident\n",
      open, rocks, open - rocks, offers.get_future().get().c_str(), cpu.user, cpu.system,
      cpu.max_resident_mb);
  return 0;
}

// The child of RestartBench's last step: opens the engine on `dir` with a snapshot every
// `every` events, and trades through it (offers and orders, 256 in flight, every batch synced)
// until `snapshots` snapshots are written, printing the engine thread's stall for each.
int SnapshotsInFreshProcess(const std::string& dir, bool collapse) {
  constexpr uint64_t kEvery = 40'000;
  constexpr uint64_t kSnapshots = 5;
  std::unique_ptr<BenchWorld> world = BenchWorld::Build(0, 7);
  absl::StatusOr<std::unique_ptr<Pipeline>> durable =
      Pipeline::Open(world->engine().state().shared_taxonomy(), Params{},
                          {.dir = dir,
                           .snapshot_every_events = kEvery,
                           .retain_events = 1ull << 62,
                           .collapse_huge_pages = collapse});
  if (!durable.ok()) Die(durable.status().ToString());
  Pipeline& engine = **durable;
  std::mutex mu;
  std::condition_variable room;
  int in_flight = 0;
  std::vector<double> stalls;
  uint64_t seen = engine.snapshots();
  while (stalls.size() < kSnapshots) {
    {
      std::unique_lock<std::mutex> lock(mu);
      room.wait(lock, [&] { return in_flight < 256; });
      ++in_flight;
    }
    engine.Submit({.command = RandomCommand(*world),
                   .now = world->now(),
                   .idempotency = {},
                   .render = {},
                   .reply = [&](Pipeline::Result r) {
                     if (!r.status.ok()) Die(r.status.ToString());
                     std::lock_guard<std::mutex> lock(mu);
                     --in_flight;
                     room.notify_one();
                   }});
    if (engine.snapshots() != seen) {
      seen = engine.snapshots();
      stalls.push_back(static_cast<double>(engine.last_snapshot_stall_us()) / 1e3);
    }
  }
  std::unique_lock<std::mutex> lock(mu);
  room.wait(lock, [&] { return in_flight == 0; });
  std::printf("collapse_huge_pages %s, a snapshot every %llu events, stalls:",
              collapse ? "on " : "off", static_cast<unsigned long long>(kEvery));
  for (double s : stalls) std::printf(" %.2f", s);
  std::printf(" ms\n");
  return 0;
}

// Runs this binary again as `self mode dir arg` in a new process, and waits for it to succeed.
void RunSelf(const char* self, const char* mode, const std::string& dir, const char* arg) {
  const pid_t pid = fork();
  if (pid == 0) {
    execl(self, self, mode, dir.c_str(), arg, static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
      WEXITSTATUS(status) != 0) {
    Die(std::string("the new process (") + mode + ") failed");
  }
}

// A restart from a snapshot of `offers` open offers (and nothing to replay after it), each run
// in a new process started from this binary, as `subexd` starts: with the allocator's huge pages
// and 64 MB heap steps unless GLIBC_TUNABLES says otherwise. Runs 3 and 4 empty the page cache
// first where the process may.
void RestartBench(size_t offers, const char* self) {
  const std::string dir = "/tmp/subex-restart-bench";
  fs::remove_all(dir);
  uint64_t events = 0;
  const Clock::time_point t0 = Clock::now();
  const uint64_t hash = WriteJournal(
      dir, [](BenchWorld& w) -> Command { return w.RandomOffer(); },
      [offers](const State& s) { return s.offer_book().size() >= offers; }, &events);
  {
    std::shared_ptr<const Taxonomy> taxonomy =
        BenchWorld::Build(0, 7)->engine().state().shared_taxonomy();
    absl::StatusOr<std::unique_ptr<Pipeline>> durable =
        Pipeline::Open(taxonomy, Params{}, {.dir = dir, .snapshot_on_close = true});
    if (!durable.ok()) Die(durable.status().ToString());
  }
  std::printf("restart: %llu events journalled and snapshotted in %.1f s\n",
              static_cast<unsigned long long>(events), Seconds(Clock::now() - t0));
  if (std::getenv("GLIBC_TUNABLES") == nullptr) {
    setenv("GLIBC_TUNABLES", "glibc.malloc.hugetlb=1:glibc.malloc.top_pad=67108864", 1);
  }
  std::printf("restart: GLIBC_TUNABLES=%s\n", std::getenv("GLIBC_TUNABLES"));
  std::fflush(stdout);
  char hash_text[32];
  std::snprintf(hash_text, sizeof hash_text, "%" PRIx64, hash);
  for (int run = 1; run <= 4; ++run) {
    const bool cold = run > 2 && DropPageCache();
    std::printf("restart from the snapshot, run %d (%s), new process: Pipeline::Open ", run,
                run <= 2 ? "page cache warm"
                : cold   ? "page cache emptied"
                         : "page cache not emptied");
    std::fflush(stdout);
    RunSelf(self, "open-snapshot", dir, hash_text);
  }
  // Then trade on the restarted state with periodic snapshots, the huge pages gathered again
  // after each child or not.
  for (const char* collapse : {"0", "1"}) RunSelf(self, "snapshots", dir, collapse);
  fs::remove_all(dir);
}

// Closed-loop clients: each keeps `window` commands in flight until time is up.
void ThroughputBench(size_t max_batch, double seconds, int threads) {
  const std::string dir = "/tmp/subex-durable-bench";
  fs::remove_all(dir);
  std::unique_ptr<BenchWorld> world = BenchWorld::Build(0, /*seed=*/11);
  std::vector<Command> commands;
  for (const RegisterMember& r : MemberCommands(world->engine().state())) commands.push_back(r);
  const size_t setup = commands.size();
  for (size_t i = 0; i < 400'000; ++i) commands.push_back(RandomCommand(*world));

  absl::StatusOr<std::unique_ptr<Pipeline>> opened =
      Pipeline::Open(world->engine().state().shared_taxonomy(), Params{},
                          {.dir = dir, .max_batch = max_batch, .sync = true});
  if (!opened.ok()) Die(opened.status().ToString());
  Pipeline& engine = **opened;
  const Instant now = world->now();
  {
    std::atomic<size_t> left{setup};
    std::mutex mu;
    std::condition_variable done;
    for (size_t i = 0; i < setup; ++i) {
      engine.Submit({.command = commands[i],
                     .now = now,
                     .idempotency = {},
                     .render = {},
                     .reply = [&](Pipeline::Result r) {
                       if (!r.status.ok() || r.rejection) Die("set-up was refused");
                       if (left.fetch_sub(1) == 1) {
                         std::lock_guard<std::mutex> lock(mu);
                         done.notify_all();
                       }
                     }});
    }
    std::unique_lock<std::mutex> lock(mu);
    done.wait(lock, [&] { return left.load() == 0; });
  }

  constexpr int kWindow = 256;
  std::atomic<size_t> next{setup};
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> answered{0};
  const uint64_t batches_before = engine.batches();
  const uint64_t requests_before = engine.requests();
  std::vector<std::vector<double>> latencies(static_cast<size_t>(threads));
  std::vector<std::thread> clients;
  const Clock::time_point start = Clock::now();
  for (int t = 0; t < threads; ++t) {
    clients.emplace_back([&, t] {
      std::mutex mu;
      std::condition_variable room;
      int in_flight = 0;
      std::vector<double>& lat = latencies[static_cast<size_t>(t)];
      while (!stop.load()) {
        {
          std::unique_lock<std::mutex> lock(mu);
          room.wait(lock, [&] { return in_flight < kWindow; });
          ++in_flight;
        }
        const size_t i = next.fetch_add(1);
        const Clock::time_point sent = Clock::now();
        engine.Submit({.command = commands[i % commands.size()],
                       .now = now,
                       .idempotency = {.key = "bench-" + std::to_string(i)},
                       .render = {},
                       .reply = [&, sent](Pipeline::Result r) {
                         if (!r.status.ok()) Die(r.status.ToString());
                         answered.fetch_add(1);
                         std::lock_guard<std::mutex> lock(mu);
                         lat.push_back(Seconds(Clock::now() - sent) * 1e3);
                         --in_flight;
                         room.notify_one();
                       }});
      }
      std::unique_lock<std::mutex> lock(mu);
      room.wait(lock, [&] { return in_flight == 0; });
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  const uint64_t in_time = answered.load();
  const double elapsed = Seconds(Clock::now() - start);
  stop = true;
  for (std::thread& c : clients) c.join();
  const uint64_t batches = engine.batches() - batches_before;
  const uint64_t requests = engine.requests() - requests_before;
  std::vector<double> all;
  for (const auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) {
    return all.empty() ? 0.0 : all[static_cast<size_t>(p * (all.size() - 1))];
  };
  std::printf(
      "durable, max_batch %4zu, %d clients x %d in flight: %8.0f commands/s, %.1f commands per "
      "synced write, latency p50 %.2f ms p99 %.2f ms\n",
      max_batch, threads, kWindow, static_cast<double>(in_time) / elapsed,
      static_cast<double>(requests) / static_cast<double>(std::max<uint64_t>(batches, 1)), pct(0.5),
      pct(0.99));
  opened->reset();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace subex

int main(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "restart") {
    const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
    subex::RestartBench(argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1'000'000,
                        self.c_str());
    return 0;
  }
  if (argc == 4 && std::string(argv[1]) == "snapshots") {
    return subex::SnapshotsInFreshProcess(argv[2], std::string(argv[3]) == "1");
  }
  if (argc == 4 && std::string(argv[1]) == "open-snapshot") {
    return subex::OpenInFreshProcess(argv[2], std::strtoull(argv[3], nullptr, 16));
  }
  const size_t events = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1'000'000;
  const double seconds = argc > 2 ? std::atof(argv[2]) : 3.0;
  const int threads = argc > 3 ? std::atoi(argv[3]) : 4;
  subex::RecoveryBench(events);
  for (size_t max_batch : {1, 16, 256, 1024}) {
    subex::ThroughputBench(max_batch, seconds, threads);
  }
  return 0;
}
