// Encode and decode throughput of the event codec, on the two events a busy exchange journals
// most: a new offer and a contract. Items/s are events, bytes/s are record bytes.

#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "benchmark/benchmark.h"
#include "engine/events.h"
#include "storage/codec.h"

namespace subex {
namespace {

constexpr Instant kAt{1'795'420'800'000};  // 2026-11-23T08:00:00Z.
constexpr Day kDec1{20'788};               // 2026-12-01.

Event OfferEvent() {
  return Event{1'234'567, kAt,
               OfferPosted{{16, kDec1, kDec1 + 30, 320'000, 8, true},
                           OfferId{250'000},
                           MemberId{12'000},
                           ProcessId{2},
                           {"stainless", "steel"},
                           {{"max_length_mm", 1200}}}};
}

Event ContractEvent() {
  ContractCreated c{ContractId{31'000},
                    OrderId{90'000},
                    OfferId{250'000},
                    MemberId{7},
                    MemberId{12'000},
                    80,
                    320'000,
                    {},
                    Score{320000, 8496, 328496, 0.8, 1.05, 5000, 339920.8, 212.4},
                    ContractState::kActive,
                    std::nullopt};
  for (int i = 0; i < 5; ++i) c.days.push_back({kDec1 + 13 + i, 16});
  return Event{1'234'568, kAt, std::move(c)};
}

void Encode(benchmark::State& state, const Event& event) {
  std::string out;
  for (auto _ : state) {
    out.clear();
    EncodeEvent(event, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(out.size()));
  state.counters["record_bytes"] = static_cast<double>(out.size());
}

void Decode(benchmark::State& state, const Event& event) {
  std::string record;
  EncodeEvent(event, record);
  for (auto _ : state) {
    absl::StatusOr<Event> back = DecodeEvent(record);
    benchmark::DoNotOptimize(back);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(record.size()));
}

void BM_EncodeOfferPosted(benchmark::State& state) { Encode(state, OfferEvent()); }
void BM_DecodeOfferPosted(benchmark::State& state) { Decode(state, OfferEvent()); }
void BM_EncodeContractCreated(benchmark::State& state) { Encode(state, ContractEvent()); }
void BM_DecodeContractCreated(benchmark::State& state) { Decode(state, ContractEvent()); }

BENCHMARK(BM_EncodeOfferPosted);
BENCHMARK(BM_DecodeOfferPosted);
BENCHMARK(BM_EncodeContractCreated);
BENCHMARK(BM_DecodeContractCreated);

}  // namespace
}  // namespace subex

BENCHMARK_MAIN();
