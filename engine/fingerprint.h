// StateFingerprint — the state's hash (engine/state_hash.h `StateHash`) kept up to date as events
// are applied, so that reading it costs what changed since the last read, not the whole state.
//
// StateHash is a sum of one hash per object (member, cluster, offer, order, contract, bid, key)
// and one of the id secret. The fingerprint keeps each object's last hash; after each applied
// event, `Touch` marks the objects the event may have changed (generously: a contract's event
// marks its order with all the order's contracts and bids, their offers and parties), and `Value`
// hashes again only the marked ones, adjusting the sum. An event type it has no rule for marks
// everything, so a new event is never missed, only slower to read until it gets a rule.
//
//   State keeps one (`State::Fingerprint()`); tests/property_test.cc checks it against StateHash
//   after random commands of every kind.
//
// Not thread-safe: the engine thread owns it with the state.

#ifndef SUBEX_ENGINE_FINGERPRINT_H_
#define SUBEX_ENGINE_FINGERPRINT_H_

#include <cstdint>
#include <vector>

#include "engine/domain.h"
#include "engine/events.h"

namespace subex {

class State;

class StateFingerprint {
 public:
  // After `event` has been applied to `state`.
  void Touch(const Event& event, const State& state);
  // Every object is hashed again at the next Value (a restored or rebuilt state).
  void TouchAll() { all_ = true; }
  // Equals StateHash(state). O(objects touched since the last call); O(state) the first time.
  uint64_t Value(const State& state);

 private:
  // One kind of object: its objects' last hashes (by id) and those to hash again.
  struct Kind {
    std::vector<uint64_t> hash;
    std::vector<uint8_t> marked;
    std::vector<uint32_t> pending;
    void Mark(uint32_t id);
  };
  enum { kMembers, kClusters, kOffers, kOrders, kContracts, kBids, kKeys, kKinds };

  void Member(MemberId id) {
    if (id.valid()) kinds_[kMembers].Mark(id.value);
  }
  void Offer(OfferId id) {
    if (id.valid()) kinds_[kOffers].Mark(id.value);
  }
  void Bid(BidId id) {
    if (id.valid()) kinds_[kBids].Mark(id.value);
  }
  // The order, its customer, its contracts and bids with their offers and suppliers.
  void OrderDeep(OrderId id, const State& state);
  void ContractDeep(ContractId id, const State& state);
  // Touch's rules for orders, bids and contracts (Touch has those for members, clusters, keys
  // and offers).
  void TouchTrade(const Event& event, const State& state);
  void Recompute(const State& state);

  bool all_ = true;
  uint64_t sum_ = 0;
  Kind kinds_[kKinds];
};

}  // namespace subex

#endif  // SUBEX_ENGINE_FINGERPRINT_H_
