// Caller — who is asking, once the request's key has been checked (PRODUCT §6).
//
// The operator's admin key acts for the platform as a whole; a member key acts as its member.
// Object-level rules ask `ActsFor`: a member may see and change its own objects, the operator
// every object; everything else answers 404 as if the object did not exist.
//
//   if (!caller.ActsFor(offer.supplier)) return NotFound("offer not found");
//
// Plain value; safe for concurrent use as a value.

#ifndef SUBEX_API_CALLER_H_
#define SUBEX_API_CALLER_H_

#include <cstdint>

#include "engine/commands.h"
#include "engine/units.h"

namespace subex {

struct Caller {
  enum class Kind : uint8_t { kAdmin, kMember };

  Kind kind = Kind::kMember;
  MemberId member;  // The member a member key acts as; invalid for the admin key.

  static Caller Admin() { return {Kind::kAdmin, {}}; }
  static Caller Member(MemberId m) { return {Kind::kMember, m}; }

  bool admin() const { return kind == Kind::kAdmin; }
  // May read and change `owner`'s private objects.
  bool ActsFor(MemberId owner) const { return admin() || (owner.valid() && owner == member); }
  // The acting party of the engine commands this caller sends.
  MemberId by() const { return admin() ? kOperator : member; }
};

}  // namespace subex

#endif  // SUBEX_API_CALLER_H_
