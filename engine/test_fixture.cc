#include "engine/test_fixture.h"

#include <utility>
#include <variant>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "engine/civil_time.h"
#include "engine/inn.h"
#include "engine/params.h"

namespace subex {

void PrintTo(Day day, std::ostream* os) { *os << FormatDay(day); }
void PrintTo(const DayQuantity& dq, std::ostream* os) {
  *os << "{" << FormatDay(dq.day) << ", " << dq.quantity << "}";
}
void PrintTo(OfferStatus status, std::ostream* os) { *os << ToString(status); }
void PrintTo(OrderStatus status, std::ostream* os) { *os << ToString(status); }
void PrintTo(ContractState state, std::ostream* os) { *os << ToString(state); }
void PrintTo(RejectCode code, std::ostream* os) { *os << ToString(code); }
void PrintTo(Ineligible reason, std::ostream* os) { *os << ToString(reason); }

}  // namespace subex

namespace subex::test {

Day D(std::string_view yyyy_mm_dd) {
  std::optional<Day> day = ParseDay(yyyy_mm_dd);
  if (!day) {
    ADD_FAILURE() << "not a day: " << std::string(yyyy_mm_dd);
    return Day{};
  }
  return *day;
}

Instant At(std::string_view rfc3339) {
  std::optional<Instant> t = ParseInstant(rfc3339);
  if (!t) {
    ADD_FAILURE() << "not an instant: " << std::string(rfc3339);
    return Instant{};
  }
  return *t;
}

std::shared_ptr<const Taxonomy> SmallTaxonomy() {
  // Children name no unit and no tariff: they inherit their branch's.
  absl::StatusOr<Taxonomy> t = Taxonomy::Create({
      {"machining", "Machining", "machine_hour", 0.40},
      {"machining.milling", "Milling", ""},
      {"machining.milling.cnc_5axis", "5-axis CNC milling", ""},
      {"machining.turning", "Turning", ""},
      {"casting", "Casting", "kg", 0.01},
      {"casting.steel", "Steel casting", ""},
  });
  if (!t.ok()) {
    ADD_FAILURE() << t.status();
    return std::make_shared<const Taxonomy>();
  }
  return std::make_shared<const Taxonomy>(*std::move(t));
}

ExchangeTest::ExchangeTest()
    : engine_(SmallTaxonomy(), Params{}), now_(At("2026-11-23T08:00:00Z")) {}

Engine::Outcome ExchangeTest::Run(const Command& command) {
  Engine::Outcome out = engine_.Execute(command, now_);
  commands_.push_back({command, now_});
  events_.insert(events_.end(), out.events.begin(), out.events.end());
  last_types_.clear();
  for (const Event& e : out.events) last_types_.push_back(EventType(e.body));
  return out;
}

void ExchangeTest::AdvanceTo(std::string_view rfc3339) {
  Instant t = At(rfc3339);
  EXPECT_GE(t, now_) << "the clock only moves forward";
  now_ = t;
}

std::vector<std::string> ExchangeTest::TickAt(std::string_view rfc3339) {
  AdvanceTo(rfc3339);
  Engine::Outcome out = Run(Tick{});
  EXPECT_FALSE(out.rejection.has_value());
  return last_types_;
}

MemberId ExchangeTest::Register(MemberSpec spec) {
  int n = next_inn_++;
  RegisterMember c;
  c.name = spec.name.empty() ? absl::StrCat("Member ", n) : spec.name;
  c.inn = spec.inn.empty() ? CompanyInn(absl::StrFormat("48%07d", n)) : spec.inn;
  c.region = spec.region;
  c.location = spec.location;
  c.roles = spec.roles;
  c.processes = spec.processes;
  c.certifications = spec.certifications;
  Engine::Outcome out = Run(c);
  if (out.rejection) {
    ADD_FAILURE() << "RegisterMember rejected: " << out.rejection->message;
    return MemberId{};
  }
  return std::get<MemberRegistered>(out.events.front().body).member;
}

ClusterId ExchangeTest::AddCluster(std::string name, std::vector<MemberId> members) {
  Engine::Outcome out = Run(CreateCluster{.name = std::move(name), .region = "RU-LIP"});
  if (out.rejection) {
    ADD_FAILURE() << "CreateCluster rejected: " << out.rejection->message;
    return ClusterId{};
  }
  ClusterId id = std::get<ClusterCreated>(out.events.front().body).cluster;
  for (MemberId m : members) Join(id, m);
  return id;
}

void ExchangeTest::Join(ClusterId cluster, MemberId member) {
  Engine::Outcome out = Run(JoinCluster{.cluster = cluster, .member = member});
  EXPECT_FALSE(out.rejection.has_value()) << "JoinCluster rejected";
}

PostOffer ExchangeTest::OfferCommand(MemberId supplier, OfferSpec spec) const {
  return PostOffer{{.daily_capacity = spec.daily_capacity,
                    .from = spec.from,
                    .to = spec.to,
                    .unit_price = spec.unit_price,
                    .min_lot = spec.min_lot,
                    .auto_accept = spec.auto_accept},
                   supplier,
                   std::move(spec.process),
                   std::move(spec.tags),
                   std::move(spec.limits)};
}

PlaceOrder ExchangeTest::OrderCommand(MemberId customer, OrderSpec spec) const {
  return PlaceOrder{{.title = std::move(spec.title),
                     .quantity = spec.quantity,
                     .start = spec.start,
                     .due = spec.due,
                     .max_unit_price = spec.max_unit_price,
                     .max_distance_km = spec.max_distance_km,
                     .mode = spec.mode,
                     .visibility = spec.visibility,
                     .visible_to_clusters = std::move(spec.visible_to_clusters),
                     .invited = std::move(spec.invited),
                     .prefer_clusters = std::move(spec.prefer_clusters),
                     .cluster_bonus = spec.cluster_bonus,
                     .award = spec.award},
                    customer,
                    std::move(spec.process),
                    std::move(spec.certifications),
                    std::move(spec.tags),
                    std::move(spec.needs),
                    spec.location,
                    spec.min_lot,
                    spec.expires_at,
                    spec.bids_close_at,
                    spec.award_by};
}

namespace {

std::string Describe(const Rejection& r) {
  std::string s = r.message;
  for (const FieldError& e : r.errors) absl::StrAppend(&s, "; ", e.field, ": ", e.reason);
  return s;
}

}  // namespace

OfferId ExchangeTest::Post(MemberId supplier, OfferSpec spec) {
  Engine::Outcome out = Run(OfferCommand(supplier, std::move(spec)));
  if (out.rejection) {
    ADD_FAILURE() << "PostOffer rejected: " << Describe(*out.rejection);
    return OfferId{};
  }
  return std::get<OfferPosted>(out.events.front().body).offer;
}

OrderId ExchangeTest::Place(MemberId customer, OrderSpec spec) {
  Engine::Outcome out = Run(OrderCommand(customer, std::move(spec)));
  if (out.rejection) {
    ADD_FAILURE() << "PlaceOrder rejected: " << Describe(*out.rejection);
    return OrderId{};
  }
  return std::get<OrderPlaced>(out.events.front().body).order;
}

namespace {

template <typename T>
const T& OrEmpty(const T* found, const char* what, uint32_t id) {
  static const T kEmpty{};
  if (found != nullptr) return *found;
  ADD_FAILURE() << "no " << what << " #" << id;
  return kEmpty;
}

}  // namespace

const Member& ExchangeTest::member(MemberId id) const {
  return OrEmpty(state().member(id), "member", id.value);
}

const CapacityOffer& ExchangeTest::offer(OfferId id) const {
  return OrEmpty(state().offer(id), "offer", id.value);
}

const Order& ExchangeTest::order(OrderId id) const {
  return OrEmpty(state().order(id), "order", id.value);
}

std::vector<const Contract*> ExchangeTest::ContractsOf(OrderId id) const {
  std::vector<const Contract*> contracts;
  for (ContractId c : order(id).contracts) contracts.push_back(state().contract(c));
  return contracts;
}

const Contract& ExchangeTest::ContractOf(OrderId id, size_t i) const {
  const std::vector<ContractId>& contracts = order(id).contracts;
  return OrEmpty(i < contracts.size() ? state().contract(contracts[i]) : nullptr, "contract",
                 static_cast<uint32_t>(i));
}

}  // namespace subex::test
