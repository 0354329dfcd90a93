// Batch — the requests the sequencer decided together, on their way to the journal writer, and
// the request and result types that travel with them (pipeline/pipeline.h tells the contract).
//
// A batch is built on the engine thread and handed over whole; from then on only the journal
// writer touches it. Plain values; requires external synchronization.

#ifndef SUBEX_PIPELINE_BATCH_H_
#define SUBEX_PIPELINE_BATCH_H_

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

// What a command came to, delivered once it is durable (or never will be).
struct PipelineResult {
  absl::Status status;                 // Unavailable when the journal could not write.
  std::optional<Rejection> rejection;  // The engine's verdict when status is OK.
  std::vector<Event> events;           // What the command caused, with their seqs.
  std::string rendered;                // What `render` produced, if given.
  // The request's idempotency key already had an answer: `rendered` is that stored answer,
  // the command was not executed again, and `rejection` and `events` are empty.
  bool replayed = false;
};

struct PipelineRequest {
  Command command;
  Instant now;
  // Optional: the idempotency key to store the rendered answer under, in the same write. A
  // key that already has an answer (from any earlier batch, or earlier in this one, or before
  // a restart) not yet expired at `now` is not executed again: the reply carries the stored
  // answer (`replayed`).
  std::string idempotency_key;
  // Optional: turns the result into the answer to store and send, on the engine thread
  // while the state is exactly as the command left it.
  std::function<std::string(const PipelineResult&, const State&)> render;
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
