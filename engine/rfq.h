// Rfq — who may bid on an rfq order, when a bid is on time, and how bids are awarded
// (PRODUCT §4).
//
// A supplier is eligible for an rfq order by every rule of §3 except price and free capacity
// (`CheckBidder`): not the customer; neither it nor the customer blocks the other; the order's
// visibility admits it; not suspended; it holds every required certification; it is within
// `max_distance_km`. Its capability is judged on the offer its bid names — the offer's process
// at or below the order's, its tags and limits meeting the order's tags and needs — or, for a
// bid without an offer (and for the announcement), on its profile: one of its processes can
// serve the order's node (lies at or below it, or above it, since the supplier may offer any node
// below its processes), and when the order names tags or needs, one of its open offers at or
// below the order's process carries the tags and meets the needs.
//
// A bid is on time when the day of its award plus its `lead_days` is not after `due`
// (`OnTime`): lead days count from the award to delivery at the order's location, transport
// included. A bid is checked against the close when placed, and against the day of the award
// when awarded.
//
// `AwardPlanner` awards bids in a given order, each up to what the order still needs: a bid
// without an offer makes a contract without reserved days; a bid with an offer reserves the
// latest free days of its usable window (§3, from the day of the award) or fails with a reason
// ("capacity", "min_lot", "offer_withdrawn", …, "lead_time", or an eligibility reason), and the
// next bid is tried. It only reads the state, keeping its own copies of the calendars it draws
// on, so several orders awarded in one decision never count the same day twice.
//
// Pure functions of the state; safe wherever the state may be read.

#ifndef SUBEX_ENGINE_RFQ_H_
#define SUBEX_ENGINE_RFQ_H_

#include <span>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "engine/eligibility.h"
#include "engine/events.h"
#include "engine/state.h"

namespace subex {

// `offer` is the bid's offer (nullptr for none); `now` decides suspension.
Fit CheckBidder(const State& state, const Order& order, const Member& supplier,
                const CapacityOffer* offer, Instant now);

bool OnTime(const Order& order, Day award_day, int32_t lead_days);

// The suppliers the order is announced to: every eligible supplier, the nearest
// `max_announced` of them (then by id) when there are more. Sorted by id. Looks at every member.
std::vector<MemberId> AnnounceTo(const State& state, const Order& order, Instant now);

struct AwardCandidate {
  BidId bid;
  Score score;
};

class AwardPlanner {
 public:
  AwardPlanner(const State& state, Instant now, ContractId next_contract)
      : state_(state), now_(now), next_(next_contract) {}

  // Awards `candidates` in order until the order is covered; appends ContractCreated and
  // AwardFailed events to `out` and answers the quantity awarded.
  Quantity Award(const Order& order, std::span<const AwardCandidate> candidates,
                 std::vector<EventBody>& out);

 private:
  // Why the bid cannot be awarded `take` units now, or "" after planning its days.
  std::string Plan(const Order& order, const Bid& bid, const Member& supplier, Quantity take,
                   std::vector<DayQuantity>& days);

  const State& state_;
  Instant now_;
  ContractId next_;
  absl::flat_hash_map<uint32_t, CapacityCalendar> calendars_;  // By offer id.
};

}  // namespace subex

#endif  // SUBEX_ENGINE_RFQ_H_
