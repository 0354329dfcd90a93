#include "analytics/history.h"

#include <algorithm>
#include <utility>
#include <variant>

namespace subex {
namespace {

template <class T>
void InsertSorted(std::vector<T>& v, T x) {
  auto it = std::lower_bound(v.begin(), v.end(), x);
  if (it == v.end() || *it != x) v.insert(it, x);
}

template <class T>
void EraseSorted(std::vector<T>& v, T x) {
  auto it = std::lower_bound(v.begin(), v.end(), x);
  if (it != v.end() && *it == x) v.erase(it);
}

MarketHistory::Release ReleaseOf(const Contract& c) {
  using R = MarketHistory::Release;
  switch (c.state) {
    case ContractState::kDeclined:
      return R::kDeclined;
    case ContractState::kLapsed:
      return R::kLapsed;
    case ContractState::kCancelled:
      return c.cancelled_by == c.customer ? R::kCancelledByCustomer : R::kCancelledBySupplier;
    default:
      return R::kNone;
  }
}

}  // namespace

bool MarketHistory::Member::InCluster(ClusterId c) const {
  return std::binary_search(clusters.begin(), clusters.end(), c);
}

namespace {

// The slice of `list` (indices into `records`, in time order) whose time falls on [from, to].
template <class Record, class TimeOf>
std::span<const uint32_t> Slice(const std::vector<uint32_t>& list,
                                const std::vector<Record>& records, Day from, Day to,
                                TimeOf time_of) {
  const Instant begin = StartOf(from), end = StartOf(to + 1);
  auto first = std::partition_point(list.begin(), list.end(),
                                    [&](uint32_t i) { return time_of(records[i]) < begin; });
  auto last = std::partition_point(first, list.end(),
                                   [&](uint32_t i) { return time_of(records[i]) < end; });
  return {first, last};
}

}  // namespace

std::span<const uint32_t> MarketHistory::OrdersPlaced(const Member& m, Day from, Day to) const {
  return Slice(m.orders, orders_, from, to, [](const Order& o) { return o.placed; });
}

std::span<const uint32_t> MarketHistory::ContractsMade(const Member& m, Day from, Day to) const {
  return Slice(m.contracts, contracts_, from, to, [](const Contract& c) { return c.made; });
}

MarketHistory::MarketHistory(std::shared_ptr<const Taxonomy> taxonomy)
    : taxonomy_(std::move(taxonomy)) {}

MarketHistory MarketHistory::FromState(const State& s) {
  MarketHistory h(s.shared_taxonomy());
  h.last_seq_ = s.last_seq();
  h.members_.reserve(s.members().size());
  for (const subex::Member& m : s.members()) {
    Member& out = h.members_.emplace_back();
    out.roles = m.roles;
    out.region = m.region;
    out.registered = m.created_at;
    out.clusters = m.clusters;
    for (OrderId id : m.orders) out.orders.push_back(id.value);
    for (OfferId id : m.offers) out.offers.push_back(id.value);
    for (ContractId id : m.contracts) out.contracts.push_back(id.value);
  }
  h.clusters_.reserve(s.clusters().size());
  for (const subex::Cluster& c : s.clusters()) h.clusters_.push_back({c.name, c.members});
  h.orders_.reserve(s.orders().size());
  for (const subex::Order& o : s.orders()) {
    Order& out = h.orders_.emplace_back();
    out.customer = o.customer;
    out.process = o.process;
    out.placed = o.created_at;
    out.quantity = o.quantity;
    out.allocated = o.allocated;
    out.withdrawn = o.withdrawn;
    out.prefer_clusters = o.prefer_clusters;
    for (ContractId id : o.contracts) out.contracts.push_back(id.value);
  }
  h.offers_.reserve(s.offers().size());
  for (const CapacityOffer& o : s.offers()) {
    h.offers_.push_back({o.supplier, o.process, o.from, o.to, o.daily_capacity, o.unit_price});
  }
  h.contracts_.reserve(s.contracts().size());
  for (const subex::Contract& c : s.contracts()) {
    h.contracts_.push_back({c.order.value, c.offer, c.customer, c.supplier, c.created_at,
                            c.quantity, c.unit_price, ReleaseOf(c), c.days});
  }
  return h;
}

bool MarketHistory::Concerns(const EventBody& body) {
  return std::holds_alternative<MemberRegistered>(body) ||
         std::holds_alternative<MemberUpdated>(body) ||
         std::holds_alternative<ClusterCreated>(body) ||
         std::holds_alternative<ClusterMemberAdded>(body) ||
         std::holds_alternative<ClusterMemberRemoved>(body) ||
         std::holds_alternative<OfferPosted>(body) || std::holds_alternative<OrderPlaced>(body) ||
         std::holds_alternative<ContractCreated>(body) ||
         std::holds_alternative<ContractDeclined>(body) ||
         std::holds_alternative<ContractLapsed>(body) ||
         std::holds_alternative<ContractCancelled>(body);
}

void MarketHistory::Apply(const Event& event) {
  last_seq_ = event.seq;
  const Instant at = event.at;
  if (const auto* e = std::get_if<MemberRegistered>(&event.body)) {
    Member& m = members_.emplace_back();
    m.roles = e->roles;
    m.region = e->region;
    m.registered = at;
  } else if (const auto* e = std::get_if<MemberUpdated>(&event.body)) {
    Member& m = members_[e->member.value];
    m.roles = e->roles;
    m.region = e->region;
  } else if (const auto* e = std::get_if<ClusterCreated>(&event.body)) {
    clusters_.push_back({e->name, {}});
  } else if (const auto* e = std::get_if<ClusterMemberAdded>(&event.body)) {
    InsertSorted(clusters_[e->cluster.value].members, e->member);
    InsertSorted(members_[e->member.value].clusters, e->cluster);
  } else if (const auto* e = std::get_if<ClusterMemberRemoved>(&event.body)) {
    EraseSorted(clusters_[e->cluster.value].members, e->member);
    EraseSorted(members_[e->member.value].clusters, e->cluster);
  } else if (const auto* e = std::get_if<OfferPosted>(&event.body)) {
    members_[e->supplier.value].offers.push_back(static_cast<uint32_t>(offers_.size()));
    offers_.push_back({e->supplier, e->process, e->from, e->to, e->daily_capacity, e->unit_price});
  } else if (const auto* e = std::get_if<OrderPlaced>(&event.body)) {
    members_[e->customer.value].orders.push_back(static_cast<uint32_t>(orders_.size()));
    Order& o = orders_.emplace_back();
    o.customer = e->customer;
    o.process = e->process;
    o.placed = at;
    o.quantity = e->quantity;
    o.prefer_clusters = e->prefer_clusters;
  } else if (const auto* e = std::get_if<ContractCreated>(&event.body)) {
    const auto index = static_cast<uint32_t>(contracts_.size());
    contracts_.push_back({e->order.value, e->offer, e->customer, e->supplier, at, e->quantity,
                          e->unit_price, Release::kNone, e->days});
    Order& o = orders_[e->order.value];
    o.allocated += e->quantity;
    o.contracts.push_back(index);
    members_[e->customer.value].contracts.push_back(index);
    members_[e->supplier.value].contracts.push_back(index);
  } else if (const auto* e = std::get_if<ContractDeclined>(&event.body)) {
    Free(e->contract, Release::kDeclined);
  } else if (const auto* e = std::get_if<ContractLapsed>(&event.body)) {
    Free(e->contract, Release::kLapsed);
  } else if (const auto* e = std::get_if<ContractCancelled>(&event.body)) {
    Free(e->contract,
         e->by == e->customer ? Release::kCancelledByCustomer : Release::kCancelledBySupplier);
  }
}

// As State::ReleaseQuantity: the quantity leaves the order's allocation, and a customer's
// cancellation withdraws it for good.
void MarketHistory::Free(ContractId id, Release release) {
  Contract& c = contracts_[id.value];
  c.release = release;
  Order& o = orders_[c.order];
  o.allocated -= c.quantity;
  if (release == Release::kCancelledByCustomer) o.withdrawn += c.quantity;
}

const char* ToString(MarketHistory::Release r) {
  switch (r) {
    case MarketHistory::Release::kNone:
      return "none";
    case MarketHistory::Release::kDeclined:
      return "declined";
    case MarketHistory::Release::kLapsed:
      return "lapsed";
    case MarketHistory::Release::kCancelledBySupplier:
      return "cancelled_by_supplier";
    case MarketHistory::Release::kCancelledByCustomer:
      return "cancelled_by_customer";
  }
  return "none";
}

}  // namespace subex
