// Records — each record made from the event that creates it, in one place: `State::Apply` makes
// its records this way, and a decision that must look at the record an event is about to create
// (a new order's match, a new offer's) makes it the same way before the event exists in the state.
//
// The two differ only in how names become ids: Apply interns them; a decision looks them up, and
// a name nobody has used yet stands as `kUnknownName`, which no record holds, so a requirement
// naming it is never met.
//
//   Order order = OrderOf(placed, NameIds::LookingUp(state.names()));   // in Decide
//   orders_.push_back(OrderOf(placed, NameIds::Interning(names_)));     // in Apply
//
// Requires external synchronization (the NameTable's).

#ifndef SUBEX_ENGINE_RECORDS_H_
#define SUBEX_ENGINE_RECORDS_H_

#include <limits>
#include <string>
#include <vector>

#include "engine/commands.h"
#include "engine/domain.h"
#include "engine/events.h"
#include "engine/names.h"

namespace subex {

inline constexpr NameId kUnknownName = std::numeric_limits<NameId>::max();

// Names to sorted id lists, interning or looking up.
class NameIds {
 public:
  static NameIds Interning(NameTable& table) { return NameIds(&table, &table); }
  static NameIds LookingUp(const NameTable& table) { return NameIds(nullptr, &table); }

  NameList List(const std::vector<std::string>& names) const;
  LimitList Limits(const NamedValues& values) const;

 private:
  NameIds(NameTable* interning, const NameTable* table) : interning_(interning), table_(table) {}
  NameId Id(const std::string& name) const;

  NameTable* interning_;
  const NameTable* table_;
};

// The member as it stands when registered.
Member MemberOf(const MemberRegistered& e, const NameIds& names);

// The offer as it stands when posted: open, every day of its calendar free.
CapacityOffer OfferOf(const OfferPosted& e, const NameIds& names);

// The order as it stands when placed: open, or bidding in rfq mode.
Order OrderOf(const OrderPlaced& e, const NameIds& names);

// The bid as it stands when placed: open.
Bid BidOf(const BidPlaced& e);

}  // namespace subex

#endif  // SUBEX_ENGINE_RECORDS_H_
