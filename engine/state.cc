#include "engine/state.h"

#include <algorithm>
#include <cassert>
#include <limits>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "engine/geo.h"
#include "engine/records.h"

namespace subex {
namespace {

template <typename T>
void InsertSorted(std::vector<T>& v, T x) {
  auto it = std::lower_bound(v.begin(), v.end(), x);
  if (it == v.end() || *it != x) v.insert(it, x);
}

template <typename T>
void EraseSorted(std::vector<T>& v, T x) {
  auto it = std::lower_bound(v.begin(), v.end(), x);
  if (it != v.end() && *it == x) v.erase(it);
}

uint64_t BookNames(const CapacityOffer& o, const Member& supplier) {
  return NameMask(o.tags, o.limits) | NameMask(supplier.certifications);
}

// An offer's first and last free days. An offer nothing was ever taken from has every day free,
// which its total tells without reading the calendar (no day holds more than the daily capacity).
std::pair<Day, Day> FreeSpan(const CapacityOffer& o) {
  const int64_t days = int64_t{o.calendar.to() - o.calendar.from()} + 1;
  if (o.calendar.free_total() > 0 &&
      o.calendar.free_total() == int64_t{o.daily_capacity} * days) {
    return {o.calendar.from(), o.calendar.to()};
  }
  return {o.calendar.first_free(), o.calendar.last_free()};
}

}  // namespace

State::State(std::shared_ptr<const Taxonomy> taxonomy, Params params)
    : taxonomy_(std::move(taxonomy)),
      params_(params),
      offer_book_(taxonomy_->size()),
      resting_orders_(taxonomy_->size()),
      max_reliability_(params_.reliability.prior) {}

std::unique_ptr<State> State::Restore(std::shared_ptr<const Taxonomy> taxonomy, Params params,
                                      StateImage image) {
  auto s = std::make_unique<State>(std::move(taxonomy), params);
  for (const std::string& name : image.names) s->names_.Intern(name);
  assert(s->names_.size() == image.names.size());
  s->members_ = std::move(image.members);
  s->clusters_ = std::move(image.clusters);
  s->offers_ = std::move(image.offers);
  s->orders_ = std::move(image.orders);
  s->contracts_ = std::move(image.contracts);
  s->bids_ = std::move(image.bids);
  for (auto& [hash, key] : image.keys) {
    s->key_by_hash_.emplace(hash, key.id);
    s->key_hashes_.push_back(std::move(hash));
    s->keys_.push_back(std::move(key));
  }
  s->now_ = image.now;
  s->last_seq_ = image.last_seq;
  s->max_reliability_ = image.max_reliability;
  s->public_id_secret_ = std::move(image.public_id_secret);
  s->RebuildIndexes();
  return s;
}

// Walks the records in id order, which is the order `Apply` created them in, so every list that
// points back comes out oldest first, as `Apply` appends it.
void State::RebuildIndexes() {
  members_by_inn_.reserve(members_.size());
  for (Member& m : members_) {
    m.offers.clear();
    m.orders.clear();
    m.contracts.clear();
    m.bids.clear();
    m.outcome_sums.clear();
    m.good_outcomes = 0;
    for (const ReliabilityOutcome& o : m.outcomes) AddOutcomeSums(m, o);
    members_by_inn_.emplace(m.inn, m.id);
  }
  for (Cluster& c : clusters_) c.members.clear();
  for (const Member& m : members_) {
    for (ClusterId c : m.clusters) clusters_[c.value].members.push_back(m.id);
  }
  for (Order& o : orders_) {
    o.contracts.clear();
    o.let_go_by.clear();
    o.bids.clear();
    members_[o.customer.value].orders.push_back(o.id);
  }
  for (CapacityOffer& o : offers_) {
    o.contracts.clear();
    members_[o.supplier.value].offers.push_back(o.id);
  }
  for (const Bid& b : bids_) {
    orders_[b.order.value].bids.push_back(b.id);
    members_[b.supplier.value].bids.push_back(b.id);
  }
  for (const Contract& c : contracts_) {
    if (c.offer.valid()) offers_[c.offer.value].contracts.push_back(c.id);
    orders_[c.order.value].contracts.push_back(c.id);
    if (c.state == ContractState::kDeclined || c.state == ContractState::kLapsed ||
        (c.state == ContractState::kCancelled && c.cancelled_by == c.supplier)) {
      Order& o = orders_[c.order.value];
      if (!o.LetGoBy(c.supplier)) o.let_go_by.push_back(c.supplier);
    }
    members_[c.customer.value].contracts.push_back(c.id);
    members_[c.supplier.value].contracts.push_back(c.id);
  }
  RebuildBooks();
}

void State::BeginBulkApply() { bulk_ = true; }

void State::EndBulkApply() {
  if (!bulk_) return;
  bulk_ = false;
  RebuildBooks();
}

// Starts from empty books and timers, whatever they held.
void State::RebuildBooks() {
  RebuildOrderBooks();
  RebuildOfferBook();
  contract_timers_.clear();
  std::vector<ContractTimer> contract_timers;
  for (const Contract& c : contracts_) {
    if (c.state == ContractState::kPendingConfirmation && c.confirm_by) {
      contract_timers.push_back({*c.confirm_by, c.id.value});
    }
  }
  std::sort(contract_timers.begin(), contract_timers.end());
  contract_timers_.insert(contract_timers.begin(), contract_timers.end());
}

void State::RebuildOrderBooks() {
  resting_orders_ = RestingOrders(taxonomy_->size());
  order_timers_.clear();
  rfq_timers_.clear();
  std::vector<OrderTimer> order_timers, rfq_timers;
  for (const Order& o : orders_) {
    if (o.status == OrderStatus::kBidding) rfq_timers.push_back({o.bids_close_at, o.id.value});
    if (o.status == OrderStatus::kAwarding) rfq_timers.push_back({o.award_by, o.id.value});
    if (!o.resting()) continue;
    resting_orders_.Add(o.process, {o.max_unit_price, o.id.value});
    order_timers.push_back({o.expires_at, o.id.value});
  }
  std::sort(order_timers.begin(), order_timers.end());
  order_timers_.insert(order_timers.begin(), order_timers.end());
  std::sort(rfq_timers.begin(), rfq_timers.end());
  rfq_timers_.insert(rfq_timers.begin(), rfq_timers.end());
}

namespace {

// An open offer's entry in the book, made ahead of adding it, with what places it.
struct BookedOffer {
  OfferBook::Entry entry;
  ProcessId process;
  uint32_t cell;   // The supplier's map cell.
  Day to;          // The offer's last day.
  uint32_t group;  // Dense index of (cell, taxonomy branch).
};

// The positions of `booked` grouped by their `group`, in id order within each group: a counting
// sort, as there are far fewer groups than offers.
std::vector<uint32_t> GroupedOrder(const std::vector<BookedOffer>& booked, size_t groups) {
  std::vector<uint32_t> next(groups + 1);
  for (const BookedOffer& b : booked) ++next[b.group + 1];
  for (size_t g = 1; g < next.size(); ++g) next[g] += next[g - 1];
  std::vector<uint32_t> order(booked.size());
  for (size_t i = 0; i < booked.size(); ++i) order[next[booked[i].group]++] = uint32_t(i);
  return order;
}

// The offers' timers, by (last day, id): a counting sort over the days, stable in id order,
// unless the days span far more than there are offers.
std::vector<State::OfferTimer> OfferTimersOf(const std::vector<BookedOffer>& booked) {
  std::vector<State::OfferTimer> timers;
  timers.reserve(booked.size());
  if (booked.empty()) return timers;
  Day first{std::numeric_limits<int32_t>::max()};
  Day last{std::numeric_limits<int32_t>::min()};
  for (const BookedOffer& b : booked) {
    first = std::min(first, b.to);
    last = std::max(last, b.to);
  }
  const int64_t span = int64_t{last - first} + 1;
  if (span > int64_t(booked.size()) + 4096) {
    for (const BookedOffer& b : booked) timers.push_back({b.to, b.entry.offer});
    std::sort(timers.begin(), timers.end());
    return timers;
  }
  std::vector<uint32_t> next(static_cast<size_t>(span) + 1);
  for (const BookedOffer& b : booked) ++next[size_t(b.to - first) + 1];
  for (size_t d = 1; d < next.size(); ++d) next[d] += next[d - 1];
  timers.resize(booked.size());
  for (const BookedOffer& b : booked) timers[next[size_t(b.to - first)]++] = {b.to, b.entry.offer};
  return timers;
}

}  // namespace

// Each open offer's book entry is made in a first pass in id order, the order its record, names
// and calendar were allocated in, so those reads stream instead of missing at random. The entries
// are then added grouped by the supplier's map cell and the taxonomy branch, in id order within
// each group, so that consecutive insertions land in the same cells' buckets while those are in
// cache.
void State::RebuildOfferBook() {
  offer_book_ = OfferBook(taxonomy_->size());
  offer_timers_.clear();
  std::vector<UnitVector> where(members_.size());
  std::vector<uint32_t> cell(members_.size());
  for (const Member& m : members_) {
    where[m.id.value] = ToUnitVector(m.location);
    cell[m.id.value] = OfferBook::CellOf(m.location);
  }
  std::vector<BookedOffer> booked;
  absl::flat_hash_map<uint64_t, uint32_t> groups;
  for (const CapacityOffer& o : offers_) {
    if (o.status != OfferStatus::kOpen) continue;
    const uint64_t branch = taxonomy_->node(o.process).ancestors.back().value;
    auto g = groups
                 .try_emplace(uint64_t{cell[o.supplier.value]} << 32 | branch,
                              static_cast<uint32_t>(groups.size()))
                 .first;
    const auto [first, last] = FreeSpan(o);
    booked.push_back({{o.unit_price, o.id.value, where[o.supplier.value],
                       BookNames(o, members_[o.supplier.value]), first, last},
                      o.process,
                      cell[o.supplier.value],
                      o.to,
                      g->second});
  }
  const std::vector<uint32_t> order = GroupedOrder(booked, groups.size());
  constexpr size_t kAhead = 8;
  for (size_t i = 0; i < order.size(); ++i) {
    if (i + kAhead < order.size()) __builtin_prefetch(&booked[order[i + kAhead]]);
    const BookedOffer& b = booked[order[i]];
    offer_book_.Add(taxonomy_->node(b.process).ancestors, b.cell, b.entry);
  }
  const std::vector<OfferTimer> timers = OfferTimersOf(booked);
  offer_timers_.insert(timers.begin(), timers.end());
}

// The outcomes in (today - window, today] are a run of the list, which is ascending by day: two
// binary searches find it and the prefix sums give its total, so a supplier's years of history
// cost a match no more than a few loads.
double State::Reliability(const Member& supplier, Day today) const {
  const ReliabilityParams& p = params_.reliability;
  const std::vector<ReliabilityOutcome>& all = supplier.outcomes;
  auto after = [&all](Day d) {
    return static_cast<size_t>(
        std::upper_bound(all.begin(), all.end(), d,
                         [](Day day, const ReliabilityOutcome& o) { return day < o.day; }) -
        all.begin());
  };
  const size_t lo = after(today - p.window_days);
  const size_t hi = std::max(lo, after(today));
  const double sum = hi > lo ? supplier.outcome_sums[hi] - supplier.outcome_sums[lo] : 0.0;
  return (p.prior * p.prior_weight + sum) / (p.prior_weight + static_cast<double>(hi - lo));
}

void State::AddOutcomeSums(Member& m, const ReliabilityOutcome& o) const {
  if (m.outcome_sums.empty()) m.outcome_sums.push_back(0);
  m.outcome_sums.push_back(m.outcome_sums.back() + o.value);
  if (o.value >= params_.reliability.prior) ++m.good_outcomes;
}

const ApiKey* State::key(std::string_view hash) const {
  auto it = key_by_hash_.find(absl::string_view(hash.data(), hash.size()));
  return it == key_by_hash_.end() ? nullptr : &keys_[it->second.value];
}

const Member* State::member_by_inn(std::string_view inn) const {
  auto it = members_by_inn_.find(absl::string_view(inn.data(), inn.size()));
  return it == members_by_inn_.end() ? nullptr : &members_[it->second.value];
}

void State::Apply(const Event& event) {
  assert(event.seq == last_seq_ + 1);
  last_seq_ = event.seq;
  now_ = std::max(now_, event.at);
  std::visit([this](const auto& e) { On(e); }, event.body);
  fingerprint_.Touch(event, *this);
}

void State::On(const MemberRegistered& e) {
  assert(e.member.value == members_.size());
  Member& m = members_.emplace_back() = MemberOf(e, NameIds::Interning(names_));
  m.created_at = now_;
  members_by_inn_.emplace(m.inn, m.id);
}

void State::On(const MemberUpdated& e) {
  Member& m = members_[e.member.value];
  NameList certifications = NameIds::Interning(names_).List(e.certifications);
  const bool moved = !(m.location == e.location);
  const bool recertified = certifications != m.certifications;
  const GeoPoint was = m.location;
  static_cast<MemberProfile&>(m) = e;
  m.processes = e.processes;
  m.certifications = std::move(certifications);
  if ((moved || recertified) && !bulk_) {
    // The book's entries carry the supplier's position and certifications.
    for (OfferId id : m.offers) {
      const CapacityOffer& o = offers_[id.value];
      if (o.status != OfferStatus::kOpen) continue;
      offer_book_.Move(taxonomy_->node(o.process).ancestors, was, m.location, o.unit_price, o.id,
                       BookNames(o, m));
    }
  }
  ++m.revision;
}

void State::On(const ClusterCreated& e) {
  assert(e.cluster.value == clusters_.size());
  Cluster& c = clusters_.emplace_back();
  c.id = e.cluster;
  c.name = e.name;
  c.region = e.region;
  c.kind = e.kind;
  c.created_at = now_;
}

void State::On(const ClusterMemberAdded& e) {
  InsertSorted(clusters_[e.cluster.value].members, e.member);
  InsertSorted(members_[e.member.value].clusters, e.cluster);
  ++clusters_[e.cluster.value].revision;
  ++members_[e.member.value].revision;
}

void State::On(const ClusterMemberRemoved& e) {
  EraseSorted(clusters_[e.cluster.value].members, e.member);
  EraseSorted(members_[e.member.value].clusters, e.cluster);
  ++clusters_[e.cluster.value].revision;
  ++members_[e.member.value].revision;
}

// The blocked list is part of the member as its owner reads it: a change is a new revision.
void State::On(const MemberBlocked& e) {
  members_[e.member.value].blocked.insert(e.other.value);
  ++members_[e.member.value].revision;
}

void State::On(const MemberUnblocked& e) {
  members_[e.member.value].blocked.erase(e.other.value);
  ++members_[e.member.value].revision;
}

void State::On(const MemberSuspended& e) {
  Member& m = members_[e.member.value];
  m.suspended_until = e.until;
  ++m.revision;
}

void State::On(const OfferPosted& e) {
  assert(e.offer.value == offers_.size());
  CapacityOffer& o = offers_.emplace_back() = OfferOf(e, NameIds::Interning(names_));
  o.created_at = now_;
  Member& supplier = members_[e.supplier.value];
  supplier.offers.push_back(o.id);
  if (bulk_) return;
  offer_book_.Add(taxonomy_->node(o.process).ancestors, supplier.location,
                  {o.unit_price, o.id.value, ToUnitVector(supplier.location),
                   BookNames(o, supplier), o.from, o.to});
  offer_timers_.insert({o.to, o.id.value});
}

void State::CloseOffer(CapacityOffer& o, OfferStatus status) {
  if (o.status == OfferStatus::kOpen && !bulk_) {
    offer_book_.Remove(taxonomy_->node(o.process).ancestors, members_[o.supplier.value].location,
                       o.unit_price, o.id);
    offer_timers_.erase({o.to, o.id.value});
  }
  o.status = status;
  ++o.revision;
}

void State::On(const OfferWithdrawn& e) { CloseOffer(offers_[e.offer.value], OfferStatus::kWithdrawn); }

void State::On(const OfferExpired& e) { CloseOffer(offers_[e.offer.value], OfferStatus::kExpired); }

void State::On(const OrderPlaced& e) {
  assert(e.order.value == orders_.size());
  Order& o = orders_.emplace_back() = OrderOf(e, NameIds::Interning(names_));
  o.created_at = now_;
  members_[e.customer.value].orders.push_back(o.id);
  if (o.mode == OrderMode::kRfq) {
    if (!bulk_) rfq_timers_.insert({o.bids_close_at, o.id.value});
    return;
  }
  if (bulk_) return;
  resting_orders_.Add(o.process, {o.max_unit_price, o.id.value});
  order_timers_.insert({o.expires_at, o.id.value});
}

void State::CloseOrder(Order& o, OrderStatus status) {
  if (o.resting() && !bulk_) {
    resting_orders_.Remove(o.process, o.max_unit_price, o.id);
    order_timers_.erase({o.expires_at, o.id.value});
  }
  o.status = status;
  ++o.revision;
}

void State::On(const OrderCancelled& e) {
  Order& o = orders_[e.order.value];
  if (o.awaiting_award()) {
    EndRfq(o, OrderStatus::kCancelled, false);
  } else {
    CloseOrder(o, OrderStatus::kCancelled);
  }
}

void State::On(const OrderExpired& e) { CloseOrder(orders_[e.order.value], OrderStatus::kExpired); }

void State::On(const ContractCreated& e) {
  assert(e.contract.value == contracts_.size());
  Contract& c = contracts_.emplace_back();
  c.id = e.contract;
  c.order = e.order;
  c.offer = e.offer;
  c.customer = e.customer;
  c.supplier = e.supplier;
  c.quantity = e.quantity;
  c.unit_price = e.unit_price;
  c.days = e.days;
  c.score = e.score;
  c.state = e.state;
  c.confirm_by = e.confirm_by;
  c.created_at = now_;
  c.bid = e.bid;
  if (e.bid.valid()) {
    Bid& b = bids_[e.bid.value];
    b.status = BidStatus::kAwarded;
    b.contract = c.id;
    ++b.revision;
  }
  if (e.offer.valid()) TakeDays(offers_[e.offer.value], c);

  Order& order = orders_[e.order.value];
  order.allocated += e.quantity;
  order.contracts.push_back(c.id);
  if (order.mode == OrderMode::kRfq) {
    // The award's own end (order.awarded) settles the status.
    ++order.revision;
  } else if (order.remaining() == 0) {
    CloseOrder(order, OrderStatus::kAllocated);
  } else {
    order.status = OrderStatus::kPartiallyAllocated;
    ++order.revision;
  }
  members_[e.customer.value].contracts.push_back(c.id);
  members_[e.supplier.value].contracts.push_back(c.id);
  if (c.state == ContractState::kPendingConfirmation && c.confirm_by && !bulk_) {
    contract_timers_.insert({*c.confirm_by, c.id.value});
  }
}

void State::TakeDays(CapacityOffer& offer, const Contract& c) {
  const Day first = bulk_ ? Day{} : offer.calendar.first_free();
  const Day last = bulk_ ? Day{} : offer.calendar.last_free();
  offer.calendar.Take(c.days);
  offer.contracts.push_back(c.id);
  ++offer.revision;
  if (offer.status == OfferStatus::kOpen && offer.calendar.free_total() == 0) {
    CloseOffer(offer, OfferStatus::kExhausted);
  } else if (offer.status == OfferStatus::kOpen && !bulk_ &&
             (first != offer.calendar.first_free() || last != offer.calendar.last_free())) {
    offer_book_.SetFreeSpan(taxonomy_->node(offer.process).ancestors,
                            members_[offer.supplier.value].location, offer.unit_price, offer.id,
                            offer.calendar.first_free(), offer.calendar.last_free());
  }
}

Contract& State::Step(ContractId id, ContractState state) {
  Contract& c = contracts_[id.value];
  if (c.state == ContractState::kPendingConfirmation && c.confirm_by && !bulk_) {
    contract_timers_.erase({*c.confirm_by, c.id.value});
  }
  c.state = state;
  ++c.revision;
  return c;
}

void State::Release(const Contract& c, bool reopen_offer, bool reopen_order, bool withdrawn) {
  if (c.offer.valid()) ReleaseDays(c, reopen_offer);
  ReleaseQuantity(c, reopen_order, withdrawn);
}

// The days go back to the offer (an rfq award without an offer reserved none).
void State::ReleaseDays(const Contract& c, bool reopen_offer) {
  CapacityOffer& offer = offers_[c.offer.value];
  const GeoPoint where = members_[offer.supplier.value].location;
  const auto& ancestors = taxonomy_->node(offer.process).ancestors;
  offer.calendar.Give(c.days);
  if (bulk_) {
    if (reopen_offer) offer.status = OfferStatus::kOpen;
  } else if (offer.status == OfferStatus::kOpen) {
    offer_book_.SetFreeSpan(ancestors, where, offer.unit_price, offer.id,
                            offer.calendar.first_free(), offer.calendar.last_free());
  } else if (reopen_offer) {
    offer.status = OfferStatus::kOpen;
    offer_book_.Add(ancestors, where,
                    {offer.unit_price, offer.id.value, ToUnitVector(where),
                     BookNames(offer, members_[offer.supplier.value]), offer.calendar.first_free(),
                     offer.calendar.last_free()});
    offer_timers_.insert({offer.to, offer.id.value});
  }
  ++offer.revision;
}

void State::ReleaseQuantity(const Contract& c, bool reopen_order, bool withdrawn) {
  Order& order = orders_[c.order.value];
  order.allocated -= c.quantity;
  if (withdrawn) {
    order.withdrawn += c.quantity;
  } else if (!order.LetGoBy(c.supplier)) {
    order.let_go_by.push_back(c.supplier);
  }
  if (order.resting()) {
    order.status = order.allocated > 0 ? OrderStatus::kPartiallyAllocated : OrderStatus::kOpen;
  } else if (order.status == OrderStatus::kAllocated) {
    if (reopen_order) {
      order.status = order.allocated > 0 ? OrderStatus::kPartiallyAllocated : OrderStatus::kOpen;
      if (!bulk_) {
        resting_orders_.Add(order.process, {order.max_unit_price, order.id.value});
        order_timers_.insert({order.expires_at, order.id.value});
      }
    } else if (withdrawn && order.allocated == 0) {
      // Every contract it had was cancelled by the customer: nothing of it is wanted any more.
      order.status = OrderStatus::kCancelled;
    }
  }
  ++order.revision;
}

// Raises the reliability bound past anything the supplier's outcomes can now give in any window:
// the best window keeps only outcomes at or above the prior, each worth at most 1.
void State::RecordOutcome(MemberId supplier, double value) {
  Member& m = members_[supplier.value];
  // Reliability is derived, not part of the profile a member edits: the revision stays.
  m.outcomes.push_back({DayOf(now_), value});
  AddOutcomeSums(m, m.outcomes.back());
  const ReliabilityParams& p = params_.reliability;
  if (value < p.prior) return;
  const double good = static_cast<double>(m.good_outcomes);
  max_reliability_ =
      std::max(max_reliability_, (p.prior * p.prior_weight + good) / (p.prior_weight + good));
}

void State::SettleOrder(OrderId id, bool completes) {
  if (!completes) return;
  Order& order = orders_[id.value];
  order.status = OrderStatus::kCompleted;
  ++order.revision;
}

void State::On(const ContractConfirmed& e) { Step(e.contract, ContractState::kActive); }

void State::On(const ContractDeclined& e) {
  Contract& c = Step(e.contract, ContractState::kDeclined);
  c.reason = e.reason;
  Release(c, e.reopen_offer, e.reopen_order, false);
  RecordOutcome(e.supplier, 0);
}

void State::On(const ContractLapsed& e) {
  const Contract& c = Step(e.contract, ContractState::kLapsed);
  Release(c, e.reopen_offer, e.reopen_order, false);
  RecordOutcome(e.supplier, 0);
}

void State::On(const ContractDelivered& e) {
  Step(e.contract, ContractState::kDelivered).delivered_on = e.delivered_on;
}

void State::On(const ContractAccepted& e) {
  Step(e.contract, ContractState::kAccepted);
  RecordOutcome(e.supplier, e.on_time ? 1.0 : 0.5);
  SettleOrder(contracts_[e.contract.value].order, e.completes_order);
}

void State::On(const ContractDisputed& e) {
  Contract& c = Step(e.contract, ContractState::kDisputed);
  c.reason = e.reason;
  RecordOutcome(e.supplier, 0);
  SettleOrder(c.order, e.completes_order);
}

void State::On(const ContractCancelled& e) {
  Contract& c = Step(e.contract, ContractState::kCancelled);
  c.cancelled_by = e.by;
  c.reason = e.reason;
  const bool by_customer = e.by == e.customer;
  Release(c, e.reopen_offer, e.reopen_order, by_customer);
  if (!by_customer) RecordOutcome(e.supplier, 0);
}

void State::On(const KeyIssued& e) {
  assert(e.key.value == keys_.size());
  keys_.push_back(ApiKey{e.key, e.kind, e.member, e.label, false});
  key_hashes_.push_back(e.hash);
  key_by_hash_.emplace(e.hash, e.key);
}

void State::On(const KeyRevoked& e) { keys_[e.key.value].revoked = true; }

void State::On(const PlatformAuthorized& e) {
  Member& m = members_[e.member.value];
  m.platforms.insert(std::lower_bound(m.platforms.begin(), m.platforms.end(), e.platform),
                     e.platform);
  ++m.revision;
}

void State::On(const PlatformRevoked& e) {
  Member& m = members_[e.member.value];
  m.platforms.erase(std::find(m.platforms.begin(), m.platforms.end(), e.platform));
  ++m.revision;
}

void State::On(const PublicIdsKeyed& e) { public_id_secret_ = e.secret; }

void State::On(const OrderAnnounced&) {}

void State::On(const BidPlaced& e) {
  assert(e.bid.value == bids_.size());
  Bid& b = bids_.emplace_back() = BidOf(e);
  b.created_at = now_;
  orders_[e.order.value].bids.push_back(b.id);
  members_[e.supplier.value].bids.push_back(b.id);
}

void State::On(const BidWithdrawn& e) {
  Bid& b = bids_[e.bid.value];
  b.status = BidStatus::kWithdrawn;
  ++b.revision;
}

void State::On(const BiddingClosed& e) {
  Order& o = orders_[e.order.value];
  for (const BidVerdict& v : e.bids) {
    Bid& b = bids_[v.bid.value];
    b.score = v.score;
    b.reason = v.reason;
    b.status = v.reason.empty() ? BidStatus::kRanked : BidStatus::kIneligible;
    ++b.revision;
  }
  if (!bulk_) {
    rfq_timers_.erase({o.bids_close_at, o.id.value});
    rfq_timers_.insert({o.award_by, o.id.value});
  }
  o.status = OrderStatus::kAwarding;
  ++o.revision;
}

void State::On(const AwardFailed& e) {
  Bid& b = bids_[e.bid.value];
  b.status = BidStatus::kFailed;
  b.reason = e.reason;
  ++b.revision;
}

void State::On(const OrderAwarded& e) {
  Order& o = orders_[e.order.value];
  EndRfq(o, o.allocated == o.quantity ? OrderStatus::kAllocated : OrderStatus::kPartiallyAllocated,
         true);
}

void State::On(const OrderUnawarded& e) {
  EndRfq(orders_[e.order.value], OrderStatus::kUnawarded, false);
}

// Ends an rfq order: its timer stops, every bid still standing loses, and the customer's award
// rate counts it if it closed with an eligible bid.
void State::EndRfq(Order& o, OrderStatus status, bool awarded) {
  if (!bulk_) {
    rfq_timers_.erase({o.status == OrderStatus::kBidding ? o.bids_close_at : o.award_by,
                       o.id.value});
  }
  bool had_eligible = false;
  for (BidId id : o.bids) {
    Bid& b = bids_[id.value];
    had_eligible |= b.status == BidStatus::kRanked || b.status == BidStatus::kFailed ||
                    b.status == BidStatus::kAwarded;
    if (b.standing()) {
      b.status = BidStatus::kLost;
      ++b.revision;
    }
  }
  if (o.status == OrderStatus::kAwarding && had_eligible) {
    Member& customer = members_[o.customer.value];
    ++(awarded ? customer.rfq_awarded : customer.rfq_unawarded);
  }
  o.status = status;
  ++o.revision;
}

}  // namespace subex
