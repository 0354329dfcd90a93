#include "engine/records.h"

#include <algorithm>

namespace subex {

NameId NameIds::Id(const std::string& name) const {
  if (interning_ != nullptr) return interning_->Intern(name);
  return table_->Find(name).value_or(kUnknownName);
}

NameList NameIds::List(const std::vector<std::string>& names) const {
  NameList ids;
  ids.reserve(names.size());
  for (const std::string& n : names) ids.push_back(Id(n));
  std::sort(ids.begin(), ids.end());
  return ids;
}

LimitList NameIds::Limits(const NamedValues& values) const {
  LimitList limits;
  limits.reserve(values.size());
  for (const auto& [name, value] : values) limits.push_back(Limit{Id(name), value});
  std::sort(limits.begin(), limits.end(),
            [](const Limit& a, const Limit& b) { return a.name < b.name; });
  return limits;
}

Member MemberOf(const MemberRegistered& e, const NameIds& names) {
  Member m;
  static_cast<MemberProfile&>(m) = e;
  m.id = e.member;
  m.inn = e.inn;
  m.processes = e.processes;
  m.certifications = names.List(e.certifications);
  return m;
}

CapacityOffer OfferOf(const OfferPosted& e, const NameIds& names) {
  CapacityOffer o;
  static_cast<OfferTerms&>(o) = e;
  o.id = e.offer;
  o.supplier = e.supplier;
  o.process = e.process;
  o.tags = names.List(e.tags);
  o.limits = names.Limits(e.limits);
  o.calendar = CapacityCalendar(e.from, e.to, e.daily_capacity);
  return o;
}

Order OrderOf(const OrderPlaced& e, const NameIds& names) {
  Order o;
  static_cast<OrderTerms&>(o) = e;
  static_cast<OrderSettled&>(o) = e;
  o.id = e.order;
  o.customer = e.customer;
  o.process = e.process;
  o.certifications = names.List(e.certifications);
  o.tags = names.List(e.tags);
  o.needs = names.Limits(e.needs);
  // Bidding runs until the close; expires_at plays no part in an rfq order's life.
  o.status = e.mode == OrderMode::kRfq ? OrderStatus::kBidding : OrderStatus::kOpen;
  return o;
}

Bid BidOf(const BidPlaced& e) {
  Bid b;
  static_cast<BidTerms&>(b) = e;
  b.id = e.bid;
  b.order = e.order;
  b.supplier = e.supplier;
  b.offer = e.offer;
  return b;
}

}  // namespace subex
