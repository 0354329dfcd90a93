// Public ids — the opaque strings the API shows instead of the engine's dense indices.
//
// An id is a kind prefix and seven characters of lowercase Crockford base32
// (0-9 a-z without i, l, o, u): "m_" members, "k_" clusters, "f_" offers, "o_" orders,
// "c_" contracts. The characters encode a bijective 32-bit scramble of the index, keyed per
// kind, so consecutive objects get unrelated-looking ids and an id reveals neither how many
// objects exist nor which came first. The scramble is obfuscation, not secrecy: access is still
// checked on every request.
//
//   std::string id = PublicId(OrderId{41});                     // "o_" + 7 characters
//   std::optional<OrderId> o = ParsePublicId<OrderId>(id);       // OrderId{41}
//   ParsePublicId<MemberId>(id);                                 // nullopt: wrong prefix
//
// Parsing is strict: the exact prefix, exactly seven characters of the lowercase alphabet, and a
// value that encodes an index (so every id has one spelling). Pure; safe for concurrent use.

#ifndef SUBEX_API_IDS_H_
#define SUBEX_API_IDS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/units.h"

namespace subex {

// The prefix and scramble key of each kind of public id.
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

// The untyped forms the templates below are made of.
std::string EncodePublicId(std::string_view prefix, uint32_t key, uint32_t index);
std::optional<uint32_t> DecodePublicId(std::string_view prefix, uint32_t key,
                                       std::string_view text);

// The public id of a valid engine id.
template <class IdT>
std::string PublicId(IdT id) {
  return EncodePublicId(PublicIdKind<IdT>::kPrefix, PublicIdKind<IdT>::kKey, id.value);
}

// The engine id a public id stands for, or nullopt when `text` is not an id of this kind. Says
// nothing about whether the object exists.
template <class IdT>
std::optional<IdT> ParsePublicId(std::string_view text) {
  std::optional<uint32_t> index =
      DecodePublicId(PublicIdKind<IdT>::kPrefix, PublicIdKind<IdT>::kKey, text);
  if (!index) return std::nullopt;
  return IdT{*index};
}

}  // namespace subex

#endif  // SUBEX_API_IDS_H_
