// State — everything the engine knows: members, clusters, offers, orders, contracts, the indexes
// over them and the timers (PRODUCT §2, §8).
//
// Records live in vectors indexed by their dense ids, so a lookup is an index. `Apply` is the only
// function that changes anything, and it changes state only as the event says; it trusts events,
// which `Decide` produced from this very state, and never fails. Reading is free for everyone on
// the engine thread.
//
//   State state(taxonomy, params);
//   state.Apply(Event{1, now, MemberRegistered{...}});
//   const Member* m = state.member(MemberId{0});
//
// A State can also be rebuilt without its events, from the records alone (a snapshot):
//
//   std::unique_ptr<State> restored = State::Restore(taxonomy, params, std::move(image));
//
// Requires external synchronization: one thread (the engine thread) owns a State.

#ifndef SUBEX_ENGINE_STATE_H_
#define SUBEX_ENGINE_STATE_H_

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/btree_set.h"
#include "absl/container/flat_hash_map.h"
#include "engine/chunked_vector.h"
#include "engine/domain.h"
#include "engine/events.h"
#include "engine/fingerprint.h"
#include "engine/names.h"
#include "engine/offer_book.h"
#include "engine/params.h"
#include "engine/taxonomy.h"

namespace subex {

// The records of a State without anything derived from them: what a snapshot keeps. Every record
// sits at the index of its id. The lists that only point back at other records are indexes, and
// `State::Restore` rebuilds them, ignoring what they hold here: Cluster::members (from
// Member::clusters); Member::offers, ::orders and ::contracts, CapacityOffer::contracts and
// Order::contracts (from the offers', orders' and contracts' own references); Member::bids and
// Order::bids (from the bids).
struct StateImage {
  std::vector<std::string> names;  // The interned names, in NameId order.
  ChunkedVector<Member> members;
  ChunkedVector<Cluster> clusters;
  ChunkedVector<CapacityOffer> offers;
  ChunkedVector<Order> orders;
  ChunkedVector<Contract> contracts;
  std::vector<std::pair<std::string, ApiKey>> keys;  // Hash and key, by KeyId.
  ChunkedVector<Bid> bids;
  Instant now;
  uint64_t last_seq = 0;
  double max_reliability = 0;
  std::string public_id_secret;  // Empty for a journal that began without one.
};

class State {
 public:
  State(std::shared_ptr<const Taxonomy> taxonomy, Params params);

  State(const State&) = delete;
  State& operator=(const State&) = delete;

  // The state whose records `image` holds, with every index rebuilt as `Apply` would have left
  // it: the same NameIds, StateHash and invariants, and the same events for the same commands
  // afterwards. Requires a consistent image: distinct names and INNs, every id at its index, and
  // every reference (ids, NameIds, processes of `taxonomy`) in range; storage/snapshot.h checks
  // what it reads.
  static std::unique_ptr<State> Restore(std::shared_ptr<const Taxonomy> taxonomy, Params params,
                                        StateImage image);

  const Taxonomy& taxonomy() const { return *taxonomy_; }
  const std::shared_ptr<const Taxonomy>& shared_taxonomy() const { return taxonomy_; }
  const Params& params() const { return params_; }
  const NameTable& names() const { return names_; }

  // Lookups: nullptr when the id is unknown.
  const Member* member(MemberId id) const { return Get(members_, id.value); }
  const Cluster* cluster(ClusterId id) const { return Get(clusters_, id.value); }
  const CapacityOffer* offer(OfferId id) const { return Get(offers_, id.value); }
  const Order* order(OrderId id) const { return Get(orders_, id.value); }
  const Contract* contract(ContractId id) const { return Get(contracts_, id.value); }
  const Bid* bid(BidId id) const { return Get(bids_, id.value); }
  const Member* member_by_inn(std::string_view inn) const;
  // The key whose SHA-256 (lowercase hex) is `hash`, if issued (revoked or not).
  const ApiKey* key(std::string_view hash) const;
  const ApiKey* key(KeyId id) const { return id.value < keys_.size() ? &keys_[id.value] : nullptr; }
  // Every key ever issued, by id, and their hashes at the same index.
  const std::vector<ApiKey>& key_list() const { return keys_; }
  const std::vector<std::string>& key_hashes() const { return key_hashes_; }

  const ChunkedVector<Member>& members() const { return members_; }
  const ChunkedVector<Cluster>& clusters() const { return clusters_; }
  const ChunkedVector<CapacityOffer>& offers() const { return offers_; }
  const ChunkedVector<Order>& orders() const { return orders_; }
  const ChunkedVector<Contract>& contracts() const { return contracts_; }
  const ChunkedVector<Bid>& bids() const { return bids_; }

  const OfferBook& offer_book() const { return offer_book_; }

  const RestingOrders& resting_orders() const { return resting_orders_; }

  // Timers: resting orders by `expires_at`, open offers by the last day they can be used,
  // contracts pending confirmation by `confirm_by`.
  using OrderTimer = std::pair<Instant, uint32_t>;
  using OfferTimer = std::pair<Day, uint32_t>;
  using ContractTimer = std::pair<Instant, uint32_t>;
  const absl::btree_set<OrderTimer>& order_timers() const { return order_timers_; }
  const absl::btree_set<OfferTimer>& offer_timers() const { return offer_timers_; }
  const absl::btree_set<ContractTimer>& contract_timers() const { return contract_timers_; }
  // rfq orders awaiting their award: bidding ones by `bids_close_at`, awarding ones by
  // `award_by`.
  const absl::btree_set<OrderTimer>& rfq_timers() const { return rfq_timers_; }

  // The time of the newest applied event, and its sequence number.
  // StateHash(*this), kept up to date as events apply: O(objects changed since the last call).
  uint64_t Fingerprint() const { return fingerprint_.Value(*this); }

  Instant now() const { return now_; }
  uint64_t last_seq() const { return last_seq_; }

  // The secret that keys the deployment's public ids (PublicIdsKeyed); empty when the journal
  // began without one, and its ids keep the fixed scramble of older builds.
  const std::string& public_id_secret() const { return public_id_secret_; }

  // The supplier's reliability on `today` (PRODUCT §2): outcomes within the window, shrunk
  // towards the prior.
  double Reliability(const Member& supplier, Day today) const;

  // An upper bound on any supplier's reliability, so that matching can bound the score of
  // offers it has not looked at. Only ever raised; every change to outcomes must raise it.
  double max_reliability() const { return max_reliability_; }

  // The one mutation path.
  void Apply(const Event& event);

  // A long run of Applies with nothing read or decided in between (recovery's replay): Apply
  // keeps every record and the lists that point back, but not the offer book, the resting
  // orders or the timers, which EndBulkApply then rebuilds from the records at once, as Restore
  // does. Entering each offer once in its final state, instead of maintaining the book through
  // every post, match and close, is what makes it cheaper. Between the two calls only Apply may
  // be called; the lookups answer, the books and timers do not.
  void BeginBulkApply();
  void EndBulkApply();

 private:
  template <typename T>
  static const T* Get(const ChunkedVector<T>& v, uint32_t i) {
    return i < v.size() ? &v[i] : nullptr;
  }

  void On(const MemberRegistered& e);
  void On(const MemberUpdated& e);
  void On(const ClusterCreated& e);
  void On(const ClusterMemberAdded& e);
  void On(const ClusterMemberRemoved& e);
  void On(const MemberBlocked& e);
  void On(const MemberUnblocked& e);
  void On(const MemberSuspended& e);
  void On(const OfferPosted& e);
  void On(const OfferWithdrawn& e);
  void On(const OfferExpired& e);
  void On(const OrderPlaced& e);
  void On(const OrderCancelled& e);
  void On(const OrderExpired& e);
  void On(const ContractCreated& e);
  void On(const KeyIssued& e);
  void On(const ContractConfirmed& e);
  void On(const ContractDeclined& e);
  void On(const ContractLapsed& e);
  void On(const ContractDelivered& e);
  void On(const ContractAccepted& e);
  void On(const ContractDisputed& e);
  void On(const ContractCancelled& e);
  void On(const OrderAnnounced& e);
  void On(const BidPlaced& e);
  void On(const BidWithdrawn& e);
  void On(const BiddingClosed& e);
  void On(const AwardFailed& e);
  void On(const OrderAwarded& e);
  void On(const OrderUnawarded& e);
  void On(const KeyRevoked& e);
  void On(const PlatformAuthorized& e);
  void On(const PlatformRevoked& e);
  void On(const PublicIdsKeyed& e);

  void RebuildIndexes();
  // Extends the member's derived outcome sums by `o`, its newest outcome.
  void AddOutcomeSums(Member& m, const ReliabilityOutcome& o) const;
  // The offer book, the resting orders and the timers, from the records alone.
  void RebuildBooks();
  void RebuildOrderBooks();  // The resting orders, their timers and the rfq timers.
  void RebuildOfferBook();   // The offer book and the offers' timers.
  void CloseOffer(CapacityOffer& offer, OfferStatus status);
  void CloseOrder(Order& order, OrderStatus status);
  // Moves a contract to `state`, leaving pending confirmation if it was pending.
  Contract& Step(ContractId id, ContractState state);
  // Gives a contract's days back to its offer and its quantity back to its order (to be matched
  // again, or withdrawn when the customer cancelled).
  void Release(const Contract& c, bool reopen_offer, bool reopen_order, bool withdrawn);
  void ReleaseDays(const Contract& c, bool reopen_offer);
  void ReleaseQuantity(const Contract& c, bool reopen_order, bool withdrawn);
  void RecordOutcome(MemberId supplier, double value);
  void SettleOrder(OrderId id, bool completes);
  void EndRfq(Order& order, OrderStatus status, bool awarded);
  void TakeDays(CapacityOffer& offer, const Contract& contract);

  std::shared_ptr<const Taxonomy> taxonomy_;
  Params params_;
  NameTable names_;
  ChunkedVector<Member> members_;
  absl::flat_hash_map<std::string, MemberId> members_by_inn_;
  std::vector<ApiKey> keys_;                  // By KeyId.
  std::vector<std::string> key_hashes_;       // By KeyId.
  absl::flat_hash_map<std::string, KeyId> key_by_hash_;
  mutable StateFingerprint fingerprint_;  // Derived: a cache of object hashes, not state.
  ChunkedVector<Cluster> clusters_;
  ChunkedVector<CapacityOffer> offers_;
  ChunkedVector<Order> orders_;
  ChunkedVector<Contract> contracts_;
  ChunkedVector<Bid> bids_;
  OfferBook offer_book_;
  RestingOrders resting_orders_;
  absl::btree_set<OrderTimer> order_timers_;
  absl::btree_set<OfferTimer> offer_timers_;
  absl::btree_set<ContractTimer> contract_timers_;
  absl::btree_set<OrderTimer> rfq_timers_;
  double max_reliability_;
  Instant now_;
  uint64_t last_seq_ = 0;
  std::string public_id_secret_;
  bool bulk_ = false;  // Between BeginBulkApply and EndBulkApply.
};

}  // namespace subex

#endif  // SUBEX_ENGINE_STATE_H_
