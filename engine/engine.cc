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
  size_t applied = 0;
  events_.reserve(bodies_.size());
  for (;;) {
    for (; applied < bodies_.size(); ++applied) {
      events_.push_back(Event{++seq, now, std::move(bodies_[applied])});
      state.Apply(events_.back());
    }
    // A tick is decided in rounds, each on the state the round before left, until a round fires
    // nothing: a lapse's rematch must see the capacity every earlier lapse freed or took.
    if (!std::holds_alternative<Tick>(command)) break;
    const size_t before = bodies_.size();
    if (Decide(state, command, now, bodies_) || bodies_.size() == before) break;
  }
  // Moved, not copied: a copy would allocate again every string and list the events carry.
  return Outcome{std::nullopt, std::move(events_)};
}

}  // namespace subex
