#include "api/views.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "api/ids.h"
#include "engine/names.h"

namespace subex {
namespace {

// Shown with four decimals: enough to tell suppliers apart, short enough to read.
constexpr int kRatioDigits = 4;
constexpr int kDistanceDigits = 1;

template <class IdT>
void WriteId(JsonWriter& w, IdT id) {
  if (id.valid()) {
    w.String(PublicId(id));
  } else {
    w.Null();
  }
}

template <class IdT>
void KeyPublicId(JsonWriter& w, std::string_view key, IdT id) {
  w.Key(key);
  WriteId(w, id);
}

template <class IdT>
void KeyIds(JsonWriter& w, std::string_view key, const std::vector<IdT>& ids) {
  w.Key(key).BeginArray();
  for (IdT id : ids) WriteId(w, id);
  w.EndArray();
}

void KeyStrings(JsonWriter& w, std::string_view key, const std::vector<std::string>& strings) {
  w.Key(key).BeginArray();
  for (const std::string& s : strings) w.String(s);
  w.EndArray();
}

void KeyNames(JsonWriter& w, std::string_view key, const NameList& names, const NameTable& table) {
  w.Key(key).BeginArray();
  for (NameId n : names) w.String(table.name(n));
  w.EndArray();
}

void KeyLimits(JsonWriter& w, std::string_view key, const LimitList& limits,
               const NameTable& table) {
  w.Key(key).BeginObject();
  for (const Limit& l : limits) w.KeyDouble(table.name(l.name), l.value);
  w.EndObject();
}

void KeyNamedValues(JsonWriter& w, std::string_view key, const NamedValues& values) {
  w.Key(key).BeginObject();
  for (const auto& [name, value] : values) w.KeyDouble(name, value);
  w.EndObject();
}

// Coordinates to the micro-degree (about 10 cm), which is what a portal sends: a value that went
// through arithmetic shows as 39.5108, not 39.510799999999996.
double MicroDegrees(double v) { return std::round(v * 1e6) / 1e6; }

void KeyLocation(JsonWriter& w, std::string_view key, GeoPoint p) {
  w.Key(key).BeginObject().KeyDouble("lat", MicroDegrees(p.lat));
  w.KeyDouble("lon", MicroDegrees(p.lon)).EndObject();
}

void KeyRoles(JsonWriter& w, std::string_view key, uint8_t roles) {
  w.Key(key).BeginArray();
  if (roles & kRoleCustomer) w.String("customer");
  if (roles & kRoleSupplier) w.String("supplier");
  if (roles & kRolePlatform) w.String("platform");
  w.EndArray();
}

void KeyProcess(JsonWriter& w, std::string_view key, const Taxonomy& taxonomy, ProcessId p) {
  w.Key(key);
  if (p.valid() && p.value < taxonomy.size()) {
    w.String(taxonomy.node(p).code);
  } else {
    w.Null();
  }
}

void KeyProcesses(JsonWriter& w, std::string_view key, const Taxonomy& taxonomy,
                  const std::vector<ProcessId>& processes) {
  w.Key(key).BeginArray();
  for (ProcessId p : processes) {
    if (p.valid() && p.value < taxonomy.size()) w.String(taxonomy.node(p).code);
  }
  w.EndArray();
}

void KeyDays(JsonWriter& w, std::string_view key, const std::vector<DayQuantity>& days) {
  w.Key(key).BeginArray();
  for (const DayQuantity& d : days) {
    w.BeginObject().KeyDay("day", d.day).KeyInt("quantity", d.quantity).EndObject();
  }
  w.EndArray();
}

// Score money terms are kopecks per unit as doubles (a ranking number): shown as roubles.
void KeyScoreMoney(JsonWriter& w, std::string_view key, double kopecks) {
  w.KeyFixed(key, kopecks / 100.0, 2);
}

void KeyScore(JsonWriter& w, std::string_view key, const Score& s) {
  w.Key(key).BeginObject();
  KeyScoreMoney(w, "unit_price", s.unit_price);
  KeyScoreMoney(w, "transport", s.transport);
  KeyScoreMoney(w, "landed", s.landed);
  w.KeyFixed("reliability", s.reliability, kRatioDigits);
  w.KeyFixed("risk_factor", s.risk_factor, kRatioDigits);
  KeyScoreMoney(w, "cluster_bonus", s.cluster_bonus);
  KeyScoreMoney(w, "total", s.total);
  w.EndObject();
}

void KeyOptionalInstant(JsonWriter& w, std::string_view key, const std::optional<Instant>& t) {
  if (t) {
    w.KeyInstant(key, *t);
  } else {
    w.KeyNull(key);
  }
}

void KeyOptionalDay(JsonWriter& w, std::string_view key, const std::optional<Day>& d) {
  if (d) {
    w.KeyDay(key, *d);
  } else {
    w.KeyNull(key);
  }
}

void KeyOptionalDouble(JsonWriter& w, std::string_view key, const std::optional<double>& v) {
  if (v) {
    w.KeyDouble(key, *v);
  } else {
    w.KeyNull(key);
  }
}

// Kopecks per unit per km back to roubles as written in the config: 0.07 RUB became
// 7.000000000000001 kopecks, and dividing by 100 alone would show that error. Rounding to eight
// decimals of a rouble (far below any real tariff's precision) then dividing an integer by a power
// of ten gives the double nearest to the written decimal, which prints as that decimal.
double TariffRoubles(double kopecks) { return std::round(kopecks * 1e6) / 1e8; }

// An rfq order may leave its price ceiling out (the engine keeps 0): shown as null, not as a
// ceiling of zero roubles.
void KeyMaxUnitPrice(JsonWriter& w, OrderMode mode, Kopecks max_unit_price) {
  if (mode == OrderMode::kRfq && max_unit_price == 0) {
    w.KeyNull("max_unit_price");
  } else {
    w.KeyMoney("max_unit_price", max_unit_price);
  }
}

}  // namespace

void WriteMember(JsonWriter& w, const State& state, const Member& member, const Caller& caller,
                 std::string_view api_key) {
  const Day today = DayOf(state.now());
  w.BeginObject();
  KeyPublicId(w, "id", member.id);
  w.KeyString("name", member.name).KeyString("inn", member.inn).KeyString("region", member.region);
  KeyLocation(w, "location", member.location);
  KeyRoles(w, "roles", member.roles);
  KeyProcesses(w, "processes", state.taxonomy(), member.processes);
  KeyNames(w, "certifications", member.certifications, state.names());
  KeyIds(w, "clusters", member.clusters);
  w.KeyString("status", member.SuspendedOn(today) ? "suspended" : "active");
  w.KeyFixed("reliability", state.Reliability(member, today), kRatioDigits);
  // Of its rfq orders that closed with an eligible bid, the share it awarded (PRODUCT §2).
  const int32_t decided = member.rfq_awarded + member.rfq_unawarded;
  if (decided > 0) {
    w.KeyFixed("award_rate", static_cast<double>(member.rfq_awarded) / decided, kRatioDigits);
  } else {
    w.KeyNull("award_rate");
  }
  w.KeyInt("rfq_awarded", member.rfq_awarded).KeyInt("rfq_unawarded", member.rfq_unawarded);
  w.KeyInstant("created_at", member.created_at).KeyInt("revision", member.revision);
  if (caller.ActsFor(member.id)) {
    std::vector<uint32_t> blocked(member.blocked.begin(), member.blocked.end());
    std::sort(blocked.begin(), blocked.end());  // The set's order is a hash's, not a stable one.
    w.Key("blocked").BeginArray();
    for (uint32_t b : blocked) WriteId(w, MemberId{b});
    w.EndArray();
    KeyOptionalDay(w, "suspended_until", member.suspended_until);
    KeyIds(w, "platforms", member.platforms);
    w.Key("counts")
        .BeginObject()
        .KeyInt("offers", static_cast<int64_t>(member.offers.size()))
        .KeyInt("orders", static_cast<int64_t>(member.orders.size()))
        .KeyInt("contracts", static_cast<int64_t>(member.contracts.size()))
        .EndObject();
  }
  if (!api_key.empty()) w.KeyString("api_key", api_key);
  w.EndObject();
}

void WriteCluster(JsonWriter& w, const State& /*state*/, const Cluster& cluster) {
  w.BeginObject();
  KeyPublicId(w, "id", cluster.id);
  w.KeyString("name", cluster.name).KeyString("region", cluster.region);
  w.KeyString("kind", ToString(cluster.kind));
  KeyIds(w, "members", cluster.members);
  w.KeyInstant("created_at", cluster.created_at).KeyInt("revision", cluster.revision);
  w.EndObject();
}

void WriteProcesses(JsonWriter& w, const Taxonomy& taxonomy) {
  w.BeginObject().Key("items").BeginArray();
  for (const ProcessNode& node : taxonomy.nodes()) {
    w.BeginObject().KeyString("code", node.code);
    if (!node.name.empty()) w.KeyString("name", node.name);
    KeyProcess(w, "parent", taxonomy, node.parent);
    w.KeyString("unit", node.unit);
    // The tariff is a rate, not an amount of money, so it keeps its decimals; it was configured
    // in roubles and scaled to kopecks, so it is shown as the decimal it was written as.
    w.KeyDouble("tariff", TariffRoubles(node.tariff_kopecks_per_unit_km));
    w.EndObject();
  }
  w.EndArray().EndObject();
}

namespace {

// The terms a contract and its allocation view share, after the id.
void KeyContractTerms(JsonWriter& w, const Contract& contract) {
  KeyPublicId(w, "order", contract.order);
  KeyPublicId(w, "offer", contract.offer);
  KeyPublicId(w, "customer", contract.customer);
  KeyPublicId(w, "supplier", contract.supplier);
  w.KeyInt("quantity", contract.quantity).KeyMoney("unit_price", contract.unit_price);
  KeyDays(w, "days", contract.days);
  w.KeyFixed("distance_km", contract.score.distance_km, kDistanceDigits);
  KeyScore(w, "score", contract.score);
  w.KeyString("state", ToString(contract.state));
}

}  // namespace

void WriteAllocation(JsonWriter& w, const State& /*state*/, const Contract& contract) {
  w.BeginObject();
  KeyPublicId(w, "contract", contract.id);
  KeyContractTerms(w, contract);
  w.EndObject();
}

void WriteOffer(JsonWriter& w, const State& state, const CapacityOffer& offer,
                const Caller& caller) {
  w.BeginObject();
  KeyPublicId(w, "id", offer.id);
  KeyPublicId(w, "supplier", offer.supplier);
  KeyProcess(w, "process", state.taxonomy(), offer.process);
  w.KeyInt("daily_capacity", offer.daily_capacity);
  w.KeyDay("from", offer.from).KeyDay("to", offer.to);
  w.KeyMoney("unit_price", offer.unit_price).KeyInt("min_lot", offer.min_lot);
  KeyNames(w, "tags", offer.tags, state.names());
  KeyLimits(w, "limits", offer.limits, state.names());
  w.KeyBool("auto_accept", offer.auto_accept);
  w.KeyString("status", ToString(offer.status));
  w.KeyInt("free_total", offer.calendar.free_total());
  w.KeyInstant("created_at", offer.created_at).KeyInt("revision", offer.revision);
  if (caller.ActsFor(offer.supplier)) {
    w.Key("calendar").BeginArray();
    std::span<const int32_t> free = offer.calendar.free_days();
    for (size_t i = 0; i < free.size(); ++i) {
      if (free[i] <= 0) continue;
      w.BeginObject()
          .KeyDay("day", offer.calendar.from() + static_cast<int32_t>(i))
          .KeyInt("free", free[i])
          .EndObject();
    }
    w.EndArray();
    w.Key("allocations").BeginArray();
    for (ContractId c : offer.contracts) {
      if (const Contract* contract = state.contract(c)) WriteAllocation(w, state, *contract);
    }
    w.EndArray();
  }
  w.EndObject();
}

void WriteOrder(JsonWriter& w, const State& state, const Order& order, const Caller& caller) {
  const bool owner = caller.ActsFor(order.customer);
  w.BeginObject();
  KeyPublicId(w, "id", order.id);
  KeyPublicId(w, "customer", order.customer);
  w.KeyString("title", order.title);
  KeyProcess(w, "process", state.taxonomy(), order.process);
  w.KeyInt("quantity", order.quantity).KeyInt("allocated", order.allocated);
  w.KeyString("status", ToString(order.status));
  w.KeyDay("start", order.start).KeyDay("due", order.due);
  KeyMaxUnitPrice(w, order.mode, order.max_unit_price);
  KeyLocation(w, "location", order.location);
  KeyOptionalDouble(w, "max_distance_km", order.max_distance_km);
  KeyNames(w, "certifications", order.certifications, state.names());
  KeyNames(w, "tags", order.tags, state.names());
  KeyLimits(w, "needs", order.needs, state.names());
  w.KeyInt("min_lot", order.min_lot);
  w.KeyString("mode", ToString(order.mode)).KeyString("visibility", ToString(order.visibility));
  if (owner) {
    KeyIds(w, "clusters", order.visible_to_clusters);
    KeyIds(w, "invited", order.invited);
  }
  KeyIds(w, "prefer_clusters", order.prefer_clusters);
  w.KeyMoney("cluster_bonus", order.cluster_bonus);
  w.KeyInstant("expires_at", order.expires_at);
  if (order.mode == OrderMode::kRfq) {
    w.KeyInstant("bids_close_at", order.bids_close_at).KeyString("award", ToString(order.award));
    if (order.award == AwardMode::kManual) {
      w.KeyInstant("award_by", order.award_by);
    } else {
      w.KeyNull("award_by");
    }
    if (owner) w.KeyInt("bids", static_cast<int64_t>(order.bids.size()));
  }
  w.KeyInstant("created_at", order.created_at).KeyInt("revision", order.revision);
  if (owner) {
    w.KeyInt("withdrawn", order.withdrawn);
    w.Key("allocations").BeginArray();
    for (ContractId c : order.contracts) {
      if (const Contract* contract = state.contract(c)) WriteAllocation(w, state, *contract);
    }
    w.EndArray();
  }
  w.EndObject();
}

void WriteBid(JsonWriter& w, const Bid& bid) {
  w.BeginObject();
  KeyPublicId(w, "id", bid.id);
  KeyPublicId(w, "order", bid.order);
  KeyPublicId(w, "supplier", bid.supplier);
  w.KeyMoney("unit_price", bid.unit_price).KeyInt("quantity", bid.quantity);
  w.KeyInt("lead_days", bid.lead_days);
  KeyPublicId(w, "offer", bid.offer);
  w.KeyString("status", ToString(bid.status));
  // Ranked at the close (whatever became of it since): a landed cost is never zero.
  if (bid.score.total > 0) {
    KeyScore(w, "score", bid.score);
  } else {
    w.KeyNull("score");
  }
  w.KeyString("reason", bid.reason);
  KeyPublicId(w, "contract", bid.contract);
  w.KeyInstant("created_at", bid.created_at).KeyInt("revision", bid.revision);
  w.EndObject();
}

void WriteContract(JsonWriter& w, const State& /*state*/, const Contract& contract) {
  w.BeginObject();
  KeyPublicId(w, "id", contract.id);
  KeyContractTerms(w, contract);
  w.KeyInstant("created_at", contract.created_at);
  KeyOptionalInstant(w, "confirm_by", contract.confirm_by);
  KeyOptionalDay(w, "delivered_on", contract.delivered_on);
  KeyPublicId(w, "cancelled_by", contract.cancelled_by);
  w.KeyString("reason", contract.reason);
  KeyPublicId(w, "bid", contract.bid);
  w.KeyInt("revision", contract.revision);
  w.EndObject();
}

namespace {

// Writes the members of an event's "data" object.
struct EventData {
  JsonWriter& w;
  const Taxonomy& taxonomy;
  EventView view;

  void operator()(const MemberRegistered& e) const {
    KeyPublicId(w, "member", e.member);
    w.KeyString("name", e.name).KeyString("inn", e.inn).KeyString("region", e.region);
    KeyLocation(w, "location", e.location);
    KeyRoles(w, "roles", e.roles);
    KeyProcesses(w, "processes", taxonomy, e.processes);
    KeyStrings(w, "certifications", e.certifications);
  }
  void operator()(const MemberUpdated& e) const {
    KeyPublicId(w, "member", e.member);
    w.KeyString("name", e.name).KeyString("region", e.region);
    KeyLocation(w, "location", e.location);
    KeyRoles(w, "roles", e.roles);
    KeyProcesses(w, "processes", taxonomy, e.processes);
    KeyStrings(w, "certifications", e.certifications);
  }
  void operator()(const ClusterCreated& e) const {
    KeyPublicId(w, "cluster", e.cluster);
    w.KeyString("name", e.name).KeyString("region", e.region);
    w.KeyString("kind", ToString(e.kind));
  }
  void operator()(const ClusterMemberAdded& e) const {
    KeyPublicId(w, "cluster", e.cluster);
    KeyPublicId(w, "member", e.member);
  }
  void operator()(const ClusterMemberRemoved& e) const {
    KeyPublicId(w, "cluster", e.cluster);
    KeyPublicId(w, "member", e.member);
  }
  void operator()(const MemberBlocked& e) const {
    KeyPublicId(w, "member", e.member);
    KeyPublicId(w, "other", e.other);
  }
  void operator()(const MemberUnblocked& e) const {
    KeyPublicId(w, "member", e.member);
    KeyPublicId(w, "other", e.other);
  }
  void operator()(const MemberSuspended& e) const {
    KeyPublicId(w, "member", e.member);
    KeyOptionalDay(w, "until", e.until);
  }
  void operator()(const OfferPosted& e) const {
    KeyPublicId(w, "offer", e.offer);
    KeyPublicId(w, "supplier", e.supplier);
    KeyProcess(w, "process", taxonomy, e.process);
    w.KeyInt("daily_capacity", e.daily_capacity);
    w.KeyDay("from", e.from).KeyDay("to", e.to);
    w.KeyMoney("unit_price", e.unit_price).KeyInt("min_lot", e.min_lot);
    KeyStrings(w, "tags", e.tags);
    KeyNamedValues(w, "limits", e.limits);
    w.KeyBool("auto_accept", e.auto_accept);
  }
  void operator()(const OfferWithdrawn& e) const {
    KeyPublicId(w, "offer", e.offer);
    KeyPublicId(w, "supplier", e.supplier);
  }
  void operator()(const OfferExpired& e) const {
    KeyPublicId(w, "offer", e.offer);
    KeyPublicId(w, "supplier", e.supplier);
  }
  void operator()(const OrderPlaced& e) const {
    KeyPublicId(w, "order", e.order);
    KeyPublicId(w, "customer", e.customer);
    w.KeyString("title", e.title);
    KeyProcess(w, "process", taxonomy, e.process);
    w.KeyInt("quantity", e.quantity);
    w.KeyDay("start", e.start).KeyDay("due", e.due);
    KeyMaxUnitPrice(w, e.mode, e.max_unit_price);
    KeyLocation(w, "location", e.location);
    KeyOptionalDouble(w, "max_distance_km", e.max_distance_km);
    KeyStrings(w, "certifications", e.certifications);
    KeyStrings(w, "tags", e.tags);
    KeyNamedValues(w, "needs", e.needs);
    w.KeyInt("min_lot", e.min_lot);
    w.KeyString("mode", ToString(e.mode)).KeyString("visibility", ToString(e.visibility));
    KeyIds(w, "clusters", e.visible_to_clusters);
    KeyIds(w, "invited", e.invited);
    KeyIds(w, "prefer_clusters", e.prefer_clusters);
    w.KeyMoney("cluster_bonus", e.cluster_bonus);
    w.KeyInstant("expires_at", e.expires_at);
  }
  void operator()(const OrderCancelled& e) const {
    KeyPublicId(w, "order", e.order);
    KeyPublicId(w, "customer", e.customer);
  }
  void operator()(const OrderExpired& e) const {
    KeyPublicId(w, "order", e.order);
    KeyPublicId(w, "customer", e.customer);
  }
  void operator()(const ContractCreated& e) const {
    KeyPublicId(w, "contract", e.contract);
    KeyPublicId(w, "order", e.order);
    KeyPublicId(w, "offer", e.offer);
    KeyPublicId(w, "customer", e.customer);
    KeyPublicId(w, "supplier", e.supplier);
    w.KeyInt("quantity", e.quantity).KeyMoney("unit_price", e.unit_price);
    KeyDays(w, "days", e.days);
    w.KeyFixed("distance_km", e.score.distance_km, kDistanceDigits);
    KeyScore(w, "score", e.score);
    w.KeyString("state", ToString(e.state));
    KeyOptionalInstant(w, "confirm_by", e.confirm_by);
  }
  // Only the holder of a key may know it; its hash is not shown either, since a hash of a
  // guessable key would let anyone check guesses offline.
  void operator()(const KeyIssued& e) const {
    KeyPublicId(w, "key", e.key);
    if (e.member.valid()) KeyPublicId(w, "member", e.member);
    w.KeyString("kind", ToString(e.kind)).KeyString("label", e.label);
  }
  // The announcement names its order only: which suppliers it went to is the customer's business.
  void operator()(const OrderAnnounced& e) const {
    KeyPublicId(w, "order", e.order);
    KeyPublicId(w, "customer", e.customer);
  }
  void operator()(const BidPlaced& e) const {
    KeyPublicId(w, "bid", e.bid);
    KeyPublicId(w, "order", e.order);
    KeyPublicId(w, "supplier", e.supplier);
    if (view == EventView::kSealed) return;  // The terms stay sealed until the close.
    w.KeyMoney("unit_price", e.unit_price).KeyInt("quantity", e.quantity);
    w.KeyInt("lead_days", e.lead_days);
    KeyPublicId(w, "offer", e.offer);
  }
  void operator()(const BidWithdrawn& e) const {
    KeyPublicId(w, "bid", e.bid);
    KeyPublicId(w, "order", e.order);
    KeyPublicId(w, "supplier", e.supplier);
  }
  void operator()(const BiddingClosed& e) const {
    KeyPublicId(w, "order", e.order);
    KeyPublicId(w, "customer", e.customer);
    w.Key("bids").BeginArray();
    for (const BidVerdict& v : e.bids) {
      w.BeginObject();
      KeyPublicId(w, "bid", v.bid);
      KeyPublicId(w, "supplier", v.supplier);
      if (v.reason.empty()) {
        KeyScore(w, "score", v.score);
      } else {
        w.KeyString("ineligible", v.reason);
      }
      w.EndObject();
    }
    w.EndArray();
  }
  void operator()(const AwardFailed& e) const {
    KeyPublicId(w, "order", e.order);
    KeyPublicId(w, "bid", e.bid);
    KeyPublicId(w, "customer", e.customer);
    KeyPublicId(w, "supplier", e.supplier);
    w.KeyString("reason", e.reason);
  }
  void operator()(const OrderAwarded& e) const {
    KeyPublicId(w, "order", e.order);
    KeyPublicId(w, "customer", e.customer);
    w.KeyInt("quantity", e.quantity);
  }
  void operator()(const OrderUnawarded& e) const {
    KeyPublicId(w, "order", e.order);
    KeyPublicId(w, "customer", e.customer);
  }
  void operator()(const KeyRevoked& e) const {
    KeyPublicId(w, "key", e.key);
    if (e.member.valid()) KeyPublicId(w, "member", e.member);
  }
  void operator()(const PlatformAuthorized& e) const {
    KeyPublicId(w, "member", e.member);
    KeyPublicId(w, "platform", e.platform);
  }
  void operator()(const PlatformRevoked& e) const {
    KeyPublicId(w, "member", e.member);
    KeyPublicId(w, "platform", e.platform);
  }
  // The operator's record that ids are keyed; the secret itself is never shown.
  void operator()(const PublicIdsKeyed&) const {}
  void operator()(const ContractConfirmed& e) const { KeyParties(e); }
  void operator()(const ContractDeclined& e) const {
    KeyParties(e);
    w.KeyString("reason", e.reason);
    KeyReopened(e);
  }
  void operator()(const ContractLapsed& e) const {
    KeyParties(e);
    KeyReopened(e);
  }
  void operator()(const ContractDelivered& e) const {
    KeyParties(e);
    w.KeyDay("delivered_on", e.delivered_on);
  }
  void operator()(const ContractAccepted& e) const {
    KeyParties(e);
    w.KeyBool("on_time", e.on_time).KeyBool("completes_order", e.completes_order);
  }
  void operator()(const ContractDisputed& e) const {
    KeyParties(e);
    w.KeyString("reason", e.reason).KeyBool("completes_order", e.completes_order);
  }
  void operator()(const ContractCancelled& e) const {
    KeyParties(e);
    KeyPublicId(w, "by", e.by);
    w.KeyString("reason", e.reason);
    KeyReopened(e);
  }

  template <typename Step>
  void KeyParties(const Step& e) const {
    KeyPublicId(w, "contract", e.contract);
    KeyPublicId(w, "customer", e.customer);
    KeyPublicId(w, "supplier", e.supplier);
  }
  // Whether the release put the offer back on the book and the order back on the resting book.
  template <typename Release>
  void KeyReopened(const Release& e) const {
    w.KeyBool("reopen_offer", e.reopen_offer).KeyBool("reopen_order", e.reopen_order);
  }
};

}  // namespace

void WriteKey(JsonWriter& w, const ApiKey& key, std::string_view api_key) {
  w.BeginObject();
  KeyPublicId(w, "id", key.id);
  w.KeyString("kind", ToString(key.kind));
  if (key.member.valid()) KeyPublicId(w, "member", key.member);
  w.KeyString("label", key.label).KeyBool("revoked", key.revoked);
  if (!api_key.empty()) w.KeyString("api_key", api_key);
  w.EndObject();
}

void WriteEvent(JsonWriter& w, const Taxonomy& taxonomy, const Event& event, EventView view) {
  w.BeginObject();
  w.KeyInt("seq", static_cast<int64_t>(event.seq));
  w.KeyString("type", EventType(event.body));
  w.KeyInstant("at", event.at);
  w.Key("data").BeginObject();
  std::visit(EventData{w, taxonomy, view}, event.body);
  w.EndObject();
  w.EndObject();
}

}  // namespace subex
