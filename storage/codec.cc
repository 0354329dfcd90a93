#include "storage/codec.h"

#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "absl/base/attributes.h"
#include "absl/base/optimization.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "storage/binary.h"
#include "storage/crc32c.h"

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

// Wire numbers of the enums: an enumerator's position here, fixed like the type tags, so that
// reordering an engine enum never changes a journal. Append only.
constexpr ClusterKind kClusterKinds[] = {ClusterKind::kLocal, ClusterKind::kRegional,
                                         ClusterKind::kVirtual, ClusterKind::kInternational};
constexpr OrderMode kOrderModes[] = {OrderMode::kAuto, OrderMode::kRfq};
constexpr Visibility kVisibilities[] = {Visibility::kPublic, Visibility::kClusters,
                                        Visibility::kInvited};
constexpr ContractState kContractStates[] = {ContractState::kPendingConfirmation,
                                             ContractState::kActive,
                                             ContractState::kDelivered,
                                             ContractState::kAccepted,
                                             ContractState::kDisputed,
                                             ContractState::kDeclined,
                                             ContractState::kCancelled};

constexpr uint8_t kKnownRoles = kRoleCustomer | kRoleSupplier;

// An enumerator missing from its table is written as 0xFF, which no decoder accepts.
template <typename E, size_t N>
uint8_t WireOf(E value, const E (&table)[N]) {
  for (size_t i = 0; i < N; ++i) {
    if (table[i] == value) return static_cast<uint8_t>(i);
  }
  return 0xFF;
}

// E is T, const or not: one field list serves the encoder (const events) and the decoder.
template <typename E, typename T>
concept Is = std::same_as<std::remove_const_t<E>, T>;

// The fields of each event, in their wire order. The encoder and the decoder both walk these
// lists, so the two directions cannot disagree on a field. Fields whose type alone does not say
// how they travel go through named calls: `Roles` (a role bit set, one byte) and `Span` (a day
// stored as the step from an earlier one).
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
  f.Span("to", e.from, e.to);
  f("unit_price", e.unit_price);
  f("min_lot", e.min_lot);
  f("tags", e.tags);
  f("limits", e.limits);
  f("auto_accept", e.auto_accept);
}
template <typename F, typename E>
requires Is<E, OfferWithdrawn> || Is<E, OfferExpired>
void Fields(F& f, E& e) { f("offer", e.offer); }
template <typename F>
void Fields(F& f, Is<OrderPlaced> auto& e) {
  f("order", e.order);
  f("customer", e.customer);
  f("title", e.title);
  f("process", e.process);
  f("quantity", e.quantity);
  f("start", e.start);
  f.Span("due", e.start, e.due);
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
}
template <typename F, typename E>
requires Is<E, OrderCancelled> || Is<E, OrderExpired>
void Fields(F& f, E& e) { f("order", e.order); }
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
}

class FieldWriter {
 public:
  explicit FieldWriter(std::string& out) : w_(out) {}

  template <typename Tag>
  void operator()(const char*, Id<Tag> id) {
    w_.PutVarint(id.value);
  }
  void operator()(const char*, const std::string& s) { w_.PutString(s); }
  void operator()(const char*, uint64_t v) { w_.PutVarint(v); }
  void operator()(const char*, int64_t v) { w_.PutZigzag(v); }
  void operator()(const char*, int32_t v) { w_.PutZigzag(v); }
  void operator()(const char*, double v) { w_.PutDouble(v); }
  void operator()(const char*, bool v) { w_.PutBool(v); }
  void operator()(const char*, Day d) { w_.PutZigzag(d.value); }
  void operator()(const char*, Instant t) { w_.PutZigzag(t.unix_ms); }
  void operator()(const char*, GeoPoint p) {
    w_.PutDouble(p.lat);
    w_.PutDouble(p.lon);
  }
  void operator()(const char*, const std::pair<std::string, double>& v) {
    w_.PutString(v.first);
    w_.PutDouble(v.second);
  }
  void operator()(const char*, const Score& s) {
    for (double v : {s.unit_price, s.transport, s.landed, s.reliability, s.risk_factor,
                     s.cluster_bonus, s.total, s.distance_km}) {
      w_.PutDouble(v);
    }
  }
  void operator()(const char*, ClusterKind v) { w_.PutU8(WireOf(v, kClusterKinds)); }
  void operator()(const char*, OrderMode v) { w_.PutU8(WireOf(v, kOrderModes)); }
  void operator()(const char*, Visibility v) { w_.PutU8(WireOf(v, kVisibilities)); }
  void operator()(const char*, ContractState v) { w_.PutU8(WireOf(v, kContractStates)); }
  template <typename T>
  void operator()(const char* field, const std::optional<T>& v) {
    w_.PutBool(v.has_value());
    if (v) (*this)(field, *v);
  }
  template <typename T>
  void operator()(const char* field, const std::vector<T>& v) {
    w_.PutVarint(v.size());
    for (const T& item : v) (*this)(field, item);
  }
  // Each day as the step from the one before (the first from day 0).
  void operator()(const char*, const std::vector<DayQuantity>& days) {
    w_.PutVarint(days.size());
    int64_t previous = 0;
    for (const DayQuantity& d : days) {
      w_.PutZigzag(d.day.value - previous);
      w_.PutZigzag(d.quantity);
      previous = d.day.value;
    }
  }
  void Roles(const char*, uint8_t roles) { w_.PutU8(roles); }
  void Span(const char*, Day first, Day last) { w_.PutZigzag(int64_t{last.value} - first.value); }

 private:
  Writer w_;
};

// The least bytes a list item takes, so that a list's count can be checked against what remains.
template <typename T>
constexpr size_t kMinItemBytes = 1;
template <>
constexpr size_t kMinItemBytes<std::pair<std::string, double>> = 1 + 8;

// Reads fields until the first failure, which it keeps (with the field's name) for `Finish`.
class FieldReader {
 public:
  explicit FieldReader(std::string_view bytes) : r_(bytes) {}

  template <typename Tag>
  void operator()(const char* field, Id<Tag>& id) {
    uint64_t v = 0;
    if (Read(field, r_.GetVarint(&v)) && InRange<uint64_t>(field, v, 0, Id<Tag>::kNone)) {
      id.value = static_cast<uint32_t>(v);
    }
  }
  void operator()(const char* field, std::string& s) { Read(field, r_.GetString(&s)); }
  void operator()(const char* field, uint64_t& v) { Read(field, r_.GetVarint(&v)); }
  void operator()(const char* field, int64_t& v) { Read(field, r_.GetZigzag(&v)); }
  void operator()(const char* field, int32_t& v) { ReadInt32(field, 0, v); }
  void operator()(const char* field, double& v) { Read(field, r_.GetDouble(&v)); }
  void operator()(const char* field, bool& v) { Read(field, r_.GetBool(&v)); }
  void operator()(const char* field, Day& d) { ReadInt32(field, 0, d.value); }
  void operator()(const char* field, Instant& t) { Read(field, r_.GetZigzag(&t.unix_ms)); }
  void operator()(const char* field, GeoPoint& p) {
    Read(field, r_.GetDouble(&p.lat) && r_.GetDouble(&p.lon));
  }
  void operator()(const char* field, std::pair<std::string, double>& v) {
    Read(field, r_.GetString(&v.first) && r_.GetDouble(&v.second));
  }
  void operator()(const char* field, Score& s) {
    for (double* v : {&s.unit_price, &s.transport, &s.landed, &s.reliability, &s.risk_factor,
                      &s.cluster_bonus, &s.total, &s.distance_km}) {
      if (!Read(field, r_.GetDouble(v))) return;
    }
  }
  void operator()(const char* field, ClusterKind& v) { ReadEnum(field, kClusterKinds, v); }
  void operator()(const char* field, OrderMode& v) { ReadEnum(field, kOrderModes, v); }
  void operator()(const char* field, Visibility& v) { ReadEnum(field, kVisibilities, v); }
  void operator()(const char* field, ContractState& v) { ReadEnum(field, kContractStates, v); }
  template <typename T>
  void operator()(const char* field, std::optional<T>& v) {
    bool present = false;
    if (!Read(field, r_.GetBool(&present))) return;
    if (!present) {
      v.reset();
      return;
    }
    (*this)(field, v.emplace());
  }
  template <typename T>
  void operator()(const char* field, std::vector<T>& v) {
    size_t n = 0;
    if (!Read(field, r_.GetCount(&n, kMinItemBytes<T>))) return;
    v.assign(n, T{});
    for (T& item : v) {
      (*this)(field, item);
      if (failed_) return;
    }
  }
  void operator()(const char* field, std::vector<DayQuantity>& days) {
    size_t n = 0;
    if (!Read(field, r_.GetCount(&n, 2))) return;
    days.assign(n, DayQuantity{});
    int64_t previous = 0;
    for (DayQuantity& d : days) {
      if (!ReadInt32(field, previous, d.day.value) || !ReadInt32(field, 0, d.quantity)) return;
      previous = d.day.value;
    }
  }
  void Roles(const char* field, uint8_t& roles) {
    if (Read(field, r_.GetU8(&roles)) && (roles & ~kKnownRoles) != 0) {
      Fail(field, absl::StrFormat("holds unknown role bits 0x%02x", roles));
    }
  }
  void Span(const char* field, const Day& first, Day& last) {
    ReadInt32(field, first.value, last.value);
  }

  // The first failure, or bytes left unread after the last field, as DataLoss naming the type.
  absl::Status Finish(const EventBody& body) const {
    if (ABSL_PREDICT_TRUE(!failed_ && r_.empty())) return absl::OkStatus();
    if (failed_) {
      return absl::DataLossError(
          absl::StrCat(EventType(body), " record: field '", field_, "' ", problem_));
    }
    return absl::DataLossError(absl::StrCat(EventType(body), " record: ", r_.remaining(),
                                            " bytes left over after the last field"));
  }

 private:
  // The checks inline; building a message is out of line, for the rare record that needs one.
  bool Read(const char* field, bool ok) {
    if (ABSL_PREDICT_TRUE(ok && !failed_)) return true;
    if (!ok) Fail(field, "is truncated or malformed");
    return false;
  }
  template <typename T>
  bool InRange(const char* field, T v, T lo, T hi) {
    if (ABSL_PREDICT_TRUE(lo <= v && v <= hi)) return true;
    Fail(field, absl::StrCat("holds ", v, ", out of range"));
    return false;
  }
  // A zigzag step from `base`, landing within int32.
  bool ReadInt32(const char* field, int64_t base, int32_t& out) {
    int64_t step = 0;
    if (!Read(field, r_.GetZigzag(&step))) return false;
    constexpr int64_t kMin = std::numeric_limits<int32_t>::min();
    constexpr int64_t kMax = std::numeric_limits<int32_t>::max();
    // Both bounds are checked on `step` first, so `base + step` cannot overflow.
    if (!InRange<int64_t>(field, step, kMin - kMax, kMax - kMin) ||
        !InRange<int64_t>(field, base + step, kMin, kMax)) {
      return false;
    }
    out = static_cast<int32_t>(base + step);
    return true;
  }
  template <typename E, size_t N>
  void ReadEnum(const char* field, const E (&table)[N], E& out) {
    uint8_t v = 0;
    if (!Read(field, r_.GetU8(&v))) return;
    if (ABSL_PREDICT_FALSE(v >= N)) {
      Fail(field, absl::StrCat("holds ", v, ", not a valid value"));
      return;
    }
    out = table[v];
  }
  ABSL_ATTRIBUTE_NOINLINE void Fail(const char* field, std::string problem) {
    if (failed_) return;
    failed_ = true;
    field_ = field;
    problem_ = std::move(problem);
  }

  Reader r_;
  bool failed_ = false;
  const char* field_ = "";
  std::string problem_;
};

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
  if (absl::Status s = f.Finish(event.body); !s.ok()) return s;
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
