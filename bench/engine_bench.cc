// Engine benchmarks against PRODUCT §8's bars, on a book of SUBEX_BENCH_OFFERS open offers
// (default 1,000,000) over the shipped taxonomy:
//
//   BM_OrderMatch     an auto order matched, decided and applied; p50/p99 in µs as counters
//   BM_NewOffer       a new offer posted into the book (no resting orders); p50/p99 in µs
//   BM_MixedStream    offers, orders, withdrawals, cancellations and ticks; commands per second
//   BM_MemoryPerOffer heap bytes per open offer, with and without its calendar's 4 bytes a day
//
//   build/release/bench/subex_bench --benchmark_filter=OrderMatch
//
// The world is built once per process and shared; benchmarks run in the order above and each
// leaves the book as a live exchange would (offers consumed, new ones added).

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <vector>

#include "benchmark/benchmark.h"
#include "bench/world.h"
#include "engine/matcher.h"

namespace subex {
namespace {

// Never freed: tearing down a million offers at exit takes seconds and measures nothing.
BenchWorld& World() {
  static BenchWorld* world = BenchWorld::Build(BenchWorld::OffersFromEnvironment(), /*seed=*/42).release();
  return *world;
}

// Latency samples of single commands, summarised as percentile counters.
class Latencies {
 public:
  template <typename F>
  void Measure(F&& f) {
    auto t0 = std::chrono::steady_clock::now();
    f();
    auto t1 = std::chrono::steady_clock::now();
    samples_.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
  }
  void Report(benchmark::State& state) {
    if (samples_.empty()) return;
    std::sort(samples_.begin(), samples_.end());
    auto at = [&](double q) {
      return samples_[std::min(samples_.size() - 1, static_cast<size_t>(q * samples_.size()))];
    };
    state.counters["p50_us"] = at(0.50);
    state.counters["p90_us"] = at(0.90);
    state.counters["p99_us"] = at(0.99);
    state.counters["max_us"] = samples_.back();
  }

 private:
  std::vector<double> samples_;
};

void BM_OrderMatch(benchmark::State& state) {
  BenchWorld& w = World();
  Engine& engine = w.engine();
  std::vector<PlaceOrder> orders;
  for (int i = 0; i < 8192; ++i) orders.push_back(w.RandomOrder());
  Latencies latency;
  size_t i = 0, contracts = 0, filled = 0, placed = 0;
  std::vector<std::pair<MemberId, OrderId>> resting;
  for (auto _ : state) {
    const PlaceOrder& order = orders[i++ % orders.size()];
    Engine::Outcome out;
    latency.Measure([&] { out = engine.Execute(order, w.now()); });
    if (out.rejection) state.SkipWithError(out.rejection->message.c_str());
    contracts += out.events.size() - 1;
    const OrderPlaced& placed_event = std::get<OrderPlaced>(out.events[0].body);
    const Order& o = *engine.state().order(placed_event.order);
    ++placed;
    if (o.allocated == o.quantity) {
      ++filled;
    } else {
      resting.push_back({o.customer, o.id});
    }
  }
  latency.Report(state);
  // How much of the book a match looks at, from a sample of the orders just placed: their terms
  // matched again against the book as it is now.
  MatchStats total;
  std::vector<EventBody> scratch;
  size_t sampled = 0;
  for (size_t k = engine.state().orders().size(); k-- > 0 && sampled < 256; ++sampled) {
    Order again = engine.state().orders()[k];
    again.allocated = 0;
    MatchStats one;
    scratch.clear();
    MatchOrder(engine.state(), again, w.now(), ContractId{0}, scratch, &one);
    total.walked += one.walked;
    total.cells += one.cells;
    total.buckets += one.buckets;
    total.examined += one.examined;
    total.eligible += one.eligible;
    for (size_t r = 0; r < kIneligibleReasons; ++r) total.ruled_out[r] += one.ruled_out[r];
  }
  state.counters["walked"] = double(total.walked) / double(sampled);
  state.counters["cells"] = double(total.cells) / double(sampled);
  state.counters["buckets"] = double(total.buckets) / double(sampled);
  state.counters["examined"] = double(total.examined) / double(sampled);
  state.counters["eligible"] = double(total.eligible) / double(sampled);
  if (std::getenv("SUBEX_BENCH_VERBOSE") != nullptr) {
    for (size_t r = 1; r < kIneligibleReasons; ++r) {
      state.counters[std::string("out_") + ToString(static_cast<Ineligible>(r))] =
          double(total.ruled_out[r]) / double(sampled);
    }
  }
  state.counters["contracts_per_order"] = double(contracts) / double(placed);
  state.counters["filled_share"] = double(filled) / double(placed);
  state.counters["open_offers"] = double(w.open_offers());
  // Leave no resting orders behind, so that BM_NewOffer measures posting alone.
  for (auto [customer, id] : resting) engine.Execute(CancelOrder{customer, id}, w.now());
}
BENCHMARK(BM_OrderMatch);

void BM_NewOffer(benchmark::State& state) {
  BenchWorld& w = World();
  Engine& engine = w.engine();
  std::vector<PostOffer> offers;
  for (int i = 0; i < 8192; ++i) offers.push_back(w.RandomOffer());
  Latencies latency;
  size_t i = 0;
  for (auto _ : state) {
    const PostOffer& offer = offers[i++ % offers.size()];
    Engine::Outcome out;
    latency.Measure([&] { out = engine.Execute(offer, w.now()); });
    if (out.rejection) state.SkipWithError(out.rejection->message.c_str());
  }
  latency.Report(state);
  state.counters["open_offers"] = double(w.open_offers());
}
BENCHMARK(BM_NewOffer);

// A live mix: 45 % new offers, 35 % orders, 10 % withdrawals, 8 % cancellations, 2 % ticks that
// advance time by a minute.
void BM_MixedStream(benchmark::State& state) {
  BenchWorld& w = World();
  Engine& engine = w.engine();
  const State& s = engine.state();
  std::vector<Command> commands;
  std::mt19937_64& rng = w.rng();
  for (int i = 0; i < 16384; ++i) {
    int r = static_cast<int>(rng() % 100);
    if (r < 45) {
      commands.push_back(w.RandomOffer());
    } else if (r < 80) {
      commands.push_back(w.RandomOrder());
    } else if (r < 90) {
      commands.push_back(WithdrawOffer{});  // Target chosen when run.
    } else if (r < 98) {
      commands.push_back(CancelOrder{});  // Target chosen when run.
    } else {
      commands.push_back(Tick{});
    }
  }
  Instant now = w.now();
  size_t i = 0, rejected = 0;
  for (auto _ : state) {
    Command& c = commands[i++ % commands.size()];
    if (auto* wd = std::get_if<WithdrawOffer>(&c)) {
      OfferId id{static_cast<uint32_t>(rng() % s.offers().size())};
      *wd = WithdrawOffer{s.offer(id)->supplier, id};
    } else if (auto* co = std::get_if<CancelOrder>(&c)) {
      if (s.orders().empty()) continue;
      OrderId id{static_cast<uint32_t>(s.orders().size() - 1 - rng() % 64 % s.orders().size())};
      *co = CancelOrder{s.order(id)->customer, id};
    } else if (std::holds_alternative<Tick>(c)) {
      now.unix_ms += 60'000;
    }
    // Withdrawing an offer already closed, or cancelling an order already filled, is rejected:
    // a realistic share of a live stream, and still a full decision.
    rejected += engine.Execute(c, now).rejection.has_value();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.counters["rejected_share"] = double(rejected) / double(state.iterations());
  state.counters["open_offers"] = double(w.open_offers());
}
BENCHMARK(BM_MixedStream);

void BM_MemoryPerOffer(benchmark::State& state) {
  BenchWorld& w = World();
  for (auto _ : state) benchmark::DoNotOptimize(w.offer_heap_bytes());
  double offers = double(BenchWorld::OffersFromEnvironment());
  double per_offer = double(w.offer_heap_bytes()) / offers;
  double days = double(w.offer_calendar_days()) / offers;
  state.counters["bytes_per_offer"] = per_offer;
  state.counters["calendar_days"] = days;
  state.counters["bytes_per_offer_beyond_4_per_day"] = per_offer - 4 * days;
}
BENCHMARK(BM_MemoryPerOffer)->Iterations(1);

}  // namespace
}  // namespace subex

BENCHMARK_MAIN();
