// Decide — the engine's judgement: from the state, a command and the time, the events that the
// command causes, or the reason it causes none (PRODUCT §8).
//
// Decide is pure: it reads the state and never changes it, so a rejected command changes
// nothing, and the same state, command and time always give the same events. Ids of new objects
// are the next free ones; matching is part of the decision (the contracts are events too).
//
//   std::vector<EventBody> events;
//   if (std::optional<Rejection> r = Decide(state, command, now, events)) { ... answer r ... }
//   for (EventBody& e : events) state.Apply(Event{++seq, now, std::move(e)});
//
// Safe wherever the state may be read.

#ifndef SUBEX_ENGINE_DECIDE_H_
#define SUBEX_ENGINE_DECIDE_H_

#include <optional>
#include <vector>

#include "engine/commands.h"
#include "engine/events.h"
#include "engine/rejection.h"
#include "engine/state.h"

namespace subex {

// Appends the command's events to `out`, or returns why there are none (and appends nothing).
// A command may be accepted with no events (blocking a member already blocked).
[[nodiscard]] std::optional<Rejection> Decide(const State& state, const Command& command,
                                              Instant now, std::vector<EventBody>& out);

}  // namespace subex

#endif  // SUBEX_ENGINE_DECIDE_H_
