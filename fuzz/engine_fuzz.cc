// Fuzz target: sequences of engine commands, read from the input bytes, on a small market of
// eight members. After every command the engine's invariants must hold (engine/invariants.h);
// at the end the journal of events must replay — one by one and in bulk — to the same state.
// Ids in commands are drawn a little beyond what exists, so unknown ids are tried too.

#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/civil_time.h"
#include "engine/engine.h"
#include "engine/invariants.h"
#include "engine/state_hash.h"
#include "fuzz/fuzz_support.h"

namespace subex {
namespace {

constexpr int kMembers = 8;
const char* const kProcesses[] = {"machining", "machining.milling", "machining.milling.cnc_5axis",
                                  "machining.turning", "casting", "casting.iron"};
const char* const kTags[] = {"steel", "aluminium", "ISO9001"};

class Driver {
 public:
  explicit Driver(FuzzedDataProvider& in) : in_(in), engine_(fuzz::SmallTaxonomy(), Params{}) {}

  void Run() {
    now_ = Instant{StartOf(*ParseDay("2026-11-23")).unix_ms + 9 * 3'600'000};
    for (int i = 0; i < kMembers; ++i) Execute(fuzz::MarketMember(i));
    Execute(CreateCluster{.name = "Cluster", .region = "RU-LIP"});
    for (int step = 0; step < 96 && in_.remaining_bytes() > 0; ++step) {
      now_.unix_ms += in_.ConsumeIntegralInRange<int64_t>(0, 6 * 3'600'000);
      Execute(Next());
      // The fingerprint, read after a fuzzed number of steps, against the whole state's hash.
      if (in_.ConsumeBool() && engine_.state().Fingerprint() != StateHash(engine_.state())) {
        fuzz::Fail("the fingerprint went stale");
      }
      std::vector<std::string> broken = CheckInvariants(engine_.state());
      if (!broken.empty()) {
        std::fprintf(stderr, "after step %d: %s\n", step, broken.front().c_str());
        fuzz::Fail("an invariant broke");
      }
    }
    const uint64_t hash = StateHash(engine_.state());
    Engine replayed(fuzz::SmallTaxonomy(), Params{});
    for (const Event& e : journal_) replayed.Replay(e);
    if (StateHash(replayed.state()) != hash) fuzz::Fail("the replay differs");
    Engine bulk(fuzz::SmallTaxonomy(), Params{});
    bulk.BeginBulkReplay();
    for (const Event& e : journal_) bulk.Replay(e);
    bulk.EndBulkReplay();
    if (StateHash(bulk.state()) != hash) fuzz::Fail("the bulk replay differs");
    if (!CheckInvariants(bulk.state()).empty()) fuzz::Fail("the bulk replay breaks an invariant");
  }

 private:
  void Execute(const Command& c) {
    Engine::Outcome out = engine_.Execute(c, now_);
    journal_.insert(journal_.end(), out.events.begin(), out.events.end());
  }

  MemberId AnyMember() { return MemberId{in_.ConsumeIntegralInRange<uint32_t>(0, kMembers)}; }
  template <class IdT>
  IdT AnyOf(size_t count) {
    return IdT{in_.ConsumeIntegralInRange<uint32_t>(0, static_cast<uint32_t>(count))};
  }
  Day Today() const { return DayOf(now_); }
  std::string Process() { return in_.PickValueInArray(kProcesses); }
  std::vector<std::string> Tags() {
    std::vector<std::string> tags;
    for (const char* t : kTags) {
      if (in_.ConsumeBool()) tags.emplace_back(t);
    }
    return tags;
  }
  std::optional<int64_t> Revision() {
    if (!in_.ConsumeBool()) return std::nullopt;
    return in_.ConsumeIntegralInRange<int64_t>(0, 4);
  }

  Command Next() {
    const State& s = engine_.state();
    switch (in_.ConsumeIntegralInRange(0, 19)) {
      case 0:
      case 1: {
        PostOffer c;
        c.by = AnyMember();
        c.process = Process();
        c.daily_capacity = in_.ConsumeIntegralInRange(0, 20);
        c.from = Today() + in_.ConsumeIntegralInRange(-2, 20);
        c.to = c.from + in_.ConsumeIntegralInRange(-1, 30);
        c.unit_price = in_.ConsumeIntegralInRange<int64_t>(0, 500'000);
        c.min_lot = in_.ConsumeIntegralInRange(0, 10);
        c.tags = Tags();
        c.auto_accept = in_.ConsumeBool();
        return c;
      }
      case 2:
      case 3: {
        PlaceOrder c;
        c.by = AnyMember();
        c.title = "Parts";
        c.process = Process();
        c.quantity = in_.ConsumeIntegralInRange(0, 120);
        c.start = Today() + in_.ConsumeIntegralInRange(-1, 15);
        c.due = c.start + in_.ConsumeIntegralInRange(-1, 30);
        c.max_unit_price = in_.ConsumeIntegralInRange<int64_t>(0, 600'000);
        c.min_lot = in_.ConsumeIntegralInRange(0, 12);
        c.tags = Tags();
        if (in_.ConsumeBool()) c.max_distance_km = in_.ConsumeIntegralInRange(0, 2000);
        if (in_.ConsumeBool()) {
          c.visibility = Visibility::kInvited;
          c.invited = {AnyMember()};
        }
        if (in_.ConsumeIntegralInRange(0, 3) == 0) {
          c.mode = OrderMode::kRfq;
          c.max_unit_price = in_.ConsumeBool() ? c.max_unit_price : 0;
          c.bids_close_at = Instant{now_.unix_ms + in_.ConsumeIntegralInRange<int64_t>(
                                                        -3'600'000, 4 * 86'400'000)};
          if (in_.ConsumeBool()) c.award = AwardMode::kManual;
        }
        return c;
      }
      case 4:
        return WithdrawOffer{AnyMember(), AnyOf<OfferId>(s.offers().size()), Revision()};
      case 5:
        return CancelOrder{AnyMember(), AnyOf<OrderId>(s.orders().size()), Revision()};
      case 6:
        return BlockMember{AnyMember(), AnyMember()};
      case 7:
        return UnblockMember{AnyMember(), AnyMember()};
      case 8: {
        std::optional<Day> until;
        if (in_.ConsumeBool()) until = Today() + in_.ConsumeIntegralInRange(-1, 5);
        return SuspendMember{kOperator, AnyMember(), until};
      }
      case 9:
        return JoinCluster{kOperator, AnyOf<ClusterId>(s.clusters().size()), AnyMember()};
      case 10: {
        PlaceBid c{{.unit_price = in_.ConsumeIntegralInRange<int64_t>(0, 600'000),
                    .quantity = in_.ConsumeIntegralInRange(0, 120),
                    .lead_days = in_.ConsumeIntegralInRange(-1, 40)},
                   AnyMember(),
                   AnyOf<OrderId>(s.orders().size())};
        if (in_.ConsumeBool()) c.offer = AnyOf<OfferId>(s.offers().size());
        return c;
      }
      case 11:
        return WithdrawBid{AnyMember(), AnyOf<BidId>(s.bids().size()), Revision()};
      case 12: {
        AwardBids c{.by = AnyMember(), .order = AnyOf<OrderId>(s.orders().size())};
        for (int i = in_.ConsumeIntegralInRange(0, 3); i > 0; --i) {
          c.bids.push_back(AnyOf<BidId>(s.bids().size()));
        }
        return c;
      }
      case 13:
        return ConfirmContract{AnyMember(), AnyOf<ContractId>(s.contracts().size()), Revision()};
      case 14:
        return DeclineContract{AnyMember(), AnyOf<ContractId>(s.contracts().size()), Revision(),
                               in_.ConsumeBool() ? "no" : ""};
      case 15:
        return DeliverContract{AnyMember(), AnyOf<ContractId>(s.contracts().size()), Revision()};
      case 16:
        return AcceptContract{AnyMember(), AnyOf<ContractId>(s.contracts().size()), Revision()};
      case 17:
        return DisputeContract{AnyMember(), AnyOf<ContractId>(s.contracts().size()), Revision(),
                               in_.ConsumeBool() ? "late" : ""};
      case 18:
        return CancelContract{AnyMember(), AnyOf<ContractId>(s.contracts().size()), Revision(),
                              in_.ConsumeBool() ? "changed" : ""};
      default:
        now_.unix_ms += in_.ConsumeIntegralInRange<int64_t>(0, 3 * 86'400'000);
        return Tick{};
    }
  }

  FuzzedDataProvider& in_;
  Engine engine_;
  Instant now_;
  std::vector<Event> journal_;
};

}  // namespace
}  // namespace subex

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  subex::Driver(in).Run();
  return 0;
}
