#include "api/answers.h"

#include "absl/strings/str_cat.h"
#include "api/ids.h"
#include "api/problem.h"
#include "api/views.h"
#include "engine/eligibility.h"

namespace subex {

Service::Answer Missing(std::string_view what) {
  return {.status = 404,
          .body = RenderProblem(NotFound(absl::StrCat(std::string(what), " not found"))),
          .location = {},
          .revision = 0,
          .problem = true};
}

Service::Answer ObjectAnswer(JsonWriter&& w, unsigned status, int64_t revision,
                             std::string location) {
  return {.status = status,
          .body = std::move(w).Take(),
          .location = status == 201 ? std::move(location) : std::string(),
          .revision = revision,
          .problem = false};
}

Service::Answer ListAnswer(const JsonWriter& items, const std::string& next) {
  return {.status = 200, .body = ListBody(items.str(), next), .location = {}, .revision = 0,
          .problem = false};
}

bool MaySee(const State& s, const Order& order, const Caller& caller) {
  if (caller.ActsFor(order.customer)) return true;
  const Member* m = s.member(caller.member);
  if (m == nullptr) return order.visibility == Visibility::kPublic;
  const Member& customer = *s.member(order.customer);
  return VisibleTo(order, *m) && !m->Blocks(order.customer) && !customer.Blocks(m->id);
}

Service::Answer OrderAnswer(const State& s, OrderId id, const Caller& caller, unsigned status) {
  const Order* o = s.order(id);
  if (o == nullptr || !MaySee(s, *o, caller)) return Missing("order");
  JsonWriter w;
  WriteOrder(w, s, *o, caller);
  return ObjectAnswer(std::move(w), status, o->revision,
                      absl::StrCat("/v1/orders/", PublicId(id)));
}

}  // namespace subex
