#include "pipeline/idempotency.h"

#include <charconv>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "storage/binary.h"
#include "telemetry/log.h"

namespace subex {
namespace {

// The first byte of an answer in the binary form. Older builds kept answers as text that begins
// with the fingerprint's first hexadecimal digit, which this byte never is.
constexpr uint8_t kBinaryForm = 0x01;

// The text form of older builds: the fingerprint, the status, the location, the revision and
// the problem flag one a line, and the body after them.
std::optional<Idempotency::Stored> DecodeText(std::string_view text) {
  std::vector<std::string_view> parts;
  for (int i = 0; i < 5; ++i) {
    const size_t at = text.find('\n');
    if (at == std::string_view::npos) return std::nullopt;
    parts.push_back(text.substr(0, at));
    text.remove_prefix(at + 1);
  }
  auto number = [](std::string_view s, auto& out) {
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && end == s.data() + s.size();
  };
  Idempotency::Stored out;
  int problem = 0;
  if (!number(parts[1], out.answer.status) || !number(parts[3], out.answer.revision) ||
      !number(parts[4], problem)) {
    return std::nullopt;
  }
  out.fingerprint = std::string(parts[0]);
  out.answer.location = std::string(parts[2]);
  out.answer.problem = problem != 0;
  out.answer.body = std::string(text);
  return out;
}

}  // namespace

std::string Idempotency::JournalKey(const IdempotencyKey& key) {
  std::string scope;
  switch (key.scope) {
    case IdempotencyKey::Scope::kOperator:
      scope = "admin";
      break;
    case IdempotencyKey::Scope::kMember:
      scope = absl::StrCat("m", key.party);
      break;
    case IdempotencyKey::Scope::kPlatform:
      scope = absl::StrCat("p", key.party);
      break;
  }
  return absl::StrCat(scope, "\x1f", key.key);
}

std::string Idempotency::Encode(std::string_view fingerprint, const CommandAnswer& answer) {
  std::string out;
  Writer w(out);
  w.PutU8(kBinaryForm);
  w.PutString(fingerprint);
  w.PutVarint(answer.status);
  w.PutZigzag(answer.revision);
  w.PutBool(answer.problem);
  w.PutString(answer.location);
  w.PutString(answer.replay_body ? *answer.replay_body : answer.body);
  return out;
}

std::optional<Idempotency::Stored> Idempotency::Decode(std::string_view value) {
  if (value.empty() || static_cast<uint8_t>(value[0]) != kBinaryForm) return DecodeText(value);
  Reader r(value.substr(1));
  Stored out;
  uint64_t status = 0;
  if (!r.GetString(&out.fingerprint) || !r.GetVarint(&status) ||
      !r.GetZigzag(&out.answer.revision) || !r.GetBool(&out.answer.problem) ||
      !r.GetString(&out.answer.location) || !r.GetString(&out.answer.body) || !r.empty() ||
      status > 999) {
    return std::nullopt;
  }
  out.answer.status = static_cast<unsigned>(status);
  return out;
}

bool Idempotency::Admit(const Batch& batch, const PipelineRequest& request,
                        PipelineResult& result, Admission& admission) {
  admission = Admission();
  if (request.idempotency.key.empty()) return true;
  admission.journal_key = JournalKey(request.idempotency);
  absl::StatusOr<std::optional<IdempotencyRecord>> found = Find(batch, admission.journal_key);
  if (!found.ok()) {
    result.status = absl::UnavailableError(absl::StrCat("cannot read the idempotency record: ",
                                                        std::string(found.status().message())));
    return false;
  }
  if (!found->has_value()) return true;
  if (Expired(**found, request.now)) {
    admission.replaces = (*found)->stored_at;
    return true;
  }
  std::optional<Stored> stored = Decode((*found)->value);
  if (!stored) {
    result.status = absl::InternalError("a stored answer cannot be read");
  } else if (stored->fingerprint != request.idempotency.fingerprint) {
    result.replay = PipelineResult::Replay::kKeyReused;
  } else {
    result.answer = std::move(stored->answer);
    result.replay = PipelineResult::Replay::kReplayed;
  }
  return false;
}

void Idempotency::Store(Batch& batch, const PipelineRequest& request,
                        const PipelineResult& result, Admission admission) {
  if (admission.journal_key.empty()) return;
  batch.keys.insert_or_assign(admission.journal_key, batch.records.size());
  batch.records.push_back({std::move(admission.journal_key),
                           Encode(request.idempotency.fingerprint, result.answer), request.now,
                           admission.replaces});
}

bool Idempotency::Expired(const IdempotencyRecord& r, Instant now) const {
  return now.unix_ms - r.stored_at.unix_ms >= options_.retention.count();
}

// A key repeated inside the batch is found there; one handed to the journal writer but perhaps
// not written yet is found in unwritten_, and once written it is in the journal before it leaves
// that map, so no lookup falls between the two.
absl::StatusOr<std::optional<IdempotencyRecord>> Idempotency::Find(
    const Batch& batch, const std::string& journal_key) {
  if (auto it = batch.keys.find(journal_key); it != batch.keys.end()) {
    return std::optional<IdempotencyRecord>(batch.records[it->second]);
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = unwritten_.find(journal_key); it != unwritten_.end()) {
      return std::optional<IdempotencyRecord>(it->second);
    }
  }
  return journal_.FindIdempotencyRecord(journal_key);
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
