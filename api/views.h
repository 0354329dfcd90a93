// Views — the JSON the API answers with, rendered from the engine's records (PRODUCT §2, §6).
//
// Each Write* writes one complete JSON object (or, for a top-level write, the whole body) into the
// writer. Every id is a public id (api/ids.h), money is roubles with two decimals from integer
// kopecks, days are "YYYY-MM-DD" and instants RFC 3339 UTC. Names, tags and certifications come
// out byte for byte as they were written.
//
//   JsonWriter w;
//   WriteOrder(w, state, order, caller);  // {"id":"o_…","customer":"m_…",…,"allocations":[…]}
//   std::string body = std::move(w).Take();
//
// What a caller may see is decided here, field by field: the private parts of an object (a
// member's blocked list and suspension, an offer's calendar and allocations, an order's clusters,
// invitations and allocations) appear only when `caller.ActsFor` the object's owner. Whether the
// caller may see the object at all is the route's decision, made before it calls a view.
//
// Functions that take a `const State&` read live engine state and must run on the engine thread
// (state.h requires external synchronization), so that a response never shows state that is not
// yet durable. WriteProcesses and WriteEvent read only immutable or copied values and may run on
// any thread.

#ifndef SUBEX_API_VIEWS_H_
#define SUBEX_API_VIEWS_H_

#include <string_view>

#include "api/caller.h"
#include "api/json_writer.h"
#include "api/visibility.h"
#include "engine/domain.h"
#include "engine/events.h"
#include "engine/state.h"
#include "engine/taxonomy.h"

namespace subex {

// A member's profile. Everyone sees id, name, inn, region, location, roles, processes,
// certifications, clusters, status, reliability, created_at and revision; the member itself and
// the operator also see blocked, suspended_until and counts {offers, orders, contracts}. A
// non-empty `api_key` adds "api_key", which is shown once, when the member is registered.
void WriteMember(JsonWriter& w, const State& state, const Member& member, const Caller& caller,
                 std::string_view api_key = {});

// A cluster: id, name, region, kind, members, created_at, revision. Cluster membership is public.
void WriteCluster(JsonWriter& w, const State& state, const Cluster& cluster);

// The taxonomy: {"items":[{"code","name","parent","unit","tariff"}]}, parents before children;
// "parent" is null on a top-level branch and "tariff" is RUB per unit per km.
void WriteProcesses(JsonWriter& w, const Taxonomy& taxonomy);

// One allocation in PRODUCT §6's shape: contract, offer, supplier, quantity, unit_price,
// days [{day, quantity}], distance_km, score {unit_price, transport, landed, reliability,
// risk_factor, cluster_bonus, total}; and also order, customer and state. Shown only to the
// contract's parties.
void WriteAllocation(JsonWriter& w, const State& state, const Contract& contract);

// A capacity offer. The supplier and the operator also see "calendar" (the days with free
// capacity, [{day, free}]) and "allocations" (WriteAllocation of each of its contracts).
void WriteOffer(JsonWriter& w, const State& state, const CapacityOffer& offer,
                const Caller& caller);

// An order. The customer and the operator also see "clusters", "invited" and "allocations".
void WriteOrder(JsonWriter& w, const State& state, const Order& order, const Caller& caller);

// A contract, for its parties: id, order, offer, customer, supplier, quantity, unit_price, days,
// distance_km, score, state, created_at, confirm_by, revision.
void WriteContract(JsonWriter& w, const State& state, const Contract& contract);

// A bid: its terms and status; its score once it was ranked at the close. Only its bidder, and
// the order's customer after the close, may be shown one (api/routes_rfq.cc decides).
void WriteBid(JsonWriter& w, const Bid& bid);

// An API key's record, for the operator: id, kind, member (absent for an analyst key), label,
// revoked. Never the key nor its hash; a non-empty `api_key` adds it, shown once at issue.
void WriteKey(JsonWriter& w, const ApiKey& key, std::string_view api_key = {});

// One feed entry: {"seq","type","at","data"}. `data` holds the event's fields in the words of the
// views above (process codes through `taxonomy`). A key.issued event shows only the member and the
// key kind, never the key's hash. Whether the reader may see the event at all, and in which view,
// is api/visibility.h's `ViewOf`: `view` kSealed writes a bid.placed with its bid, order and
// supplier only (no unit_price, quantity, lead_days or offer); kFull writes everything.
void WriteEvent(JsonWriter& w, const Taxonomy& taxonomy, const Event& event,
                EventView view = EventView::kFull);

}  // namespace subex

#endif  // SUBEX_API_VIEWS_H_
