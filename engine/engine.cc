#include "engine/engine.h"

#include "engine/decide.h"

namespace subex {

Engine::Outcome Engine::Execute(const Command& command, Instant now) {
  bodies_.clear();
  events_.clear();
  if (now < state_.now()) now = state_.now();
  if (std::optional<Rejection> r = Decide(state_, command, now, bodies_)) {
    return Outcome{std::move(r), {}};
  }
  uint64_t seq = state_.last_seq();
  for (EventBody& body : bodies_) {
    events_.push_back(Event{++seq, now, std::move(body)});
    state_.Apply(events_.back());
  }
  return Outcome{std::nullopt, events_};
}

}  // namespace subex
