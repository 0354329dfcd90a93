// Caller — who is asking, once the request's key has been checked (PRODUCT §6).
//
// The operator's admin key acts for the exchange as a whole; a member key acts as its member; a
// platform key (a portal front-end) acts for a member that authorised it and names in
// X-On-Behalf-Of — then it is that member, with `platform` saying through whom — and without the
// header sees what a member with no relationships sees; an analyst key reads analytics only.
// Whether a caller may see an object or an event at all is api/visibility.h's one rule (ask it
// with `Viewer::Of(caller)`); `ActsFor` says only whose private fields a view may show.
//
//   if (!MayReadContract(*c, Viewer::Of(caller))) return Missing("contract");
//
// Plain value; safe for concurrent use as a value.

#ifndef SUBEX_API_CALLER_H_
#define SUBEX_API_CALLER_H_

#include <cstdint>

#include "engine/commands.h"
#include "engine/units.h"

namespace subex {

// The acting party of commands sent by a caller that is neither the operator nor a member (a
// platform not acting for anyone, an analyst): a member id that names nobody, so the engine
// finds no object of theirs and grants no operator rights.
inline constexpr MemberId kNobody{MemberId::kNone - 1};

struct Caller {
  enum class Kind : uint8_t { kAdmin, kMember, kPlatform, kAnalyst };

  Kind kind = Kind::kMember;
  MemberId member;    // The member acted for; invalid for the admin, analyst and a bare platform.
  MemberId platform;  // The platform the request came through, if any.

  static Caller Admin() { return {Kind::kAdmin, {}, {}}; }
  static Caller Member(MemberId m, MemberId via = {}) { return {Kind::kMember, m, via}; }
  static Caller Platform(MemberId p) { return {Kind::kPlatform, {}, p}; }
  static Caller Analyst() { return {Kind::kAnalyst, {}, {}}; }

  bool admin() const { return kind == Kind::kAdmin; }
  // May read and change `owner`'s private fields and objects.
  bool ActsFor(MemberId owner) const { return admin() || (owner.valid() && owner == member); }
  // The acting party of the engine commands this caller sends.
  MemberId by() const { return admin() ? kOperator : member.valid() ? member : kNobody; }
};

}  // namespace subex

#endif  // SUBEX_API_CALLER_H_
