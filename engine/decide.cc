#include "engine/decide.h"

#include "engine/decide_internal.h"

namespace subex {

std::optional<Rejection> Decide(const State& state, const Command& command, Instant now,
                                std::vector<EventBody>& out) {
  // Time never runs backwards inside the engine, whatever the caller's clock says.
  if (now < state.now()) now = state.now();
  size_t mark = out.size();
  std::optional<Rejection> verdict = std::visit(
      [&](const auto& c) { return internal::DecideOn(state, c, now, out); }, command);
  if (verdict) out.resize(mark);
  return verdict;
}

}  // namespace subex
