#include "engine/calendar.h"

#include <algorithm>
#include <cassert>
#include <limits>

#include "engine/domain.h"

namespace subex {

CapacityCalendar::CapacityCalendar(Day from, Day to, int32_t daily_capacity)
    : from_(from), free_(static_cast<size_t>(to - from + 1), daily_capacity),
      free_total_(int64_t{daily_capacity} * (to - from + 1)) {}

int32_t CapacityCalendar::free_on(Day d) const {
  int32_t i = d - from_;
  if (i < 0 || i >= static_cast<int32_t>(free_.size())) return 0;
  return free_[i];
}

Day CapacityCalendar::first_free() const {
  size_t i = 0;
  while (i < free_.size() && free_[i] == 0) ++i;
  return i == free_.size() ? Day{std::numeric_limits<int32_t>::max()} : from_ + int32_t(i);
}

Day CapacityCalendar::last_free() const {
  size_t i = free_.size();
  while (i > 0 && free_[i - 1] == 0) --i;
  return i == 0 ? Day{std::numeric_limits<int32_t>::min()} : from_ + int32_t(i - 1);
}

int64_t CapacityCalendar::FreeIn(Day a, Day b) const {
  int32_t lo = std::max(a - from_, 0);
  int32_t hi = std::min(b - from_, static_cast<int32_t>(free_.size()) - 1);
  int64_t sum = 0;
  for (int32_t i = lo; i <= hi; ++i) sum += free_[i];
  return sum;
}

void CapacityCalendar::PlanLatest(Day a, Day b, int64_t quantity,
                                  std::vector<DayQuantity>& out) const {
  int32_t lo = std::max(a - from_, 0);
  int32_t hi = std::min(b - from_, static_cast<int32_t>(free_.size()) - 1);
  // First the number of days the plan uses, so that `out` grows once and is filled in place,
  // from its last entry back.
  size_t n = 0;
  int64_t left = quantity;
  for (int32_t i = hi; i >= lo && left > 0; --i) {
    if (free_[i] == 0) continue;
    left -= std::min<int64_t>(free_[i], left);
    ++n;
  }
  assert(left == 0);
  size_t k = out.size() + n;
  out.resize(k);
  for (int32_t i = hi; i >= lo && quantity > 0; --i) {
    int32_t take = static_cast<int32_t>(std::min<int64_t>(free_[i], quantity));
    if (take == 0) continue;
    out[--k] = DayQuantity{from_ + i, take};
    quantity -= take;
  }
}

void CapacityCalendar::Take(std::span<const DayQuantity> days) {
  for (const DayQuantity& d : days) {
    int32_t& cell = free_[static_cast<size_t>(d.day - from_)];
    assert(cell >= d.quantity);
    cell -= d.quantity;
    free_total_ -= d.quantity;
  }
}

void CapacityCalendar::Give(std::span<const DayQuantity> days) {
  for (const DayQuantity& d : days) {
    free_[static_cast<size_t>(d.day - from_)] += d.quantity;
    free_total_ += d.quantity;
  }
}

void CapacityCalendar::Release() {
  std::vector<int32_t>().swap(free_);
  free_total_ = 0;
}

}  // namespace subex
