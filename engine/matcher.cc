#include "engine/matcher.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <span>

#include "absl/container/inlined_vector.h"
#include "engine/eligibility.h"
#include "engine/geo.h"

namespace subex {
namespace {

struct Candidate {
  const CapacityOffer* offer;
  const Member* supplier;
  OfferId id;
  Quantity min_lot;  // The offer's.
  Window window;
  int64_t free;  // Free capacity in the window.
  Score score;
  bool operator<(const Candidate& o) const {
    return score.total != o.score.total ? score.total < o.score.total : id < o.id;
  }
};

using Taken = std::vector<std::pair<size_t, Quantity>>;  // (index in ranked, quantity).

// How much the greedy fill takes from an offer with `free` units in its window when `remaining`
// is still needed; 0 when the offer cannot contribute.
Quantity TakeFrom(const Order& order, Quantity offer_min_lot, int64_t free, Quantity remaining) {
  Quantity need = std::min(order.min_lot, remaining);
  if (free < need) return 0;
  Quantity take = std::min<int64_t>(free, remaining);
  return take < offer_min_lot ? 0 : take;
}

// The greedy fill over ranked candidates: at each step, the best-ranked unused candidate that
// can contribute to what is still needed. A candidate passed over because the remainder was
// above its free capacity can serve a smaller remainder later. Leaves (index, quantity) in
// `fill`, in the order taken; `used` is scratch.
void Fill(const Order& order, const std::vector<Candidate>& ranked, size_t max_contracts,
          Taken& fill, std::vector<char>& used) {
  fill.clear();
  used.assign(ranked.size(), 0);
  Quantity remaining = order.remaining();
  while (remaining > 0 && fill.size() < max_contracts) {
    size_t i = 0;
    Quantity take = 0;
    for (; i < ranked.size(); ++i) {
      if (used[i]) continue;
      take = TakeFrom(order, ranked[i].min_lot, ranked[i].free, remaining);
      if (take > 0) break;
    }
    if (take == 0) break;
    used[i] = 1;
    fill.push_back({i, take});
    remaining -= take;
  }
}

// The worst score among the candidates the fill uses when they cover the order (or reach the
// contract limit), else +inf: no offer scoring worse can change the fill.
double WorstNeeded(const Order& order, const std::vector<Candidate>& ranked, size_t max_contracts,
                   Taken& fill, std::vector<char>& used) {
  Fill(order, ranked, max_contracts, fill, used);
  Quantity taken = 0;
  double worst = -std::numeric_limits<double>::infinity();
  for (auto [i, q] : fill) {
    taken += q;
    worst = std::max(worst, ranked[i].score.total);
  }
  if (taken < order.remaining() && fill.size() < max_contracts) {
    return std::numeric_limits<double>::infinity();
  }
  return worst;
}

// One cursor per map cell of the book, merged by a lower bound on the score of its next entry.
struct Cursor {
  const OfferBook::Cell* cell;
  size_t bucket;  // Position of the bucket being walked.
  const OfferBook::Entry* it;
  const OfferBook::Entry* end;
  double transport;  // tariff × the cell's least distance × min_risk.
  double key;        // Lower bound on the score of *it and every entry after it.
};

// Restores the order of a heap of cursors (least key first, as std::make_heap with a greater-than
// comparison leaves it) after its first cursor's key grew or the cursor was replaced.
void SiftDown(std::vector<Cursor>& heap) {
  const size_t n = heap.size();
  if (n < 2) return;
  const Cursor moving = heap[0];
  size_t i = 0;
  for (;;) {
    size_t child = 2 * i + 1;
    if (child >= n) break;
    if (child + 1 < n && heap[child + 1].key < heap[child].key) ++child;
    if (!(heap[child].key < moving.key)) break;
    heap[i] = heap[child];
    i = child;
  }
  heap[i] = moving;
}

// The working memory of one match, kept between matches so that a match allocates nothing once
// the engine thread has warmed up.
struct Scratch {
  std::vector<Candidate> ranked;
  std::vector<Cursor> heap;
  std::vector<std::pair<double, const OfferBook::Entry*>> deferred;
  Taken fill;
  std::vector<char> used;
};

Scratch& ScratchForThisThread() {
  thread_local Scratch scratch;
  return scratch;
}

ContractCreated MakeContract(const Order& order, const CapacityOffer& offer,
                             const Member& supplier, ContractId id, Quantity quantity,
                             std::vector<DayQuantity> days, const Score& score, Instant now,
                             int32_t confirm_within_hours) {
  ContractCreated c;
  c.contract = id;
  c.order = order.id;
  c.offer = offer.id;
  c.customer = order.customer;
  c.supplier = supplier.id;
  c.quantity = quantity;
  c.unit_price = offer.unit_price;
  c.days = std::move(days);
  c.score = score;
  if (offer.auto_accept) {
    c.state = ContractState::kActive;
  } else {
    c.state = ContractState::kPendingConfirmation;
    c.confirm_by = Instant{now.unix_ms + int64_t{confirm_within_hours} * 3'600'000};
  }
  return c;
}

// The arc is at least the chord; the slack covers the float rounding of the unit vectors.
double MinKm(float chord2) {
  return std::max(0.0, kEarthRadiusKm * (1.0 - 1e-4) * std::sqrt(double{chord2}) - 1.0);
}

// One order's walk of the offer book, leaving the eligible offers that can change its fill
// ranked in the scratch's `ranked`:
//
//   OrderWalk walk(state, order, now, scratch);
//   walk.Run();
//
// Run opens a cursor per map cell within reach and walks the cells in the order of their cursors'
// keys while a key can still beat the worst score the fill needs; each entry is tested on what it
// carries and then queued for examination or deferred; the deferred entries are revisited until
// that worst score settles. Lower bounds on the score of offers not yet examined: transport is
// never negative, the chord is never longer than the arc, and no supplier is more reliable than
// the state's bound.
class OrderWalk {
 public:
  OrderWalk(const State& state, const Order& order, Instant now, Scratch& scratch)
      : state_(state),
        order_(order),
        now_(now),
        today_(DayOf(now)),
        max_contracts_(static_cast<size_t>(state.params().limits.max_contracts_per_match)),
        here_(ToUnitVector(order.location)),
        max_chord_(order.max_distance_km
                       ? static_cast<float>(ChordSquaredFor(*order.max_distance_km) * 1.0001 + 1e-9)
                       : std::numeric_limits<float>::infinity()),
        wanted_(NameMask(order.tags, order.needs) | NameMask(order.certifications)),
        transit_km_per_day_(state.params().matching.transit_km_per_day),
        earliest_(std::max(order.start, today_)),
        max_bonus_(MaxClusterBonus(order)),
        min_risk_(1.0 + state.params().matching.risk_weight *
                            (1.0 - std::min(1.0, state.max_reliability()))),
        tariff_(state.taxonomy().node(order.process).tariff_kopecks_per_unit_km),
        max_price_(static_cast<double>(order.max_unit_price)),
        scratch_(scratch) {
    scratch_.ranked.clear();
    scratch_.heap.clear();
    scratch_.deferred.clear();
  }

  void Run() {
    OpenCells();
    do {
      WalkCells();
    } while (Revisit());
  }

  const MatchStats& stats() const { return stats_; }

 private:
  // The cells within reach, in two passes: the first requests every cell's first bucket place,
  // the second reads them, so that the cells' loads overlap instead of following each other.
  void OpenCells() {
    std::vector<Cursor>& heap = scratch_.heap;
    for (const OfferBook::Cell& cell : state_.offer_book().cells(order_.process)) {
      if (cell.empty()) continue;
      double cell_km = std::max(0.0, MinKm(ChordSquared(here_, cell.center())) - cell.radius_km());
      if (order_.max_distance_km && cell_km > *order_.max_distance_km) continue;
      cell.PrefetchFirstBucket();
      heap.push_back(Cursor{&cell, 0, nullptr, nullptr, tariff_ * cell_km * min_risk_, 0});
    }
    stats_.cells = static_cast<int64_t>(heap.size());
    std::erase_if(heap, [&](Cursor& c) { return !Seek(c, 0); });
    std::make_heap(heap.begin(), heap.end(),
                   [](const Cursor& a, const Cursor& b) { return a.key > b.key; });
  }

  // Moves the cursor to the next non-empty bucket at or after position `i`, keyed by the
  // bucket's floor price plus the transport to the nearest point of the cell; false when the
  // cell has nothing left at or below the order's price.
  bool Seek(Cursor& c, size_t i) {
    c.bucket = c.cell->NextBucket(i);
    if (c.bucket == c.cell->bucket_count()) return false;
    const double floor =
        OfferBook::BucketFloor(c.cell->first_bucket() + static_cast<int32_t>(c.bucket));
    if (floor > max_price_) return false;
    const OfferBook::Bucket& b = c.cell->bucket(c.bucket);
    ++stats_.buckets;
    c.it = b.data();
    c.end = b.data() + b.size();
    // Buckets are separate allocations: start loading this one, and the next of the cell, while
    // other cells are walked. Prefetching never faults, even past the end.
    __builtin_prefetch(c.it);
    __builtin_prefetch(reinterpret_cast<const char*>(c.it) + 64);
    size_t next = c.cell->NextBucket(c.bucket + 1);
    if (next != c.cell->bucket_count()) __builtin_prefetch(c.cell->bucket(next).data());
    c.key = floor * min_risk_ - max_bonus_ + c.transport;
    return true;
  }

  // Walks the first cell while it stays ahead of every other one (the smaller of the root's
  // children), then puts it back in its place or drops it: one sift instead of a pop and a push.
  void WalkCells() {
    std::vector<Cursor>& heap = scratch_.heap;
    while (!heap.empty() && heap.front().key <= worst_needed_) {
      Cursor& c = heap.front();
      double next_cell = std::numeric_limits<double>::infinity();
      if (heap.size() > 1) next_cell = heap[1].key;
      if (heap.size() > 2) next_cell = std::min(next_cell, heap[2].key);
      bool alive = true;
      do {
        const OfferBook::Entry& e = *c.it;
        if (++c.it == c.end) alive = Seek(c, c.bucket + 1);
        Consider(e);
      } while (alive && c.key <= next_cell && c.key <= worst_needed_);
      ExaminePending();
      if (!alive) {
        heap.front() = heap.back();
        heap.pop_back();
      }
      SiftDown(heap);
    }
  }

  // Tests an entry on what it carries: price, names, distance, free days in the usable window,
  // and its own bound. One that passes is queued for examination; one whose bound is worse than
  // the worst score needed now is deferred.
  void Consider(const OfferBook::Entry& e) {
    ++stats_.walked;
    if (e.unit_price > order_.max_unit_price) return;
    if ((wanted_ & ~e.names) != 0) return;
    const float chord2 = ChordSquared(here_, e.where);
    if (chord2 > max_chord_) return;
    const double km = MinKm(chord2);
    // The usable window, with at least the transit days this distance needs.
    const Day latest = order_.due - TransitDays(km, transit_km_per_day_);
    if (std::max(earliest_, e.first) > std::min(e.last, latest)) return;
    const double bound =
        static_cast<double>(e.unit_price) * min_risk_ - max_bonus_ + tariff_ * km * min_risk_;
    if (bound > worst_needed_) {
      scratch_.deferred.push_back({bound, &e});
      return;
    }
    pending_[pending_count_++] = &e;
    __builtin_prefetch(state_.offer(OfferId{e.offer}));
    if (pending_count_ == kBatch) ExaminePending();
  }

  // Entries that pass every test of the walk are examined a few at a time, their records loaded
  // together: an examination is mostly waiting for the offer, its supplier and its calendar.
  // Examining an offer a little past the point where the walk would have stopped changes nothing
  // (the fill only ever takes it if it must), so batching leaves the result as it was.
  void ExaminePending() {
    for (size_t k = 0; k < pending_count_; ++k) {
      const CapacityOffer& offer = *state_.offer(OfferId{pending_[k]->offer});
      const char* supplier = reinterpret_cast<const char*>(state_.member(offer.supplier));
      for (int line = 0; line < 4; ++line) __builtin_prefetch(supplier + 64 * line);
      std::span<const int32_t> days = offer.calendar.free_days();
      size_t skip = static_cast<size_t>(std::max(0, earliest_ - offer.calendar.from()));
      if (skip < days.size()) __builtin_prefetch(days.data() + skip);
    }
    for (size_t k = 0; k < pending_count_; ++k) Examine(*pending_[k]);
    pending_count_ = 0;
  }

  // Examines an offer the entry could not rule out, ranking it if it is eligible.
  void Examine(const OfferBook::Entry& e) {
    ++stats_.examined;
    const CapacityOffer& offer = *state_.offer(OfferId{e.offer});
    if (order_.LetGoBy(offer.supplier)) return;
    const Member& supplier = *state_.member(offer.supplier);
    Fit fit = CheckEligibility(state_, order_, offer, supplier, now_);
    if (!fit.ok()) {
      ++stats_.ruled_out[static_cast<size_t>(fit.reason)];
      return;
    }
    int64_t free = offer.calendar.FreeIn(fit.window.from, fit.window.to);
    // Whether it contributes depends on what is still needed when its turn comes; it never can
    // with less than its own minimum lot.
    if (free == 0 || free < offer.min_lot) return;
    ++stats_.eligible;
    std::vector<Candidate>& ranked = scratch_.ranked;
    Candidate c{&offer,
                &supplier,
                offer.id,
                offer.min_lot,
                fit.window,
                free,
                ScoreOf(state_, order_, offer, supplier, fit.distance_km, today_)};
    ranked.insert(std::upper_bound(ranked.begin(), ranked.end(), c), c);
    free_seen_ += free;
    if (free_seen_ >= order_.remaining() || ranked.size() >= max_contracts_) {
      worst_needed_ = WorstNeeded(order_, ranked, max_contracts_, scratch_.fill, scratch_.used);
    }
  }

  // Entries whose own bound exceeded the worst score needed when they were walked. A better offer
  // found later can raise that worst score (with minimum lots, taking more from one offer can
  // leave a remainder another cannot serve), so they are revisited until the bound settles.
  // Whether any was.
  bool Revisit() {
    std::vector<std::pair<double, const OfferBook::Entry*>>& deferred = scratch_.deferred;
    bool revisited = false;
    for (size_t k = 0; k < deferred.size();) {
      if (deferred[k].first > worst_needed_) {
        ++k;
        continue;
      }
      const OfferBook::Entry* e = deferred[k].second;
      deferred[k] = deferred.back();
      deferred.pop_back();
      Examine(*e);
      revisited = true;
    }
    return revisited;
  }

  static constexpr size_t kBatch = 4;

  const State& state_;
  const Order& order_;
  const Instant now_;
  const Day today_;
  const size_t max_contracts_;
  const UnitVector here_;
  const float max_chord_;
  const uint64_t wanted_;
  const double transit_km_per_day_;
  const Day earliest_;
  const double max_bonus_;
  const double min_risk_;
  const double tariff_;
  const double max_price_;
  Scratch& scratch_;
  MatchStats stats_;
  int64_t free_seen_ = 0;
  double worst_needed_ = std::numeric_limits<double>::infinity();
  std::array<const OfferBook::Entry*, kBatch> pending_{};
  size_t pending_count_ = 0;
};

}  // namespace

void MatchOrder(const State& state, const Order& order, Instant now, ContractId next_contract,
                std::vector<EventBody>& out, MatchStats* stats) {
  Scratch& scratch = ScratchForThisThread();
  OrderWalk walk(state, order, now, scratch);
  walk.Run();
  if (stats != nullptr) *stats = walk.stats();

  const std::vector<Candidate>& ranked = scratch.ranked;
  const size_t max_contracts = static_cast<size_t>(state.params().limits.max_contracts_per_match);
  ContractId id = next_contract;
  Fill(order, ranked, max_contracts, scratch.fill, scratch.used);
  for (auto [i, take] : scratch.fill) {
    const Candidate& c = ranked[i];
    std::vector<DayQuantity> days;
    c.offer->calendar.PlanLatest(c.window.from, c.window.to, take, days);
    out.push_back(MakeContract(order, *c.offer, *c.supplier, id, take, std::move(days), c.score,
                               now, state.params().contracts.confirm_within_hours));
    ++id.value;
  }
}

void MatchOffer(const State& state, const CapacityOffer& offer, CapacityCalendar& calendar,
                Instant now, ContractId next_contract, std::vector<EventBody>& out,
                OrderId excluded_order) {
  const Params& params = state.params();
  const Day today = DayOf(now);
  const Member& supplier = *state.member(offer.supplier);
  const size_t max_contracts = static_cast<size_t>(params.limits.max_contracts_per_match);

  absl::InlinedVector<const RestingOrders::Set*, 8> sets;
  for (ProcessId p : state.taxonomy().node(offer.process).ancestors) {
    sets.push_back(&state.resting_orders().at(p));
  }
  const Kopecks price = offer.unit_price;
  auto beyond = [price](const RestingOrders::Entry& e) { return e.max_unit_price < price; };
  MergedWalk<RestingOrders::Set, decltype(beyond)> walk(sets, beyond);

  ContractId id = next_contract;
  while (const RestingOrders::Entry* e = walk.Next()) {
    if (calendar.free_total() == 0 || id.value - next_contract.value == max_contracts) break;
    if (OrderId{e->order} == excluded_order) continue;
    const Order& order = *state.order(OrderId{e->order});
    if (order.LetGoBy(supplier.id)) continue;
    Fit fit = CheckEligibility(state, order, offer, supplier, now);
    if (!fit.ok()) continue;
    int64_t free = calendar.FreeIn(fit.window.from, fit.window.to);
    Quantity take = TakeFrom(order, offer.min_lot, free, order.remaining());
    if (take == 0) continue;
    std::vector<DayQuantity> days;
    calendar.PlanLatest(fit.window.from, fit.window.to, take, days);
    calendar.Take(days);
    Score score = ScoreOf(state, order, offer, supplier, fit.distance_km, today);
    out.push_back(MakeContract(order, offer, supplier, id, take, std::move(days), score, now,
                               params.contracts.confirm_within_hours));
    ++id.value;
  }
}

}  // namespace subex
