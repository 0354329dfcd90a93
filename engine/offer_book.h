// OfferBook and RestingOrders — the two indexes matching walks (PRODUCT §3, last paragraph).
//
// The offer book keeps, per process node and per map cell of the supplier, the open offers at or
// below the node ordered by (unit price, id), each entry carrying the supplier's position on the
// unit sphere, a mask of the offer's names and its free days, so that far or unfit offers are
// rejected before their record is touched. An order for a node walks that node's cells merged by
// a lower bound on the score (price plus the transport to the cell), and stops as soon as no
// unseen offer can beat what it has already chosen.
//
// RestingOrders keeps, per process node, the orders waiting on the book ordered by (max unit price
// descending, id): a new offer walks the books of its node's ancestors, best price first, then the
// oldest (PRODUCT §3).
//
//   for (const OfferBook::Cell& c : book.cells(order.process)) { ... c.entries ... }
//
// Both are changed only by State::Apply. Requires external synchronization.

#ifndef SUBEX_ENGINE_OFFER_BOOK_H_
#define SUBEX_ENGINE_OFFER_BOOK_H_

#include <span>
#include <vector>

#include "absl/container/btree_set.h"
#include "absl/container/inlined_vector.h"
#include "engine/geo.h"
#include "engine/units.h"

namespace subex {

// absl::btree_set with a chosen node size (absl fixes 256 bytes; the parameter is internal).
template <typename K, int kNodeBytes>
using WideBtreeSet = absl::container_internal::btree_set_container<
    absl::container_internal::btree<absl::container_internal::set_params<
        K, std::less<K>, std::allocator<K>, kNodeBytes, /*IsMulti=*/false>>>;

class OfferBook {
 public:
  struct Entry {
    Kopecks unit_price;
    uint32_t offer;
    UnitVector where;
    uint64_t names;   // NameMask of the offer's tags, limit names and supplier's certifications.
    Day first, last;  // The first and last days the offer has anything free.
    bool operator<(const Entry& o) const {
      return unit_price != o.unit_price ? unit_price < o.unit_price : offer < o.offer;
    }
  };
  // Wide nodes: a match walks many consecutive entries, and every node boundary is a cache miss,
  // so nodes hold ~25 entries rather than absl::btree_set's default ~6.
  using Set = WideBtreeSet<Entry, 1024>;

  // A 4° × 4° square of the map. Each node's book is split by the supplier's cell, so a match
  // can bound the transport cost of a whole cell (from its centre and radius) before walking it,
  // and walks near cells further up the price scale than far ones.
  struct Cell {
    uint32_t id = 0;
    UnitVector center;
    double radius_km = 0;  // No point of the cell is farther from the centre.
    Set entries;
  };
  static uint32_t CellOf(GeoPoint p);

  // `ancestors` lists a node and every node above it; an offer is entered in each of their
  // books, so the book of a node holds its whole subtree. `where` is the supplier's location.
  explicit OfferBook(size_t process_count) : nodes_(process_count) {}

  void Add(std::span<const ProcessId> ancestors, GeoPoint where, Entry e);
  void Remove(std::span<const ProcessId> ancestors, GeoPoint where, Kopecks unit_price,
              OfferId offer);
  // The supplier moved from `from` to `to`, or its certifications (`names`) changed.
  void Move(std::span<const ProcessId> ancestors, GeoPoint from, GeoPoint to, Kopecks unit_price,
            OfferId offer, uint64_t names);
  // Records the offer's first and last free days after an allocation changed them.
  void SetFreeSpan(std::span<const ProcessId> ancestors, GeoPoint where, Kopecks unit_price,
                   OfferId offer, Day first, Day last);

  // The entry of an open offer in `process`'s book, or nullptr.
  const Entry* Find(ProcessId process, GeoPoint where, Kopecks unit_price, OfferId offer) const;
  // The cells of `process`'s book (every open offer at or below it), in no particular order.
  std::span<const Cell> cells(ProcessId process) const { return nodes_[process.value]; }
  // Open offers in the book.
  size_t size() const { return size_; }

 private:
  static Entry Key(Kopecks unit_price, OfferId offer) {
    return Entry{unit_price, offer.value, {}, 0, {}, {}};
  }
  Cell& CellIn(ProcessId process, uint32_t cell);
  Entry* FindIn(ProcessId process, uint32_t cell, Kopecks unit_price, OfferId offer);

  std::vector<std::vector<Cell>> nodes_;
  size_t size_ = 0;
};

class RestingOrders {
 public:
  struct Entry {
    Kopecks max_unit_price;
    uint32_t order;
    bool operator<(const Entry& o) const {
      return max_unit_price != o.max_unit_price ? max_unit_price > o.max_unit_price
                                                : order < o.order;
    }
  };
  using Set = absl::btree_set<Entry>;

  explicit RestingOrders(size_t process_count) : nodes_(process_count) {}

  void Add(ProcessId process, Entry e) { nodes_[process.value].insert(e); }
  void Remove(ProcessId process, Kopecks max_unit_price, OrderId order) {
    nodes_[process.value].erase(Entry{max_unit_price, order.value});
  }
  bool Contains(ProcessId process, Kopecks max_unit_price, OrderId order) const {
    return nodes_[process.value].contains(Entry{max_unit_price, order.value});
  }
  const Set& at(ProcessId process) const { return nodes_[process.value]; }
  size_t size() const;

 private:
  std::vector<Set> nodes_;
};

// Merges the sets of several nodes into one ascending sequence (by the entry's own order), and
// stops at the first entry for which `beyond(entry)` holds. Borrowed references: the sets must
// not change during the walk.
template <typename Set, typename Beyond>
class MergedWalk {
 public:
  using Entry = typename Set::value_type;

  template <typename Sets>
  MergedWalk(const Sets& sets, Beyond beyond) : beyond_(beyond) {
    for (const Set* s : sets) {
      if (!s->empty()) cursors_.push_back({s->begin(), s->end()});
    }
  }

  // The next entry in order, or nullptr when the walk is over.
  const Entry* Next() {
    Cursor* best = nullptr;
    for (Cursor& c : cursors_) {
      if (c.it != c.end && (best == nullptr || *c.it < *best->it)) best = &c;
    }
    if (best == nullptr || beyond_(*best->it)) return nullptr;
    const Entry* e = &*best->it;
    ++best->it;
    return e;
  }

 private:
  struct Cursor {
    typename Set::const_iterator it, end;
  };
  absl::InlinedVector<Cursor, 8> cursors_;
  Beyond beyond_;
};

}  // namespace subex

#endif  // SUBEX_ENGINE_OFFER_BOOK_H_
