#include "api/views.h"

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "api/caller.h"
#include "api/ids.h"
#include "api/json_writer.h"
#include "engine/test_fixture.h"
#include "gtest/gtest.h"
#include "simdjson.h"

namespace subex {
namespace {

using test::D;
using test::kVoronezh;

// Renders with `write` and parses the result, failing the test when it is not one JSON object.
class ViewsTest : public test::ExchangeTest {
 protected:
  template <class F>
  simdjson::dom::element Render(F write) {
    JsonWriter w;
    write(w);
    text_ = std::move(w).Take();
    simdjson::dom::element root;
    simdjson::error_code error = parser_.parse(text_).get(root);
    EXPECT_EQ(error, simdjson::SUCCESS) << text_;
    EXPECT_TRUE(root.is_object()) << text_;
    return root;
  }

  static std::set<std::string> Keys(simdjson::dom::element e) {
    std::set<std::string> keys;
    simdjson::dom::object object;
    if (e.get(object) != simdjson::SUCCESS) return keys;
    for (auto field : object) keys.emplace(field.key);
    return keys;
  }

  static bool Has(simdjson::dom::element e, std::string_view key) {
    return Keys(e).contains(std::string(key));
  }

  static std::string_view Str(simdjson::dom::element e, std::string_view key) {
    std::string_view s;
    EXPECT_EQ(e[key].get(s), simdjson::SUCCESS) << key;
    return s;
  }

  static double Num(simdjson::dom::element e, std::string_view key) {
    double d = -1;
    EXPECT_EQ(e[key].get(d), simdjson::SUCCESS) << key;
    return d;
  }

  static size_t Size(simdjson::dom::element e, std::string_view key) {
    simdjson::dom::array a;
    if (e[key].get(a) != simdjson::SUCCESS) {
      ADD_FAILURE() << key << " is not an array";
      return 0;
    }
    return a.size();
  }

  // A supplier near Voronezh, a customer in Lipetsk, and an order filled from the supplier's
  // offer.
  void Trade() {
    supplier_ = Register({.name = "Supplier", .location = kVoronezh});
    customer_ = Register({.name = "Customer"});
    offer_ = Post(supplier_, {.daily_capacity = 8, .unit_price = 310000});
    order_ = Place(customer_, {.quantity = 16, .max_unit_price = 350000});
    ASSERT_EQ(Allocated(order_), 16);
  }

  simdjson::dom::parser parser_;
  std::string text_;
  MemberId supplier_, customer_;
  OfferId offer_;
  OrderId order_;
};

TEST_F(ViewsTest, CyrillicNamesRoundTripByteExactly) {
  const std::string name = "ООО «Липецкий станкостроительный завод» — цех № 3";
  MemberId m = Register({.name = name});
  auto root = Render([&](JsonWriter& w) { WriteMember(w, state(), member(m), Caller::Admin()); });
  EXPECT_EQ(Str(root, "name"), name);
  EXPECT_NE(text_.find(name), std::string::npos) << "written as UTF-8, not as \\u escapes";
}

TEST_F(ViewsTest, MoneyIsRoublesWithTwoDecimals) {
  Trade();
  auto root = Render(
      [&](JsonWriter& w) { WriteOrder(w, state(), order(order_), Caller::Member(customer_)); });
  EXPECT_NE(text_.find(R"("max_unit_price":3500.00)"), std::string::npos) << text_;
  EXPECT_EQ(Num(root, "max_unit_price"), 3500.0);
  EXPECT_NE(text_.find(R"("unit_price":3100.00)"), std::string::npos) << text_;
}

TEST_F(ViewsTest, AllocationHasEveryFieldOfTheProductShape) {
  Trade();
  auto root = Render(
      [&](JsonWriter& w) { WriteOrder(w, state(), order(order_), Caller::Member(customer_)); });
  simdjson::dom::element allocation;
  ASSERT_EQ(root["allocations"].at(0).get(allocation), simdjson::SUCCESS) << text_;
  for (const char* key : {"contract", "offer", "supplier", "quantity", "unit_price", "days",
                          "distance_km", "score"}) {
    EXPECT_TRUE(Has(allocation, key)) << key << " missing in " << text_;
  }
  EXPECT_EQ(Str(allocation, "offer"), PublicId(offer_));
  EXPECT_EQ(Str(allocation, "supplier"), PublicId(supplier_));
  EXPECT_EQ(Num(allocation, "quantity"), 16);
  simdjson::dom::element day;
  ASSERT_EQ(allocation["days"].at(0).get(day), simdjson::SUCCESS);
  EXPECT_EQ(Keys(day), (std::set<std::string>{"day", "quantity"}));
  EXPECT_EQ(Str(day, "day").size(), 10u);
  simdjson::dom::element score;
  ASSERT_EQ(allocation["score"].get(score), simdjson::SUCCESS);
  EXPECT_EQ(Keys(score), (std::set<std::string>{"unit_price", "transport", "landed", "reliability",
                                                "risk_factor", "cluster_bonus", "total"}));
  EXPECT_EQ(Num(score, "unit_price"), 3100.0);
  EXPECT_NEAR(Num(score, "landed"), Num(score, "unit_price") + Num(score, "transport"), 0.011);
  EXPECT_EQ(Num(score, "reliability"), 0.8);
}

TEST_F(ViewsTest, DistanceHasOneDecimal) {
  Trade();
  const Contract& c = ContractOf(order_);
  Render([&](JsonWriter& w) { WriteContract(w, state(), c); });
  size_t at = text_.find(R"("distance_km":)");
  ASSERT_NE(at, std::string::npos);
  std::string_view value = std::string_view(text_).substr(at + 14);
  value = value.substr(0, value.find(','));
  ASSERT_NE(value.find('.'), std::string_view::npos) << value;
  EXPECT_EQ(value.size() - value.find('.'), 2u) << value;
}

TEST_F(ViewsTest, NonOwnerSeesNoAllocationsOrCalendar) {
  Trade();
  MemberId stranger = Register({.name = "Stranger"});
  auto order_view = Render(
      [&](JsonWriter& w) { WriteOrder(w, state(), order(order_), Caller::Member(stranger)); });
  EXPECT_FALSE(Has(order_view, "allocations")) << text_;
  EXPECT_FALSE(Has(order_view, "invited")) << text_;
  auto offer_view = Render(
      [&](JsonWriter& w) { WriteOffer(w, state(), offer(offer_), Caller::Member(stranger)); });
  EXPECT_FALSE(Has(offer_view, "allocations")) << text_;
  EXPECT_FALSE(Has(offer_view, "calendar")) << text_;
  // The counterparty of a contract is no owner of the other side's object either.
  auto offer_to_customer = Render(
      [&](JsonWriter& w) { WriteOffer(w, state(), offer(offer_), Caller::Member(customer_)); });
  EXPECT_FALSE(Has(offer_to_customer, "allocations")) << text_;
}

TEST_F(ViewsTest, OwnerAndOperatorSeeAllocationsAndCalendar) {
  Trade();
  for (Caller caller : {Caller::Member(supplier_), Caller::Admin()}) {
    auto root = Render([&](JsonWriter& w) { WriteOffer(w, state(), offer(offer_), caller); });
    EXPECT_EQ(Size(root, "allocations"), 1u) << text_;
    // 10 days of 8, 16 taken from the latest two: 8 days still free.
    EXPECT_EQ(Size(root, "calendar"), 8u) << text_;
    EXPECT_EQ(Num(root, "free_total"), 64);
  }
  auto order_view =
      Render([&](JsonWriter& w) { WriteOrder(w, state(), order(order_), Caller::Admin()); });
  EXPECT_EQ(Size(order_view, "allocations"), 1u);
}

TEST_F(ViewsTest, BlockedListOnlyForTheMemberAndTheOperator) {
  MemberId a = Register();
  MemberId b = Register();
  ASSERT_FALSE(Run(BlockMember{.by = a, .other = b}).rejection.has_value());
  auto to_b = Render([&](JsonWriter& w) { WriteMember(w, state(), member(a), Caller::Member(b)); });
  EXPECT_FALSE(Has(to_b, "blocked")) << text_;
  EXPECT_FALSE(Has(to_b, "suspended_until")) << text_;
  EXPECT_EQ(text_.find(PublicId(b)), std::string::npos) << text_;
  for (Caller caller : {Caller::Member(a), Caller::Admin()}) {
    auto full = Render([&](JsonWriter& w) { WriteMember(w, state(), member(a), caller); });
    simdjson::dom::element first;
    ASSERT_EQ(full["blocked"].at(0).get(first), simdjson::SUCCESS) << text_;
    EXPECT_EQ(std::string_view(first.get_string().value_unsafe()), PublicId(b));
    EXPECT_TRUE(Has(full, "counts")) << text_;
  }
}

TEST_F(ViewsTest, ApiKeyAppearsOnlyWhenGiven) {
  MemberId m = Register();
  auto plain = Render([&](JsonWriter& w) { WriteMember(w, state(), member(m), Caller::Admin()); });
  EXPECT_FALSE(Has(plain, "api_key"));
  auto created = Render(
      [&](JsonWriter& w) { WriteMember(w, state(), member(m), Caller::Admin(), "sk_live_x"); });
  EXPECT_EQ(Str(created, "api_key"), "sk_live_x");
}

TEST_F(ViewsTest, MemberProfileNamesProcessesRolesAndClusters) {
  MemberId m = Register({.roles = kRoleSupplier, .certifications = {"ISO9001"}});
  ClusterId k = AddCluster("Липецкий кластер", {m});
  auto root = Render([&](JsonWriter& w) { WriteMember(w, state(), member(m), Caller::Member(m)); });
  EXPECT_EQ(Str(root, "id"), PublicId(m));
  EXPECT_EQ(text_.find(R"("roles":["supplier"])") != std::string::npos, true) << text_;
  EXPECT_EQ(Size(root, "processes"), 2u) << text_;
  EXPECT_NE(text_.find(R"("certifications":["ISO9001"])"), std::string::npos) << text_;
  EXPECT_NE(text_.find(R"("clusters":[")" + PublicId(k) + "\"]"), std::string::npos) << text_;
  EXPECT_EQ(Str(root, "status"), "active");
  EXPECT_EQ(Num(root, "reliability"), 0.8);
  auto cluster = Render([&](JsonWriter& w) { WriteCluster(w, state(), *state().cluster(k)); });
  EXPECT_EQ(Str(cluster, "name"), "Липецкий кластер");
  EXPECT_EQ(Size(cluster, "members"), 1u);
}

TEST_F(ViewsTest, ProcessesListEveryNodeWithParentUnitAndTariff) {
  auto root = Render([&](JsonWriter& w) { WriteProcesses(w, state().taxonomy()); });
  EXPECT_EQ(Size(root, "items"), state().taxonomy().size());
  EXPECT_NE(text_.find(R"({"code":"machining","name":"Machining","parent":null,)"
                       R"("unit":"machine_hour","tariff":0.4})"),
            std::string::npos)
      << text_;
  EXPECT_NE(text_.find(R"({"code":"casting.steel","name":"Steel casting","parent":"casting",)"
                       R"("unit":"kg","tariff":0.01})"),
            std::string::npos)
      << text_;
}

TEST_F(ViewsTest, TariffsReadAsTheDecimalsTheyWereWrittenAs) {
  absl::StatusOr<Taxonomy> t = Taxonomy::Create(
      {{"welding", "Welding", "machine_hour", 0.07}, {"casting", "Casting", "kg", 0.0007}});
  ASSERT_TRUE(t.ok()) << t.status();
  auto root = Render([&](JsonWriter& w) { WriteProcesses(w, *t); });
  EXPECT_NE(text_.find(R"("tariff":0.07})"), std::string::npos) << text_;
  std::set<double> tariffs;
  simdjson::dom::array items;
  ASSERT_EQ(root["items"].get(items), simdjson::SUCCESS);
  for (simdjson::dom::element item : items) {
    tariffs.insert(Num(item, "tariff"));
  }
  EXPECT_EQ(tariffs, (std::set<double>{0.07, 0.0007})) << text_;
}

TEST_F(ViewsTest, EventDataNeverCarriesAKeyHash) {
  const std::string hash(64, 'a');
  MemberId m = Register();
  Event e{7, now_, KeyIssued{.hash = hash, .kind = KeyKind::kMember, .member = m}};
  auto root = Render([&](JsonWriter& w) { WriteEvent(w, state().taxonomy(), e); });
  EXPECT_EQ(text_.find(hash), std::string::npos) << text_;
  EXPECT_EQ(Str(root, "type"), "key.issued");
  simdjson::dom::element data;
  ASSERT_EQ(root["data"].get(data), simdjson::SUCCESS);
  EXPECT_EQ(Keys(data), (std::set<std::string>{"key", "member", "kind", "label"}));
}

TEST_F(ViewsTest, EveryEventOfATradeRendersWithItsTypeAndPublicIds) {
  Trade();
  ASSERT_FALSE(Run(WithdrawOffer{.by = supplier_, .offer = offer_}).rejection.has_value());
  OrderId rest = Place(customer_, {.quantity = 500, .max_unit_price = 350000});
  ASSERT_FALSE(Run(CancelOrder{.by = customer_, .order = rest}).rejection.has_value());
  ASSERT_FALSE(events().empty());
  for (const Event& e : events()) {
    auto root = Render([&](JsonWriter& w) { WriteEvent(w, state().taxonomy(), e); });
    EXPECT_EQ(Keys(root), (std::set<std::string>{"seq", "type", "at", "data"})) << text_;
    EXPECT_EQ(Str(root, "type"), EventType(e.body));
    EXPECT_EQ(Num(root, "seq"), static_cast<double>(e.seq));
    if (std::holds_alternative<ContractCreated>(e.body)) {
      simdjson::dom::element data;
      ASSERT_EQ(root["data"].get(data), simdjson::SUCCESS);
      EXPECT_EQ(Str(data, "offer"), PublicId(offer_));
      EXPECT_TRUE(Has(data, "score")) << text_;
      EXPECT_EQ(Num(data, "unit_price"), 3100.0);
    }
    if (std::holds_alternative<OfferPosted>(e.body)) {
      simdjson::dom::element data;
      ASSERT_EQ(root["data"].get(data), simdjson::SUCCESS);
      EXPECT_EQ(Str(data, "process"), "machining.milling.cnc_5axis");
    }
  }
}

TEST_F(ViewsTest, ContractShowsItsStateAndNoConfirmationDeadlineWhenAutoAccepted) {
  Trade();
  auto root = Render([&](JsonWriter& w) { WriteContract(w, state(), ContractOf(order_)); });
  EXPECT_EQ(Str(root, "state"), "active");
  EXPECT_TRUE(root["confirm_by"].is_null()) << text_;
  EXPECT_EQ(Str(root, "order"), PublicId(order_));
  EXPECT_EQ(Str(root, "customer"), PublicId(customer_));
  EXPECT_EQ(Size(root, "days"), 2u);
}

TEST_F(ViewsTest, AbsentDistanceLimitIsNull) {
  Trade();
  auto root = Render(
      [&](JsonWriter& w) { WriteOrder(w, state(), order(order_), Caller::Member(customer_)); });
  EXPECT_TRUE(root["max_distance_km"].is_null()) << text_;
  EXPECT_EQ(Str(root, "start"), "2026-12-01");
  EXPECT_EQ(Str(root, "expires_at"), "2026-12-21T00:00:00Z");
}

}  // namespace
}  // namespace subex
