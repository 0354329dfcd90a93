// Answers — the small pieces every route file builds its answers from: a found object as JSON
// with its ETag, a 404 that does not say whether the object exists, a list page, and who may see
// an order at all.
//
// Run inside the `Read`/`Mutate` callbacks, on the engine thread, with the state as it is.

#ifndef SUBEX_API_ANSWERS_H_
#define SUBEX_API_ANSWERS_H_

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "api/caller.h"
#include "api/json_writer.h"
#include "api/service.h"
#include "engine/events.h"
#include "engine/state.h"

namespace subex {

// 404 "<what> not found": for objects that do not exist and for those the caller may not see.
Service::Answer Missing(std::string_view what);

// A JSON object answer: `location` only with 201, the ETag from `revision` when positive.
Service::Answer ObjectAnswer(JsonWriter&& w, unsigned status, int64_t revision,
                             std::string location = {});

// {"items": [...], "next": ...}.
Service::Answer ListAnswer(const JsonWriter& items, const std::string& next);

// Whether `caller` may see `order` at all (PRODUCT §2 visibility): its customer and the operator
// always; a member when it is public, or the member is in one of its clusters, or invited — and
// neither it nor the customer blocks the other; a caller acting for no member (an analyst) when
// it is public.
bool MaySee(const State& s, const Order& order, const Caller& caller);

// The order as `caller` may see it (with its allocations), or 404.
Service::Answer OrderAnswer(const State& s, OrderId id, const Caller& caller,
                            unsigned status = 200);

// The first event of type T among `events`, or nullptr.
template <class T>
const T* First(const std::vector<Event>& events) {
  for (const Event& e : events) {
    if (const T* t = std::get_if<T>(&e.body)) return t;
  }
  return nullptr;
}

}  // namespace subex

#endif  // SUBEX_API_ANSWERS_H_
