// OfferBook and RestingOrders — the two indexes matching walks (PRODUCT §3, last paragraph).
//
// The offer book keeps, per process node and per map cell of the supplier, the open offers at or
// below the node in price buckets: bucket b holds the offers priced in [2^(b/48), 2^((b+1)/48)),
// a step of 1.45 %, in no particular order within the bucket. Each entry carries the offer's exact
// price, the supplier's position on the unit sphere, a mask of the offer's names and its free
// days, so that far or unfit offers are rejected before their record is touched. An order for a
// node walks that node's cells bucket by bucket, merged by a lower bound on the score (the
// bucket's floor price plus the transport to the cell), and stops as soon as no unseen offer can
// beat what it has already chosen. Posting an offer appends to one bucket per book, so it costs a
// few cache misses however large the book grows.
//
// RestingOrders keeps, per process node, the orders waiting on the book ordered by (max unit price
// descending, id): a new offer walks the books of its node's ancestors, best price first, then the
// oldest (PRODUCT §3).
//
//   for (const OfferBook::Cell& c : book.cells(order.process)) { ... c.bucket(i) ... }
//
// Both are changed only by State::Apply. Requires external synchronization.

#ifndef SUBEX_ENGINE_OFFER_BOOK_H_
#define SUBEX_ENGINE_OFFER_BOOK_H_

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <span>
#include <vector>

#include "absl/container/btree_set.h"
#include "absl/container/inlined_vector.h"
#include "engine/geo.h"
#include "engine/units.h"

namespace subex {

class OfferBook {
 public:
  struct Entry {
    Kopecks unit_price;
    uint32_t offer;
    UnitVector where;
    uint64_t names;   // NameMask of the offer's tags, limit names and supplier's certifications.
    Day first, last;  // The first and last days the offer has anything free.
  };
  using Bucket = std::vector<Entry>;

  // The price bucket of a unit price (at least 1), and a price no offer of bucket `b` is below.
  // BucketFloor runs for every bucket a match opens: a table of the octave's steps, scaled by
  // the octave's power of two, instead of an exp2.
  static int32_t BucketOf(Kopecks unit_price);
  static double BucketFloor(int32_t b) {
    const int32_t octave = b >= 0 ? b / kBucketsPerOctave
                                  : -((kBucketsPerOctave - 1 - b) / kBucketsPerOctave);
    const int32_t step = b - octave * kBucketsPerOctave;
    // 2^octave, exactly, for any octave a price of a bucket can be in.
    const double scale = std::bit_cast<double>(static_cast<uint64_t>(1023 + octave) << 52);
    return kStepFloors[static_cast<size_t>(step)] * scale;
  }

  // A 4° × 4° square of the map. Each node's book is split by the supplier's cell, so a match
  // can bound the transport cost of a whole cell (from its centre and radius) before walking it,
  // and walks near cells further up the price scale than far ones.
  class Cell {
   public:
    uint32_t id() const { return id_; }
    UnitVector center() const { return center_; }
    double radius_km() const { return radius_km_; }  // No point of the cell is farther.
    size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }

    // Buckets are addressed by position, 0 ≤ i < bucket_count(); position i holds price bucket
    // first_bucket() + i. NextBucket(i) is the first non-empty position at or after i, or
    // bucket_count() when there is none.
    size_t bucket_count() const { return buckets_.size(); }
    int32_t first_bucket() const { return first_bucket_; }
    const Bucket& bucket(size_t i) const { return buckets_[i]; }
    size_t NextBucket(size_t i) const {
      const uint64_t* words = occupied_.data();
      const size_t count = occupied_.size();
      size_t word = i / 64;
      if (word >= count) return buckets_.size();
      uint64_t bits = words[word] & (~uint64_t{0} << (i % 64));
      if (bits == 0) {
        // The next non-empty word, from the summary while it covers the words.
        const uint64_t later = word + 1 < 64 ? summary_ & (~uint64_t{0} << (word + 1)) : 0;
        if (later != 0) {
          word = static_cast<size_t>(std::countr_zero(later));
          bits = words[word];
        } else {
          for (word = std::max<size_t>(word + 1, 64); bits == 0; ++word) {
            if (word >= count) return buckets_.size();
            bits = words[word];
          }
          --word;
        }
      }
      return word * 64 + static_cast<size_t>(std::countr_zero(bits));
    }
    // Starts loading the place of the first non-empty bucket, which NextBucket(0) leads to.
    void PrefetchFirstBucket() const {
      size_t i = NextBucket(0);
      if (i < buckets_.size()) __builtin_prefetch(buckets_.data() + i);
    }

   private:
    friend class OfferBook;
    Bucket& BucketFor(int32_t b);  // Grows the range to hold price bucket b.
    void Mark(size_t i);    // Bucket position i is not empty.
    void Unmark(size_t i);  // Bucket position i is empty.
    Entry* Find(int32_t b, uint32_t offer);
    bool Erase(int32_t b, uint32_t offer);

    uint32_t id_ = 0;
    UnitVector center_;
    double radius_km_ = 0;
    int32_t first_bucket_ = 0;
    std::vector<Bucket> buckets_;
    // Bit i set: buckets_[i] is not empty. Kept in the cell itself for up to 256 buckets (a
    // price range of 40 times), so that finding a cell's first bucket reads no other block.
    absl::InlinedVector<uint64_t, 4> occupied_;
    uint64_t summary_ = 0;  // Bit w set: occupied_[w] is not zero, for the first 64 words.
    size_t size_ = 0;
  };
  static uint32_t CellOf(GeoPoint p);

  // `ancestors` lists a node and every node above it; an offer is entered in each of their
  // books, so the book of a node holds its whole subtree. `where` is the supplier's location.
  explicit OfferBook(size_t process_count) : nodes_(process_count) {}

  void Add(std::span<const ProcessId> ancestors, GeoPoint where, Entry e) {
    Add(ancestors, CellOf(where), e);
  }
  void Add(std::span<const ProcessId> ancestors, uint32_t cell, Entry e);  // CellOf(where).
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
  Cell& CellIn(ProcessId process, uint32_t cell);
  Cell* FindCell(ProcessId process, uint32_t cell);

  static constexpr int32_t kBucketsPerOctave = 48;
  static const std::array<double, kBucketsPerOctave> kStepFloors;

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
