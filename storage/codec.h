// Event codec — the compact, versioned binary form in which the journal keeps engine events
// (PRODUCT §8: recovery replays the journal, so it must be small and quick to read back).
//
// One event is one self-contained record:
//
//   version  u8        kEventFormatVersion (3)
//   type     u8        the event's type tag, from the table below
//   seq      varint
//   at       zigzag    Instant, ms since the Unix epoch
//   fields   ...       the event's fields, in declaration order
//   crc      fixed32   CRC32C (storage/crc32c.h) of every byte before it, little-endian
//
// Type tags are fixed numbers, independent of the order of EventBody's alternatives, so reordering
// the variant never changes a journal. A tag, once used, is never reused for another shape:
//
//    1 member.registered        6 member.blocked      11 offer.expired
//    2 member.updated           7 member.unblocked    12 order.placed
//    3 cluster.created          8 member.suspended    13 order.cancelled
//    4 cluster.member_added     9 offer.posted        14 order.expired
//    5 cluster.member_removed  10 offer.withdrawn     15 contract.created
//                                                     16 key.issued
//   17 key.revoked  18 platform.authorized  19 platform.revoked
//
//   40 order.announced         43 order.bidding_closed  46 order.unawarded
//   41 bid.placed              44 bid.award_failed
//   42 bid.withdrawn           45 order.awarded
//
//   20 contract.confirmed     23 contract.delivered   26 contract.cancelled
//   21 contract.declined      24 contract.accepted
//   22 contract.lapsed        25 contract.disputed
//
//   50 ids.keyed
//
// Fields: unsigned integers and ids as LEB128 varints; signed integers (money, quantities, days)
// zigzag-encoded varints; doubles as 8 raw little-endian bytes (IEEE 754 bits, so every value,
// NaN included, comes back exactly); bools and enums as one byte, enums through fixed number
// tables like the type tags; strings and lists as a varint length then the items; optional fields
// as a presence byte (0 or 1) then the value. Day ranges store the first day and the span to the
// last (`to - from`, `due - start`), and a contract's days each store the step from the one
// before, so a run of consecutive days costs two bytes a day.
//
// The decoder refuses a truncated record, a checksum mismatch, bytes left over after the last
// field, a length larger than what remains, an overlong varint, a bool or presence byte other
// than 0 or 1, an enum or role bit out of range, a value out of its type's range. Errors are
// values:
//
//   DataLoss         the bytes are damaged or malformed (the message names the field)
//   InvalidArgument  a header this build does not read: another format version, or (behind a
//                    valid checksum) an unknown type tag; the message says "version" or "type"
//
// The version byte is judged before the checksum, because a later version may lay out or check
// its records differently.
//
//   std::string record;
//   EncodeEvent(event, record);
//   absl::StatusOr<Event> back = DecodeEvent(record);
//
// Pure functions; safe for concurrent use.

#ifndef SUBEX_STORAGE_CODEC_H_
#define SUBEX_STORAGE_CODEC_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "engine/events.h"

namespace subex {

// Version 2 added the owner to offer.withdrawn/expired and order.cancelled/expired, and key.issued.
// Version 3 added the key id and label to key.issued, the key and platform events (17–19), the rfq
// terms to order.placed, the awarded bid to contract.created, and the rfq events (tags 40 on).
inline constexpr uint8_t kEventFormatVersion = 3;

// The type tags of the table above.
enum class EventTag : uint8_t {
  kMemberRegistered = 1,
  kMemberUpdated = 2,
  kClusterCreated = 3,
  kClusterMemberAdded = 4,
  kClusterMemberRemoved = 5,
  kMemberBlocked = 6,
  kMemberUnblocked = 7,
  kMemberSuspended = 8,
  kOfferPosted = 9,
  kOfferWithdrawn = 10,
  kOfferExpired = 11,
  kOrderPlaced = 12,
  kOrderCancelled = 13,
  kOrderExpired = 14,
  kContractCreated = 15,
  kKeyIssued = 16,
  // Contracts.
  kContractConfirmed = 20,
  kContractDeclined = 21,
  kContractLapsed = 22,
  kContractDelivered = 23,
  kContractAccepted = 24,
  kContractDisputed = 25,
  kContractCancelled = 26,
  // rfq mode.
  kOrderAnnounced = 40,
  kBidPlaced = 41,
  kBidWithdrawn = 42,
  kBiddingClosed = 43,
  kAwardFailed = 44,
  kOrderAwarded = 45,
  kOrderUnawarded = 46,
  kKeyRevoked = 17,
  kPlatformAuthorized = 18,
  kPlatformRevoked = 19,
  // The deployment.
  kPublicIdsKeyed = 50,
};

EventTag TagOf(const EventBody& body);

// Appends the encoding of `event` (seq, at, body) to `out`.
void EncodeEvent(const Event& event, std::string& out);

// Decodes one record, which must span `bytes` exactly.
absl::StatusOr<Event> DecodeEvent(std::string_view bytes);

}  // namespace subex

#endif  // SUBEX_STORAGE_CODEC_H_
