#include "server/demo_history.h"

#include <algorithm>
#include <utility>
#include <variant>

#include "absl/time/civil_time.h"

namespace subex {
namespace {

constexpr Day kFirstMonth{20423};    // 2025-12-01.
constexpr Day kLastDay{20779};       // 2026-11-22: the last trading day before the week.
constexpr Day kLipetskForms{20605};  // 2026-06-01.
constexpr Day kKamaForms{20697};     // 2026-09-01.
constexpr int kMonths = 12;          // 2025-12 .. 2026-11.
static_assert(DayOf(kHistoryStart) + 7 == kFirstMonth);

Instant At(Day day, int hour, int minute, int second = 0) {
  return Instant{StartOf(day).unix_ms + int64_t{(hour * 60 + minute) * 60 + second} * 1000};
}

Day FirstDayOfMonth(int index) {
  const absl::CivilDay first = absl::CivilDay(absl::CivilMonth(2025, 12) + index);
  return Day{static_cast<int32_t>(first - absl::CivilDay(1970, 1, 1))};
}

Day FormationOf(ClusterId cluster) {
  return cluster == demo::kLipetskCluster ? kLipetskForms : kKamaForms;
}

// Whether `member`'s cluster has formed by `day`.
bool Clustered(MemberId member, Day day) {
  const ClusterId c = demo::ClusterOf(member);
  return c.valid() && day >= FormationOf(c);
}

// The contract as it is now, if it is in `state_now`.
const Contract* InState(const State& s, ContractId id, ContractState state_now) {
  const Contract* c = s.contract(id);
  return c != nullptr && c->state == state_now ? c : nullptr;
}

}  // namespace

bool DemoHistory::Run(Command command, Instant at) {
  if (!steps_.empty() && at <= steps_.back().now) at.unix_ms = steps_.back().now.unix_ms + 1000;
  Engine::Outcome out = engine_.Execute(command, at);
  if (out.rejection) return false;
  steps_.push_back({std::move(command), at});
  for (const Event& e : out.events) {
    if (const auto* c = std::get_if<ContractCreated>(&e.body)) FollowUp(*c, at);
  }
  return true;
}

void DemoHistory::Trade() {
  for (int m = 0; m < kMonths; ++m) {
    const Day first = FirstDayOfMonth(m);
    PlanMonth(m, first, std::min(FirstDayOfMonth(m + 1) - 1, kLastDay));
  }
  PlanFormation(demo::kLipetskCluster, kLipetskForms);
  PlanFormation(demo::kKamaCluster, kKamaForms);
  for (Day d = kFirstMonth; d <= kLastDay + 1; d = d + 1) {
    Plan(At(d, 0, 5), [](const State&) { return Command(Tick{}); });
  }
  while (!agenda_.empty()) {
    auto next = agenda_.extract(agenda_.begin());
    if (next.key() >= At(kLastDay + 1, 9, 0)) break;  // The week begins.
    if (std::optional<Command> command = next.mapped()(engine_.state())) {
      Run(std::move(*command), next.key());
    }
  }
  agenda_.clear();
}

void DemoHistory::PlanFormation(ClusterId cluster, Day day) {
  Plan(At(day, 7, 0), [cluster](const State&) { return Command(demo::ClusterCreation(cluster)); });
  int n = 0;
  for (uint32_t i = 0; i < demo::MemberCount(); ++i) {
    if (demo::ClusterOf(MemberId{i}) != cluster) continue;
    Plan(At(day, 7, 1, 5 * n++), [cluster, i](const State&) {
      return Command(JoinCluster{.cluster = cluster, .member = MemberId{i}});
    });
  }
}

// Capacity two days before the month; orders over its first ten days, more as the market grows
// and more from the members of a formed cluster, who then often prefer their own cluster.
void DemoHistory::PlanMonth(int index, Day first, Day last) {
  const uint64_t salt = static_cast<uint64_t>(index + 1) * 7919;
  Instant at = At(first - 2, 10, 0);
  for (uint32_t i = 0; i < demo::MemberCount(); ++i) {
    if ((demo::RolesOf(MemberId{i}) & kRoleSupplier) == 0) continue;
    for (PostOffer& o : demo::OffersFor(MemberId{i}, first, last, salt)) {
      if (!rng_.Chance(85)) continue;
      o.auto_accept = !rng_.Chance(12);
      at.unix_ms += 15'000;
      Plan(at, [o = std::move(o)](const State&) { return Command(o); });
    }
  }

  std::vector<std::pair<PlaceOrder, int>> orders;  // With the days from start to due.
  for (const demo::OrderTemplate& t : demo::OrderTemplates()) {
    const bool clustered = Clustered(t.order.by, first);
    if (!rng_.Chance(45 + index + (clustered ? 30 : 0))) continue;
    PlaceOrder o = t.order;
    const double factor = static_cast<double>(rng_.Between(6, 11)) / 10 * (clustered ? 1.3 : 1);
    const Quantity lot = o.min_lot.value_or(1);
    o.quantity =
        std::max(lot, static_cast<Quantity>(static_cast<double>(o.quantity) * factor) / lot * lot);
    if (clustered && rng_.Chance(50)) {
      o.prefer_clusters = {demo::ClusterOf(o.by)};
      o.cluster_bonus = o.max_unit_price / 25;
    }
    orders.emplace_back(std::move(o), std::max(t.due_day - t.start_day, 5));
  }
  for (size_t k = 0; k < orders.size(); ++k) {
    auto& [o, span] = orders[k];
    const Day placed = first + static_cast<int32_t>(k * 10 / orders.size());
    o.start = placed + 1;
    o.due = std::min(o.start + span, last);
    if (o.due - o.start < 3) continue;
    Plan(At(placed, 9 + static_cast<int>(k % 8), static_cast<int>(k * 7 % 60)),
         [o = std::move(o)](const State&) { return Command(o); });
  }
}

// Most contracts are confirmed (when their offer asks for it), delivered after their last
// production day and accepted two days later. A few are declined or left to lapse, cancelled by
// the supplier or the customer, delivered late or disputed.
void DemoHistory::FollowUp(const ContractCreated& c, Instant made) {
  const ContractId id = c.contract;
  const MemberId customer = c.customer, supplier = c.supplier;
  const Day made_on = DayOf(made);
  if (c.state == ContractState::kPendingConfirmation) {
    const int fate = static_cast<int>(rng_.Between(0, 99));
    if (fate < 8) {
      Plan(Instant{made.unix_ms + 6 * 3'600'000}, [id, supplier](const State& s) {
        if (!InState(s, id, ContractState::kPendingConfirmation)) return std::optional<Command>();
        return std::optional<Command>(DeclineContract{
            .by = supplier, .contract = id, .reason = "the capacity was promised elsewhere"});
      });
      return;
    }
    if (fate < 12) return;  // Never confirmed: it lapses at a night's tick.
    Plan(Instant{made.unix_ms + rng_.Between(2, 20) * 3'600'000}, [id, supplier](const State& s) {
      if (!InState(s, id, ContractState::kPendingConfirmation)) return std::optional<Command>();
      return std::optional<Command>(ConfirmContract{.by = supplier, .contract = id});
    });
  }
  const int fate = static_cast<int>(rng_.Between(0, 99));
  if (fate < 3) {
    Plan(At(made_on + 2, 11, 0), [id, supplier](const State& s) {
      if (!InState(s, id, ContractState::kActive)) return std::optional<Command>();
      return std::optional<Command>(
          CancelContract{.by = supplier, .contract = id, .reason = "a machine broke down"});
    });
    return;
  }
  if (fate < 4) {
    Plan(At(made_on + 1, 12, 0), [id, customer](const State& s) {
      if (!InState(s, id, ContractState::kActive)) return std::optional<Command>();
      return std::optional<Command>(
          CancelContract{.by = customer, .contract = id, .reason = "the design changed"});
    });
    return;
  }
  const Day last_day = c.days.empty() ? made_on + 10 : c.days.back().day;
  const Day due = engine_.state().order(c.order)->due;
  const Day delivered = rng_.Chance(6) ? due + 2 : last_day + 1;
  Plan(At(delivered, 10, static_cast<int>(rng_.Between(0, 59))), [id, supplier](const State& s) {
    if (!InState(s, id, ContractState::kActive)) return std::optional<Command>();
    return std::optional<Command>(DeliverContract{.by = supplier, .contract = id});
  });
  const bool disputed = rng_.Chance(4);
  Plan(At(delivered + 2, 11, 0), [id, customer, disputed](const State& s) {
    if (!InState(s, id, ContractState::kDelivered)) return std::optional<Command>();
    if (disputed) {
      return std::optional<Command>(
          DisputeContract{.by = customer, .contract = id, .reason = "dimensions out of tolerance"});
    }
    return std::optional<Command>(AcceptContract{.by = customer, .contract = id});
  });
}

}  // namespace subex
