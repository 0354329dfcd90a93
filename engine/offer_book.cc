#include "engine/offer_book.h"

namespace subex {

void OfferBook::Add(std::span<const ProcessId> ancestors, Entry e) {
  for (ProcessId p : ancestors) nodes_[p.value].insert(e);
  ++size_;
}

void OfferBook::Remove(std::span<const ProcessId> ancestors, Kopecks unit_price, OfferId offer) {
  for (ProcessId p : ancestors) nodes_[p.value].erase(Entry{unit_price, offer.value, {}, 0, {}, {}});
  --size_;
}

void OfferBook::Refresh(std::span<const ProcessId> ancestors, Kopecks unit_price, OfferId offer,
                        UnitVector where, uint64_t names) {
  for (ProcessId p : ancestors) {
    Set& set = nodes_[p.value];
    auto it = set.find(Entry{unit_price, offer.value, {}, 0, {}, {}});
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
