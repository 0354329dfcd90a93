// Routes of offers, orders, contracts and the event feed (PRODUCT §2, §3, §5, §6).

#include <algorithm>
#include <chrono>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "api/answers.h"
#include "api/ids.h"
#include "api/json_writer.h"
#include "api/requests.h"
#include "api/service.h"
#include "api/views.h"
#include "api/visibility.h"

namespace subex {
namespace {

// Records looked at per list request at most, so that a narrow filter over a million offers
// costs one bounded scan; the cursor then continues where the scan stopped.
constexpr uint32_t kMaxScan = 100'000;

Service::Answer OfferAnswer(const State& s, OfferId id, const Caller& caller,
                            unsigned status = 200) {
  const CapacityOffer* o = s.offer(id);
  if (o == nullptr || !MayReadOffer(*o, Viewer::Of(caller))) return Missing("offer");
  JsonWriter w;
  WriteOffer(w, s, *o, caller);
  return {.status = status,
          .body = std::move(w).Take(),
          .location = status == 201 ? absl::StrCat("/v1/offers/", PublicId(id)) : std::string(),
          .revision = o->revision,
          .problem = false};
}

bool AtOrBelow(const Taxonomy& taxonomy, ProcessId p, ProcessId node) {
  for (ProcessId a : taxonomy.node(p).ancestors) {
    if (a == node) return true;
  }
  return false;
}

}  // namespace

void Service::PostOffer(Call& call) {
  Parsed<::subex::PostOffer> parsed = ParsePostOffer(call.request.body, call.caller.by());
  if (auto* p = std::get_if<Problem>(&parsed)) return Fail(call, *p);
  Mutate(call, std::get<::subex::PostOffer>(std::move(parsed)),
         [caller = call.caller](const EngineDoor::Decision& r, const State& s) {
           return OfferAnswer(s, First<OfferPosted>(r.events)->offer, caller, 201);
         });
}

void Service::GetOffer(Call& call) {
  std::optional<OfferId> id = ParsePublicId<OfferId>(call.params[0]);
  if (!id) return Fail(call, NotFound("offer not found"));
  Read(call, [id = *id, caller = call.caller](const State& s) {
    return OfferAnswer(s, id, caller);
  });
}

void Service::ListOffers(Call& call) {
  QueryParams q;
  if (auto p = q.Parse(call.query, {"process", "region", "from", "to", "supplier", "status",
                                    "cursor", "limit"})) {
    return Fail(call, *p);
  }
  std::optional<ProcessId> process;
  if (const std::string* code = q.Find("process")) {
    process = taxonomy_->Find(*code);
    if (!process) q.Add("process", "is not a process code of the taxonomy");
  }
  std::optional<Day> from = q.Date("from"), to = q.Date("to");
  std::optional<MemberId> supplier = q.Id<MemberId>("supplier");
  std::optional<size_t> status = q.Choice("status", {"open", "exhausted", "withdrawn", "expired"});
  std::optional<Page> page = ReadPage<OfferId>(q);
  if (!page) return Fail(call, q.problem());
  const std::string* region_param = q.Find("region");
  std::optional<std::string> region;
  if (region_param) region = *region_param;
  Read(call, [=, caller = call.caller, page = *page, taxonomy = taxonomy_](const State& s) {
    JsonWriter items;
    items.BeginArray();
    std::string next;
    size_t count = 0;
    const Viewer viewer = Viewer::Of(caller);
    auto take = [&](const CapacityOffer& o) {
      if (!MayReadOffer(o, viewer)) return true;
      if (process && !AtOrBelow(*taxonomy, o.process, *process)) return true;
      if (status && static_cast<size_t>(o.status) != *status) return true;
      if (from && o.to < *from) return true;
      if (to && o.from > *to) return true;
      if (region && s.member(o.supplier)->region != *region) return true;
      if (count == page.limit) return false;
      WriteOffer(items, s, o, caller);
      ++count;
      return true;
    };
    uint32_t last = page.start == 0 ? 0 : page.start - 1;
    if (supplier) {
      const Member* m = s.member(*supplier);
      for (size_t i = 0; m != nullptr && i < m->offers.size(); ++i) {
        if (m->offers[i].value < page.start) continue;
        if (!take(*s.offer(m->offers[i]))) {
          next = PublicId(OfferId{last});
          break;
        }
        last = m->offers[i].value;
      }
    } else {
      const uint32_t end = static_cast<uint32_t>(s.offers().size());
      uint32_t i = page.start;
      for (; i < end && i - page.start < kMaxScan; ++i) {
        if (!take(s.offers()[i])) break;
        last = i;
      }
      if (i < end) next = PublicId(OfferId{last});
    }
    items.EndArray();
    return ListAnswer(items, next);
  });
}

void Service::WithdrawOffer(Call& call) {
  std::optional<OfferId> id = ParsePublicId<OfferId>(call.params[0]);
  if (!id) return Fail(call, NotFound("offer not found"));
  std::optional<int64_t> revision;
  if (auto p = IfMatch(call, revision)) return Fail(call, *p);
  Mutate(call, ::subex::WithdrawOffer{call.caller.by(), *id, revision},
         [id = *id, caller = call.caller](const auto&, const State& s) {
           return OfferAnswer(s, id, caller);
         });
}

void Service::PlaceOrder(Call& call) {
  Parsed<::subex::PlaceOrder> parsed = ParsePlaceOrder(call.request.body, call.caller.by());
  if (auto* p = std::get_if<Problem>(&parsed)) return Fail(call, *p);
  Mutate(call, std::get<::subex::PlaceOrder>(std::move(parsed)),
         [caller = call.caller](const EngineDoor::Decision& r, const State& s) {
           return OrderAnswer(s, First<OrderPlaced>(r.events)->order, caller, 201);
         });
}

void Service::GetOrder(Call& call) {
  std::optional<OrderId> id = ParsePublicId<OrderId>(call.params[0]);
  if (!id) return Fail(call, NotFound("order not found"));
  Read(call, [id = *id, caller = call.caller](const State& s) {
    return OrderAnswer(s, id, caller);
  });
}

void Service::ListOrders(Call& call) {
  QueryParams q;
  if (auto p = q.Parse(call.query, {"status", "process", "customer", "cursor", "limit"})) {
    return Fail(call, *p);
  }
  std::optional<ProcessId> process;
  if (const std::string* code = q.Find("process")) {
    process = taxonomy_->Find(*code);
    if (!process) q.Add("process", "is not a process code of the taxonomy");
  }
  std::optional<size_t> status = q.Choice(
      "status", {"open", "partially_allocated", "allocated", "completed", "cancelled", "expired"});
  std::optional<MemberId> customer = q.Id<MemberId>("customer");
  std::optional<Page> page = ReadPage<OrderId>(q);
  if (!page) return Fail(call, q.problem());
  Read(call, [=, caller = call.caller, page = *page, taxonomy = taxonomy_](const State& s) {
    const Viewer viewer = Viewer::Of(caller);
    JsonWriter items;
    items.BeginArray();
    std::string next;
    size_t count = 0;
    const uint32_t end = static_cast<uint32_t>(s.orders().size());
    uint32_t last = page.start == 0 ? 0 : page.start - 1;
    uint32_t i = page.start;
    for (; i < end && i - page.start < kMaxScan; ++i) {
      const Order& o = s.orders()[i];
      if (customer && o.customer != *customer) continue;
      if (status && static_cast<size_t>(o.status) != *status) continue;
      if (process && !AtOrBelow(*taxonomy, o.process, *process)) continue;
      if (!MayReadOrder(s, o, viewer)) continue;
      if (count == page.limit) break;
      WriteOrder(items, s, o, caller);
      ++count;
      last = i;
    }
    if (i < end) next = PublicId(OrderId{count == page.limit ? last : i - 1});
    items.EndArray();
    return ListAnswer(items, next);
  });
}

void Service::CancelOrder(Call& call) {
  std::optional<OrderId> id = ParsePublicId<OrderId>(call.params[0]);
  if (!id) return Fail(call, NotFound("order not found"));
  std::optional<int64_t> revision;
  if (auto p = IfMatch(call, revision)) return Fail(call, *p);
  Mutate(call, ::subex::CancelOrder{call.caller.by(), *id, revision},
         [id = *id, caller = call.caller](const auto&, const State& s) {
           return OrderAnswer(s, id, caller);
         },
         HiddenOrder(*id, call.caller));
}

void Service::GetContract(Call& call) {
  std::optional<ContractId> id = ParsePublicId<ContractId>(call.params[0]);
  if (!id) return Fail(call, NotFound("contract not found"));
  Read(call, [id = *id, caller = call.caller](const State& s) -> Answer {
    const Contract* c = s.contract(id);
    if (c == nullptr || !MayReadContract(*c, Viewer::Of(caller))) return Missing("contract");
    JsonWriter w;
    WriteContract(w, s, *c);
    return {.status = 200, .body = std::move(w).Take(), .location = {}, .revision = c->revision,
            .problem = false};
  });
}

void Service::ListContracts(Call& call) {
  QueryParams q;
  if (auto p = q.Parse(call.query, {"role", "status", "cursor", "limit"})) return Fail(call, *p);
  std::optional<size_t> role = q.Choice("role", {"customer", "supplier"});
  std::optional<size_t> status =
      q.Choice("status", {"pending_confirmation", "active", "delivered", "accepted", "disputed",
                          "declined", "cancelled", "lapsed"});
  std::optional<Page> page = ReadPage<ContractId>(q);
  if (!page) return Fail(call, q.problem());
  Read(call, [=, caller = call.caller, page = *page](const State& s) {
    JsonWriter items;
    items.BeginArray();
    std::string next;
    size_t count = 0;
    const Viewer viewer = Viewer::Of(caller);
    auto take = [&](const Contract& c) {
      if (!MayReadContract(c, viewer)) return true;
      const bool as_customer = caller.ActsFor(c.customer), as_supplier = caller.ActsFor(c.supplier);
      if (role && !caller.admin() && (*role == 0 ? !as_customer : !as_supplier)) return true;
      if (status && static_cast<size_t>(c.state) != *status) return true;
      if (count == page.limit) return false;
      WriteContract(items, s, c);
      ++count;
      return true;
    };
    uint32_t last = page.start == 0 ? 0 : page.start - 1;
    if (!caller.admin()) {
      const Member* m = s.member(caller.member);
      for (size_t i = 0; m != nullptr && i < m->contracts.size(); ++i) {
        const ContractId id = m->contracts[i];
        if (id.value < page.start || (i > 0 && m->contracts[i - 1] == id)) continue;
        if (!take(*s.contract(id))) {
          next = PublicId(ContractId{last});
          break;
        }
        last = id.value;
      }
    } else {
      const uint32_t end = static_cast<uint32_t>(s.contracts().size());
      uint32_t i = page.start;
      for (; i < end && i - page.start < kMaxScan; ++i) {
        if (!take(s.contracts()[i])) break;
        last = i;
      }
      if (i < end) next = PublicId(ContractId{last});
    }
    items.EndArray();
    return ListAnswer(items, next);
  });
}

void Service::GetEvents(Call& call) {
  QueryParams q;
  if (auto p = q.Parse(call.query, {"after", "limit", "wait_ms"})) return Fail(call, *p);
  std::optional<int64_t> after = q.Integer("after", 0, INT64_MAX, 0);
  std::optional<int64_t> limit = q.Integer("limit", 1, options_.max_list_limit, 100);
  std::optional<int64_t> wait = q.Integer("wait_ms", 0, options_.max_wait_ms, 0);
  if (!q.ok()) return Fail(call, q.problem());
  feed_.Get(call.caller, call.request.authorization, static_cast<uint64_t>(*after), static_cast<size_t>(*limit),
            std::chrono::milliseconds(*wait), call.respond);
}

// The feed as Server-Sent Events; `Last-Event-ID` (a reconnecting browser's) wins over `after`.
void Service::StreamEvents(Call& call) {
  QueryParams q;
  if (auto p = q.Parse(call.query, {"after"})) return Fail(call, *p);
  std::optional<int64_t> after = q.Integer("after", 0, INT64_MAX, 0);
  if (!q.ok()) return Fail(call, q.problem());
  const std::string& last = call.request.last_event_id;
  if (!last.empty()) {
    uint64_t seq = 0;
    if (!absl::SimpleAtoi(last, &seq) || seq > static_cast<uint64_t>(INT64_MAX)) {
      return Fail(call, BadRequest("Last-Event-ID is not an event's seq",
                                   {{"Last-Event-ID", "must be a non-negative integer"}}));
    }
    after = static_cast<int64_t>(seq);
  }
  feed_.Stream(call.caller, call.request.authorization, static_cast<uint64_t>(*after),
               call.respond);
}

}  // namespace subex
