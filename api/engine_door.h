// EngineDoor — all the API asks of the single-writer pipeline (PRODUCT §8), declared here in
// engine types so that api/ depends on neither storage/ nor pipeline/: the wiring (server/)
// implements it over the pipeline, and tests may implement it over anything that keeps its
// promises.
//
// Two calls: submit a command, with the request's idempotency key and fingerprint, and run a read.
// Both go through the pipeline's one queue, and both are answered only once everything they
// could have seen is durable.
//
//   door.Submit({.command = PlaceOrder{...}, .now = clock(), .idempotency = {...},
//                .render = [](const Decision& d, const State& s) { return Answer{...}; },
//                .reply = [](Outcome o) { ... }});
//
// Thread-safety: Submit, Read, failed and WriteMetrics are safe from any thread. `render` and
// `read` run on the engine thread with the state as the command (or the queue) left it;
// `reply` and `done` run on the journal's thread. None of them may block.

#ifndef SUBEX_API_ENGINE_DOOR_H_
#define SUBEX_API_ENGINE_DOOR_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>

#include "absl/status/status.h"
#include "engine/commands.h"
#include "engine/events.h"
#include "engine/rejection.h"
#include "engine/state.h"
#include "telemetry/metrics.h"

namespace subex {

class EngineDoor {
 public:
  // What a route answers, before it becomes an HTTP response; stored whole under an
  // idempotency key.
  struct Answer {
    unsigned status = 200;
    std::string body;
    std::string location;  // For 201.
    int64_t revision = 0;  // ETag when positive.
    bool problem = false;
    // What an idempotent replay answers instead of `body`, when that holds a secret shown once
    // (a new API key): the secret is never stored.
    std::optional<std::string> replay_body;
  };

  // An Idempotency-Key (PRODUCT §6). Keys are scoped to whom they belong to: one member's key
  // never finds another's answer, and a platform acting for a member shares the member's keys.
  struct Idempotency {
    enum class Scope : uint8_t { kOperator, kMember, kPlatform };
    std::string key;  // As the request sent it; empty: none.
    Scope scope = Scope::kOperator;
    MemberId party;  // The member's or the platform's id; unused for the operator.
    // Of the request (its method, target and body): the same key with another request is
    // refused (kKeyReused).
    std::string fingerprint;
  };

  // What the engine decided, for `render`.
  struct Decision {
    const Rejection* rejection = nullptr;  // The engine's refusal, if it refused.
    std::span<const Event> events;         // What the command caused, with their seqs.
  };

  struct Outcome {
    enum class Kind : uint8_t {
      kAnswered,     // `answer` is what `render` made of the command.
      kReplayed,     // The key had an answer for this request: `answer` is that one.
      kKeyReused,    // The key had an answer for another request: nothing ran.
      kUnavailable,  // Nothing durable can be promised: `error` says why.
      kUnreadable,   // The key's stored answer cannot be read: nothing ran.
    };
    Kind kind = Kind::kAnswered;
    Answer answer;
    std::string error;
  };

  struct Submission {
    Command command;
    Instant now;
    Idempotency idempotency;
    std::function<Answer(const Decision&, const State&)> render;
    std::function<void(Outcome)> reply;
  };

  virtual ~EngineDoor() = default;

  virtual void Submit(Submission submission) = 0;
  // Runs `read` on the engine thread, in queue order; `done` gets OK once every event `read`
  // could have seen is durable, Unavailable when the pipeline cannot promise it.
  virtual void Read(std::function<void(const State&)> read,
                    std::function<void(absl::Status)> done) = 0;
  // Whether a journal write has failed: nothing more is acknowledged.
  virtual bool failed() const = 0;
  // The pipeline's metric families (subex_engine_*, subex_journal_*, subex_snapshot*, …).
  virtual void WriteMetrics(MetricsText& out) const = 0;
};

}  // namespace subex

#endif  // SUBEX_API_ENGINE_DOOR_H_
