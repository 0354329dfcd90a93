// Routes of rfq orders (PRODUCT §4): sealed bids and the customer's award.
//
//   POST   /v1/orders/{id}/bids        a supplier bids → 201 the bid
//   GET    /v1/orders/{id}/bids        the caller's own bids; the customer's every bid after the close
//   GET    /v1/orders/{id}/bids/{bid}  one bid, to the same readers
//   DELETE /v1/orders/{id}/bids/{bid}  its bidder withdraws it before the close
//   POST   /v1/orders/{id}/award       the customer awards chosen bids → the order
//
// Sealing (api/visibility.h): while the order is bidding, a bid is visible to its bidder only —
// not to the customer, not to the operator, never to another supplier. After the close the
// customer (and the operator) sees every bid with its score; a supplier only ever sees its own.
// Anyone who may not see a bid gets 404, as if it did not exist; the order itself answers 404 to
// those its visibility hides, on every route here and whatever the caller's role (a customer
// bidding, a supplier awarding), before any role or state check. An order collects at most
// `max_bids_per_order` bids, so a list is one page.

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "api/answers.h"
#include "api/ids.h"
#include "api/requests.h"
#include "api/service.h"
#include "api/views.h"
#include "api/visibility.h"

namespace subex {
namespace {

std::string BidPath(const Bid& bid) {
  return absl::StrCat("/v1/orders/", PublicId(bid.order), "/bids/", PublicId(bid.id));
}

Service::Answer BidAnswer(const State& s, BidId id, const Caller& caller, unsigned status = 200) {
  const Bid* b = s.bid(id);
  const Order* o = b != nullptr ? s.order(b->order) : nullptr;
  if (o == nullptr || !MayReadBid(*o, *b, Viewer::Of(caller))) return Missing("bid");
  JsonWriter w;
  WriteBid(w, *b);
  return ObjectAnswer(std::move(w), status, b->revision, BidPath(*b));
}

// The order and bid a /v1/orders/{id}/bids/{bid} path names, when the bid is of that order.
std::optional<std::pair<OrderId, BidId>> BidIds(const std::vector<std::string>& params) {
  std::optional<OrderId> order = ParsePublicId<OrderId>(params[0]);
  std::optional<BidId> bid = ParsePublicId<BidId>(params[1]);
  if (!order || !bid) return std::nullopt;
  return std::make_pair(*order, *bid);
}

}  // namespace

void Service::PlaceBid(Call& call) {
  std::optional<OrderId> order = ParsePublicId<OrderId>(call.params[0]);
  if (!order) return Fail(call, NotFound("order not found"));
  Parsed<::subex::PlaceBid> parsed = ParsePlaceBid(call.request.body, call.caller.by(), *order);
  if (auto* p = std::get_if<Problem>(&parsed)) return Fail(call, *p);
  Mutate(call, std::get<::subex::PlaceBid>(std::move(parsed)),
         [caller = call.caller](const EngineDoor::Decision& r, const State& s) {
           return BidAnswer(s, First<BidPlaced>(r.events)->bid, caller, 201);
         },
         HiddenOrder(*order, call.caller));
}

void Service::ListBids(Call& call) {
  std::optional<OrderId> id = ParsePublicId<OrderId>(call.params[0]);
  if (!id) return Fail(call, NotFound("order not found"));
  QueryParams q;
  if (auto p = q.Parse(call.query, {})) return Fail(call, *p);
  Read(call, [id = *id, caller = call.caller](const State& s) {
    const Order* o = s.order(id);
    const Viewer viewer = Viewer::Of(caller);
    if (o == nullptr || !MayReadOrder(s, *o, viewer)) return Missing("order");
    // Ranked bids best first, then the rest in the order they were placed.
    std::vector<const Bid*> bids;
    for (BidId b : o->bids) {
      const Bid& bid = *s.bid(b);
      if (MayReadBid(*o, bid, viewer)) bids.push_back(&bid);
    }
    std::stable_sort(bids.begin(), bids.end(), [](const Bid* a, const Bid* b) {
      const bool ra = a->score.total > 0, rb = b->score.total > 0;
      if (ra != rb) return ra;
      return ra && a->score.total < b->score.total;
    });
    JsonWriter items;
    items.BeginArray();
    for (const Bid* b : bids) WriteBid(items, *b);
    items.EndArray();
    return ListAnswer(items, {});
  });
}

void Service::GetBid(Call& call) {
  std::optional<std::pair<OrderId, BidId>> ids = BidIds(call.params);
  if (!ids) return Fail(call, NotFound("bid not found"));
  Read(call, [ids = *ids, caller = call.caller](const State& s) {
    const Bid* b = s.bid(ids.second);
    if (b == nullptr || b->order != ids.first) return Missing("bid");
    return BidAnswer(s, ids.second, caller);
  });
}

void Service::WithdrawBid(Call& call) {
  std::optional<std::pair<OrderId, BidId>> ids = BidIds(call.params);
  if (!ids) return Fail(call, NotFound("bid not found"));
  std::optional<int64_t> revision;
  if (auto p = IfMatch(call, revision)) return Fail(call, *p);
  Mutate(call, ::subex::WithdrawBid{call.caller.by(), ids->second, revision, ids->first},
         [id = ids->second, caller = call.caller](const EngineDoor::Decision&, const State& s) {
           return BidAnswer(s, id, caller);
         },
         HiddenBid(ids->first, ids->second, call.caller));
}

void Service::AwardBids(Call& call) {
  std::optional<OrderId> order = ParsePublicId<OrderId>(call.params[0]);
  if (!order) return Fail(call, NotFound("order not found"));
  std::optional<int64_t> revision;
  if (auto p = IfMatch(call, revision)) return Fail(call, *p);
  Parsed<::subex::AwardBids> parsed = ParseAwardBids(call.request.body, call.caller.by(), *order);
  if (auto* p = std::get_if<Problem>(&parsed)) return Fail(call, *p);
  ::subex::AwardBids command = std::get<::subex::AwardBids>(std::move(parsed));
  command.if_match = revision;
  Mutate(call, std::move(command),
         [id = *order, caller = call.caller](const EngineDoor::Decision&, const State& s) {
           return OrderAnswer(s, id, caller);
         },
         HiddenOrder(*order, call.caller));
}

}  // namespace subex
