// Idempotency — the rule of PRODUCT §6 for commands sent with an Idempotency-Key: a key that
// already has an answer not yet expired is not executed again, and its stored answer is replayed.
//
// On the engine thread, `Admit` looks the key up before the command runs: in the batch being
// decided, in the batches handed to the journal writer and not yet written, then in the journal,
// so two requests with one key never both run, even in one batch or across a restart. `Store`
// adds the answer to the batch, to be written with its events in one synced write. A stored answer
// expires `retention` after the `now` of the request that stored it, judged by each request's own
// `now` (the engine thread reads no clock): an expired answer is absent, pruned or not.
//
// On the journal writer's thread, `Written` forgets a batch's answers once they are in the
// journal, and `Prune` deletes expired ones a bounded step at a time.
//
// Thread-safety: Admit and Store on the engine thread; Handed on the engine thread before the
// batch reaches the writer; Written and Prune on the journal writer's thread.

#ifndef SUBEX_PIPELINE_IDEMPOTENCY_H_
#define SUBEX_PIPELINE_IDEMPOTENCY_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "pipeline/batch.h"
#include "storage/journal.h"

namespace subex {

class Idempotency {
 public:
  struct Options {
    std::chrono::milliseconds retention = std::chrono::hours(24);
    size_t prune_step = 1024;  // Expired answers deleted after a batch, at most.
  };

  // `journal` must outlive it.
  Idempotency(Journal& journal, Options options) : journal_(journal), options_(options) {}

  // Whether `request` is to run. When not, `result` says why: the stored answer (replayed), or
  // Unavailable when the lookup failed (without it the command might run twice). When it is to
  // run, `replaces` is the stored_at of the expired answer the new one replaces, if any.
  bool Admit(const Batch& batch, const PipelineRequest& request, PipelineResult& result,
             std::optional<Instant>& replaces);
  // Adds the answer `result` carries for a keyed `request` to `batch`.
  static void Store(Batch& batch, const PipelineRequest& request, const PipelineResult& result,
                    std::optional<Instant> replaces);

  // The batch is handed to the journal writer: its answers are found here until written.
  void Handed(const Batch& batch);
  // The batch's answers are in the journal.
  void Written(const Batch& batch);
  // Deletes answers expired at `now`, a step at a time.
  void Prune(Instant now);

  // Expired answers deleted since start.
  uint64_t pruned() const { return pruned_.load(); }

 private:
  // The answer stored under `key`, expired or not, from `batch`, one being written, or the
  // journal.
  absl::StatusOr<std::optional<IdempotencyRecord>> Find(const Batch& batch,
                                                        const std::string& key);
  bool Expired(const IdempotencyRecord& r, Instant now) const;

  Journal& journal_;
  const Options options_;
  std::mutex mu_;
  // The answers of batches handed over and not yet written.
  absl::flat_hash_map<std::string, IdempotencyRecord> unwritten_;
  std::atomic<uint64_t> pruned_{0};
};

}  // namespace subex

#endif  // SUBEX_PIPELINE_IDEMPOTENCY_H_
