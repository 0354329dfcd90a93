#include "engine/state_hash.h"

#include <bit>
#include <string_view>
#include <variant>

namespace subex {
namespace {

// A small streaming hasher: each word is mixed in with the SplitMix64 finaliser.
class Hasher {
 public:
  explicit Hasher(uint64_t kind) : h_(Mix(kind + 0x9E3779B97F4A7C15ull)) {}

  Hasher& Add(uint64_t v) {
    h_ = Mix(h_ ^ (v + 0x9E3779B97F4A7C15ull + (h_ << 6) + (h_ >> 2)));
    return *this;
  }
  Hasher& Add(int64_t v) { return Add(static_cast<uint64_t>(v)); }
  Hasher& Add(int32_t v) { return Add(static_cast<uint64_t>(static_cast<int64_t>(v))); }
  Hasher& Add(uint32_t v) { return Add(uint64_t{v}); }
  Hasher& Add(bool v) { return Add(uint64_t{v}); }
  Hasher& Add(double v) { return Add(std::bit_cast<uint64_t>(v)); }
  Hasher& Add(Day d) { return Add(d.value); }
  Hasher& Add(Instant t) { return Add(t.unix_ms); }
  Hasher& Add(GeoPoint p) { return Add(p.lat).Add(p.lon); }
  template <typename Tag>
  Hasher& Add(Id<Tag> id) {
    return Add(id.value);
  }
  Hasher& Add(std::string_view s) {
    Add(uint64_t{s.size()});
    uint64_t word = 0;
    for (size_t i = 0; i < s.size(); ++i) {
      word = (word << 8) | static_cast<unsigned char>(s[i]);
      if (i % 8 == 7) Add(word), word = 0;
    }
    return Add(word);
  }
  template <typename E>
    requires std::is_enum_v<E>
  Hasher& Add(E e) {
    return Add(static_cast<uint64_t>(e));
  }
  template <typename T>
  Hasher& Add(const std::optional<T>& o) {
    Add(o.has_value());
    return o ? Add(*o) : *this;
  }
  template <typename T>
  Hasher& AddList(const T& list) {
    Add(uint64_t{list.size()});
    for (const auto& x : list) Add(x);
    return *this;
  }
  Hasher& AddNames(const NameTable& names, const NameList& ids) {
    Add(uint64_t{ids.size()});
    for (NameId id : ids) Add(std::string_view(names.name(id)));
    return *this;
  }
  Hasher& AddLimits(const NameTable& names, const LimitList& limits) {
    Add(uint64_t{limits.size()});
    for (const Limit& l : limits) Add(std::string_view(names.name(l.name))).Add(l.value);
    return *this;
  }
  uint64_t value() const { return h_; }

 private:
  static uint64_t Mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  uint64_t h_;
};

uint64_t HashMember(const State& s, const Member& m) {
  Hasher h(1);
  h.Add(m.id).Add(std::string_view(m.name)).Add(std::string_view(m.inn));
  h.Add(std::string_view(m.region)).Add(m.location).Add(uint32_t{m.roles});
  h.AddList(m.processes).AddNames(s.names(), m.certifications).AddList(m.clusters);
  h.Add(m.suspended_until).Add(m.created_at).Add(m.revision).AddList(m.platforms);
  uint64_t blocked = 0;  // A hash set: summed, so its iteration order does not matter.
  for (uint32_t other : m.blocked) blocked += Hasher(7).Add(other).value();
  h.Add(blocked);
  for (const ReliabilityOutcome& o : m.outcomes) h.Add(o.day).Add(o.value);
  h.AddList(m.bids).Add(m.rfq_awarded).Add(m.rfq_unawarded);
  return h.value();
}

uint64_t HashCluster(const Cluster& c) {
  Hasher h(2);
  h.Add(c.id).Add(std::string_view(c.name)).Add(std::string_view(c.region)).Add(c.kind);
  return h.AddList(c.members).Add(c.created_at).Add(c.revision).value();
}

uint64_t HashOffer(const State& s, const CapacityOffer& o) {
  Hasher h(3);
  h.Add(o.id).Add(o.supplier).Add(o.process).Add(o.daily_capacity).Add(o.from).Add(o.to);
  h.Add(o.unit_price).Add(o.min_lot).AddNames(s.names(), o.tags).AddLimits(s.names(), o.limits);
  h.Add(o.auto_accept).Add(o.status).AddList(o.contracts).Add(o.created_at).Add(o.revision);
  h.Add(o.calendar.from()).Add(o.calendar.free_total()).AddList(o.calendar.free_days());
  return h.value();
}

uint64_t HashOrder(const State& s, const Order& o) {
  Hasher h(4);
  h.Add(o.id).Add(o.customer).Add(std::string_view(o.title)).Add(o.process).Add(o.quantity);
  h.Add(o.allocated).Add(o.withdrawn).Add(o.start).Add(o.due).Add(o.max_unit_price).Add(o.location);
  h.Add(o.max_distance_km).AddNames(s.names(), o.certifications).AddNames(s.names(), o.tags);
  h.AddLimits(s.names(), o.needs).Add(o.min_lot).Add(o.mode).Add(o.visibility);
  h.AddList(o.visible_to_clusters).AddList(o.invited).AddList(o.prefer_clusters);
  h.Add(o.cluster_bonus).Add(o.expires_at).Add(o.status).AddList(o.contracts);
  h.Add(o.bids_close_at).Add(o.award).Add(o.award_by).AddList(o.bids);
  return h.Add(o.created_at).Add(o.revision).value();
}

uint64_t HashContract(const Contract& c) {
  Hasher h(5);
  h.Add(c.id).Add(c.order).Add(c.offer).Add(c.customer).Add(c.supplier).Add(c.quantity);
  h.Add(c.unit_price);
  for (const DayQuantity& d : c.days) h.Add(d.day).Add(d.quantity);
  const Score& sc = c.score;
  h.Add(sc.unit_price).Add(sc.transport).Add(sc.landed).Add(sc.reliability).Add(sc.risk_factor);
  h.Add(sc.cluster_bonus).Add(sc.total).Add(sc.distance_km);
  h.Add(c.state).Add(c.created_at).Add(c.confirm_by).Add(c.delivered_on).Add(c.cancelled_by);
  return h.Add(std::string_view(c.reason)).Add(c.revision).value();
  h.Add(c.bid);
  return h.Add(c.state).Add(c.created_at).Add(c.confirm_by).Add(c.revision).value();
}

uint64_t HashScore(Hasher& h, const Score& sc) {
  h.Add(sc.unit_price).Add(sc.transport).Add(sc.landed).Add(sc.reliability).Add(sc.risk_factor);
  return h.Add(sc.cluster_bonus).Add(sc.total).Add(sc.distance_km).value();
}

uint64_t HashBid(const Bid& b) {
  Hasher h(8);
  h.Add(b.id).Add(b.order).Add(b.supplier).Add(b.unit_price).Add(b.quantity).Add(b.lead_days);
  h.Add(b.offer).Add(b.status).Add(std::string_view(b.reason)).Add(b.contract);
  h.Add(b.created_at).Add(b.revision);
  return HashScore(h, b.score);
}

uint64_t HashKey(const State& s, const ApiKey& key) {
  return Hasher(6)
      .Add(std::string_view(s.key_hashes()[key.id.value]))
      .Add(key.id)
      .Add(key.kind)
      .Add(key.member)
      .Add(std::string_view(key.label))
      .Add(key.revoked)
      .value();
}

uint64_t HashSecret(const State& s) {
  return Hasher(9).Add(std::string_view(s.public_id_secret())).value();
}

template <typename... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <typename... F>
Overloaded(F...) -> Overloaded<F...>;

}  // namespace

uint64_t StateHash(const State& s) {
  uint64_t sum = 0;
  for (const Member& m : s.members()) sum += HashMember(s, m);
  for (const Cluster& c : s.clusters()) sum += HashCluster(c);
  for (const CapacityOffer& o : s.offers()) sum += HashOffer(s, o);
  for (const Order& o : s.orders()) sum += HashOrder(s, o);
  for (const Contract& c : s.contracts()) sum += HashContract(c);
  for (const Bid& b : s.bids()) sum += HashBid(b);
  for (const ApiKey& key : s.key_list()) sum += HashKey(s, key);
  sum += HashSecret(s);
  return sum;
}


void StateFingerprint::Kind::Mark(uint32_t id) {
  if (id >= marked.size()) marked.resize(id + 1, 0);
  if (marked[id] == 0) {
    marked[id] = 1;
    pending.push_back(id);
  }
}

void StateFingerprint::OrderDeep(OrderId id, const State& state) {
  const Order* o = state.order(id);
  if (o == nullptr) return;
  kinds_[kOrders].Mark(id.value);
  Member(o->customer);
  for (ContractId c : o->contracts) {
    kinds_[kContracts].Mark(c.value);
    if (const Contract* contract = state.contract(c)) {
      Offer(contract->offer);
      Member(contract->supplier);
      Bid(contract->bid);
    }
  }
  for (BidId b : o->bids) {
    Bid(b);
    if (const subex::Bid* bid = state.bid(b)) {
      Member(bid->supplier);
      Offer(bid->offer);
    }
  }
}

void StateFingerprint::ContractDeep(ContractId id, const State& state) {
  const Contract* c = state.contract(id);
  if (c == nullptr) return;
  kinds_[kContracts].Mark(id.value);
  Member(c->customer);
  Member(c->supplier);
  Offer(c->offer);
  Bid(c->bid);
  OrderDeep(c->order, state);
}

void StateFingerprint::Touch(const Event& event, const State& state) {
  if (all_) return;  // Everything is hashed again anyway.
  std::visit(
      Overloaded{
          [&](const MemberRegistered& e) { Member(e.member); },
          [&](const MemberUpdated& e) { Member(e.member); },
          [&](const MemberSuspended& e) { Member(e.member); },
          [&](const MemberBlocked& e) { Member(e.member), Member(e.other); },
          [&](const MemberUnblocked& e) { Member(e.member), Member(e.other); },
          [&](const PlatformAuthorized& e) { Member(e.member), Member(e.platform); },
          [&](const PlatformRevoked& e) { Member(e.member), Member(e.platform); },
          [&](const ClusterCreated& e) {
            kinds_[kClusters].Mark(e.cluster.value);
            if (const Cluster* c = state.cluster(e.cluster)) {
              for (MemberId m : c->members) Member(m);
            }
          },
          [&](const ClusterMemberAdded& e) {
            kinds_[kClusters].Mark(e.cluster.value);
            Member(e.member);
          },
          [&](const ClusterMemberRemoved& e) {
            kinds_[kClusters].Mark(e.cluster.value);
            Member(e.member);
          },
          [&](const KeyIssued& e) {
            kinds_[kKeys].Mark(e.key.value);
            Member(e.member);
          },
          [&](const KeyRevoked& e) {
            kinds_[kKeys].Mark(e.key.value);
            Member(e.member);
          },
          [&](const OfferPosted& e) { Offer(e.offer), Member(e.supplier); },
          [&](const OfferWithdrawn& e) { Offer(e.offer), Member(e.supplier); },
          [&](const OfferExpired& e) { Offer(e.offer), Member(e.supplier); },
          [&](const PublicIdsKeyed&) {},  // The secret is hashed on every read.
          [&](const auto&) { TouchTrade(event, state); },
      },
      event.body);
}

void StateFingerprint::TouchTrade(const Event& event, const State& state) {
  std::visit(
      Overloaded{
          [&](const OrderPlaced& e) { OrderDeep(e.order, state); },
          [&](const OrderCancelled& e) { OrderDeep(e.order, state); },
          [&](const OrderExpired& e) { OrderDeep(e.order, state); },
          [&](const OrderAnnounced& e) {
            OrderDeep(e.order, state);
            for (MemberId m : e.suppliers) Member(m);
          },
          [&](const BiddingClosed& e) {
            OrderDeep(e.order, state);
            for (const BidVerdict& v : e.bids) Bid(v.bid), Member(v.supplier);
          },
          [&](const AwardFailed& e) {
            OrderDeep(e.order, state);
            Bid(e.bid);
            Member(e.supplier);
          },
          [&](const OrderAwarded& e) { OrderDeep(e.order, state); },
          [&](const OrderUnawarded& e) { OrderDeep(e.order, state); },
          [&](const BidPlaced& e) {
            OrderDeep(e.order, state);
            Bid(e.bid);
            Member(e.supplier);
            Offer(e.offer);
          },
          [&](const BidWithdrawn& e) {
            OrderDeep(e.order, state);
            Bid(e.bid);
            Member(e.supplier);
          },
          [&](const ContractCreated& e) {
            ContractDeep(e.contract, state);
            Offer(e.offer);
          },
          [&](const ContractConfirmed& e) { ContractDeep(e.contract, state); },
          [&](const ContractDeclined& e) { ContractDeep(e.contract, state); },
          [&](const ContractLapsed& e) { ContractDeep(e.contract, state); },
          [&](const ContractDelivered& e) { ContractDeep(e.contract, state); },
          [&](const ContractAccepted& e) { ContractDeep(e.contract, state); },
          [&](const ContractDisputed& e) { ContractDeep(e.contract, state); },
          [&](const ContractCancelled& e) { ContractDeep(e.contract, state); },
          // An event without a rule here or in Touch: everything, so that nothing is missed.
          [&](const auto&) { all_ = true; },
      },
      event.body);
}

void StateFingerprint::Recompute(const State& s) {
  sum_ = 0;
  for (Kind& k : kinds_) {
    k.hash.clear();
    k.marked.clear();
    k.pending.clear();
  }
  auto fill = [this](Kind& k, const auto& objects, auto hash) {
    k.hash.reserve(objects.size());
    for (const auto& o : objects) {
      k.hash.push_back(hash(o));
      sum_ += k.hash.back();
    }
  };
  fill(kinds_[kMembers], s.members(), [&](const subex::Member& m) { return HashMember(s, m); });
  fill(kinds_[kClusters], s.clusters(), [](const Cluster& c) { return HashCluster(c); });
  fill(kinds_[kOffers], s.offers(), [&](const CapacityOffer& o) { return HashOffer(s, o); });
  fill(kinds_[kOrders], s.orders(), [&](const Order& o) { return HashOrder(s, o); });
  fill(kinds_[kContracts], s.contracts(), [](const Contract& c) { return HashContract(c); });
  fill(kinds_[kBids], s.bids(), [](const subex::Bid& b) { return HashBid(b); });
  fill(kinds_[kKeys], s.key_list(), [&](const ApiKey& k) { return HashKey(s, k); });
  all_ = false;
}

uint64_t StateFingerprint::Value(const State& s) {
  if (all_) {
    Recompute(s);
  } else {
    // New objects (ids past the hashes kept) count as touched; their old hash is 0.
    auto update = [this](Kind& k, size_t size, auto hash) {
      for (uint32_t id = static_cast<uint32_t>(k.hash.size()); id < size; ++id) k.Mark(id);
      k.hash.resize(size, 0);
      for (uint32_t id : k.pending) {
        k.marked[id] = 0;
        if (id >= size) continue;
        const uint64_t now = hash(id);
        sum_ += now - k.hash[id];
        k.hash[id] = now;
      }
      k.pending.clear();
    };
    update(kinds_[kMembers], s.members().size(),
           [&](uint32_t id) { return HashMember(s, s.members()[id]); });
    update(kinds_[kClusters], s.clusters().size(),
           [&](uint32_t id) { return HashCluster(s.clusters()[id]); });
    update(kinds_[kOffers], s.offers().size(),
           [&](uint32_t id) { return HashOffer(s, s.offers()[id]); });
    update(kinds_[kOrders], s.orders().size(),
           [&](uint32_t id) { return HashOrder(s, s.orders()[id]); });
    update(kinds_[kContracts], s.contracts().size(),
           [&](uint32_t id) { return HashContract(s.contracts()[id]); });
    update(kinds_[kBids], s.bids().size(), [&](uint32_t id) { return HashBid(s.bids()[id]); });
    update(kinds_[kKeys], s.key_list().size(),
           [&](uint32_t id) { return HashKey(s, s.key_list()[id]); });
  }
  return sum_ + HashSecret(s);
}

}  // namespace subex
