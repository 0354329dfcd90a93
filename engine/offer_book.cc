#include "engine/offer_book.h"

namespace subex {

void OfferBook::Relocate(ProcessId process, Kopecks unit_price, OfferId offer, UnitVector where) {
  Set& set = nodes_[process.value];
  auto it = set.find(Entry{unit_price, offer.value, {}});
  if (it == set.end()) return;
  set.erase(it);
  set.insert(Entry{unit_price, offer.value, where});
}

size_t OfferBook::size() const {
  size_t n = 0;
  for (const Set& s : nodes_) n += s.size();
  return n;
}

size_t RestingOrders::size() const {
  size_t n = 0;
  for (const Set& s : nodes_) n += s.size();
  return n;
}

}  // namespace subex
