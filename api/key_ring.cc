#include "api/key_ring.h"

#include <cctype>
#include <mutex>

#include "api/crypto.h"
#include "api/ids.h"

namespace subex {

void KeyRing::Load(const State& state) {
  std::unique_lock lock(mu_);
  keys_.clear();
  hashes_.clear();
  authorised_.clear();
  for (const Member& m : state.members()) {
    for (MemberId p : m.platforms) authorised_.emplace(m.id.value, p.value);
  }
  for (const ApiKey& key : state.key_list()) {
    if (key.revoked) continue;
    keys_.emplace(state.key_hashes()[key.id.value], key);
    hashes_.emplace(key.id.value, state.key_hashes()[key.id.value]);
  }
}

void KeyRing::Observe(std::span<const Event> events) {
  for (const Event& e : events) {
    if (const auto* issued = std::get_if<KeyIssued>(&e.body)) {
      std::unique_lock lock(mu_);
      keys_.insert_or_assign(issued->hash, ApiKey{issued->key, issued->kind, issued->member,
                                                  issued->label, false});
      hashes_.insert_or_assign(issued->key.value, issued->hash);
    } else if (const auto* a = std::get_if<PlatformAuthorized>(&e.body)) {
      std::unique_lock lock(mu_);
      authorised_.emplace(a->member.value, a->platform.value);
    } else if (const auto* r = std::get_if<PlatformRevoked>(&e.body)) {
      std::unique_lock lock(mu_);
      authorised_.erase(std::make_pair(r->member.value, r->platform.value));
    } else if (const auto* revoked = std::get_if<KeyRevoked>(&e.body)) {
      std::unique_lock lock(mu_);
      if (auto it = hashes_.find(revoked->key.value); it != hashes_.end()) {
        keys_.erase(it->second);
        hashes_.erase(it);
      }
    }
  }
}

absl::StatusOr<Caller> KeyRing::Authenticate(std::string_view authorization,
                                             std::string_view on_behalf_of) const {
  std::optional<ApiKey> key;
  if (std::optional<Caller> admin = Check(authorization, key)) {
    if (!on_behalf_of.empty()) {
      return absl::PermissionDeniedError("X-On-Behalf-Of is for platform keys only");
    }
    return *admin;
  }
  if (!key) return absl::UnauthenticatedError("the API key is not valid");
  switch (key->kind) {
    case KeyKind::kMember:
      if (!on_behalf_of.empty()) {
        return absl::PermissionDeniedError("X-On-Behalf-Of is for platform keys only");
      }
      return Caller::Member(key->member);
    case KeyKind::kAnalyst:
      if (!on_behalf_of.empty()) {
        return absl::PermissionDeniedError("X-On-Behalf-Of is for platform keys only");
      }
      return Caller::Analyst();
    case KeyKind::kPlatform:
      break;
  }
  if (on_behalf_of.empty()) return Caller::Platform(key->member);
  std::optional<MemberId> member = ParsePublicId<MemberId>(on_behalf_of);
  std::shared_lock lock(mu_);
  if (!member || !authorised_.contains(std::make_pair(member->value, key->member.value))) {
    return absl::PermissionDeniedError(
        "X-On-Behalf-Of names no member that has authorised this platform");
  }
  return Caller::Member(*member, key->member);
}

// The admin caller for the admin key; otherwise the member, platform or analyst key in `key`,
// if the header holds a live one.
std::optional<Caller> KeyRing::Check(std::string_view authorization,
                                     std::optional<ApiKey>& key) const {
  // The scheme name is case-insensitive (RFC 9110 §11.1).
  constexpr std::string_view kBearer = "bearer ";
  if (authorization.size() <= kBearer.size()) return std::nullopt;
  for (size_t i = 0; i < kBearer.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(authorization[i])) != kBearer[i]) {
      return std::nullopt;
    }
  }
  std::string_view secret = authorization.substr(kBearer.size());
  if (secret.size() > 256) return std::nullopt;
  const std::string hash = Sha256Hex(secret);
  if (!admin_hash_.empty() && ConstantTimeEquals(hash, admin_hash_)) return Caller::Admin();
  std::shared_lock lock(mu_);
  auto it = keys_.find(hash);
  if (it != keys_.end()) key = it->second;
  return std::nullopt;
}

}  // namespace subex
