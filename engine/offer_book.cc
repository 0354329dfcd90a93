#include "engine/offer_book.h"

namespace subex {

void OfferBook::Add(std::span<const ProcessId> ancestors, Entry e) {
  for (ProcessId p : ancestors) nodes_[p.value].insert(e);
  ++size_;
}

void OfferBook::Remove(std::span<const ProcessId> ancestors, Kopecks unit_price, OfferId offer) {
  for (ProcessId p : ancestors) nodes_[p.value].erase(Key(unit_price, offer));
  --size_;
}

void OfferBook::SetFreeSpan(std::span<const ProcessId> ancestors, Kopecks unit_price,
                            OfferId offer, Day first, Day last) {
  for (ProcessId p : ancestors) {
    auto it = nodes_[p.value].find(Key(unit_price, offer));
    if (it == nodes_[p.value].end()) continue;
    // The span is not part of the ordering, so it may change in place.
    Entry& e = const_cast<Entry&>(*it);
    e.first = first;
    e.last = last;
  }
}

void OfferBook::Refresh(std::span<const ProcessId> ancestors, Kopecks unit_price, OfferId offer,
                        UnitVector where, uint64_t names) {
  for (ProcessId p : ancestors) {
    Set& set = nodes_[p.value];
    auto it = set.find(Key(unit_price, offer));
    if (it == set.end()) continue;
    Entry moved = *it;
    moved.where = where;
    moved.names = names;
    set.erase(it);
    set.insert(moved);
  }
}

size_t RestingOrders::size() const {
  size_t n = 0;
  for (const Set& s : nodes_) n += s.size();
  return n;
}

}  // namespace subex
