// Units — the small value types the engine is written in.
//
// Money is integer kopecks, quantities are integers in the process's unit, days are civil days
// (UTC) counted from 1970-01-01, and instants are milliseconds since the Unix epoch. Identifiers
// are dense indices assigned by the engine in creation order; the API layer turns them into
// opaque strings, so nothing here is ever shown to a client as a number.
//
// Every type is a trivially copyable value; safe for concurrent use as values.

#ifndef SUBEX_ENGINE_UNITS_H_
#define SUBEX_ENGINE_UNITS_H_

#include <compare>
#include <cstdint>
#include <limits>
#include <utility>

namespace subex {

using Kopecks = int64_t;   // RUB × 100.
using Quantity = int64_t;  // Units of the process (machine hours, kg, pieces).

// A civil day, UTC, as days since 1970-01-01.
struct Day {
  int32_t value = 0;
  friend constexpr auto operator<=>(Day, Day) = default;
  constexpr Day operator+(int32_t n) const { return Day{value + n}; }
  constexpr Day operator-(int32_t n) const { return Day{value - n}; }
  constexpr int32_t operator-(Day other) const { return value - other.value; }
};

// A point in time: milliseconds since the Unix epoch, UTC.
struct Instant {
  int64_t unix_ms = 0;
  friend constexpr auto operator<=>(Instant, Instant) = default;
};

inline constexpr int64_t kMsPerDay = 86'400'000;

// The day an instant falls on.
constexpr Day DayOf(Instant t) {
  int64_t d = t.unix_ms / kMsPerDay;
  if (t.unix_ms % kMsPerDay < 0) --d;
  return Day{static_cast<int32_t>(d)};
}
// The first instant of a day.
constexpr Instant StartOf(Day d) { return Instant{int64_t{d.value} * kMsPerDay}; }

// Typed dense identifiers. `Tag` only keeps the kinds apart.
template <typename Tag>
struct Id {
  uint32_t value = kNone;
  static constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();
  constexpr bool valid() const { return value != kNone; }
  friend constexpr auto operator<=>(Id, Id) = default;
  template <typename H>
  friend H AbslHashValue(H h, Id id) {
    return H::combine(std::move(h), id.value);
  }
};

using MemberId = Id<struct MemberTag>;
using ClusterId = Id<struct ClusterTag>;
using OfferId = Id<struct OfferTag>;
using OrderId = Id<struct OrderTag>;
using ContractId = Id<struct ContractTag>;
using BidId = Id<struct BidTag>;
using KeyId = Id<struct KeyTag>;
using ProcessId = Id<struct ProcessTag>;

// An interned short name (tag, certification, limit name).
using NameId = uint32_t;

struct GeoPoint {
  double lat = 0;
  double lon = 0;
  friend bool operator==(const GeoPoint&, const GeoPoint&) = default;
};

}  // namespace subex

#endif  // SUBEX_ENGINE_UNITS_H_
