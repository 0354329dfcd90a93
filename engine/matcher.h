// Matcher — auto-mode matching (PRODUCT §3).
//
// `MatchOrder` fills an order from the open offers: it walks the offer books of the order's
// subtree in price order (one book per node holds its whole subtree), keeps the eligible offers
// ranked by score (then id), and stops as soon as a lower bound on the next offer's score (its
// price, at the best possible reliability, less the largest possible cluster bonus) is worse than
// the worst score the greedy fill still needs — no unseen offer can then change the result.
// Entries whose own bound (adding transport over the chord to the supplier) is already too bad
// are skipped without touching the offer's record. The fill takes offers in
// rank order, each contributing at least the order's `min_lot` (or the remainder, if smaller) and
// at least the offer's own `min_lot`, from its latest free days in the usable window.
//
// `MatchOffer` is the other direction: a new offer serves the resting orders of its node and the
// nodes above it, best `max_unit_price` first, then the oldest, drawing on `calendar` (the offer's
// free days, updated as it goes).
//
// Both only read the state and append `ContractCreated` events with ids from `next_contract`;
// applying them is the caller's business. Neither ever pairs an order with a supplier that let it
// go (Order::let_go_by). Freed days matched after a release (engine/decide_contracts.cc) leave
// out the order they came from (`excluded_order`). Safe wherever the state may be read.

#ifndef SUBEX_ENGINE_MATCHER_H_
#define SUBEX_ENGINE_MATCHER_H_

#include <array>
#include <vector>

#include "engine/eligibility.h"
#include "engine/events.h"
#include "engine/state.h"

namespace subex {

// How much of the book one order's match looked at: entries walked in price order, offer records
// examined (the rest were ruled out by the entry alone), and eligible offers ranked.
struct MatchStats {
  int64_t cells = 0;    // Map cells whose buckets were read.
  int64_t buckets = 0;  // Buckets whose entries were walked.
  int64_t walked = 0;
  int64_t examined = 0;
  int64_t eligible = 0;
  std::array<int64_t, kIneligibleReasons> ruled_out{};  // Examined offers, by the rule that failed.
};

void MatchOrder(const State& state, const Order& order, Instant now, ContractId next_contract,
                std::vector<EventBody>& out, MatchStats* stats = nullptr);

void MatchOffer(const State& state, const CapacityOffer& offer, CapacityCalendar& calendar,
                Instant now, ContractId next_contract, std::vector<EventBody>& out,
                OrderId excluded_order = {});

}  // namespace subex

#endif  // SUBEX_ENGINE_MATCHER_H_
