#include "server/demo_data.h"

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "analytics/did.h"
#include "analytics/did_panel.h"
#include "analytics/history.h"
#include "analytics/month.h"
#include "config/config.h"
#include "engine/civil_time.h"
#include "engine/engine.h"
#include "engine/inn.h"
#include "engine/invariants.h"
#include "engine/state_hash.h"
#include "gtest/gtest.h"

namespace subex {
namespace {

// One run of the demo through a fresh engine.
struct DemoRun {
  std::unique_ptr<Engine> engine;
  std::vector<std::string> rejections;  // "step N (index): message", one per rejected command.
  int contracts_by_new_offers = 0;      // Contracts a PostOffer made with an older order.
  std::vector<Event> events;            // Every event, in order.
};

// The shipped configuration, as subexd loads it.
struct Shipped {
  std::shared_ptr<const Taxonomy> taxonomy;
  Params params;
};

const Shipped& ShippedConfig() {
  static const Shipped* const shipped = [] {
    absl::StatusOr<Config> config =
        LoadConfig(std::string(SUBEX_SOURCE_DIR) + "/config/subex.toml");
    EXPECT_TRUE(config.ok()) << config.status();
    if (!config.ok()) return new Shipped{std::make_shared<const Taxonomy>(), Params{}};
    return new Shipped{std::make_shared<const Taxonomy>(std::move(config->taxonomy)),
                       config->params};
  }();
  return *shipped;
}

Demo ShippedDemo() { return BuildDemo(ShippedConfig().taxonomy, ShippedConfig().params); }

DemoRun RunDemo(const Demo& demo) {
  DemoRun run;
  run.engine = std::make_unique<Engine>(ShippedConfig().taxonomy, ShippedConfig().params);
  for (size_t i = 0; i < demo.steps.size(); ++i) {
    const DemoStep& step = demo.steps[i];
    const size_t orders_before = run.engine->state().orders().size();
    Engine::Outcome out = run.engine->Execute(step.command, step.now);
    if (out.rejection) {
      run.rejections.push_back(absl::StrCat(
          "step ", i + 1, " (command ", step.command.index(), "): ", out.rejection->message,
          out.rejection->errors.empty()
              ? ""
              : " — " + out.rejection->errors[0].field + " " + out.rejection->errors[0].reason));
      continue;
    }
    run.events.insert(run.events.end(), out.events.begin(), out.events.end());
    if (!std::holds_alternative<PostOffer>(step.command)) continue;
    for (const Event& e : out.events) {
      const auto* c = std::get_if<ContractCreated>(&e.body);
      if (c != nullptr && c->order.value < orders_before) ++run.contracts_by_new_offers;
    }
  }
  return run;
}

const DemoRun& SharedRun() {
  static const DemoRun* const run = new DemoRun(RunDemo(ShippedDemo()));
  return *run;
}

int CountOrders(const State& s, OrderStatus status) {
  return static_cast<int>(std::count_if(s.orders().begin(), s.orders().end(),
                                        [status](const Order& o) { return o.status == status; }));
}

TEST(CompanyInnTest, AppendsTheCheckDigit) {
  EXPECT_EQ(CompanyInn(7707, 8389), "7707083893");
  EXPECT_TRUE(IsValidInn(CompanyInn(4826, 12345)));
}

TEST(DemoDataTest, StepsAreInTimeOrderFromTheHistorysStart) {
  Demo demo = ShippedDemo();
  ASSERT_FALSE(demo.steps.empty());
  EXPECT_EQ(demo.steps.front().now, kHistoryStart);
  ASSERT_LT(demo.week_begins, demo.steps.size());
  EXPECT_LT(demo.steps[demo.week_begins - 1].now, kDemoStart);
  EXPECT_GE(demo.steps[demo.week_begins].now, kDemoStart);
  for (size_t i = 1; i < demo.steps.size(); ++i) {
    EXPECT_LT(demo.steps[i - 1].now, demo.steps[i].now) << "step " << i + 1;
  }
  EXPECT_TRUE(std::holds_alternative<Tick>(demo.steps.back().command));
}

// `subexd --demo` opens the week on the day it loads: every date of the week moves with it, the
// history stays where it is, and the market trades the same.
TEST(DemoDataTest, AWeekOpeningLaterMovesEveryDateOfTheWeekWithIt) {
  constexpr int kLater = 400;
  const Demo shipped = ShippedDemo();
  const Demo later =
      BuildDemo(ShippedConfig().taxonomy, ShippedConfig().params, DayOf(kDemoStart) + kLater);
  ASSERT_EQ(later.steps.size(), shipped.steps.size());
  ASSERT_EQ(later.week_begins, shipped.week_begins);
  int offers = 0, orders = 0;
  for (size_t i = 0; i < shipped.steps.size(); ++i) {
    const DemoStep &a = shipped.steps[i], &b = later.steps[i];
    const int64_t shift = i < shipped.week_begins ? 0 : int64_t{kLater} * kMsPerDay;
    EXPECT_EQ(b.now.unix_ms - a.now.unix_ms, shift) << "step " << i + 1;
    ASSERT_EQ(a.command.index(), b.command.index()) << "step " << i + 1;
    if (i < shipped.week_begins) continue;
    if (const auto* o = std::get_if<PostOffer>(&a.command)) {
      const auto& p = std::get<PostOffer>(b.command);
      EXPECT_EQ(p.from.value - o->from.value, kLater) << "step " << i + 1;
      EXPECT_EQ(p.to.value - o->to.value, kLater) << "step " << i + 1;
      ++offers;
    } else if (const auto* o = std::get_if<PlaceOrder>(&a.command)) {
      const auto& p = std::get<PlaceOrder>(b.command);
      EXPECT_EQ(p.start.value - o->start.value, kLater) << "step " << i + 1;
      EXPECT_EQ(p.due.value - o->due.value, kLater) << "step " << i + 1;
      if (o->expires_at) {
        EXPECT_EQ(p.expires_at->unix_ms - o->expires_at->unix_ms, int64_t{kLater} * kMsPerDay);
      }
      ++orders;
    }
  }
  EXPECT_GE(offers, 280);
  EXPECT_GE(orders, 55);

  const DemoRun run = RunDemo(later);
  EXPECT_TRUE(run.rejections.empty()) << absl::StrJoin(run.rejections, "\n");
  EXPECT_TRUE(CheckInvariants(run.engine->state()).empty());
  // The week trades much as it does on its shipped dates: not exactly, because the suppliers'
  // reliability is a rolling window that the older history leaves.
  auto week_contracts = [](const DemoRun& r, Instant opens) {
    return std::count_if(r.engine->state().contracts().begin(),
                         r.engine->state().contracts().end(),
                         [opens](const Contract& c) { return c.created_at >= opens; });
  };
  const auto shipped_week = week_contracts(SharedRun(), kDemoStart);
  EXPECT_GE(shipped_week, 60);
  EXPECT_GE(week_contracts(run, StartOf(DayOf(kDemoStart) + kLater)) * 10, shipped_week * 9);
  // Earlier than the shipped opening is the shipped week.
  EXPECT_EQ(BuildDemo(ShippedConfig().taxonomy, ShippedConfig().params, DayOf(kDemoStart) + -30)
                .steps.back()
                .now,
            shipped.steps.back().now);
}

TEST(DemoDataTest, EveryCommandIsAccepted) {
  const DemoRun& run = SharedRun();
  EXPECT_TRUE(run.rejections.empty()) << absl::StrJoin(run.rejections, "\n");
}

TEST(DemoDataTest, InvariantsHoldAtTheEnd) {
  std::vector<std::string> violations = CheckInvariants(SharedRun().engine->state());
  EXPECT_TRUE(violations.empty()) << absl::StrJoin(violations, "\n");
}

TEST(DemoDataTest, BuildsAMarketOfTheAdvertisedSize) {
  const State& s = SharedRun().engine->state();
  EXPECT_GE(s.members().size(), 110u);
  EXPECT_EQ(ShippedDemo().towns.size(), s.members().size());
  EXPECT_EQ(s.clusters().size(), 2u);
  for (const Cluster& c : s.clusters()) EXPECT_GE(c.members.size(), 20u) << c.name;
  EXPECT_GE(s.offers().size(), 280u);
  EXPECT_GE(s.orders().size(), 55u);
  EXPECT_GE(s.contracts().size(), 80u);
}

TEST(DemoDataTest, LeavesOrdersPartlyFilledAndResting) {
  const State& s = SharedRun().engine->state();
  EXPECT_GE(CountOrders(s, OrderStatus::kAllocated), 30);
  EXPECT_GE(CountOrders(s, OrderStatus::kPartiallyAllocated), 1);
  EXPECT_GE(CountOrders(s, OrderStatus::kOpen), 1);
}

TEST(DemoDataTest, NewOffersFillRestingOrders) {
  EXPECT_GE(SharedRun().contracts_by_new_offers, 1);
}

TEST(DemoDataTest, TheFinalTickExpiresAnOfferAndAnOrder) {
  const State& s = SharedRun().engine->state();
  EXPECT_TRUE(std::any_of(s.offers().begin(), s.offers().end(), [](const CapacityOffer& o) {
    return o.status == OfferStatus::kExpired;
  }));
  EXPECT_GE(CountOrders(s, OrderStatus::kExpired), 1);
}

TEST(DemoDataTest, ClusterTermsAreUsed) {
  const State& s = SharedRun().engine->state();
  bool preferred = false, cluster_only = false, invited = false;
  for (const Order& o : s.orders()) {
    preferred |= !o.prefer_clusters.empty() && o.cluster_bonus > 0 && !o.contracts.empty();
    cluster_only |= o.visibility == Visibility::kClusters && !o.contracts.empty();
    invited |= o.visibility == Visibility::kInvited && !o.contracts.empty();
  }
  EXPECT_TRUE(preferred);
  EXPECT_TRUE(cluster_only);
  EXPECT_TRUE(invited);
}

TEST(DemoDataTest, NoContractJoinsABlockedPairAfterTheBlock) {
  const State& s = SharedRun().engine->state();
  int blocks = 0;
  for (const DemoStep& step : ShippedDemo().steps) {
    const auto* block = std::get_if<BlockMember>(&step.command);
    if (block == nullptr) continue;
    ++blocks;
    for (const Contract& c : s.contracts()) {
      bool pair = (c.customer == block->by && c.supplier == block->other) ||
                  (c.customer == block->other && c.supplier == block->by);
      EXPECT_FALSE(pair && c.created_at >= step.now) << "contract " << c.id.value;
    }
  }
  EXPECT_GE(blocks, 1);
}

TEST(DemoDataTest, IsDeterministic) {
  DemoRun again = RunDemo(ShippedDemo());
  EXPECT_EQ(StateHash(again.engine->state()), StateHash(SharedRun().engine->state()));
  EXPECT_EQ(again.engine->state().last_seq(), SharedRun().engine->state().last_seq());
}

// --- The history ---------------------------------------------------------------------------------

TEST(DemoHistoryTest, SpansAYearOfMonthlyTrade) {
  const State& s = SharedRun().engine->state();
  const Month first = *ParseMonth("2025-12");
  std::vector<int> orders(12), contracts(12);
  for (const Order& o : s.orders()) {
    const int32_t m = MonthOf(DayOf(o.created_at)) - first;
    if (m >= 0 && m < 12 && o.created_at < kDemoStart) ++orders[m];
  }
  for (const Contract& c : s.contracts()) {
    const int32_t m = MonthOf(DayOf(c.created_at)) - first;
    if (m >= 0 && m < 12 && c.created_at < kDemoStart) ++contracts[m];
  }
  for (int m = 0; m < 12; ++m) {
    EXPECT_GE(orders[m], 15) << FormatMonth(first + m);
    EXPECT_GE(contracts[m], 15) << FormatMonth(first + m);
  }
}

TEST(DemoHistoryTest, TheClustersFormPartWay) {
  const State& s = SharedRun().engine->state();
  ASSERT_EQ(s.clusters().size(), 2u);
  EXPECT_EQ(FormatInstant(s.clusters()[0].created_at).substr(0, 10), "2026-06-01");
  EXPECT_EQ(FormatInstant(s.clusters()[1].created_at).substr(0, 10), "2026-09-01");
}

TEST(DemoHistoryTest, ContractsRunTheirWholeLife) {
  const State& s = SharedRun().engine->state();
  std::map<std::string, int> ends;
  for (const Contract& c : s.contracts()) {
    if (c.created_at >= kDemoStart) continue;
    std::string end = ToString(c.state);
    if (c.state == ContractState::kCancelled) {
      end += c.cancelled_by == c.customer ? " by the customer" : " by the supplier";
    }
    ++ends[end];
  }
  for (const char* end : {"accepted", "disputed", "declined", "lapsed", "cancelled by the customer",
                          "cancelled by the supplier"}) {
    EXPECT_GE(ends[end], 1) << end;
  }
  EXPECT_GT(ends["accepted"], 300);
}

// What the analytics read of the demo is the same whether folded from its events or loaded from
// its final state (as after a snapshot).
TEST(DemoHistoryTest, TheAnalyticsHistoryOfTheStateIsTheFoldOfTheEvents) {
  const DemoRun& run = SharedRun();
  MarketHistory folded(run.engine->state().shared_taxonomy());
  for (const Event& e : run.events) folded.Apply(e);
  EXPECT_TRUE(folded == MarketHistory::FromState(run.engine->state()));
}

// The effect built into the history — the Lipetsk cluster's customers order more once it forms,
// often from its suppliers — is what a difference in differences of contracted value finds.
TEST(DemoHistoryTest, ADifferenceInDifferencesFindsTheLipetskClustersEffect) {
  const MarketHistory h = MarketHistory::FromState(SharedRun().engine->state());
  const DidDesign design{.cluster = ClusterId{0},
                         .metric = DidMetric::kContractedValue,
                         .before_from = *ParseMonth("2025-12"),
                         .before_to = *ParseMonth("2026-05"),
                         .after_from = *ParseMonth("2026-06"),
                         .after_to = *ParseMonth("2026-10"),
                         .control = DidControl::kNonMembers};
  absl::StatusOr<DidEstimate> est = EstimateDid(BuildDidPanel(h, design).observations);
  ASSERT_TRUE(est.ok()) << est.status();
  EXPECT_GT(est->estimate, 0);
  EXPECT_LT(est->regression.coefficients[3].p_value, 0.05)
      << "estimate " << est->estimate << " ± " << est->regression.coefficients[3].std_error;
}

}  // namespace
}  // namespace subex
