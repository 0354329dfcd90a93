// Snapshot benchmarks (storage/snapshot.h) on a book of 1,000,000 open offers (PRODUCT §8: a
// restart from a snapshot of a million open offers within a second):
//
//   BM_EncodeSnapshot   the whole state into one buffer; `bytes` and `bytes_per_offer` counters
//   BM_RestoreSnapshot  decoding it and rebuilding every index (State::Restore)
//
//   build/bench/snapshot_bench
//
// Each runs a few times and reports the median. The world (bench/world.h, seed 42) is built once.

#include <memory>
#include <string>

#include "bench/world.h"
#include "benchmark/benchmark.h"
#include "engine/state_hash.h"
#include "storage/snapshot.h"

namespace subex {
namespace {

BenchWorld& World() {
  static std::unique_ptr<BenchWorld> world = BenchWorld::Build(1'000'000, /*seed=*/42);
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

}  // namespace
}  // namespace subex

BENCHMARK_MAIN();
