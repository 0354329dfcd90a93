// Engine benchmarks against PRODUCT §8's bars, on a book of SUBEX_BENCH_OFFERS open offers
// (default 1,000,000) over the shipped taxonomy:
//
//   BM_OrderMatch     an auto order matched, decided and applied; p50/p99 in µs as counters
//   BM_MatchOnly      the match alone, on one order's terms again and again (all in the caches)
//                     and on 8192 orders' in turn (mostly from memory)
//   BM_NewOffer       a new offer posted into the book (no resting orders); p50/p99 in µs
//   BM_MixedStream    offers, orders, withdrawals, cancellations and ticks; commands per second,
//                     with each kind's mean µs and share of the time
//   BM_Reliability    a supplier's reliability with 10 to 100,000 outcomes behind it
//   BM_MemoryPerOffer heap bytes per open offer, with and without its calendar's 4 bytes a day
//
//   build/release/bench/subex_bench --benchmark_filter=OrderMatch
//
// The world is built once per process and shared; benchmarks run in the order above and each
// leaves the book as a live exchange would (offers consumed, new ones added).

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "benchmark/benchmark.h"
#include "bench/world.h"
#include "engine/matcher.h"
#include "engine/test_fixture.h"

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

// The match alone (MatchOrder, read-only: nothing is applied) over the terms of `distinct` orders
// taken in turn: with 1 the same order again and again, so that everything it reads is in the
// caches and the figure is the match's own work; with 8192, as in BM_OrderMatch, most of what it
// reads comes from memory. The difference is what the match waits for.
void BM_MatchOnly(benchmark::State& state) {
  BenchWorld& w = World();
  Engine& engine = w.engine();
  const size_t distinct = static_cast<size_t>(state.range(0));
  while (engine.state().orders().size() < distinct) engine.Execute(w.RandomOrder(), w.now());
  std::vector<Order> orders;
  for (size_t k = engine.state().orders().size(); orders.size() < distinct;) {
    Order again = engine.state().orders()[--k];
    again.allocated = 0;
    orders.push_back(std::move(again));
  }
  std::vector<EventBody> out;
  size_t i = 0, contracts = 0;
  for (auto _ : state) {
    out.clear();
    MatchOrder(engine.state(), orders[i++ % orders.size()], w.now(), ContractId{0}, out);
    contracts += out.size();
  }
  state.counters["contracts_per_match"] = double(contracts) / double(state.iterations());
}
BENCHMARK(BM_MatchOnly)->ArgName("distinct")->Arg(1)->Arg(8192);

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
  // Where the stream's time goes: the time and count of each kind of command (by its index in
  // the Command variant). Two clock reads per command add well under 1 % to its time.
  std::array<double, std::variant_size_v<Command>> kind_us{};
  std::array<size_t, std::variant_size_v<Command>> kind_count{};
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
    auto t0 = std::chrono::steady_clock::now();
    rejected += engine.Execute(c, now).rejection.has_value();
    auto t1 = std::chrono::steady_clock::now();
    kind_us[c.index()] += std::chrono::duration<double, std::micro>(t1 - t0).count();
    ++kind_count[c.index()];
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  // Mean µs per command of each kind, and the share of the stream's time it took.
  double total_us = 0;
  for (double us : kind_us) total_us += us;
  auto report = [&](const char* name, size_t kind) {
    if (kind_count[kind] == 0) return;
    state.counters[std::string(name) + "_mean_us"] = kind_us[kind] / double(kind_count[kind]);
    state.counters[std::string(name) + "_share"] = kind_us[kind] / total_us;
  };
  report("offer", Command(PostOffer{}).index());
  report("order", Command(PlaceOrder{}).index());
  report("withdraw", Command(WithdrawOffer{}).index());
  report("cancel", Command(CancelOrder{}).index());
  report("tick", Command(Tick{}).index());
  state.counters["rejected_share"] = double(rejected) / double(state.iterations());
  state.counters["open_offers"] = double(w.open_offers());
}
BENCHMARK(BM_MixedStream);

// A supplier's reliability on a day (read for every offer a match examines) when it has
// `outcomes` outcomes over the years, a few a day.
void BM_Reliability(benchmark::State& state) {
  const double values[] = {1, 1, 1, 0.5, 0};
  std::vector<ReliabilityOutcome> outcomes;
  for (int64_t i = 0; i < state.range(0); ++i) {
    outcomes.push_back({Day{20'000 + static_cast<int32_t>(i / 4)}, values[i % 5]});
  }
  StateImage image = test::ImageOfOneSupplier(std::move(outcomes));
  std::unique_ptr<State> s = State::Restore(World().engine().state().shared_taxonomy(), Params{},
                                            std::move(image));
  const Member& supplier = *s->member(MemberId{0});
  const Day today{20'000 + static_cast<int32_t>(state.range(0) / 4)};
  for (auto _ : state) benchmark::DoNotOptimize(s->Reliability(supplier, today));
}
BENCHMARK(BM_Reliability)->ArgName("outcomes")->Arg(10)->Arg(1000)->Arg(100000);

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
