#include "api/key_ring.h"

#include <cctype>
#include <mutex>

#include "api/crypto.h"

namespace subex {

void KeyRing::Load(const State& state) {
  std::unique_lock lock(mu_);
  keys_.clear();
  for (const auto& [hash, key] : state.keys()) keys_.emplace(hash, key);
}

void KeyRing::Observe(std::span<const Event> events) {
  for (const Event& e : events) {
    if (const auto* issued = std::get_if<KeyIssued>(&e.body)) {
      std::unique_lock lock(mu_);
      keys_.insert_or_assign(issued->hash, ApiKey{issued->kind, issued->member});
    }
  }
}

std::optional<Caller> KeyRing::Authenticate(std::string_view authorization) const {
  // The scheme name is case-insensitive (RFC 9110 §11.1).
  constexpr std::string_view kBearer = "bearer ";
  if (authorization.size() <= kBearer.size()) return std::nullopt;
  for (size_t i = 0; i < kBearer.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(authorization[i])) != kBearer[i]) {
      return std::nullopt;
    }
  }
  std::string_view key = authorization.substr(kBearer.size());
  if (key.size() > 256) return std::nullopt;
  const std::string hash = Sha256Hex(key);
  if (!admin_hash_.empty() && ConstantTimeEquals(hash, admin_hash_)) return Caller::Admin();
  std::shared_lock lock(mu_);
  auto it = keys_.find(hash);
  if (it == keys_.end() || it->second.kind != KeyKind::kMember) return std::nullopt;
  return Caller::Member(it->second.member);
}

}  // namespace subex
