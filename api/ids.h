// Public ids — the opaque strings the API shows instead of the engine's dense indices.
//
// An id is a kind prefix and seven characters of lowercase Crockford base32
// (0-9 a-z without i, l, o, u): "m_" members, "k_" clusters, "f_" offers, "o_" orders,
// "c_" contracts, "b_" bids, "a_" API keys. The seven characters are 35 bits, and how the index
// becomes those bits is the deployment's scheme:
//
// - Keyed (every journal started by this version): a keyed pseudo-random permutation of the
//   35-bit space, a ten-round Feistel network (alternating 17- and 18-bit halves, as NIST's FF1
//   lays them out) whose round function is SipHash-2-4 of the kind, the round and the half, under
//   a 128-bit key derived by HMAC-SHA256 from the deployment's 256-bit secret. Without the
//   secret, ids are indistinguishable from random distinct 35-bit values: holding the source
//   tells nothing about how many objects exist or which came first, and only one 35-bit value in
//   eight is an id at all, so guessing one is harder still.
// - Legacy (a journal that began before keyed ids): the fixed, reversible 32-bit scramble of
//   older builds, keyed per kind by constants in this file. Such a journal keeps it for good, so
//   the ids it already handed out stay valid.
//
// Where the secret lives: it is journalled. The first event of a fresh journal is
// `ids.keyed` (engine/events.h PublicIdsKeyed), carrying 32 bytes that `subexd` drew from the
// operating system's CSPRNG (`NewPublicIdSecret`) and sent as the command KeyPublicIds; the
// engine keeps it in its state and snapshots. Recovery, a snapshot restore and, later, a replica
// applying the same journal all arrive at the same secret, so ids never change (a file beside
// admin.key would not travel with the journal to a replica, nor into a restored snapshot). The
// secret is never shown: the feed renders `ids.keyed` without fields, to the operator only.
//
//   PublicIdScheme scheme(state.public_id_secret());   // Empty secret: legacy.
//   std::string id = scheme.Id(OrderId{41});             // "o_" + 7 characters
//   std::optional<OrderId> o = scheme.Parse<OrderId>(id); // OrderId{41}
//
// The process holds one scheme for everything it shows (`SetPublicIdScheme`, once, after
// recovery and before serving; legacy until then), used by `PublicId` and `ParsePublicId`.
//
// Parsing is strict: the exact prefix, exactly seven characters of the lowercase alphabet, and a
// value that stands for an index (so every id has one spelling). Ids say nothing about whether
// the object exists, and access is still checked on every request. Safe for concurrent use;
// SetPublicIdScheme must happen before the threads that show ids start.

#ifndef SUBEX_API_IDS_H_
#define SUBEX_API_IDS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/units.h"

namespace subex {

// The prefix and legacy scramble key of each kind of public id.
template <class IdT>
struct PublicIdKind;  // Only the kinds below have public ids.
template <>
struct PublicIdKind<MemberId> {
  static constexpr std::string_view kPrefix = "m_";
  static constexpr uint32_t kKey = 0x5bd1e995;
};
template <>
struct PublicIdKind<ClusterId> {
  static constexpr std::string_view kPrefix = "k_";
  static constexpr uint32_t kKey = 0x1b873593;
};
template <>
struct PublicIdKind<OfferId> {
  static constexpr std::string_view kPrefix = "f_";
  static constexpr uint32_t kKey = 0xcc9e2d51;
};
template <>
struct PublicIdKind<OrderId> {
  static constexpr std::string_view kPrefix = "o_";
  static constexpr uint32_t kKey = 0x85ebca6b;
};
template <>
struct PublicIdKind<ContractId> {
  static constexpr std::string_view kPrefix = "c_";
  static constexpr uint32_t kKey = 0xc2b2ae35;
};
template <>
struct PublicIdKind<BidId> {
  static constexpr std::string_view kPrefix = "b_";
  static constexpr uint32_t kKey = 0x165667b1;
};
template <>
struct PublicIdKind<KeyId> {
  static constexpr std::string_view kPrefix = "a_";
  static constexpr uint32_t kKey = 0x27d4eb2f;
};

class PublicIdScheme {
 public:
  // The legacy scheme.
  PublicIdScheme() = default;
  // Keyed by `secret` (32 bytes, State::public_id_secret()); the legacy scheme when it is empty.
  explicit PublicIdScheme(std::string_view secret);

  bool keyed() const { return keyed_; }

  // The untyped forms the templates are made of. `legacy_key` is the kind's kKey.
  std::string Encode(std::string_view prefix, uint32_t legacy_key, uint32_t index) const;
  std::optional<uint32_t> Decode(std::string_view prefix, uint32_t legacy_key,
                                 std::string_view text) const;

  // The 35 bits an index becomes (kind given by its prefix), and back: nullopt for the values
  // that stand for no index. Exposed for tests of the permutation itself.
  uint64_t Permute(std::string_view prefix, uint32_t legacy_key, uint32_t index) const;
  std::optional<uint32_t> Unpermute(std::string_view prefix, uint32_t legacy_key,
                                    uint64_t bits) const;

  template <class IdT>
  std::string Id(IdT id) const {
    return Encode(PublicIdKind<IdT>::kPrefix, PublicIdKind<IdT>::kKey, id.value);
  }
  template <class IdT>
  std::optional<IdT> Parse(std::string_view text) const {
    std::optional<uint32_t> index =
        Decode(PublicIdKind<IdT>::kPrefix, PublicIdKind<IdT>::kKey, text);
    if (!index) return std::nullopt;
    return IdT{*index};
  }

 private:
  // SipHash-2-4 of one 64-bit word under the derived key.
  uint64_t Round(std::string_view prefix, int round, uint64_t half) const;

  bool keyed_ = false;
  uint64_t k0_ = 0, k1_ = 0;
};

// SipHash-2-4 (Aumasson and Bernstein) of `data` under the 128-bit key (k0, k1), each key half
// read little-endian as the reference does. Exposed for its test vectors.
uint64_t SipHash24(uint64_t k0, uint64_t k1, std::string_view data);

// 32 bytes from the operating system's CSPRNG (OpenSSL RAND_bytes): a new deployment's secret.
std::string NewPublicIdSecret();

// The scheme PublicId and ParsePublicId use from now on. Call before any thread shows ids.
void SetPublicIdScheme(const PublicIdScheme& scheme);
const PublicIdScheme& CurrentPublicIdScheme();

// The public id of a valid engine id, in the process's scheme.
template <class IdT>
std::string PublicId(IdT id) {
  return CurrentPublicIdScheme().Id(id);
}

// The engine id a public id stands for, or nullopt when `text` is not an id of this kind. Says
// nothing about whether the object exists.
template <class IdT>
std::optional<IdT> ParsePublicId(std::string_view text) {
  return CurrentPublicIdScheme().Parse<IdT>(text);
}

}  // namespace subex

#endif  // SUBEX_API_IDS_H_
