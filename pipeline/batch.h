// Batch — the requests the sequencer decided together, on their way to the journal writer, and
// the request and result types that travel with them (pipeline/pipeline.h tells the contract).
//
// A batch is built on the engine thread and handed over whole; from then on only the journal
// writer touches it. Plain values; requires external synchronization.

#ifndef SUBEX_PIPELINE_BATCH_H_
#define SUBEX_PIPELINE_BATCH_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/engine.h"
#include "storage/journal.h"

namespace subex {

// An answer to a command, as the caller rendered it: kept whole under its idempotency key and
// replayed as it was.
struct CommandAnswer {
  unsigned status = 200;
  std::string body;
  std::string location;
  int64_t revision = 0;
  bool problem = false;
  // What a replay answers instead of `body`, when that holds a secret shown once: the secret is
  // never stored.
  std::optional<std::string> replay_body;
};

// The idempotency key a command was sent with (pipeline/idempotency.h).
struct IdempotencyKey {
  enum class Scope : uint8_t { kOperator, kMember, kPlatform };
  std::string key;  // As the request sent it; empty: none.
  Scope scope = Scope::kOperator;
  uint32_t party = 0;  // The member's or the platform's id; unused for the operator.
  // Of the request the key came with: the same key with another request is refused.
  std::string fingerprint;
};

// What a command came to, delivered once it is durable (or never will be).
struct PipelineResult {
  // Unavailable when the journal could not write or the key could not be looked up; Internal
  // when the key's stored answer cannot be read.
  absl::Status status;
  std::optional<Rejection> rejection;  // The engine's verdict when status is OK.
  std::vector<Event> events;           // What the command caused, with their seqs.
  CommandAnswer answer;                // What `render` produced, or the stored answer replayed.
  enum class Replay : uint8_t {
    kNo,         // The command ran.
    kReplayed,   // The key had an answer for the same request: `answer`, and nothing ran.
    kKeyReused,  // The key had an answer for another request: nothing ran.
  };
  Replay replay = Replay::kNo;
  bool replayed() const { return replay == Replay::kReplayed; }
};

struct PipelineRequest {
  Command command;
  Instant now;
  // Optional: the key to store the rendered answer under, in the same write. A key that already
  // has an answer (from any earlier batch, or earlier in this one, or before a restart) not yet
  // expired at `now` is not executed again.
  IdempotencyKey idempotency;
  // Optional: turns the result into the answer to send (and store), on the engine thread while
  // the state is exactly as the command left it.
  std::function<CommandAnswer(const PipelineResult&, const State&)> render;
  std::function<void(PipelineResult)> reply;
};

// One queued request: a command, or a read of the state.
struct PipelineItem {
  std::optional<PipelineRequest> request;
  std::function<std::string(const State&)> read;
  std::function<void(absl::StatusOr<std::string>)> done;
};

// A batch decided and applied, on its way to the journal writer.
struct Batch {
  std::vector<PipelineItem> items;
  std::vector<PipelineResult> results;
  std::vector<std::string> answers;  // Of the reads.
  std::vector<Event> events;
  std::vector<IdempotencyRecord> records;
  absl::flat_hash_map<std::string, size_t> keys;  // Index in `records` of each key.
  Instant now;  // The latest `now` of its requests: what pruning judges expiry by.
};

}  // namespace subex

#endif  // SUBEX_PIPELINE_BATCH_H_
