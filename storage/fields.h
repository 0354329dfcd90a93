// Fields — what the event codec (storage/codec.cc) and the snapshot (storage/snapshot.cc) share:
// the fixed wire numbers of the engine's enums, and a FieldWriter and FieldReader that move one
// field at a time through storage/binary.h, so both formats lay out a value of a given type alike.
//
// Each format lists its records' fields once, as a template over the field visitor, and walks
// that list with a FieldWriter to encode and a FieldReader to decode:
//
//   template <typename F>
//   void Fields(F& f, Is<Thing> auto& t) {
//     f("name", t.name);
//     f.DayAfter("due", t.start, t.due);
//   }
//
// A FieldReader stops at the first failure and keeps it, with the field's name; the format adds
// where the field sits (`Failure`). A format that needs more context or more field kinds derives
// from these classes. Internal to the storage library; each instance requires external
// synchronization.

#ifndef SUBEX_STORAGE_FIELDS_H_
#define SUBEX_STORAGE_FIELDS_H_

#include <algorithm>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/base/attributes.h"
#include "absl/base/optimization.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "engine/domain.h"
#include "engine/events.h"
#include "engine/geo.h"
#include "engine/units.h"
#include "storage/binary.h"

namespace subex {

// Wire numbers of the enums: an enumerator's position here, fixed like the event type tags, so
// that reordering an engine enum never changes a journal or a snapshot. Append only.
inline constexpr ClusterKind kClusterKinds[] = {ClusterKind::kLocal, ClusterKind::kRegional,
                                                ClusterKind::kVirtual, ClusterKind::kInternational};
inline constexpr OrderMode kOrderModes[] = {OrderMode::kAuto, OrderMode::kRfq};
inline constexpr Visibility kVisibilities[] = {Visibility::kPublic, Visibility::kClusters,
                                               Visibility::kInvited};
inline constexpr ContractState kContractStates[] = {ContractState::kPendingConfirmation,
                                                    ContractState::kActive,
                                                    ContractState::kDelivered,
                                                    ContractState::kAccepted,
                                                    ContractState::kDisputed,
                                                    ContractState::kDeclined,
                                                    ContractState::kCancelled,
                                                    ContractState::kLapsed};
inline constexpr OfferStatus kOfferStatuses[] = {OfferStatus::kOpen, OfferStatus::kExhausted,
                                                 OfferStatus::kWithdrawn, OfferStatus::kExpired};
inline constexpr OrderStatus kOrderStatuses[] = {
    OrderStatus::kOpen,      OrderStatus::kPartiallyAllocated, OrderStatus::kAllocated,
    OrderStatus::kCompleted, OrderStatus::kCancelled,          OrderStatus::kExpired,
    OrderStatus::kBidding,   OrderStatus::kAwarding,           OrderStatus::kUnawarded};
inline constexpr AwardMode kAwardModes[] = {AwardMode::kAuto, AwardMode::kManual};
inline constexpr BidStatus kBidStatuses[] = {
    BidStatus::kOpen,    BidStatus::kWithdrawn, BidStatus::kIneligible, BidStatus::kRanked,
    BidStatus::kAwarded, BidStatus::kFailed,    BidStatus::kLost};

inline constexpr KeyKind kKeyKinds[] = {KeyKind::kMember, KeyKind::kPlatform, KeyKind::kAnalyst};

inline constexpr uint8_t kKnownRoles = kRoleCustomer | kRoleSupplier | kRolePlatform;

// An enumerator missing from its table is written as 0xFF, which no decoder accepts.
template <typename E, size_t N>
uint8_t WireOf(E value, const E (&table)[N]) {
  for (size_t i = 0; i < N; ++i) {
    if (table[i] == value) return static_cast<uint8_t>(i);
  }
  return 0xFF;
}

// E is T, const or not: one field list serves the encoder (const records) and the decoder.
template <typename E, typename T>
concept Is = std::same_as<std::remove_const_t<E>, T>;

// The least bytes a list item takes, so that a list's count can be checked against what remains.
template <typename T>
inline constexpr size_t kMinItemBytes = 1;
template <>
inline constexpr size_t kMinItemBytes<std::pair<std::string, double>> = 1 + 8;
template <>
inline constexpr size_t kMinItemBytes<Limit> = 1 + 8;
template <>
inline constexpr size_t kMinItemBytes<ReliabilityOutcome> = 1 + 8;
template <>
inline constexpr size_t kMinItemBytes<BidVerdict> = 1 + 1 + 8 * 8 + 1;

class FieldWriter {
 public:
  explicit FieldWriter(std::string& out) : w_(out) {}

  template <typename Tag>
  void operator()(const char*, Id<Tag> id) {
    w_.PutVarint(id.value);
  }
  void operator()(const char*, uint32_t v) { w_.PutVarint(v); }  // A NameId.
  void operator()(const char*, uint64_t v) { w_.PutVarint(v); }
  void operator()(const char*, const std::string& s) { w_.PutString(s); }
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
  void operator()(const char*, const Limit& l) {
    w_.PutVarint(l.name);
    w_.PutDouble(l.value);
  }
  void operator()(const char*, const ReliabilityOutcome& o) {
    w_.PutZigzag(o.day.value);
    w_.PutDouble(o.value);
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
  void operator()(const char*, OfferStatus v) { w_.PutU8(WireOf(v, kOfferStatuses)); }
  void operator()(const char*, OrderStatus v) { w_.PutU8(WireOf(v, kOrderStatuses)); }
  void operator()(const char*, KeyKind v) { w_.PutU8(WireOf(v, kKeyKinds)); }
  void operator()(const char*, AwardMode v) { w_.PutU8(WireOf(v, kAwardModes)); }
  void operator()(const char*, BidStatus v) { w_.PutU8(WireOf(v, kBidStatuses)); }
  void operator()(const char* field, const BidVerdict& v) {
    (*this)(field, v.bid);
    (*this)(field, v.supplier);
    (*this)(field, v.score);
    w_.PutString(v.reason);
  }
  template <typename T>
  void operator()(const char* field, const std::optional<T>& v) {
    w_.PutBool(v.has_value());
    if (v) (*this)(field, *v);
  }
  template <typename List>
  requires requires(const List& l) {
    l.begin();
    typename List::value_type;
  }
  void operator()(const char* field, const List& list) {
    w_.PutVarint(list.size());
    for (const auto& item : list) (*this)(field, item);
  }
  // A hash set, sorted so that equal states give equal bytes.
  void operator()(const char* field, const absl::flat_hash_set<uint32_t>& set) {
    std::vector<uint32_t> sorted(set.begin(), set.end());
    std::sort(sorted.begin(), sorted.end());
    (*this)(field, sorted);
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
  // A role bit set, one byte.
  void Roles(const char*, uint8_t roles) { w_.PutU8(roles); }
  // A day stored as the step from an earlier one.
  void DayAfter(const char*, Day base, Day d) { w_.PutZigzag(int64_t{d.value} - base.value); }

 protected:
  Writer& w() { return w_; }

 private:
  Writer w_;
};

// Reads fields until the first failure, which it keeps (with the field's name) for `Failure`.
class FieldReader {
 public:
  explicit FieldReader(std::string_view bytes) : r_(bytes) {}

  bool ok() const { return !failed_; }
  bool empty() const { return r_.empty(); }
  size_t remaining() const { return r_.remaining(); }

  template <typename Tag>
  void operator()(const char* field, Id<Tag>& id) {
    ReadU32(field, id.value);
  }
  void operator()(const char* field, uint32_t& v) { ReadU32(field, v); }
  void operator()(const char* field, uint64_t& v) { Read(field, r_.GetVarint(&v)); }
  void operator()(const char* field, std::string& s) { Read(field, r_.GetString(&s)); }
  void operator()(const char* field, int64_t& v) { Read(field, r_.GetZigzag(&v)); }
  void operator()(const char* field, int32_t& v) { ReadInt32(field, 0, v); }
  void operator()(const char* field, double& v) { Read(field, r_.GetDouble(&v)); }
  void operator()(const char* field, bool& v) { Read(field, r_.GetBool(&v)); }
  void operator()(const char* field, Day& d) { ReadInt32(field, 0, d.value); }
  void operator()(const char* field, Instant& t) { Read(field, r_.GetZigzag(&t.unix_ms)); }
  // A place the engine would have refused (engine/geo.h) is damage, not a place.
  void operator()(const char* field, GeoPoint& p) {
    if (Read(field, r_.GetDouble(&p.lat) && r_.GetDouble(&p.lon)) && !IsValidLocation(p)) {
      Fail(field, "is not a place on the map");
    }
  }
  void operator()(const char* field, std::pair<std::string, double>& v) {
    Read(field, r_.GetString(&v.first) && r_.GetDouble(&v.second));
  }
  void operator()(const char* field, Limit& l) {
    if (ReadU32(field, l.name)) Read(field, r_.GetDouble(&l.value));
  }
  void operator()(const char* field, ReliabilityOutcome& o) {
    if (ReadInt32(field, 0, o.day.value)) Read(field, r_.GetDouble(&o.value));
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
  void operator()(const char* field, OfferStatus& v) { ReadEnum(field, kOfferStatuses, v); }
  void operator()(const char* field, OrderStatus& v) { ReadEnum(field, kOrderStatuses, v); }
  void operator()(const char* field, KeyKind& v) { ReadEnum(field, kKeyKinds, v); }
  void operator()(const char* field, AwardMode& v) { ReadEnum(field, kAwardModes, v); }
  void operator()(const char* field, BidStatus& v) { ReadEnum(field, kBidStatuses, v); }
  void operator()(const char* field, BidVerdict& v) {
    (*this)(field, v.bid);
    (*this)(field, v.supplier);
    (*this)(field, v.score);
    if (ok()) Read(field, r_.GetString(&v.reason));
  }
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
  template <typename List>
  requires requires(List& l) { l.assign(size_t{0}, typename List::value_type{}); }
  void operator()(const char* field, List& list) {
    using T = typename List::value_type;
    size_t n = 0;
    if (!Read(field, r_.GetCount(&n, kMinItemBytes<T>))) return;
    list.assign(n, T{});
    for (T& item : list) {
      (*this)(field, item);
      if (failed_) return;
    }
  }
  void operator()(const char* field, absl::flat_hash_set<uint32_t>& set) {
    std::vector<uint32_t> items;
    (*this)(field, items);
    set.clear();
    set.insert(items.begin(), items.end());
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
  void DayAfter(const char* field, Day base, Day& d) { ReadInt32(field, base.value, d.value); }

  // The first failure as DataLoss, after `where` (the record the field belongs to). Requires
  // !ok().
  absl::Status Failure(const std::string& where) const {
    return absl::DataLossError(absl::StrCat(where, ": field '", field_, "' ", problem_));
  }

 protected:
  Reader& r() { return r_; }

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
  bool ReadU32(const char* field, uint32_t& out) {
    uint64_t v = 0;
    if (!Read(field, r_.GetVarint(&v)) ||
        !InRange<uint64_t>(field, v, 0, std::numeric_limits<uint32_t>::max())) {
      return false;
    }
    out = static_cast<uint32_t>(v);
    return true;
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

 private:
  Reader r_;
  bool failed_ = false;
  const char* field_ = "";
  std::string problem_;
};

}  // namespace subex

#endif  // SUBEX_STORAGE_FIELDS_H_
