// Idempotency — the rule of PRODUCT §6 for commands sent with an Idempotency-Key, whole: the
// key's scope, the request's fingerprint, the lookup, the replay, the refusal of a key reused for
// another request, expiry and pruning, and the form the answers are kept in.
//
// A key belongs to a scope (the operator, a member, or a platform not acting for anyone), so one
// member's key never finds another's answer. On the engine thread, `Admit` looks the key up
// before the command runs: in the batch being decided, in the batches handed to the journal
// writer and not yet written, then in the journal, so two requests with one key never both run,
// even in one batch or across a restart. An answer found for the same fingerprint is replayed; for
// another fingerprint the request is refused (kKeyReused) and nothing runs. `Store` adds the new
// answer to the batch, to be written with its events in one synced write. An answer expires
// `retention` after the `now` of the request that stored it, judged by each request's own `now`
// (the engine thread reads no clock): an expired answer is absent, pruned or not.
//
// Answers are kept in a binary form of their own (`Encode`): a format byte, then the fingerprint
// and the answer's fields. `Decode` also reads the newline-separated text that older builds kept,
// so their answers are still replayed until they expire.
//
// Thread-safety: Admit, Store and Handed on the engine thread; Written and Prune on the journal
// writer's thread; the static functions anywhere.

#ifndef SUBEX_PIPELINE_IDEMPOTENCY_H_
#define SUBEX_PIPELINE_IDEMPOTENCY_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

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

  // What Admit found out for Store.
  struct Admission {
    std::string journal_key;  // Empty: the request has no key.
    // The stored_at of the expired answer the new one replaces, if any.
    std::optional<Instant> replaces;
  };
  // Whether `request` is to run. When not, `result` says why: the stored answer (kReplayed), a
  // key reused for another request (kKeyReused), or a status: Unavailable when the lookup failed
  // (without it the command might run twice), Internal when the stored answer cannot be read.
  bool Admit(const Batch& batch, const PipelineRequest& request, PipelineResult& result,
             Admission& admission);
  // Adds the answer `result` carries for an admitted keyed request to `batch`.
  static void Store(Batch& batch, const PipelineRequest& request, const PipelineResult& result,
                    Admission admission);

  // The batch is handed to the journal writer: its answers are found here until written.
  void Handed(const Batch& batch);
  // The batch's answers are in the journal.
  void Written(const Batch& batch);
  // Deletes answers expired at `now`, a step at a time.
  void Prune(Instant now);

  // Expired answers deleted since start.
  uint64_t pruned() const { return pruned_.load(); }

  // The key the journal keeps `key`'s answer under: its scope, a unit separator, the key.
  static std::string JournalKey(const IdempotencyKey& key);
  // A stored answer and the fingerprint of the request it answered.
  struct Stored {
    std::string fingerprint;
    CommandAnswer answer;  // With the replay body, if it had one, as its body.
  };
  static std::string Encode(std::string_view fingerprint, const CommandAnswer& answer);
  // Either form; nullopt when `value` is neither.
  static std::optional<Stored> Decode(std::string_view value);

 private:
  // The answer stored under `journal_key`, expired or not, from `batch`, one being written, or
  // the journal.
  absl::StatusOr<std::optional<IdempotencyRecord>> Find(const Batch& batch,
                                                        const std::string& journal_key);
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
