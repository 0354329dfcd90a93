// CapacityCalendar — an offer's free capacity, day by day.
//
// Holds one int32 per day of the offer's [from, to] (4 bytes a day, PRODUCT §8) and the running
// total. Planning is separate from taking: `PlanLatest` says which days an allocation would use
// (latest free days first, PRODUCT §3) without changing anything, and `Take`/`Give` change the
// calendar when the resulting event is applied. Requires external synchronization.

#ifndef SUBEX_ENGINE_CALENDAR_H_
#define SUBEX_ENGINE_CALENDAR_H_

#include <cstdint>
#include <span>
#include <vector>

#include "engine/units.h"

namespace subex {

struct DayQuantity;

class CapacityCalendar {
 public:
  CapacityCalendar() = default;
  CapacityCalendar(Day from, Day to, int32_t daily_capacity);

  Day from() const { return from_; }
  Day to() const { return from_ + static_cast<int32_t>(free_.size()) - 1; }
  int64_t free_total() const { return free_total_; }
  int32_t free_on(Day d) const;
  std::span<const int32_t> free_days() const { return free_; }

  // The first and last days with free capacity; first > last when nothing is free.
  Day first_free() const;
  Day last_free() const;

  // Free capacity summed over [a, b] clipped to the calendar; 0 when the range is empty.
  int64_t FreeIn(Day a, Day b) const;

  // Appends to `out` the days that `quantity` would take from [a, b], latest days first,
  // as (day, quantity) in ascending day order. Requires FreeIn(a, b) >= quantity.
  void PlanLatest(Day a, Day b, int64_t quantity, std::vector<DayQuantity>& out) const;

  // Removes / returns the given days' quantities. Taking more than is free is a logic error
  // that the caller's decision rules out.
  void Take(std::span<const DayQuantity> days);
  void Give(std::span<const DayQuantity> days);

  // Frees the memory of a calendar that can no longer be allocated from.
  void Release();

 private:
  Day from_;
  std::vector<int32_t> free_;
  int64_t free_total_ = 0;
};

}  // namespace subex

#endif  // SUBEX_ENGINE_CALENDAR_H_
