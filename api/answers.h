// Answers — the small pieces every route file builds its answers from: a found object as JSON
// with its ETag, a 404 that does not say whether the object exists, and a list page. Whether the
// caller may see an object at all is api/visibility.h's to say.
//
// Run inside the `Read`/`Mutate` callbacks, on the engine thread, with the state as it is.

#ifndef SUBEX_API_ANSWERS_H_
#define SUBEX_API_ANSWERS_H_

#include <functional>
#include <optional>
#include <span>
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

// For a mutation that names an object: 404 "<what> not found" when the caller may not see the
// object (api/visibility.h) in `s`, else nothing. A rejected command answers this instead of its
// rejection, so that no role or state check (403, 409, 422 …) tells of a hidden object.
using HiddenCheck = std::function<std::optional<Service::Answer>(const State& s)>;

// The check for the order `id` (rfq bids and awards, cancellation).
HiddenCheck HiddenOrder(OrderId id, const Caller& caller);
// The bid `bid` of the order `order` (a bid's withdrawal).
HiddenCheck HiddenBid(OrderId order, BidId bid, const Caller& caller);
// The contract `id` (a contract's steps).
HiddenCheck HiddenContract(ContractId id, const Caller& caller);

// The order as `caller` may see it (with its allocations), or 404.
Service::Answer OrderAnswer(const State& s, OrderId id, const Caller& caller,
                            unsigned status = 200);

// The first event of type T among `events`, or nullptr.
template <class T>
const T* First(std::span<const Event> events) {
  for (const Event& e : events) {
    if (const T* t = std::get_if<T>(&e.body)) return t;
  }
  return nullptr;
}

}  // namespace subex

#endif  // SUBEX_API_ANSWERS_H_
