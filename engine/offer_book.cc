#include "engine/offer_book.h"

#include <algorithm>
#include <cmath>

namespace subex {

namespace {

constexpr double kCellDegrees = 4.0;
constexpr uint32_t kLonCells = 90;  // 360° / 4°.

}  // namespace

uint32_t OfferBook::CellOf(GeoPoint p) {
  auto band = [](double deg, double origin, uint32_t count) {
    int b = static_cast<int>(std::floor((deg - origin) / kCellDegrees));
    return static_cast<uint32_t>(std::clamp(b, 0, static_cast<int>(count) - 1));
  };
  return band(p.lat, -90.0, 45) * kLonCells + band(p.lon, -180.0, kLonCells);
}

OfferBook::Cell& OfferBook::CellIn(ProcessId process, uint32_t id) {
  std::vector<Cell>& cells = nodes_[process.value];
  for (Cell& c : cells) {
    if (c.id == id) return c;
  }
  Cell& c = cells.emplace_back();
  c.id = id;
  double lat0 = -90.0 + kCellDegrees * (id / kLonCells);
  double lon0 = -180.0 + kCellDegrees * (id % kLonCells);
  GeoPoint center{lat0 + kCellDegrees / 2, lon0 + kCellDegrees / 2};
  c.center = ToUnitVector(center);
  // The farthest point of a small lat/lon square from its centre is a corner or an edge's middle.
  for (double dlat : {0.0, 0.5, 1.0}) {
    for (double dlon : {0.0, 0.5, 1.0}) {
      GeoPoint q{lat0 + kCellDegrees * dlat, lon0 + kCellDegrees * dlon};
      c.radius_km = std::max(c.radius_km, DistanceKm(center, q));
    }
  }
  c.radius_km = c.radius_km * 1.01 + 1.0;
  return c;
}

OfferBook::Entry* OfferBook::FindIn(ProcessId process, uint32_t cell, Kopecks unit_price,
                                    OfferId offer) {
  for (Cell& c : nodes_[process.value]) {
    if (c.id != cell) continue;
    auto it = c.entries.find(Key(unit_price, offer));
    // Only the free span and the supplier's fields change in place; they are not part of the
    // ordering.
    return it == c.entries.end() ? nullptr : const_cast<Entry*>(&*it);
  }
  return nullptr;
}

void OfferBook::Add(std::span<const ProcessId> ancestors, GeoPoint where, Entry e) {
  uint32_t cell = CellOf(where);
  for (ProcessId p : ancestors) CellIn(p, cell).entries.insert(e);
  ++size_;
}

void OfferBook::Remove(std::span<const ProcessId> ancestors, GeoPoint where, Kopecks unit_price,
                       OfferId offer) {
  uint32_t cell = CellOf(where);
  for (ProcessId p : ancestors) CellIn(p, cell).entries.erase(Key(unit_price, offer));
  --size_;
}

void OfferBook::Move(std::span<const ProcessId> ancestors, GeoPoint from, GeoPoint to,
                     Kopecks unit_price, OfferId offer, uint64_t names) {
  uint32_t old_cell = CellOf(from), new_cell = CellOf(to);
  for (ProcessId p : ancestors) {
    Entry* e = FindIn(p, old_cell, unit_price, offer);
    if (e == nullptr) continue;
    Entry moved = *e;
    moved.where = ToUnitVector(to);
    moved.names = names;
    CellIn(p, old_cell).entries.erase(Key(unit_price, offer));
    CellIn(p, new_cell).entries.insert(moved);
  }
}

void OfferBook::SetFreeSpan(std::span<const ProcessId> ancestors, GeoPoint where,
                            Kopecks unit_price, OfferId offer, Day first, Day last) {
  uint32_t cell = CellOf(where);
  for (ProcessId p : ancestors) {
    if (Entry* e = FindIn(p, cell, unit_price, offer)) {
      e->first = first;
      e->last = last;
    }
  }
}

const OfferBook::Entry* OfferBook::Find(ProcessId process, GeoPoint where, Kopecks unit_price,
                                        OfferId offer) const {
  return const_cast<OfferBook*>(this)->FindIn(process, CellOf(where), unit_price, offer);
}

size_t RestingOrders::size() const {
  size_t n = 0;
  for (const Set& s : nodes_) n += s.size();
  return n;
}

}  // namespace subex
