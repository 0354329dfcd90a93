#include "engine/engine.h"

#include "engine/decide.h"

namespace subex {

Engine::Outcome Engine::Execute(const Command& command, Instant now) {
  bodies_.clear();
  events_.clear();
  State& state = *state_;
  if (now < state.now()) now = state.now();
  if (std::optional<Rejection> r = Decide(state, command, now, bodies_)) {
    return Outcome{std::move(r), {}};
  }
  uint64_t seq = state.last_seq();
  for (EventBody& body : bodies_) {
    events_.push_back(Event{++seq, now, std::move(body)});
    state.Apply(events_.back());
  }
  return Outcome{std::nullopt, events_};
}

}  // namespace subex
