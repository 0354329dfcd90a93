// Invariants — the properties the engine must never break, checked over a whole state:
//
//   - no offer-day is allocated beyond its capacity, and every calendar agrees with the live
//     contracts drawn on it (free + allocated = daily capacity, day by day), so capacity a
//     declined, lapsed or cancelled contract released is back exactly once;
//   - each order's allocated quantity equals the sum of its live contracts, its withdrawn
//     quantity the sum of those its customer cancelled, and together they never exceed it; an
//     order with nothing left does not rest, an allocated one has nothing left, a completed one
//     has every live contract accepted or disputed;
//   - every contract's days lie inside the usable window of its order and offer (PRODUCT §3) and
//     add up to its quantity, which is at least the offer's minimum lot; its delivery day and
//     who cancelled it agree with its state;
//   - the indexes hold exactly the open offers, the resting orders and the contracts pending
//     confirmation.
//
// Used by property tests and by recovery checks. O(size of the state); reads only.

#ifndef SUBEX_ENGINE_INVARIANTS_H_
#define SUBEX_ENGINE_INVARIANTS_H_

#include <string>
#include <vector>

#include "engine/state.h"

namespace subex {

// Every violation found, in words; empty when the state is sound.
std::vector<std::string> CheckInvariants(const State& state);

// The invariants of the records alone: all of the above but the offer and resting books, which
// State::Restore builds from the records. What DecodeSnapshot checks before it trusts a
// snapshot; cheaper than CheckInvariants (no book lookups).
//
// `whole_calendars`, when given, marks by offer id the offers whose calendar the caller built
// wholly free from the offer's own terms (DecodeSnapshot's untouched calendars): with no live
// contract drawn on one, its calendar is sound by construction and its days are not read again.
std::vector<std::string> CheckRecordInvariants(const State& state,
                                               const std::vector<bool>* whole_calendars = nullptr);

}  // namespace subex

#endif  // SUBEX_ENGINE_INVARIANTS_H_
