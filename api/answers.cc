#include "api/answers.h"

#include "absl/strings/str_cat.h"
#include "api/ids.h"
#include "api/problem.h"
#include "api/views.h"
#include "api/visibility.h"

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

HiddenCheck HiddenOrder(OrderId id, const Caller& caller) {
  return [id, viewer = Viewer::Of(caller)](const State& s) -> std::optional<Service::Answer> {
    const Order* o = s.order(id);
    if (o == nullptr || !MayReadOrder(s, *o, viewer)) return Missing("order");
    return std::nullopt;
  };
}

HiddenCheck HiddenBid(OrderId order, BidId bid, const Caller& caller) {
  return [order, bid, viewer = Viewer::Of(caller)](const State& s) -> std::optional<Service::Answer> {
    const Bid* b = s.bid(bid);
    const Order* o = s.order(order);
    if (b == nullptr || o == nullptr || !MayReadBid(*o, *b, viewer)) return Missing("bid");
    return std::nullopt;
  };
}

HiddenCheck HiddenContract(ContractId id, const Caller& caller) {
  return [id, viewer = Viewer::Of(caller)](const State& s) -> std::optional<Service::Answer> {
    const Contract* c = s.contract(id);
    if (c == nullptr || !MayReadContract(*c, viewer)) return Missing("contract");
    return std::nullopt;
  };
}

Service::Answer OrderAnswer(const State& s, OrderId id, const Caller& caller, unsigned status) {
  const Order* o = s.order(id);
  if (o == nullptr || !MayReadOrder(s, *o, Viewer::Of(caller))) return Missing("order");
  JsonWriter w;
  WriteOrder(w, s, *o, caller);
  return ObjectAnswer(std::move(w), status, o->revision,
                      absl::StrCat("/v1/orders/", PublicId(id)));
}

}  // namespace subex
