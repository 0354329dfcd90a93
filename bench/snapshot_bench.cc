// Snapshot benchmarks (storage/snapshot.h) on a book of 1,000,000 open offers, or of
// SUBEX_BENCH_OFFERS (PRODUCT §8: a restart from a snapshot of a million open offers within a
// second):
//
//   BM_EncodeSnapshot   the whole state into one buffer; `bytes` and `bytes_per_offer` counters
//   BM_RestoreSnapshot  decoding it and rebuilding every index (State::Restore), then checking
//                       the record invariants, as DecodeSnapshot does
//   BM_CheckRecordInvariants  that last check alone (engine/invariants.h)
//   BM_ForkedSnapshot   the engine thread's stall when a forked child writes the snapshot
//
//   build/bench/snapshot_bench
//
// Each runs a few times and reports the median. The world (bench/world.h, seed 42) is built once.

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "bench/world.h"
#include "benchmark/benchmark.h"
#include "engine/invariants.h"
#include "engine/state_hash.h"
#include "storage/snapshot.h"
#include "pipeline/huge_pages.h"
#include "storage/snapshot_files.h"

namespace subex {
namespace {

using Clock = std::chrono::steady_clock;

double Micros(Clock::duration d) { return std::chrono::duration<double, std::micro>(d).count(); }

BenchWorld& World() {
  static std::unique_ptr<BenchWorld> world = BenchWorld::Build(BenchWorld::OffersFromEnvironment(), /*seed=*/42);
  return *world;
}

const std::string& Encoded() {
  static const std::string bytes = [] {
    std::string out;
    EncodeSnapshot(World().engine().state(), out);
    return out;
  }();
  return bytes;
}

void BM_EncodeSnapshot(benchmark::State& bm) {
  const State& state = World().engine().state();
  std::string out;
  for (auto _ : bm) {
    out.clear();
    EncodeSnapshot(state, out);
    benchmark::DoNotOptimize(out.data());
  }
  bm.counters["open_offers"] = static_cast<double>(state.offer_book().size());
  bm.counters["bytes"] = static_cast<double>(out.size());
  bm.counters["bytes_per_offer"] =
      static_cast<double>(out.size()) / static_cast<double>(state.offers().size());
}
BENCHMARK(BM_EncodeSnapshot)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->Repetitions(5)
    ->DisplayAggregatesOnly(true);

void BM_RestoreSnapshot(benchmark::State& bm) {
  const State& live = World().engine().state();
  const std::string& bytes = Encoded();
  std::unique_ptr<State> restored;
  for (auto _ : bm) {
    absl::StatusOr<std::unique_ptr<State>> r =
        DecodeSnapshot(bytes, live.shared_taxonomy(), live.params());
    if (!r.ok()) {
      bm.SkipWithError(std::string(r.status().message()).c_str());
      return;
    }
    bm.PauseTiming();
    restored = *std::move(r);  // Freeing the previous run's state is not part of the restore.
    bm.ResumeTiming();
  }
  if (StateHash(*restored) != StateHash(live)) bm.SkipWithError("restored state differs");
  bm.counters["open_offers"] = static_cast<double>(restored->offer_book().size());
}
BENCHMARK(BM_RestoreSnapshot)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->Repetitions(5)
    ->DisplayAggregatesOnly(true);

void BM_CheckRecordInvariants(benchmark::State& bm) {
  const State& state = World().engine().state();
  for (auto _ : bm) {
    std::vector<std::string> broken = CheckRecordInvariants(state);
    if (!broken.empty()) bm.SkipWithError(broken.front().c_str());
  }
}
BENCHMARK(BM_CheckRecordInvariants)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->Repetitions(5)
    ->DisplayAggregatesOnly(true);

// What Pipeline does for a snapshot: fork a child that encodes the state it inherited and
// writes it to a file, while the parent goes on. `fork_ms` is how long fork() held up the
// calling thread (the engine thread's stall); `child_ms` until the file was written and the child
// reaped. Meanwhile the parent executes orders, whose first writes to each page now copy it:
// `order_us_alone` and `order_us_during` compare the cost of an order before and during.
//
// Argument 0 forks the world as it was built, command by command; argument 1 the same state
// restored from its snapshot, as a restarted server holds it (its heap laid out in one go);
// argument 2 as 1, gathering the heap's huge pages after each child as Pipeline does
// (pipeline/huge_pages.h) on another thread while orders go on: `collapse_ms` is how long the
// collapse took, `order_us_collapsing` an order's cost meanwhile.
void BM_ForkedSnapshot(benchmark::State& bm) {
  BenchWorld& world = World();
  std::unique_ptr<Engine> restored;
  if (bm.range(0) >= 1) {
    const State& live = world.engine().state();
    std::string bytes;
    EncodeSnapshot(live, bytes);
    absl::StatusOr<std::unique_ptr<State>> state =
        DecodeSnapshot(bytes, live.shared_taxonomy(), live.params());
    if (!state.ok()) {
      bm.SkipWithError(std::string(state.status().message()).c_str());
      return;
    }
    restored = std::make_unique<Engine>(*std::move(state));
  }
  Engine& engine = restored ? *restored : world.engine();
  char pattern[] = "/tmp/subex-snapshot-bench-XXXXXX";
  const std::string dir = mkdtemp(pattern);
  SnapshotFiles files(dir);
  constexpr int kOrders = 20'000;
  auto run_orders = [&] {
    const auto start = Clock::now();
    for (int i = 0; i < kOrders; ++i) engine.Execute(world.RandomOrder(), world.now());
    return Micros(Clock::now() - start) / kOrders;
  };
  double fork_ms = 0, child_ms = 0, alone = 0, during = 0, collapse_ms = 0, collapsing = 0;
  for (auto _ : bm) {
    alone = run_orders();
    const auto start = Clock::now();
    const pid_t pid = fork();
    if (pid == 0) {
      std::string bytes;
      EncodeSnapshot(engine.state(), bytes);
      _exit(files.Write(engine.state().last_seq(), bytes).ok() ? 0 : 1);
    }
    fork_ms = Micros(Clock::now() - start) / 1e3;
    during = run_orders();
    int status = 0;
    waitpid(pid, &status, 0);
    child_ms = Micros(Clock::now() - start) / 1e3;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) bm.SkipWithError("the child failed");
    if (bm.range(0) == 2) {
      // On a thread of its own, as Pipeline does, while orders go on.
      std::thread collapser([&collapse_ms] {
        const auto collapse_start = Clock::now();
        CollapseHugePages();
        collapse_ms = Micros(Clock::now() - collapse_start) / 1e3;
      });
      collapsing = run_orders();
      collapser.join();
    }
  }
  if (bm.range(0) == 2) {
    bm.counters["collapse_ms"] = collapse_ms;
    bm.counters["order_us_collapsing"] = collapsing;
  }
  bm.counters["fork_ms"] = fork_ms;
  bm.counters["child_ms"] = child_ms;
  bm.counters["order_us_alone"] = alone;
  bm.counters["order_us_during"] = during;
  std::filesystem::remove_all(dir);
}
// Last: it changes the world the others measure.
BENCHMARK(BM_ForkedSnapshot)
    ->Arg(0)
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->Repetitions(5)
    ->DisplayAggregatesOnly(true);

}  // namespace
}  // namespace subex

BENCHMARK_MAIN();
