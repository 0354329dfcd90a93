#include "pipeline/idempotency.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "telemetry/log.h"

namespace subex {

bool Idempotency::Admit(const Batch& batch, const PipelineRequest& request,
                        PipelineResult& result, std::optional<Instant>& replaces) {
  replaces.reset();
  if (request.idempotency_key.empty()) return true;
  absl::StatusOr<std::optional<IdempotencyRecord>> stored = Find(batch, request.idempotency_key);
  if (!stored.ok()) {
    result.status = absl::UnavailableError(absl::StrCat("cannot read the idempotency record: ",
                                                        std::string(stored.status().message())));
    return false;
  }
  if (stored->has_value() && !Expired(**stored, request.now)) {
    result.rendered = std::move((*stored)->value);
    result.replayed = true;
    return false;
  }
  if (stored->has_value()) replaces = (*stored)->stored_at;
  return true;
}

void Idempotency::Store(Batch& batch, const PipelineRequest& request,
                        const PipelineResult& result, std::optional<Instant> replaces) {
  if (request.idempotency_key.empty()) return;
  batch.keys.insert_or_assign(request.idempotency_key, batch.records.size());
  batch.records.push_back({request.idempotency_key, result.rendered, request.now, replaces});
}

bool Idempotency::Expired(const IdempotencyRecord& r, Instant now) const {
  return now.unix_ms - r.stored_at.unix_ms >= options_.retention.count();
}

// A key repeated inside the batch is found there; one handed to the journal writer but perhaps
// not written yet is found in unwritten_, and once written it is in the journal before it leaves
// that map, so no lookup falls between the two.
absl::StatusOr<std::optional<IdempotencyRecord>> Idempotency::Find(const Batch& batch,
                                                                   const std::string& key) {
  if (auto it = batch.keys.find(key); it != batch.keys.end()) {
    return std::optional<IdempotencyRecord>(batch.records[it->second]);
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = unwritten_.find(key); it != unwritten_.end()) {
      return std::optional<IdempotencyRecord>(it->second);
    }
  }
  return journal_.FindIdempotencyRecord(key);
}

void Idempotency::Handed(const Batch& batch) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const IdempotencyRecord& r : batch.records) unwritten_.insert_or_assign(r.key, r);
}

void Idempotency::Written(const Batch& batch) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const IdempotencyRecord& r : batch.records) {
    // Unless a later batch, handed over meanwhile, stored a newer answer under the key.
    auto it = unwritten_.find(r.key);
    if (it != unwritten_.end() && it->second.stored_at == r.stored_at) unwritten_.erase(it);
  }
}

void Idempotency::Prune(Instant now) {
  const Instant expired_up_to{now.unix_ms - options_.retention.count()};
  absl::StatusOr<size_t> pruned = journal_.PruneIdempotency(expired_up_to, options_.prune_step);
  if (!pruned.ok()) {
    // Only space is lost: expired answers are never replayed, pruned or not.
    Log(LogLevel::kWarn, "pruning idempotency answers failed",
        {{"error", std::string(pruned.status().message())}});
    return;
  }
  pruned_.fetch_add(*pruned);
}

}  // namespace subex
