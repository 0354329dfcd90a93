// DemoHistory — the year before the demo's week, so that the analytics have something to read
// (PRODUCT §7): from 2025-11-24, when the plants register, to 2026-11-23, the eve of the week.
//
// Month after month the suppliers post their spare capacity for the month (some asking to confirm
// each contract), the customers order from the demo's order book, more as the market grows, and
// the contracts run their course: confirmed (or declined, or left to lapse), delivered (a few
// late) and accepted (a few disputed), now and then cancelled by either party. A tick each night
// expires what is due. The Lipetsk cluster forms on 2026-06-01 and the Kama cluster on
// 2026-09-01; from then on their member customers order more, and often prefer their own
// cluster's suppliers — an effect a difference in differences finds.
//
// Each step is run through `engine` as it is written, so that later steps can name the contracts
// the engine made, and only accepted commands are written: the steps replay exactly on a fresh
// engine with the same taxonomy and params. Deterministic.
//
//   Engine engine(taxonomy, params);
//   DemoHistory history(engine, steps);
//   history.Run(RegisterMember{...}, kHistoryStart);
//   history.Trade();
//
// Requires external synchronization; owns nothing it is given.

#ifndef SUBEX_SERVER_DEMO_HISTORY_H_
#define SUBEX_SERVER_DEMO_HISTORY_H_

#include <functional>
#include <map>
#include <optional>
#include <vector>

#include "engine/engine.h"
#include "server/demo_data.h"
#include "server/demo_market.h"

namespace subex {

class DemoHistory {
 public:
  DemoHistory(Engine& engine, std::vector<DemoStep>& steps) : engine_(engine), steps_(steps) {}

  // Runs `command` at `at` (or a second after the last step, if that is later) and writes it as
  // a step; false, writing nothing, when the engine rejects it.
  bool Run(Command command, Instant at);

  // The year of trading, through the eve of the demo's week.
  void Trade();

 private:
  // What to do at a moment, decided then: the command, or nothing when the plan no longer fits
  // (the contract was released, say).
  using Action = std::function<std::optional<Command>(const State&)>;

  void Plan(Instant at, Action action) { agenda_.emplace(at, std::move(action)); }
  void PlanMonth(int index, Day first, Day last);
  void PlanFormation(ClusterId cluster, Day day);
  // Plans what becomes of a contract the engine just made.
  void FollowUp(const ContractCreated& contract, Instant made);

  Engine& engine_;
  std::vector<DemoStep>& steps_;
  std::multimap<Instant, Action> agenda_;
  demo::Rng rng_{20251124};
};

}  // namespace subex

#endif  // SUBEX_SERVER_DEMO_HISTORY_H_
