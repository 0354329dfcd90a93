// Metrics benchmarks: what recording costs a request, and what a scrape costs the engine thread.
//
//   BM_RecordRequest   one request counted by route and status and timed (api/metrics.h), from
//                      1 and 2 threads at once (the server's default I/O threads)
//   BM_StateCensus     counting the exchange's objects by status for GET /metrics, on a book of
//                      1,000,000 open offers (or SUBEX_BENCH_OFFERS): the whole census, which a
//                      scrape spreads over engine reads of 32,768 objects each
//   BM_CensusSlice     one such read: what a scrape holds the engine thread up for at most
//
//   build/release/bench/metrics_bench
//
// The world (bench/world.h, seed 42) is built once.

#include <memory>
#include <string>

#include "api/metrics.h"
#include "bench/world.h"
#include "benchmark/benchmark.h"
#include "telemetry/metrics.h"

namespace subex {
namespace {

void BM_RecordRequest(benchmark::State& bm) {
  static RequestMetrics metrics(48);
  uint64_t i = static_cast<uint64_t>(bm.thread_index());
  for (auto _ : bm) {
    metrics.Record(i % 48, i % 7 == 0 ? 404 : 201, 100 + (i * 7919) % 5'000);
    ++i;
  }
}
BENCHMARK(BM_RecordRequest)->Threads(1)->Threads(2)->UseRealTime();

BenchWorld& World() {
  static std::unique_ptr<BenchWorld> world = BenchWorld::Build(BenchWorld::OffersFromEnvironment(), /*seed=*/42);
  return *world;
}

void BM_StateCensus(benchmark::State& bm) {
  const State& state = World().engine().state();
  size_t bytes = 0;
  for (auto _ : bm) {
    StateCensus census;
    while (!census.Advance(state, 32'768)) {
    }
    MetricsText out;
    census.Write(out);
    bytes = std::move(out).Take().size();
  }
  bm.counters["open_offers"] = static_cast<double>(state.offer_book().size());
  bm.counters["bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_StateCensus)->Unit(benchmark::kMillisecond)->Iterations(20);

void BM_CensusSlice(benchmark::State& bm) {
  const State& state = World().engine().state();
  StateCensus census;
  for (auto _ : bm) {
    if (census.Advance(state, 32'768)) census = StateCensus();
  }
}
BENCHMARK(BM_CensusSlice)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace subex

BENCHMARK_MAIN();
