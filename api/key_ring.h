// KeyRing — the API keys the I/O threads check requests against (PRODUCT §6).
//
// The engine owns the keys (KeyIssued events); the ring is a read-mostly copy for the I/O
// threads, filled from the state at start and kept current by the engine thread's durable-event
// listener, which runs before any reply that mentions a new key leaves. The admin key is not in
// the engine: its hash comes from the wiring.
//
//   absl::StatusOr<Caller> caller = ring.Authenticate(request.authorization, on_behalf_of);
//
// Thread-safety: safe for concurrent use.

#ifndef SUBEX_API_KEY_RING_H_
#define SUBEX_API_KEY_RING_H_

#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "api/caller.h"
#include "engine/events.h"
#include "engine/state.h"

namespace subex {

class KeyRing {
 public:
  explicit KeyRing(std::string admin_key_hash) : admin_hash_(std::move(admin_key_hash)) {}

  // Replaces the member keys by the state's (on the engine thread, at start).
  void Load(const State& state);
  // Takes in the keys among durable events.
  void Observe(std::span<const Event> events);

  // The caller an `Authorization: Bearer <key>` header names: Unauthenticated for a missing,
  // malformed, unknown or revoked key; PermissionDenied for an X-On-Behalf-Of (`on_behalf_of`,
  // a member's public id, empty when absent) sent with a key that is not a platform's, or naming
  // a member that has not authorised the platform.
  absl::StatusOr<Caller> Authenticate(std::string_view authorization,
                                      std::string_view on_behalf_of = {}) const;

 private:
  std::optional<Caller> Check(std::string_view authorization, std::optional<ApiKey>& key) const;

  const std::string admin_hash_;
  mutable std::shared_mutex mu_;
  absl::flat_hash_map<std::string, ApiKey> keys_;  // By SHA-256 hex of the key; live ones only.
  absl::flat_hash_map<uint32_t, std::string> hashes_;  // KeyId → hash, for revocation.
  absl::flat_hash_set<std::pair<uint32_t, uint32_t>> authorised_;  // (member, platform).
};

}  // namespace subex

#endif  // SUBEX_API_KEY_RING_H_
