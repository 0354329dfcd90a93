// KeyRing — the API keys the I/O threads check requests against (PRODUCT §6).
//
// The engine owns the keys (KeyIssued events); the ring is a read-mostly copy for the I/O
// threads, filled from the state at start and kept current by the engine thread's durable-event
// listener, which runs before any reply that mentions a new key leaves. The admin key is not in
// the engine: its hash comes from the wiring.
//
//   std::optional<Caller> caller = ring.Authenticate(request.authorization);
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

  // The caller an `Authorization: Bearer <key>` header names; nullopt for a missing, malformed
  // or unknown key.
  std::optional<Caller> Authenticate(std::string_view authorization) const;

 private:
  const std::string admin_hash_;
  mutable std::shared_mutex mu_;
  absl::flat_hash_map<std::string, ApiKey> keys_;  // By SHA-256 hex of the key.
};

}  // namespace subex

#endif  // SUBEX_API_KEY_RING_H_
