// MarketHistory — the record of the market that the cluster analytics read (PRODUCT §7): who
// ordered, offered and contracted what, when, with whom, and how each contract ended up.
//
// It is a fold of the engine's events, kept apart from the engine's state so that analytics never
// run on the engine thread. `Apply` carries it forward event by event; `FromState` builds it from
// a state's records, which is how it starts after a snapshot has pruned the early events. Both
// paths keep exactly the same records (history_test proves it on a whole market), because every
// record here is a function of the engine's records: an order's allocated and withdrawn quantity
// as they stand, a contract's days and whether it was released and by whom, an offer's calendar
// span. So every figure computed from a history is exact, and replaying the journal (or restoring
// a snapshot) reproduces it.
//
// Time in the figures: an order counts on the day it was placed, a contract on the day it was
// made, with its state as it stands now (a contract made in March and declined in April is a March
// contract that was declined); capacity counts on the calendar days it covers. Cluster membership
// is the current one: a cluster's figures for any period are those of its members of today.
//
// Lists are kept in time order (the engine's clock never goes back), so a period's records are
// found by binary search.
//
//   MarketHistory h(taxonomy);
//   for (const Event& e : events) h.Apply(e);
//   const MarketHistory::Member& m = h.member(MemberId{0});
//
// Requires external synchronization: api/analytics.h keeps one behind a lock.

#ifndef SUBEX_ANALYTICS_HISTORY_H_
#define SUBEX_ANALYTICS_HISTORY_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "engine/domain.h"
#include "engine/events.h"
#include "engine/state.h"
#include "engine/taxonomy.h"
#include "engine/units.h"

namespace subex {

class MarketHistory {
 public:
  // How a contract stopped holding its quantity, if it did (PRODUCT §2).
  enum class Release : uint8_t {
    kNone,  // Live: pending, active, delivered, accepted or disputed.
    kDeclined,
    kLapsed,
    kCancelledBySupplier,
    kCancelledByCustomer,
  };

  struct Member {
    uint8_t roles = 0;
    std::string region;
    Instant registered;
    std::vector<ClusterId> clusters;  // Current; sorted.
    // Indices into orders(), offers() and contracts() (as customer or supplier), oldest first.
    std::vector<uint32_t> orders;
    std::vector<uint32_t> offers;
    std::vector<uint32_t> contracts;
    bool InCluster(ClusterId c) const;
    friend bool operator==(const Member&, const Member&) = default;
  };

  struct Cluster {
    std::string name;
    std::vector<MemberId> members;  // Current; sorted.
    friend bool operator==(const Cluster&, const Cluster&) = default;
  };

  struct Order {
    MemberId customer;
    ProcessId process;
    Instant placed;
    Quantity quantity = 0;
    Quantity allocated = 0;  // Held by its live contracts.
    Quantity withdrawn = 0;  // Taken back by the customer cancelling contracts.
    std::vector<ClusterId> prefer_clusters;
    absl::InlinedVector<uint32_t, 2> contracts;  // Oldest first.
    // Every unit is covered: allocated, or withdrawn by the customer, and something allocated.
    bool fully_allocated() const { return allocated > 0 && allocated + withdrawn == quantity; }
    friend bool operator==(const Order&, const Order&) = default;
  };

  struct Offer {
    MemberId supplier;
    ProcessId process;
    Day from, to;  // Inclusive.
    int32_t daily_capacity = 0;
    Kopecks unit_price = 0;
    friend bool operator==(const Offer&, const Offer&) = default;
  };

  struct Contract {
    uint32_t order = 0;
    OfferId offer;  // Invalid for an rfq award that named no offer.
    MemberId customer, supplier;
    Instant made;
    Quantity quantity = 0;
    Kopecks unit_price = 0;
    Release release = Release::kNone;
    std::vector<DayQuantity> days;  // Ascending; empty without an offer.
    bool live() const { return release == Release::kNone; }
    friend bool operator==(const Contract&, const Contract&) = default;
  };

  explicit MarketHistory(std::shared_ptr<const Taxonomy> taxonomy);

  // The history of everything `state` holds, as if every event up to state.last_seq() had been
  // applied.
  static MarketHistory FromState(const State& state);

  // Takes in one event; events must come in sequence order, each once. Events that change
  // nothing the analytics read are ignored.
  void Apply(const Event& event);
  // Whether Apply would change anything for the event (to skip copying the others).
  static bool Concerns(const EventBody& body);

  uint64_t last_seq() const { return last_seq_; }
  const Taxonomy& taxonomy() const { return *taxonomy_; }

  const std::vector<Member>& members() const { return members_; }
  const std::vector<Cluster>& clusters() const { return clusters_; }
  const std::vector<Order>& orders() const { return orders_; }
  const std::vector<Offer>& offers() const { return offers_; }
  const std::vector<Contract>& contracts() const { return contracts_; }
  // The member's orders placed, and its contracts made, on the days [from, to]: a slice of its
  // list, found by binary search.
  std::span<const uint32_t> OrdersPlaced(const Member& m, Day from, Day to) const;
  std::span<const uint32_t> ContractsMade(const Member& m, Day from, Day to) const;
  // The top-level branch of a process (whose unit it counts in).
  ProcessId BranchOf(ProcessId process) const { return taxonomy_->node(process).ancestors.back(); }

  const Member* member(MemberId id) const {
    return id.value < members_.size() ? &members_[id.value] : nullptr;
  }
  const Cluster* cluster(ClusterId id) const {
    return id.value < clusters_.size() ? &clusters_[id.value] : nullptr;
  }

  // The same records (the taxonomy and last_seq aside).
  friend bool operator==(const MarketHistory& a, const MarketHistory& b) {
    return a.members_ == b.members_ && a.clusters_ == b.clusters_ && a.orders_ == b.orders_ &&
           a.offers_ == b.offers_ && a.contracts_ == b.contracts_;
  }

 private:
  void Free(ContractId id, Release release);

  std::shared_ptr<const Taxonomy> taxonomy_;
  std::vector<Member> members_;
  std::vector<Cluster> clusters_;
  std::vector<Order> orders_;
  std::vector<Offer> offers_;
  std::vector<Contract> contracts_;
  uint64_t last_seq_ = 0;
};

const char* ToString(MarketHistory::Release r);

}  // namespace subex

#endif  // SUBEX_ANALYTICS_HISTORY_H_
