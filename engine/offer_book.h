// OfferBook and RestingOrders — the two indexes matching walks (PRODUCT §3, last paragraph).
//
// The offer book keeps, per process node, the open offers at or below it ordered by (unit price,
// id), each entry carrying the supplier's position on the unit sphere and a mask of the offer's
// names, so that far or unfit offers are rejected before their record is touched. An order for a
// node walks that node's book in price order, and stops as soon as no unseen offer can beat what
// it has already chosen.
//
// RestingOrders keeps, per process node, the orders waiting on the book ordered by (max unit price
// descending, id): a new offer walks the books of its node's ancestors, best price first, then the
// oldest (PRODUCT §3).
//
//   for (const OfferBook::Entry& e : book.at(order.process)) { if (e.unit_price > max) break; }
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
    uint64_t names;  // NameBit union of the offer's tags, limit names and supplier's certifications.
    Day first, last;  // The first and last days the offer has anything free.
    bool operator<(const Entry& o) const {
      return unit_price != o.unit_price ? unit_price < o.unit_price : offer < o.offer;
    }
  };
  // Wide nodes: a match walks hundreds of consecutive entries, and every node boundary is a
  // cache miss, so nodes hold ~50 entries rather than absl::btree_set's default ~6.
  using Set = WideBtreeSet<Entry, 2048>;

  // `ancestors(p)` lists p and every node above it; an offer is entered in each of their books,
  // so the book of a node holds its whole subtree in one price order.
  explicit OfferBook(size_t process_count) : nodes_(process_count) {}

  void Add(std::span<const ProcessId> ancestors, Entry e);
  void Remove(std::span<const ProcessId> ancestors, Kopecks unit_price, OfferId offer);
  // Records the offer's first and last free days after an allocation changed them.
  void SetFreeSpan(std::span<const ProcessId> ancestors, Kopecks unit_price, OfferId offer,
                   Day first, Day last);
  // Updates what an entry knows of its supplier (it moved, or its certifications changed).
  void Refresh(std::span<const ProcessId> ancestors, Kopecks unit_price, OfferId offer,
               UnitVector where, uint64_t names);
  bool Contains(ProcessId process, Kopecks unit_price, OfferId offer) const {
    return nodes_[process.value].contains(Key(unit_price, offer));
  }
  // Every open offer at `process` or below it, cheapest first.
  const Set& at(ProcessId process) const { return nodes_[process.value]; }
  // Open offers in the book.
  size_t size() const { return size_; }

 private:
  static Entry Key(Kopecks unit_price, OfferId offer) {
    return Entry{unit_price, offer.value, {}, 0, {}, {}};
  }
  std::vector<Set> nodes_;
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
