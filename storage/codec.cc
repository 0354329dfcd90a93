#include "storage/codec.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "absl/base/optimization.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "storage/binary.h"
#include "storage/crc32c.h"
#include "storage/fields.h"

namespace subex {
namespace {

// Version, type, seq and at (a byte each at least), then the checksum.
constexpr size_t kMinRecordBytes = 4 + 4;
constexpr size_t kCrcBytes = 4;

constexpr EventTag Tag(const MemberRegistered*) { return EventTag::kMemberRegistered; }
constexpr EventTag Tag(const MemberUpdated*) { return EventTag::kMemberUpdated; }
constexpr EventTag Tag(const ClusterCreated*) { return EventTag::kClusterCreated; }
constexpr EventTag Tag(const ClusterMemberAdded*) { return EventTag::kClusterMemberAdded; }
constexpr EventTag Tag(const ClusterMemberRemoved*) { return EventTag::kClusterMemberRemoved; }
constexpr EventTag Tag(const MemberBlocked*) { return EventTag::kMemberBlocked; }
constexpr EventTag Tag(const MemberUnblocked*) { return EventTag::kMemberUnblocked; }
constexpr EventTag Tag(const MemberSuspended*) { return EventTag::kMemberSuspended; }
constexpr EventTag Tag(const OfferPosted*) { return EventTag::kOfferPosted; }
constexpr EventTag Tag(const OfferWithdrawn*) { return EventTag::kOfferWithdrawn; }
constexpr EventTag Tag(const OfferExpired*) { return EventTag::kOfferExpired; }
constexpr EventTag Tag(const OrderPlaced*) { return EventTag::kOrderPlaced; }
constexpr EventTag Tag(const OrderCancelled*) { return EventTag::kOrderCancelled; }
constexpr EventTag Tag(const OrderExpired*) { return EventTag::kOrderExpired; }
constexpr EventTag Tag(const ContractCreated*) { return EventTag::kContractCreated; }
constexpr EventTag Tag(const KeyIssued*) { return EventTag::kKeyIssued; }
constexpr EventTag Tag(const ContractConfirmed*) { return EventTag::kContractConfirmed; }
constexpr EventTag Tag(const ContractDeclined*) { return EventTag::kContractDeclined; }
constexpr EventTag Tag(const ContractLapsed*) { return EventTag::kContractLapsed; }
constexpr EventTag Tag(const ContractDelivered*) { return EventTag::kContractDelivered; }
constexpr EventTag Tag(const ContractAccepted*) { return EventTag::kContractAccepted; }
constexpr EventTag Tag(const ContractDisputed*) { return EventTag::kContractDisputed; }
constexpr EventTag Tag(const ContractCancelled*) { return EventTag::kContractCancelled; }
constexpr EventTag Tag(const OrderAnnounced*) { return EventTag::kOrderAnnounced; }
constexpr EventTag Tag(const BidPlaced*) { return EventTag::kBidPlaced; }
constexpr EventTag Tag(const BidWithdrawn*) { return EventTag::kBidWithdrawn; }
constexpr EventTag Tag(const BiddingClosed*) { return EventTag::kBiddingClosed; }
constexpr EventTag Tag(const AwardFailed*) { return EventTag::kAwardFailed; }
constexpr EventTag Tag(const OrderAwarded*) { return EventTag::kOrderAwarded; }
constexpr EventTag Tag(const OrderUnawarded*) { return EventTag::kOrderUnawarded; }
constexpr EventTag Tag(const KeyRevoked*) { return EventTag::kKeyRevoked; }
constexpr EventTag Tag(const PlatformAuthorized*) { return EventTag::kPlatformAuthorized; }
constexpr EventTag Tag(const PlatformRevoked*) { return EventTag::kPlatformRevoked; }
constexpr EventTag Tag(const PublicIdsKeyed*) { return EventTag::kPublicIdsKeyed; }

template <typename T>
constexpr uint8_t TagNumber() {
  return static_cast<uint8_t>(Tag(static_cast<const T*>(nullptr)));
}

template <size_t... I>
constexpr bool TagsAreDistinct(std::index_sequence<I...>) {
  constexpr uint8_t tags[] = {TagNumber<std::variant_alternative_t<I, EventBody>>()...};
  for (size_t i = 0; i < sizeof...(I); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (tags[i] == tags[j] || tags[i] == 0) return false;
    }
  }
  return true;
}
static_assert(TagsAreDistinct(std::make_index_sequence<std::variant_size_v<EventBody>>()),
              "every event type needs its own nonzero tag");

// The fields of each event, in their wire order. The encoder and the decoder both walk these
// lists, so the two directions cannot disagree on a field. Fields whose type alone does not say
// how they travel go through named calls: `Roles` (a role bit set, one byte) and `DayAfter` (a
// day stored as the step from an earlier one).
template <typename F>
void Fields(F& f, Is<MemberRegistered> auto& e) {
  f("member", e.member);
  f("name", e.name);
  f("inn", e.inn);
  f("region", e.region);
  f("location", e.location);
  f.Roles("roles", e.roles);
  f("processes", e.processes);
  f("certifications", e.certifications);
}
template <typename F>
void Fields(F& f, Is<MemberUpdated> auto& e) {
  f("member", e.member);
  f("name", e.name);
  f("region", e.region);
  f("location", e.location);
  f.Roles("roles", e.roles);
  f("processes", e.processes);
  f("certifications", e.certifications);
}
template <typename F>
void Fields(F& f, Is<ClusterCreated> auto& e) {
  f("cluster", e.cluster);
  f("name", e.name);
  f("region", e.region);
  f("kind", e.kind);
}
template <typename F, typename E>
requires Is<E, ClusterMemberAdded> || Is<E, ClusterMemberRemoved>
void Fields(F& f, E& e) {
  f("cluster", e.cluster);
  f("member", e.member);
}
template <typename F, typename E>
requires Is<E, MemberBlocked> || Is<E, MemberUnblocked>
void Fields(F& f, E& e) {
  f("member", e.member);
  f("other", e.other);
}
template <typename F>
void Fields(F& f, Is<MemberSuspended> auto& e) {
  f("member", e.member);
  f("until", e.until);
}
template <typename F>
void Fields(F& f, Is<OfferPosted> auto& e) {
  f("offer", e.offer);
  f("supplier", e.supplier);
  f("process", e.process);
  f("daily_capacity", e.daily_capacity);
  f("from", e.from);
  f.DayAfter("to", e.from, e.to);
  f("unit_price", e.unit_price);
  f("min_lot", e.min_lot);
  f("tags", e.tags);
  f("limits", e.limits);
  f("auto_accept", e.auto_accept);
}
template <typename F, typename E>
requires Is<E, OfferWithdrawn> || Is<E, OfferExpired>
void Fields(F& f, E& e) {
  f("offer", e.offer);
  f("supplier", e.supplier);
}
template <typename F>
void Fields(F& f, Is<OrderPlaced> auto& e) {
  f("order", e.order);
  f("customer", e.customer);
  f("title", e.title);
  f("process", e.process);
  f("quantity", e.quantity);
  f("start", e.start);
  f.DayAfter("due", e.start, e.due);
  f("max_unit_price", e.max_unit_price);
  f("location", e.location);
  f("max_distance_km", e.max_distance_km);
  f("certifications", e.certifications);
  f("tags", e.tags);
  f("needs", e.needs);
  f("min_lot", e.min_lot);
  f("mode", e.mode);
  f("visibility", e.visibility);
  f("visible_to_clusters", e.visible_to_clusters);
  f("invited", e.invited);
  f("prefer_clusters", e.prefer_clusters);
  f("cluster_bonus", e.cluster_bonus);
  f("expires_at", e.expires_at);
  f("bids_close_at", e.bids_close_at);
  f("award", e.award);
  f("award_by", e.award_by);
}
template <typename F, typename E>
requires Is<E, OrderCancelled> || Is<E, OrderExpired>
void Fields(F& f, E& e) {
  f("order", e.order);
  f("customer", e.customer);
}
template <typename F>
void Fields(F& f, Is<ContractCreated> auto& e) {
  f("contract", e.contract);
  f("order", e.order);
  f("offer", e.offer);
  f("customer", e.customer);
  f("supplier", e.supplier);
  f("quantity", e.quantity);
  f("unit_price", e.unit_price);
  f("days", e.days);
  f("score", e.score);
  f("state", e.state);
  f("confirm_by", e.confirm_by);
  f("bid", e.bid);
}

template <typename F>
void Fields(F& f, Is<KeyIssued> auto& e) {
  f("hash", e.hash);
  f("kind", e.kind);
  f("member", e.member);
  f("key", e.key);
  f("label", e.label);
}
template <typename F>
void Fields(F& f, Is<KeyRevoked> auto& e) {
  f("key", e.key);
  f("member", e.member);
}
template <typename F, typename E>
requires Is<E, PlatformAuthorized> || Is<E, PlatformRevoked>
void Fields(F& f, E& e) {
  f("member", e.member);
  f("platform", e.platform);
}
template <typename F>
void Fields(F& f, Is<OrderAnnounced> auto& e) {
  f("order", e.order);
  f("customer", e.customer);
  f("suppliers", e.suppliers);
}
template <typename F>
void Fields(F& f, Is<BidPlaced> auto& e) {
  f("bid", e.bid);
  f("order", e.order);
  f("supplier", e.supplier);
  f("unit_price", e.unit_price);
  f("quantity", e.quantity);
  f("lead_days", e.lead_days);
  f("offer", e.offer);
}
template <typename F>
void Fields(F& f, Is<BidWithdrawn> auto& e) {
  f("bid", e.bid);
  f("order", e.order);
  f("supplier", e.supplier);
}
template <typename F>
void Fields(F& f, Is<BiddingClosed> auto& e) {
  f("order", e.order);
  f("customer", e.customer);
  f("bids", e.bids);
}
template <typename F>
void Fields(F& f, Is<AwardFailed> auto& e) {
  f("order", e.order);
  f("bid", e.bid);
  f("customer", e.customer);
  f("supplier", e.supplier);
  f("reason", e.reason);
}
template <typename F>
void Fields(F& f, Is<OrderAwarded> auto& e) {
  f("order", e.order);
  f("customer", e.customer);
  f("quantity", e.quantity);
}
template <typename F>
void Fields(F& f, Is<OrderUnawarded> auto& e) {
  f("order", e.order);
  f("customer", e.customer);
}

// Contracts.
template <typename F, typename E>
void ContractParties(F& f, E& e) {
  f("contract", e.contract);
  f("customer", e.customer);
  f("supplier", e.supplier);
}
template <typename F>
void Fields(F& f, Is<ContractConfirmed> auto& e) {
  ContractParties(f, e);
}
template <typename F>
void Fields(F& f, Is<ContractDeclined> auto& e) {
  ContractParties(f, e);
  f("reason", e.reason);
  f("reopen_offer", e.reopen_offer);
  f("reopen_order", e.reopen_order);
}
template <typename F>
void Fields(F& f, Is<ContractLapsed> auto& e) {
  ContractParties(f, e);
  f("reopen_offer", e.reopen_offer);
  f("reopen_order", e.reopen_order);
}
template <typename F>
void Fields(F& f, Is<ContractDelivered> auto& e) {
  ContractParties(f, e);
  f("delivered_on", e.delivered_on);
}
template <typename F>
void Fields(F& f, Is<ContractAccepted> auto& e) {
  ContractParties(f, e);
  f("on_time", e.on_time);
  f("completes_order", e.completes_order);
}
template <typename F>
void Fields(F& f, Is<ContractDisputed> auto& e) {
  ContractParties(f, e);
  f("reason", e.reason);
  f("completes_order", e.completes_order);
}
template <typename F>
void Fields(F& f, Is<ContractCancelled> auto& e) {
  ContractParties(f, e);
  f("by", e.by);
  f("reason", e.reason);
  f("reopen_offer", e.reopen_offer);
  f("reopen_order", e.reopen_order);
}

template <typename F>
void Fields(F& f, Is<PublicIdsKeyed> auto& e) {
  f("secret", e.secret);
}

// The first failure, or bytes left unread after the last field, as DataLoss naming the type.
absl::Status Finish(const FieldReader& f, const EventBody& body) {
  if (ABSL_PREDICT_TRUE(f.ok() && f.empty())) return absl::OkStatus();
  if (!f.ok()) return f.Failure(absl::StrCat(EventType(body), " record"));
  return absl::DataLossError(absl::StrCat(EventType(body), " record: ", f.remaining(),
                                          " bytes left over after the last field"));
}

// Decodes what follows the type byte of a record of type T: the envelope's seq and at, then T's
// fields (the checksum already stripped).
template <typename T>
absl::StatusOr<Event> DecodeAs(std::string_view bytes) {
  FieldReader f(bytes);
  Event event;
  f("seq", event.seq);
  f("at", event.at);
  T& body = event.body.emplace<T>();
  Fields(f, body);
  if (absl::Status s = Finish(f, event.body); !s.ok()) return s;
  return event;
}

using Decoder = absl::StatusOr<Event> (*)(std::string_view);

template <size_t... I>
constexpr std::array<Decoder, 256> MakeDecoders(std::index_sequence<I...>) {
  std::array<Decoder, 256> decoders{};
  ((decoders[TagNumber<std::variant_alternative_t<I, EventBody>>()] =
        &DecodeAs<std::variant_alternative_t<I, EventBody>>),
   ...);
  return decoders;
}
constexpr std::array<Decoder, 256> kDecoders =
    MakeDecoders(std::make_index_sequence<std::variant_size_v<EventBody>>());

}  // namespace

EventTag TagOf(const EventBody& body) {
  return std::visit([](const auto& b) { return Tag(&b); }, body);
}

void EncodeEvent(const Event& event, std::string& out) {
  const size_t start = out.size();
  Writer w(out);
  w.PutU8(kEventFormatVersion);
  w.PutU8(static_cast<uint8_t>(TagOf(event.body)));
  FieldWriter f(out);
  f("seq", event.seq);
  f("at", event.at);
  std::visit([&f](const auto& body) { Fields(f, body); }, event.body);
  w.PutFixed32(Crc32c(std::string_view(out).substr(start)));
}

absl::StatusOr<Event> DecodeEvent(std::string_view bytes) {
  if (bytes.empty()) return absl::DataLossError("event record is empty");
  const uint8_t version = static_cast<uint8_t>(bytes[0]);
  if (version != kEventFormatVersion) {
    return absl::InvalidArgumentError(absl::StrCat("event record has format version ", version,
                                                   "; this build reads version ",
                                                   kEventFormatVersion));
  }
  if (bytes.size() < kMinRecordBytes) {
    return absl::DataLossError(absl::StrCat("event record is truncated: ", bytes.size(),
                                            " bytes, and a record has at least ", kMinRecordBytes));
  }
  const std::string_view covered = bytes.substr(0, bytes.size() - kCrcBytes);
  uint32_t stored = 0;
  Reader(bytes.substr(covered.size())).GetFixed32(&stored);
  if (const uint32_t computed = Crc32c(covered); computed != stored) {
    return absl::DataLossError(absl::StrFormat(
        "event record checksum mismatch (stored %08x, computed %08x): the record is truncated "
        "or corrupted",
        stored, computed));
  }
  const uint8_t tag = static_cast<uint8_t>(bytes[1]);
  if (kDecoders[tag] == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("event record has unknown event type tag ", tag,
                                                   " (format version ", version, ")"));
  }
  return kDecoders[tag](covered.substr(2));
}

}  // namespace subex
