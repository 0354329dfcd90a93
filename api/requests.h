// Requests — request bodies turned into engine commands (PRODUCT §2, §6), and the one body that
// asks a question instead (a difference-in-differences design, PRODUCT §7).
//
// Each Parse* reads one body strictly (api/json_reader.h) and answers the command or the problem
// to send: 400 for JSON that is malformed, repeats a key or names a field the body does not have;
// 422 for fields of the wrong type, missing required fields and values that cannot be converted
// (money with a third decimal, a date that does not exist, an id of the wrong kind), one error
// per field. Business rules (a known process, due after start, a valid INN, list limits…) are the
// engine's: its rejections reach the client through FromRejection, with the same field names.
//
//   Parsed<PlaceOrder> parsed = ParsePlaceOrder(body, caller);
//   if (auto* problem = std::get_if<Problem>(&parsed)) return Answer(*problem);
//   engine.Submit(std::get<PlaceOrder>(std::move(parsed)));
//
// The accepted fields of every body are listed once, in the tables below, so the OpenAPI
// document can be checked against them. Pure functions; safe for concurrent use.

#ifndef SUBEX_API_REQUESTS_H_
#define SUBEX_API_REQUESTS_H_

#include <span>
#include <string_view>
#include <variant>

#include "analytics/did_panel.h"
#include "api/problem.h"
#include "engine/commands.h"

namespace subex {

template <class T>
using Parsed = std::variant<T, Problem>;

// How a field is written in JSON.
enum class FieldKind : uint8_t {
  kString,        // A string.
  kEnum,          // One of the strings in `values`, separated by '|'.
  kInteger,       // An integer, written without fraction or exponent.
  kNumber,        // Any finite number.
  kMoney,         // Roubles, a number with at most two decimals.
  kBoolean,       //
  kDate,          // "YYYY-MM-DD".
  kInstant,       // RFC 3339.
  kStringList,    // An array of strings.
  kEnumList,      // An array of strings from `values`.
  kId,            // A public id with the prefix in `values`.
  kIdList,        // An array of public ids with the prefix in `values`.
  kNamedNumbers,  // An object of names (any) and numbers.
  kLocation,      // {"lat": number, "lon": number}, both required.
  kMonth,         // "YYYY-MM".
};

struct BodyField {
  std::string_view name;
  FieldKind kind;
  bool required;
  std::string_view values = {};  // kEnum / kEnumList choices, or a kIdList prefix.
};

inline constexpr BodyField kRegisterMemberBody[] = {
    {"name", FieldKind::kString, true},
    {"inn", FieldKind::kString, true},
    {"region", FieldKind::kString, true},
    {"location", FieldKind::kLocation, true},
    {"roles", FieldKind::kEnumList, true, "customer|supplier|platform"},
    {"processes", FieldKind::kStringList, false},
    {"certifications", FieldKind::kStringList, false},
};

// A PATCH: any non-empty subset.
inline constexpr BodyField kUpdateMemberBody[] = {
    {"name", FieldKind::kString, false},
    {"region", FieldKind::kString, false},
    {"location", FieldKind::kLocation, false},
    {"roles", FieldKind::kEnumList, false, "customer|supplier|platform"},
    {"processes", FieldKind::kStringList, false},
    {"certifications", FieldKind::kStringList, false},
};

inline constexpr BodyField kCreateClusterBody[] = {
    {"name", FieldKind::kString, true},
    {"region", FieldKind::kString, true},
    {"kind", FieldKind::kEnum, true, "local|regional|virtual|international"},
};

inline constexpr BodyField kPostOfferBody[] = {
    {"process", FieldKind::kString, true},
    {"daily_capacity", FieldKind::kInteger, true},
    {"from", FieldKind::kDate, true},
    {"to", FieldKind::kDate, true},
    {"unit_price", FieldKind::kMoney, true},
    {"min_lot", FieldKind::kInteger, false},
    {"tags", FieldKind::kStringList, false},
    {"limits", FieldKind::kNamedNumbers, false},
    {"auto_accept", FieldKind::kBoolean, false},
};

inline constexpr BodyField kPlaceOrderBody[] = {
    {"title", FieldKind::kString, true},
    {"process", FieldKind::kString, true},
    {"quantity", FieldKind::kInteger, true},
    {"start", FieldKind::kDate, true},
    {"due", FieldKind::kDate, true},
    {"max_unit_price", FieldKind::kMoney, false},  // Required in auto mode; the engine says so.
    {"location", FieldKind::kLocation, false},
    {"max_distance_km", FieldKind::kNumber, false},
    {"certifications", FieldKind::kStringList, false},
    {"tags", FieldKind::kStringList, false},
    {"needs", FieldKind::kNamedNumbers, false},
    {"min_lot", FieldKind::kInteger, false},
    {"mode", FieldKind::kEnum, false, "auto|rfq"},
    {"visibility", FieldKind::kEnum, false, "public|clusters|invited"},
    {"clusters", FieldKind::kIdList, false, "k_"},
    {"invited", FieldKind::kIdList, false, "m_"},
    {"prefer_clusters", FieldKind::kIdList, false, "k_"},
    {"cluster_bonus", FieldKind::kMoney, false},
    {"expires_at", FieldKind::kInstant, false},
    {"bids_close_at", FieldKind::kInstant, false},  // rfq: required there; the engine says so.
    {"award", FieldKind::kEnum, false, "auto|manual"},
    {"award_by", FieldKind::kInstant, false},
};

inline constexpr BodyField kPlaceBidBody[] = {
    {"unit_price", FieldKind::kMoney, true},
    {"quantity", FieldKind::kInteger, true},
    {"lead_days", FieldKind::kInteger, true},
    {"offer", FieldKind::kId, false, "f_"},
};

inline constexpr BodyField kAwardBidsBody[] = {
    {"bids", FieldKind::kIdList, true, "b_"},
};

// The body of a contract step; `reason` is required by dispute and cancel (the engine says so).
inline constexpr BodyField kContractStepBody[] = {
    {"reason", FieldKind::kString, false},
};

// POST /v1/analytics/did: a question, not a command (it changes nothing). The order of the periods
// and their length are the route's to check.
inline constexpr BodyField kDidBody[] = {
    {"cluster", FieldKind::kId, true, "k_"},
    {"metric", FieldKind::kEnum, true,
     "contracted_value|purchased_value|supplied_value|contracts|orders|fill_rate|utilisation"},
    {"before_from", FieldKind::kMonth, true},
    {"before_to", FieldKind::kMonth, true},
    {"after_from", FieldKind::kMonth, true},
    {"after_to", FieldKind::kMonth, true},
    {"control", FieldKind::kEnum, false, "other_members|non_members"},
};

// POST /v1/members (operator): `by` is kOperator.
Parsed<RegisterMember> ParseRegisterMember(std::string_view body);
// PATCH /v1/members/{id}: `by` acts on `target`; an empty patch is a 422.
Parsed<UpdateMember> ParseUpdateMember(std::string_view body, MemberId by, MemberId target);
// POST /v1/clusters (operator).
Parsed<CreateCluster> ParseCreateCluster(std::string_view body);
// POST /v1/offers by supplier `by`.
Parsed<PostOffer> ParsePostOffer(std::string_view body, MemberId by);
// POST /v1/orders by customer `by`.
Parsed<PlaceOrder> ParsePlaceOrder(std::string_view body, MemberId by);
// POST /v1/orders/{id}/bids by supplier `by`.
Parsed<PlaceBid> ParsePlaceBid(std::string_view body, MemberId by, OrderId order);
// POST /v1/orders/{id}/award by the order's customer `by`.
Parsed<AwardBids> ParseAwardBids(std::string_view body, MemberId by, OrderId order);
// The reason of POST /v1/contracts/{id}/<step>; an empty body is no reason.
Parsed<std::string> ParseContractStep(std::string_view body);
// POST /v1/analytics/did.
Parsed<DidDesign> ParseDidRequest(std::string_view body);

}  // namespace subex

#endif  // SUBEX_API_REQUESTS_H_
