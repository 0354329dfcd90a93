// ExchangeTest — a small exchange to write the engine's specification tests against.
//
// The fixture owns an Engine over a six-node taxonomy with the default Params, and a clock that
// only moves forward (it starts at 2026-11-23T08:00:00Z). Its methods register members, post
// offers and place orders with sensible defaults; a test overrides only what it is about, by
// designated initializers:
//
//   MemberId supplier = Register({.location = kVoronezh});
//   MemberId customer = Register();
//   OfferId offer = Post(supplier, {.unit_price = 300000});
//   OrderId order = Place(customer, {.quantity = 24, .max_distance_km = 200});
//   EXPECT_EQ(Allocated(order), 24);
//
// The taxonomy:
//
//   machining [machine_hour, 0.40 RUB/unit/km] > machining.milling > machining.milling.cnc_5axis
//                                              > machining.turning
//   casting   [kg, 0.01 RUB/unit/km]           > casting.steel
//
// Every member gets a valid, unique company INN (engine/inn.h's CompanyInn) unless the test
// names one. `Register`, `Post` and `Place` record a test failure when the engine rejects them;
// tests about rejections build the command with `OfferCommand` / `OrderCommand` and `Run` it.
//
// Not safe for concurrent use: each test owns its fixture.

#ifndef SUBEX_ENGINE_TEST_FIXTURE_H_
#define SUBEX_ENGINE_TEST_FIXTURE_H_

#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/commands.h"
#include "engine/domain.h"
#include "engine/eligibility.h"
#include "engine/engine.h"
#include "engine/rejection.h"
#include "engine/state.h"
#include "engine/taxonomy.h"
#include "engine/units.h"
#include "gtest/gtest.h"

namespace subex {

// Readable failure messages for the engine's values.
void PrintTo(Day day, std::ostream* os);
void PrintTo(const DayQuantity& dq, std::ostream* os);
void PrintTo(OfferStatus status, std::ostream* os);
void PrintTo(OrderStatus status, std::ostream* os);
void PrintTo(ContractState state, std::ostream* os);
void PrintTo(RejectCode code, std::ostream* os);
void PrintTo(Ineligible reason, std::ostream* os);
template <typename Tag>
void PrintTo(Id<Tag> id, std::ostream* os) {
  if (id.valid()) {
    *os << "#" << id.value;
  } else {
    *os << "#none";
  }
}

}  // namespace subex

namespace subex::test {

// City centres (lat, lon).
inline constexpr GeoPoint kLipetsk{52.6031, 39.5708};
inline constexpr GeoPoint kVoronezh{51.6608, 39.2003};
inline constexpr GeoPoint kMoscow{55.7558, 37.6173};
inline constexpr GeoPoint kKazan{55.7963, 49.1088};
inline constexpr GeoPoint kNaberezhnyeChelny{55.7436, 52.3958};
inline constexpr GeoPoint kYekaterinburg{56.8389, 60.6057};

// The day or instant a literal names; a malformed literal fails the test and gives day 0.
Day D(std::string_view yyyy_mm_dd);
Instant At(std::string_view rfc3339);

std::shared_ptr<const Taxonomy> SmallTaxonomy();

// The records of a state with one member, a supplier (id 0) with the given outcomes, for
// State::Restore: the shortest way to a supplier with years of history. Inline, so that a
// benchmark can use it without the rest of the fixture.
inline StateImage ImageOfOneSupplier(std::vector<ReliabilityOutcome> outcomes) {
  StateImage image;
  Member& m = image.members.emplace_back();
  m.id = MemberId{0};
  m.name = "Supplier";
  m.inn = "7707083893";
  m.roles = kRoleSupplier;
  m.location = kLipetsk;
  m.outcomes = std::move(outcomes);
  image.max_reliability = 1.0;
  return image;
}

// Every field has an initializer, so a test may leave any of them out of a designated
// initializer without a -Wmissing-field-initializers warning.
struct MemberSpec {
  std::string name = {};  // Default: "Member <n>".
  std::string inn = {};   // Default: a fresh valid company INN.
  std::string region = "RU-LIP";
  GeoPoint location = kLipetsk;
  uint8_t roles = kRoleCustomer | kRoleSupplier;
  std::vector<std::string> processes = {"machining", "casting"};
  std::vector<std::string> certifications = {};
};

struct OfferSpec {
  std::string process = "machining.milling.cnc_5axis";
  int32_t daily_capacity = 8;
  Day from = D("2026-12-01");
  Day to = D("2026-12-10");
  Kopecks unit_price = 300000;  // 3,000.00 RUB.
  Quantity min_lot = 1;
  std::vector<std::string> tags = {};
  NamedValues limits = {};
  bool auto_accept = true;
};

struct OrderSpec {
  std::string title = "Valve bodies";
  std::string process = "machining.milling";
  Quantity quantity = 16;
  Day start = D("2026-12-01");
  Day due = D("2026-12-20");
  Kopecks max_unit_price = 350000;  // 3,500.00 RUB.
  std::optional<GeoPoint> location = {};
  std::optional<double> max_distance_km = {};
  std::vector<std::string> certifications = {};
  std::vector<std::string> tags = {};
  NamedValues needs = {};
  std::optional<Quantity> min_lot = {};
  Visibility visibility = Visibility::kPublic;
  std::vector<ClusterId> visible_to_clusters = {};
  std::vector<MemberId> invited = {};
  std::vector<ClusterId> prefer_clusters = {};
  Kopecks cluster_bonus = 0;
  std::optional<Instant> expires_at = {};
  OrderMode mode = OrderMode::kAuto;
  std::optional<Instant> bids_close_at = {};
  AwardMode award = AwardMode::kAuto;
  std::optional<Instant> award_by = {};
};

class ExchangeTest : public ::testing::Test {
 protected:
  ExchangeTest();

  // Runs a command at the fixture's `now`. The outcome's events live until the next command.
  Engine::Outcome Run(const Command& command);

  // Moves the clock forward (never back) to `rfc3339`.
  void AdvanceTo(std::string_view rfc3339);
  // Moves the clock and fires the timers due by then; returns the event types it caused.
  std::vector<std::string> TickAt(std::string_view rfc3339);

  MemberId Register(MemberSpec spec = {});
  ClusterId AddCluster(std::string name, std::vector<MemberId> members = {});
  void Join(ClusterId cluster, MemberId member);

  PostOffer OfferCommand(MemberId supplier, OfferSpec spec = {}) const;
  PlaceOrder OrderCommand(MemberId customer, OrderSpec spec = {}) const;
  // Invalid ids when rejected (after recording a failure).
  OfferId Post(MemberId supplier, OfferSpec spec = {});
  OrderId Place(MemberId customer, OrderSpec spec = {});

  const State& state() const { return engine_.state(); }
  // Lookups that record a failure (and answer an empty record) for an unknown id, so that a
  // broken engine fails the test rather than crashing the run.
  const Member& member(MemberId id) const;
  const CapacityOffer& offer(OfferId id) const;
  const Order& order(OrderId id) const;
  Quantity Allocated(OrderId id) const { return order(id).allocated; }
  std::vector<const Contract*> ContractsOf(OrderId id) const;
  // The order's i-th contract, oldest first.
  const Contract& ContractOf(OrderId id, size_t i = 0) const;

  // The event types ("order.placed", ...) of the last command run, in order.
  const std::vector<std::string>& last_types() const { return last_types_; }

  // Everything run so far, as a journal would keep it: each command with its time, and every
  // event of the accepted ones.
  struct Executed {
    Command command;
    Instant at;
  };
  const std::vector<Executed>& commands() const { return commands_; }
  const std::vector<Event>& events() const { return events_; }

  Engine engine_;
  Instant now_;

 private:
  int next_inn_ = 1;
  std::vector<std::string> last_types_;
  std::vector<Executed> commands_;
  std::vector<Event> events_;
};

}  // namespace subex::test

#endif  // SUBEX_ENGINE_TEST_FIXTURE_H_
