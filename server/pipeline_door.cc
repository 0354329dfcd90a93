#include "server/pipeline_door.h"

#include <string>
#include <utility>

namespace subex {
namespace {

IdempotencyKey KeyOf(EngineDoor::Idempotency i) {
  using From = EngineDoor::Idempotency::Scope;
  using To = IdempotencyKey::Scope;
  const To scope = i.scope == From::kOperator ? To::kOperator
                   : i.scope == From::kMember ? To::kMember
                                              : To::kPlatform;
  return {.key = std::move(i.key),
          .scope = scope,
          .party = i.party.value,
          .fingerprint = std::move(i.fingerprint)};
}

CommandAnswer CommandAnswerOf(EngineDoor::Answer a) {
  return {.status = a.status,
          .body = std::move(a.body),
          .location = std::move(a.location),
          .revision = a.revision,
          .problem = a.problem,
          .replay_body = std::move(a.replay_body)};
}

EngineDoor::Answer AnswerOf(CommandAnswer a) {
  return {.status = a.status,
          .body = std::move(a.body),
          .location = std::move(a.location),
          .revision = a.revision,
          .problem = a.problem,
          .replay_body = {}};
}

EngineDoor::Outcome OutcomeOf(PipelineResult r) {
  using Kind = EngineDoor::Outcome::Kind;
  if (!r.status.ok()) {
    return {.kind = absl::IsInternal(r.status) ? Kind::kUnreadable : Kind::kUnavailable,
            .answer = {},
            .error = std::string(r.status.message())};
  }
  switch (r.replay) {
    case PipelineResult::Replay::kKeyReused:
      return {.kind = Kind::kKeyReused, .answer = {}, .error = {}};
    case PipelineResult::Replay::kReplayed:
      return {.kind = Kind::kReplayed, .answer = AnswerOf(std::move(r.answer)), .error = {}};
    case PipelineResult::Replay::kNo:
      break;
  }
  return {.kind = Kind::kAnswered, .answer = AnswerOf(std::move(r.answer)), .error = {}};
}

}  // namespace

void PipelineDoor::Submit(Submission s) {
  PipelineRequest request{.command = std::move(s.command),
                          .now = s.now,
                          .idempotency = KeyOf(std::move(s.idempotency)),
                          .render = {},
                          .reply = {}};
  if (s.render) {
    request.render = [render = std::move(s.render)](const PipelineResult& r, const State& state) {
      const EngineDoor::Decision decision{.rejection = r.rejection ? &*r.rejection : nullptr,
                                          .events = r.events};
      return CommandAnswerOf(render(decision, state));
    };
  }
  if (s.reply) {
    request.reply = [reply = std::move(s.reply)](PipelineResult r) {
      reply(OutcomeOf(std::move(r)));
    };
  }
  pipeline_.Submit(std::move(request));
}

void PipelineDoor::Read(std::function<void(const State&)> read,
                        std::function<void(absl::Status)> done) {
  pipeline_.Query(
      [read = std::move(read)](const State& state) {
        read(state);
        return std::string();
      },
      [done = std::move(done)](absl::StatusOr<std::string> r) { done(r.status()); });
}

}  // namespace subex
