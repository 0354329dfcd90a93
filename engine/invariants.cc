#include "engine/invariants.h"

#include <cmath>
#include <span>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "engine/civil_time.h"
#include "engine/eligibility.h"

namespace subex {
namespace {

// `allocated` is scratch space, reused from offer to offer.
void CheckOfferRecord(const State& s, const CapacityOffer& o, bool whole,
                      std::vector<int64_t>& allocated, std::vector<std::string>& v) {
  if (o.to < o.from || o.to - o.from >= s.params().limits.max_offer_days) {
    v.push_back(absl::StrCat("offer ", o.id.value, " spans ", FormatDay(o.from), "..",
                             FormatDay(o.to)));
    return;
  }
  const size_t span = static_cast<size_t>(o.to - o.from + 1);
  const std::span<const int32_t> calendar = o.calendar.free_days();
  const bool aligned = o.calendar.from() == o.from && calendar.size() == span;
  bool any_live = false;
  for (ContractId id : o.contracts) any_live = any_live || s.contract(id)->live();
  if (!any_live && aligned) {
    // Nothing drawn on it (most offers of a large book): every day is wholly free. One pass
    // over the calendar, without the general case's per-day bookkeeping; none for a calendar
    // built wholly free.
    int64_t free_total = whole ? o.calendar.free_total() : 0;
    bool all_free = true;
    if (!whole) {
      for (const int32_t free : calendar) {
        all_free &= free == o.daily_capacity;
        free_total += free;
      }
    }
    if (!all_free) {
      v.push_back(absl::StrCat("offer ", o.id.value, " has a calendar day that is not wholly "
                               "free with nothing allocated"));
    }
    if (free_total != o.calendar.free_total()) {
      v.push_back(absl::StrCat("offer ", o.id.value, " free total is off"));
    }
    if (o.status == OfferStatus::kOpen && o.calendar.free_total() == 0) {
      v.push_back(absl::StrCat("offer ", o.id.value, " is open with nothing free"));
    }
    return;
  }
  allocated.assign(span, 0);
  for (ContractId id : o.contracts) {
    if (!s.contract(id)->live()) continue;  // Its days went back to the calendar.
    for (const DayQuantity& d : s.contract(id)->days) {
      if (d.day < o.from || d.day > o.to) {
        v.push_back(absl::StrCat("contract ", id.value, " uses ", FormatDay(d.day),
                                 " outside offer ", o.id.value));
        continue;
      }
      allocated[static_cast<size_t>(d.day - o.from)] += d.quantity;
    }
  }
  int64_t free_total = 0;
  for (size_t i = 0; i < allocated.size(); ++i) {
    Day day = o.from + static_cast<int32_t>(i);
    if (allocated[i] > o.daily_capacity) {
      v.push_back(absl::StrCat("offer ", o.id.value, " is allocated ", allocated[i], " on ",
                               FormatDay(day), " beyond its capacity ", o.daily_capacity));
    }
    const int32_t free = aligned ? calendar[i] : o.calendar.free_on(day);
    if (free + allocated[i] != o.daily_capacity) {
      v.push_back(absl::StrCat("offer ", o.id.value, " calendar says ", free, " free on ",
                               FormatDay(day), " with ", allocated[i], " allocated"));
    }
    free_total += free;
  }
  if (free_total != o.calendar.free_total()) {
    v.push_back(absl::StrCat("offer ", o.id.value, " free total is off"));
  }
  if (o.status == OfferStatus::kOpen && o.calendar.free_total() == 0) {
    v.push_back(absl::StrCat("offer ", o.id.value, " is open with nothing free"));
  }
}

void CheckOfferIndexes(const State& s, const CapacityOffer& o, std::vector<std::string>& v) {
  bool open = o.status == OfferStatus::kOpen;
  GeoPoint where = s.member(o.supplier)->location;
  if (open != (s.offer_book().Find(o.process, where, o.unit_price, o.id) != nullptr)) {
    v.push_back(absl::StrCat("offer ", o.id.value, " is ", ToString(o.status),
                             open ? " but missing from the book" : " but still on the book"));
  }
  if (open) {
    for (ProcessId p : s.taxonomy().node(o.process).ancestors) {
      const OfferBook::Entry* e = s.offer_book().Find(p, where, o.unit_price, o.id);
      if (e == nullptr) {
        v.push_back(absl::StrCat("offer ", o.id.value, " is missing from an ancestor's book"));
      } else if (e->first != o.calendar.first_free() || e->last != o.calendar.last_free()) {
        v.push_back(absl::StrCat("offer ", o.id.value, " has a stale free span in the book"));
      }
    }
  }
}

void CheckOrder(const State& s, const Order& o, std::vector<std::string>& v) {
  Quantity sum = 0, withdrawn = 0;
  bool settled = true;
  for (ContractId id : o.contracts) {
    const Contract& c = *s.contract(id);
    if (c.live()) sum += c.quantity;
    if (c.state == ContractState::kCancelled && c.cancelled_by == c.customer) {
      withdrawn += c.quantity;
    }
    settled = settled && (!c.live() || c.state == ContractState::kAccepted ||
                          c.state == ContractState::kDisputed);
  }
  if (sum != o.allocated) {
    v.push_back(absl::StrCat("order ", o.id.value, " says ", o.allocated,
                             " allocated but its live contracts hold ", sum));
  }
  if (withdrawn != o.withdrawn) {
    v.push_back(absl::StrCat("order ", o.id.value, " says ", o.withdrawn,
                             " withdrawn but its customer cancelled ", withdrawn));
  }
  if (o.allocated < 0 || o.withdrawn < 0 || o.remaining() < 0) {
    v.push_back(absl::StrCat("order ", o.id.value, " is allocated beyond its quantity"));
  }
  if (o.remaining() == 0 && o.resting()) {
    v.push_back(
        absl::StrCat("order ", o.id.value, " has nothing left but is ", ToString(o.status)));
  }
  if (o.status == OrderStatus::kAllocated && (o.remaining() != 0 || o.allocated == 0)) {
    v.push_back(absl::StrCat("order ", o.id.value, " is allocated with ", o.remaining(),
                             " remaining and ", o.allocated, " allocated"));
  }
  if (o.status == OrderStatus::kCompleted && (o.remaining() != 0 || !settled)) {
    v.push_back(absl::StrCat("order ", o.id.value, " is completed with work still open"));
  }
  const bool timed = s.rfq_timers().contains(
      {o.status == OrderStatus::kBidding ? o.bids_close_at : o.award_by, o.id.value});
  if (o.awaiting_award() != timed) {
    v.push_back(absl::StrCat("order ", o.id.value, " is ", ToString(o.status),
                             " and the rfq timers disagree"));
  }
  if (o.mode == OrderMode::kAuto && (o.status >= OrderStatus::kBidding || !o.bids.empty())) {
    v.push_back(absl::StrCat("auto order ", o.id.value, " has rfq state"));
  }
  for (BidId id : o.bids) {
    const Bid& b = *s.bid(id);
    if (b.order != o.id) v.push_back(absl::StrCat("bid ", id.value, " is listed by another order"));
    if (b.status == BidStatus::kOpen && o.status != OrderStatus::kBidding) {
      v.push_back(absl::StrCat("bid ", id.value, " is open on a ", ToString(o.status), " order"));
    }
    if (b.status == BidStatus::kRanked && o.status != OrderStatus::kAwarding) {
      v.push_back(absl::StrCat("bid ", id.value, " is ranked on a ", ToString(o.status), " order"));
    }
  }
}

void CheckOrderIndexes(const State& s, const Order& o, std::vector<std::string>& v) {
  if (o.resting() != s.resting_orders().Contains(o.process, o.max_unit_price, o.id)) {
    v.push_back(absl::StrCat("order ", o.id.value, " is ", ToString(o.status),
                             " and the resting book disagrees"));
  }
}

void CheckBid(const State& s, const Bid& b, std::vector<std::string>& v) {
  if (b.quantity < 1 || b.unit_price < 1) {
    v.push_back(absl::StrCat("bid ", b.id.value, " has no quantity or price"));
  }
  const bool awarded = b.status == BidStatus::kAwarded;
  const Contract* k = b.contract.valid() ? s.contract(b.contract) : nullptr;
  if (awarded != (k != nullptr) || (k && k->bid != b.id)) {
    v.push_back(absl::StrCat("bid ", b.id.value, " is ", ToString(b.status),
                             " and its contract disagrees"));
  }
  if (k && (k->quantity > b.quantity || k->unit_price != b.unit_price || k->offer != b.offer ||
            k->supplier != b.supplier || k->order != b.order)) {
    v.push_back(absl::StrCat("contract ", k->id.value, " departs from bid ", b.id.value));
  }
  size_t standing = 0;
  for (BidId id : s.order(b.order)->bids) {
    const Bid& other = *s.bid(id);
    standing += other.supplier == b.supplier && other.standing();
  }
  if (standing > 1) {
    v.push_back(absl::StrCat("member ", b.supplier.value, " has ", standing,
                             " standing bids on order ", b.order.value));
  }
}

void CheckContract(const State& s, const Contract& c, std::vector<std::string>& v) {
  const Order& order = *s.order(c.order);
  if (!c.offer.valid()) {
    if (!c.bid.valid() || !c.days.empty()) {
      v.push_back(absl::StrCat("contract ", c.id.value, " has no offer but is not a bare award"));
    }
    if (c.customer != order.customer) {
      v.push_back(absl::StrCat("contract ", c.id.value, " names the wrong parties"));
    }
    return;
  }
  const CapacityOffer& offer = *s.offer(c.offer);
  Window w = UsableWindow(order, offer, c.score.distance_km,
                          s.params().matching.transit_km_per_day, DayOf(c.created_at));
  Quantity sum = 0;
  for (const DayQuantity& d : c.days) {
    sum += d.quantity;
    if (d.quantity <= 0 || d.day < w.from || d.day > w.to) {
      v.push_back(absl::StrCat("contract ", c.id.value, " reserves ", d.quantity, " on ",
                               FormatDay(d.day), " outside its usable window ",
                               FormatDay(w.from), "..", FormatDay(w.to)));
    }
  }
  if (sum != c.quantity) {
    v.push_back(absl::StrCat("contract ", c.id.value, " days add up to ", sum, " not ",
                             c.quantity));
  }
  if (c.quantity < offer.min_lot) {
    v.push_back(absl::StrCat("contract ", c.id.value, " is below the offer's min_lot"));
  }
  if (c.customer != order.customer || c.supplier != offer.supplier) {
    v.push_back(absl::StrCat("contract ", c.id.value, " names the wrong parties"));
  }
  const bool pending = c.state == ContractState::kPendingConfirmation;
  if (pending != (c.confirm_by && s.contract_timers().contains({*c.confirm_by, c.id.value}))) {
    v.push_back(absl::StrCat("contract ", c.id.value, " is ", ToString(c.state),
                             " and the confirmation timers disagree"));
  }
  const bool delivered = c.state == ContractState::kDelivered ||
                         c.state == ContractState::kAccepted || c.state == ContractState::kDisputed;
  if (delivered != c.delivered_on.has_value()) {
    v.push_back(absl::StrCat("contract ", c.id.value, " is ", ToString(c.state),
                             " and its delivery day disagrees"));
  }
  const bool cancelled = c.state == ContractState::kCancelled;
  if (cancelled != (c.cancelled_by == c.customer || c.cancelled_by == c.supplier)) {
    v.push_back(absl::StrCat("contract ", c.id.value, " is ", ToString(c.state),
                             " and who cancelled it disagrees"));
  }
}


// Days within ±2,700 years of 1970 and instants on them: every day and instant the engine
// accepts, with room for its arithmetic (windows, transit, reliability) to stay far from overflow.
constexpr int32_t kPlausibleDays = 1'000'000;
bool Plausible(Day d) { return d.value > -kPlausibleDays && d.value < kPlausibleDays; }
bool Plausible(Instant t) {
  constexpr int64_t kMs = int64_t{kPlausibleDays} * kMsPerDay;
  return t.unix_ms > -kMs && t.unix_ms < kMs;
}

// The fields the relational checks compute with, each within what the engine could ever have
// written: a snapshot's records are read as they are, and a damaged one must be reported, not
// overflow the arithmetic that checks it.
void CheckPlausible(const State& s, std::vector<std::string>& v) {
  const LimitParams& lim = s.params().limits;
  auto quantity = [&](Quantity q) { return q >= 0 && q <= lim.max_quantity; };
  if (!Plausible(s.now())) v.push_back("the state's time is implausible");
  for (const Member& m : s.members()) {
    // Reliability finds a window of outcomes by binary search and sums it by difference, which
    // needs them ascending by day and worth 0, 0.5 or 1, as RecordOutcome writes them.
    bool ok = true;
    for (size_t i = 0; i < m.outcomes.size(); ++i) {
      const ReliabilityOutcome& r = m.outcomes[i];
      ok = ok && Plausible(r.day) && (r.value == 0 || r.value == 0.5 || r.value == 1) &&
           (i == 0 || m.outcomes[i - 1].day <= r.day);
    }
    if (!ok) v.push_back(absl::StrCat("member ", m.id.value, " has implausible outcomes"));
  }
  for (const CapacityOffer& o : s.offers()) {
    if (!Plausible(o.from) || !Plausible(o.to) || !Plausible(o.created_at) ||
        o.daily_capacity < 0 || o.daily_capacity > lim.max_daily_capacity) {
      v.push_back(absl::StrCat("offer ", o.id.value, " has implausible days or capacity"));
    }
  }
  for (const Order& o : s.orders()) {
    if (!Plausible(o.start) || !Plausible(o.due) || !Plausible(o.created_at) ||
        !quantity(o.quantity) || !quantity(o.allocated) || !quantity(o.withdrawn)) {
      v.push_back(absl::StrCat("order ", o.id.value, " has implausible days or quantities"));
    }
  }
  for (const Contract& c : s.contracts()) {
    bool ok = Plausible(c.created_at) && quantity(c.quantity) &&
              std::isfinite(c.score.distance_km) && c.score.distance_km >= 0 &&
              c.score.distance_km <= 25'000;  // Half the equator, and some.
    for (const DayQuantity& d : c.days) {
      ok = ok && Plausible(d.day) && d.quantity >= 0 && d.quantity <= lim.max_daily_capacity;
    }
    if (!ok) v.push_back(absl::StrCat("contract ", c.id.value, " has implausible terms"));
  }
  for (const Bid& b : s.bids()) {
    if (!quantity(b.quantity)) {
      v.push_back(absl::StrCat("bid ", b.id.value, " has an implausible quantity"));
    }
  }
}

}  // namespace

std::vector<std::string> CheckRecordInvariants(const State& s,
                                               const std::vector<bool>* whole_calendars) {
  std::vector<std::string> v;
  CheckPlausible(s, v);
  if (!v.empty()) return v;  // The checks below compute with these fields.
  std::vector<int64_t> allocated;
  for (const CapacityOffer& o : s.offers()) {
    const bool whole = whole_calendars != nullptr && o.id.value < whole_calendars->size() &&
                       (*whole_calendars)[o.id.value];
    CheckOfferRecord(s, o, whole, allocated, v);
  }
  for (const Order& o : s.orders()) CheckOrder(s, o, v);
  for (const Contract& c : s.contracts()) CheckContract(s, c, v);
  for (const Bid& b : s.bids()) CheckBid(s, b, v);
  for (const Member& m : s.members()) {
    if (s.Reliability(m, DayOf(s.now())) > s.max_reliability()) {
      v.push_back(absl::StrCat("member ", m.id.value, " is more reliable than the bound"));
    }
  }
  size_t pending = 0;
  for (const Contract& c : s.contracts()) pending += c.state == ContractState::kPendingConfirmation;
  if (pending != s.contract_timers().size()) v.push_back("the confirmation timers are off");
  return v;
}

namespace {

// The sums State keeps beside each member's outcomes agree with them.
void CheckOutcomeSums(const State& s, const Member& m, std::vector<std::string>& v) {
  bool ok = m.outcome_sums.size() == (m.outcomes.empty() ? 0 : m.outcomes.size() + 1);
  double sum = 0;
  int64_t good = 0;
  for (size_t i = 0; ok && i < m.outcomes.size(); ++i) {
    ok = m.outcome_sums[i] == sum;
    sum += m.outcomes[i].value;
    good += m.outcomes[i].value >= s.params().reliability.prior;
  }
  ok = ok && (m.outcomes.empty() || m.outcome_sums.back() == sum) && m.good_outcomes == good;
  if (!ok) v.push_back(absl::StrCat("member ", m.id.value, "'s outcome sums are off"));
}

}  // namespace

std::vector<std::string> CheckInvariants(const State& s) {
  std::vector<std::string> v = CheckRecordInvariants(s);
  for (const Member& m : s.members()) CheckOutcomeSums(s, m, v);
  for (const CapacityOffer& o : s.offers()) CheckOfferIndexes(s, o, v);
  for (const Order& o : s.orders()) CheckOrderIndexes(s, o, v);
  size_t open = 0, resting = 0;
  for (const CapacityOffer& o : s.offers()) open += o.status == OfferStatus::kOpen;
  for (const Order& o : s.orders()) resting += o.resting();
  if (open != s.offer_book().size()) v.push_back("the offer book holds closed offers");
  if (resting != s.resting_orders().size()) v.push_back("the resting book holds closed orders");
  return v;
}

}  // namespace subex
