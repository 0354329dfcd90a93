// Engine — the state and the one path that changes it: decide, stamp, apply.
//
// `Execute` decides a command at time `now`, gives each resulting event the next global sequence
// number, applies it, and returns the events (or the rejection, with nothing changed). `Replay`
// applies an already-sequenced event, as recovery does from the journal; it goes through the same
// `State::Apply`, so a replayed state is the live state.
//
//   Engine engine(taxonomy, params);
//   Engine::Outcome out = engine.Execute(PlaceOrder{...}, now);
//   if (out.rejection) { ... } else { for (const Event& e : out.events) journal(e); }
//
// A `Tick` is the one command decided in rounds: Execute decides it again on the state each round
// left until a round fires nothing, and returns every round's events as the command's.
//
// An engine can also continue from a restored state: `Engine engine(State::Restore(...))`.
//
// Requires external synchronization: one thread owns an Engine. The returned events stay valid
// until the next call.

#ifndef SUBEX_ENGINE_ENGINE_H_
#define SUBEX_ENGINE_ENGINE_H_

#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "engine/commands.h"
#include "engine/events.h"
#include "engine/params.h"
#include "engine/rejection.h"
#include "engine/state.h"

namespace subex {

class Engine {
 public:
  Engine(std::shared_ptr<const Taxonomy> taxonomy, Params params)
      : state_(std::make_unique<State>(std::move(taxonomy), params)) {}
  // Continues from a state rebuilt elsewhere (State::Restore, from a snapshot).
  explicit Engine(std::unique_ptr<State> state) : state_(std::move(state)) {}

  struct Outcome {
    std::optional<Rejection> rejection;
    std::span<const Event> events;  // Empty when rejected (and for some accepted commands).
  };

  Outcome Execute(const Command& command, Instant now);

  // Applies an event recorded earlier; its seq must be the next one.
  void Replay(const Event& event) { state_->Apply(event); }
  // Brackets a run of Replays with nothing executed in between (State::BeginBulkApply).
  void BeginBulkReplay() { state_->BeginBulkApply(); }
  void EndBulkReplay() { state_->EndBulkApply(); }

  const State& state() const { return *state_; }

 private:
  std::unique_ptr<State> state_;
  std::vector<EventBody> bodies_;
  std::vector<Event> events_;
};

}  // namespace subex

#endif  // SUBEX_ENGINE_ENGINE_H_
