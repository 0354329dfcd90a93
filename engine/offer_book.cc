#include "engine/offer_book.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>

namespace subex {

namespace {

constexpr double kCellDegrees = 4.0;
constexpr uint32_t kLonCells = 90;  // 360° / 4°.

}  // namespace

int32_t OfferBook::BucketOf(Kopecks unit_price) {
  return static_cast<int32_t>(std::floor(
      std::log2(static_cast<double>(std::max<Kopecks>(unit_price, 1))) * kBucketsPerOctave));
}

// 2^(r/48) for the 48 steps of an octave, less a slack that covers the rounding of log2 and exp2:
// a floor must never exceed a price that BucketOf put in the bucket.
const std::array<double, OfferBook::kBucketsPerOctave> OfferBook::kStepFloors = [] {
  std::array<double, kBucketsPerOctave> steps;
  for (int32_t r = 0; r < kBucketsPerOctave; ++r) {
    steps[static_cast<size_t>(r)] = std::exp2(r / double{kBucketsPerOctave}) * (1.0 - 1e-9);
  }
  return steps;
}();

uint32_t OfferBook::CellOf(GeoPoint p) {
  auto band = [](double deg, double origin, uint32_t count) {
    int b = static_cast<int>(std::floor((deg - origin) / kCellDegrees));
    return static_cast<uint32_t>(std::clamp(b, 0, static_cast<int>(count) - 1));
  };
  return band(p.lat, -90.0, 45) * kLonCells + band(p.lon, -180.0, kLonCells);
}

OfferBook::Bucket& OfferBook::Cell::BucketFor(int32_t b) {
  if (buckets_.empty()) {
    first_bucket_ = b;
  } else if (b < first_bucket_) {
    // Rare: a price below any seen in this cell. Shift everything up, with room to spare.
    size_t shift = static_cast<size_t>(first_bucket_ - b) + 64;
    buckets_.insert(buckets_.begin(), shift, Bucket());
    first_bucket_ -= static_cast<int32_t>(shift);
    occupied_.assign((buckets_.size() + 63) / 64, 0);
    summary_ = 0;
    for (size_t i = 0; i < buckets_.size(); ++i) {
      if (!buckets_[i].empty()) Mark(i);
    }
  }
  size_t i = static_cast<size_t>(b - first_bucket_);
  if (i >= buckets_.size()) {
    buckets_.resize(i + 1);
    occupied_.resize((buckets_.size() + 63) / 64, 0);
  }
  Mark(i);
  return buckets_[i];
}

void OfferBook::Cell::Mark(size_t i) {
  occupied_[i / 64] |= uint64_t{1} << (i % 64);
  if (i / 64 < 64) summary_ |= uint64_t{1} << (i / 64);
}

void OfferBook::Cell::Unmark(size_t i) {
  occupied_[i / 64] &= ~(uint64_t{1} << (i % 64));
  if (i / 64 < 64 && occupied_[i / 64] == 0) summary_ &= ~(uint64_t{1} << (i / 64));
}

OfferBook::Entry* OfferBook::Cell::Find(int32_t b, uint32_t offer) {
  if (b < first_bucket_ || b - first_bucket_ >= static_cast<int32_t>(buckets_.size())) {
    return nullptr;
  }
  for (Entry& e : buckets_[static_cast<size_t>(b - first_bucket_)]) {
    if (e.offer == offer) return &e;
  }
  return nullptr;
}

bool OfferBook::Cell::Erase(int32_t b, uint32_t offer) {
  Entry* e = Find(b, offer);
  if (e == nullptr) return false;
  size_t i = static_cast<size_t>(b - first_bucket_);
  Bucket& bucket = buckets_[i];
  *e = bucket.back();
  bucket.pop_back();
  if (bucket.empty()) Unmark(i);
  --size_;
  return true;
}

OfferBook::Cell& OfferBook::CellIn(ProcessId process, uint32_t id) {
  std::vector<Cell>& cells = nodes_[process.value];
  for (Cell& c : cells) {
    if (c.id_ == id) return c;
  }
  Cell& c = cells.emplace_back();
  c.id_ = id;
  double lat0 = -90.0 + kCellDegrees * (id / kLonCells);
  double lon0 = -180.0 + kCellDegrees * (id % kLonCells);
  GeoPoint center{lat0 + kCellDegrees / 2, lon0 + kCellDegrees / 2};
  c.center_ = ToUnitVector(center);
  // The farthest point of a small lat/lon square from its centre is a corner or an edge's middle.
  for (double dlat : {0.0, 0.5, 1.0}) {
    for (double dlon : {0.0, 0.5, 1.0}) {
      GeoPoint q{lat0 + kCellDegrees * dlat, lon0 + kCellDegrees * dlon};
      c.radius_km_ = std::max(c.radius_km_, DistanceKm(center, q));
    }
  }
  c.radius_km_ = c.radius_km_ * 1.01 + 1.0;
  return c;
}

OfferBook::Cell* OfferBook::FindCell(ProcessId process, uint32_t id) {
  for (Cell& c : nodes_[process.value]) {
    if (c.id_ == id) return &c;
  }
  return nullptr;
}

void OfferBook::Add(std::span<const ProcessId> ancestors, uint32_t cell, Entry e) {
  int32_t b = BucketOf(e.unit_price);
  for (ProcessId p : ancestors) {
    Cell& c = CellIn(p, cell);
    c.BucketFor(b).push_back(e);
    ++c.size_;
  }
  ++size_;
}

void OfferBook::Remove(std::span<const ProcessId> ancestors, GeoPoint where, Kopecks unit_price,
                       OfferId offer) {
  uint32_t cell = CellOf(where);
  int32_t b = BucketOf(unit_price);
  for (ProcessId p : ancestors) {
    if (Cell* c = FindCell(p, cell)) c->Erase(b, offer.value);
  }
  --size_;
}

void OfferBook::Move(std::span<const ProcessId> ancestors, GeoPoint from, GeoPoint to,
                     Kopecks unit_price, OfferId offer, uint64_t names) {
  uint32_t old_cell = CellOf(from), new_cell = CellOf(to);
  int32_t b = BucketOf(unit_price);
  for (ProcessId p : ancestors) {
    Cell* c = FindCell(p, old_cell);
    Entry* e = c == nullptr ? nullptr : c->Find(b, offer.value);
    if (e == nullptr) continue;
    Entry moved = *e;
    moved.where = ToUnitVector(to);
    moved.names = names;
    c->Erase(b, offer.value);
    Cell& into = CellIn(p, new_cell);
    into.BucketFor(b).push_back(moved);
    ++into.size_;
  }
}

void OfferBook::SetFreeSpan(std::span<const ProcessId> ancestors, GeoPoint where,
                            Kopecks unit_price, OfferId offer, Day first, Day last) {
  uint32_t cell = CellOf(where);
  int32_t b = BucketOf(unit_price);
  for (ProcessId p : ancestors) {
    Cell* c = FindCell(p, cell);
    if (Entry* e = c == nullptr ? nullptr : c->Find(b, offer.value)) {
      e->first = first;
      e->last = last;
    }
  }
}

const OfferBook::Entry* OfferBook::Find(ProcessId process, GeoPoint where, Kopecks unit_price,
                                        OfferId offer) const {
  OfferBook* self = const_cast<OfferBook*>(this);
  Cell* c = self->FindCell(process, CellOf(where));
  return c == nullptr ? nullptr : c->Find(BucketOf(unit_price), offer.value);
}

size_t RestingOrders::size() const {
  size_t n = 0;
  for (const Set& s : nodes_) n += s.size();
  return n;
}

}  // namespace subex
