// What one cache miss costs on this machine: a chain of dependent loads through a shuffled array
// of 64-byte lines, so each load waits for the one before it, as a match waits for an offer's
// record before it can read its supplier. Sizes from within the caches to beyond a million
// offers' heap, on 4 KiB pages and on transparent huge pages.
//
//   build/release/bench/memory_latency
//
// BM_DependentLoad/MiB:<size>/huge:<0 or 1>: per_load is the time of one load of the chain (in
// seconds, printed as 298n for 298 ns).

#include <sys/mman.h>

#include <algorithm>
#include <cstddef>
#include <numeric>
#include <random>
#include <vector>

#include "benchmark/benchmark.h"

namespace {

struct alignas(64) Line {
  Line* next;
};

void BM_DependentLoad(benchmark::State& state) {
  const size_t bytes = static_cast<size_t>(state.range(0)) << 20;
  const bool huge = state.range(1) != 0;
  const size_t n = bytes / sizeof(Line);
  void* map = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (map == MAP_FAILED) {
    state.SkipWithError("mmap failed");
    return;
  }
  if (madvise(map, bytes, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE) != 0 && huge) {
    state.SkipWithError("madvise(MADV_HUGEPAGE) refused");
    munmap(map, bytes);
    return;
  }
  Line* lines = static_cast<Line*>(map);
  // One cycle through every line, in a random order.
  std::vector<uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  std::shuffle(order.begin(), order.end(), std::mt19937_64(42));
  for (size_t i = 0; i < n; ++i) lines[order[i]].next = &lines[order[(i + 1) % n]];

  constexpr int64_t kLoads = 1 << 20;
  Line* p = &lines[order[0]];
  for (auto _ : state) {
    for (int64_t i = 0; i < kLoads; ++i) p = p->next;
    benchmark::DoNotOptimize(p);
  }
  state.counters["per_load"] = benchmark::Counter(
      static_cast<double>(state.iterations() * kLoads),
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  munmap(map, bytes);
}
BENCHMARK(BM_DependentLoad)
    ->ArgsProduct({{1, 16, 64, 600}, {0, 1}})
    ->ArgNames({"MiB", "huge"})
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
