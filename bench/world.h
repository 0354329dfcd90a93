// BenchWorld — a synthetic but realistic marketplace for the engine benchmarks: the shipped
// taxonomy, suppliers and customers in Russia's industrial cities, and as many open capacity
// offers as asked for, with prices, capacities, calendars, tags and limits drawn around each
// branch's typical values. Orders drawn from it are mostly fillable, as on a live exchange.
//
//   std::unique_ptr<BenchWorld> w = BenchWorld::Build(1'000'000, /*seed=*/1);
//   w->engine().Execute(w->RandomOrder(), w->now());
//
// Deterministic for a seed. Requires external synchronization.

#ifndef SUBEX_BENCH_WORLD_H_
#define SUBEX_BENCH_WORLD_H_

#include <memory>
#include <random>
#include <vector>

#include "engine/commands.h"
#include "engine/engine.h"

namespace subex {

class BenchWorld {
 public:
  // Loads config/processes.toml from the source tree, registers members and posts `offers`
  // offers. Aborts with a message if the taxonomy cannot be read.
  static std::unique_ptr<BenchWorld> Build(size_t offers, uint64_t seed);
  // How many open offers a benchmark's world holds: SUBEX_BENCH_OFFERS when set (the smoke runs
  // use a small book), else 1,000,000.
  static size_t OffersFromEnvironment();

  Engine& engine() { return *engine_; }
  Instant now() const { return now_; }
  size_t open_offers() const { return engine_->state().offer_book().size(); }

  PostOffer RandomOffer();
  PlaceOrder RandomOrder();
  std::mt19937_64& rng() { return rng_; }

  // Posts `n` offers, aborting on a rejection (a bug in the generator).
  void PostOffers(size_t n);

  // Heap bytes in use that posting the initial offers added, and their calendar days.
  int64_t offer_heap_bytes() const { return offer_heap_bytes_; }
  int64_t offer_calendar_days() const { return offer_calendar_days_; }

 private:
  struct Branch {
    Kopecks base_price;   // Typical price per unit.
    int32_t base_daily;   // Typical daily capacity in the branch's unit.
  };
  BenchWorld(std::shared_ptr<const Taxonomy> taxonomy, uint64_t seed);
  void RegisterMembers(size_t suppliers, size_t customers);
  ProcessId RandomNode(const std::vector<ProcessId>& within);
  int64_t Uniform(int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng_);
  }

  std::shared_ptr<const Taxonomy> taxonomy_;
  std::unique_ptr<Engine> engine_;
  std::mt19937_64 rng_;
  Instant now_;
  std::vector<Branch> branch_of_;  // By process id: its top-level branch's figures.
  std::vector<std::vector<ProcessId>> supplier_nodes_;  // By supplier index: nodes it may offer.
  std::vector<MemberId> suppliers_, customers_;
  int64_t offer_heap_bytes_ = 0;
  int64_t offer_calendar_days_ = 0;
};

}  // namespace subex

#endif  // SUBEX_BENCH_WORLD_H_
