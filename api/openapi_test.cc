#include "api/openapi.h"

#include <cctype>
#include <map>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "analytics/cluster_stats.h"
#include "analytics/did.h"
#include "analytics/did_panel.h"
#include "analytics/fairness.h"
#include "api/analytics_views.h"
#include "api/caller.h"
#include "api/json_writer.h"
#include "api/requests.h"
#include "api/service.h"
#include "api/views.h"
#include "engine/test_fixture.h"
#include "gtest/gtest.h"
#include "simdjson.h"

namespace subex {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

// Of an element or a lookup result; an absent member (an error result) reads as empty, never as
// an exception.
template <class E>
std::set<std::string> Keys(E e) {
  std::set<std::string> keys;
  object o;
  if (e.get(o) != simdjson::SUCCESS) return keys;
  for (auto field : o) keys.emplace(field.key);
  return keys;
}

template <class E>
std::set<std::string> Strings(E e) {
  std::set<std::string> out;
  array a;
  if (e.get(a) != simdjson::SUCCESS) return out;
  for (element item : a) {
    std::string_view s;
    if (item.get(s) == simdjson::SUCCESS) out.emplace(s);
  }
  return out;
}

class OpenApiTest : public test::ExchangeTest {
 protected:
  void SetUp() override {
    ASSERT_EQ(parser_.parse(OpenApiDocument().data(), OpenApiDocument().size()).get(doc_),
              simdjson::SUCCESS);
  }

  element Schema(std::string_view name) {
    element schema;
    EXPECT_EQ(doc_["components"]["schemas"][name].get(schema), simdjson::SUCCESS) << name;
    return schema;
  }

  // The properties and required names of a component schema, through one level of allOf.
  std::pair<std::set<std::string>, std::set<std::string>> Fields(std::string_view name) {
    element schema = Schema(name);
    std::set<std::string> properties = Keys(schema["properties"]);
    std::set<std::string> required = Strings(schema["required"]);
    array parts;
    if (schema["allOf"].get(parts) == simdjson::SUCCESS) {
      for (element part : parts) {
        std::string_view ref;
        if (part["$ref"].get(ref) == simdjson::SUCCESS) {
          auto [p, r] = Fields(ref.substr(ref.rfind('/') + 1));
          properties.insert(p.begin(), p.end());
          required.insert(r.begin(), r.end());
        }
        for (const std::string& k : Keys(part["properties"])) properties.insert(k);
        for (const std::string& k : Strings(part["required"])) required.insert(k);
      }
    }
    return {properties, required};
  }

  // Every key the view wrote is a property of the schema, and every required property is there.
  template <class F>
  void ExpectViewMatches(std::string_view schema_name, F write) {
    JsonWriter w;
    write(w);
    std::string text = std::move(w).Take();
    simdjson::dom::parser parser;
    element view;
    ASSERT_EQ(parser.parse(text).get(view), simdjson::SUCCESS) << text;
    auto [properties, required] = Fields(schema_name);
    std::set<std::string> written = Keys(view);
    for (const std::string& key : written) {
      EXPECT_TRUE(properties.contains(key)) << schema_name << " does not declare " << key;
    }
    for (const std::string& key : required) {
      EXPECT_TRUE(written.contains(key)) << schema_name << " requires " << key << ": " << text;
    }
  }

  void ExpectBodyMatches(std::string_view schema_name, std::span<const BodyField> table) {
    std::set<std::string> names, required;
    for (const BodyField& f : table) {
      names.emplace(f.name);
      if (f.required) required.emplace(f.name);
    }
    auto [properties, schema_required] = Fields(schema_name);
    EXPECT_EQ(properties, names) << schema_name;
    EXPECT_EQ(schema_required, required) << schema_name;
    bool additional = true;
    EXPECT_EQ(Schema(schema_name)["additionalProperties"].get(additional), simdjson::SUCCESS);
    EXPECT_FALSE(additional) << schema_name << " must refuse unknown fields, as the server does";
  }

  simdjson::dom::parser parser_;
  element doc_;
};

TEST_F(OpenApiTest, EmbeddedDocumentIsOpenApi31) {
  std::string_view version;
  ASSERT_EQ(doc_["openapi"].get(version), simdjson::SUCCESS);
  EXPECT_EQ(version.substr(0, 4), "3.1.");
}

// The route table the server dispatches on and the document describe the same paths and methods.
TEST_F(OpenApiTest, DescribesEveryRouteTheServiceServes) {
  std::map<std::string, std::set<std::string>> served;
  for (const Service::Route& r : Service::Routes()) {
    std::string method(r.method);
    for (char& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    served[std::string(r.pattern)].insert(method);
  }
  EXPECT_GE(served.size(), 19u);
  object paths;
  ASSERT_EQ(doc_["paths"].get(paths), simdjson::SUCCESS);
  std::set<std::string> documented;
  for (auto [path, item] : paths) {
    documented.emplace(path);
    std::set<std::string> methods = Keys(item);
    methods.erase("parameters");
    auto it = served.find(std::string(path));
    ASSERT_NE(it, served.end()) << path << " is documented but not served";
    EXPECT_EQ(methods, it->second) << path;
  }
  for (const auto& [path, methods] : served) {
    EXPECT_TRUE(documented.contains(path)) << path << " is served but not documented";
  }
}

// An operation that takes If-Match answers 412 (stale) and 428 (missing, when required), and only
// changes take it; which changes do is walked against the server in tests/if_match_e2e_test.cc.
TEST_F(OpenApiTest, IfMatchComesWithItsPreconditionAnswers) {
  size_t taking = 0;
  for (const Service::Route& r : Service::Routes()) {
    std::string method(r.method);
    for (char& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    element op;
    ASSERT_EQ(doc_["paths"][r.pattern][method].get(op), simdjson::SUCCESS) << r.pattern;
    bool listed = false;
    array params;
    if (op["parameters"].get(params) == simdjson::SUCCESS) {
      for (element p : params) {
        std::string_view ref;
        listed |= p["$ref"].get(ref) == simdjson::SUCCESS &&
                  ref == "#/components/parameters/IfMatch";
      }
    }
    const std::string name = std::string(r.method) + " " + std::string(r.pattern);
    EXPECT_EQ(op["responses"]["412"].error() == simdjson::SUCCESS, listed) << name;
    EXPECT_EQ(op["responses"]["428"].error() == simdjson::SUCCESS, listed) << name;
    if (listed) {
      EXPECT_NE(r.method, "GET") << name << ": a read takes no If-Match";
      EXPECT_NE(r.access, Service::Access::kPublic) << name;
      ++taking;
    }
  }
  EXPECT_EQ(taking, 19u) << "the changes of objects with a revision (if_match_e2e_test's list)";
}

TEST_F(OpenApiTest, ErrorsAreProblemDetails) {
  object responses;
  ASSERT_EQ(doc_["components"]["responses"].get(responses), simdjson::SUCCESS);
  for (auto [name, response] : responses) {
    element schema;
    EXPECT_EQ(response["content"]["application/problem+json"]["schema"].get(schema),
              simdjson::SUCCESS)
        << name;
  }
  EXPECT_EQ(Fields("Problem").second,
            (std::set<std::string>{"type", "title", "status", "detail", "errors"}));
}

TEST_F(OpenApiTest, RequestBodiesAcceptExactlyTheFieldsTheServerReads) {
  ExpectBodyMatches("RegisterMemberRequest", kRegisterMemberBody);
  ExpectBodyMatches("UpdateMemberRequest", kUpdateMemberBody);
  ExpectBodyMatches("CreateClusterRequest", kCreateClusterBody);
  ExpectBodyMatches("PostOfferRequest", kPostOfferBody);
  ExpectBodyMatches("PlaceOrderRequest", kPlaceOrderBody);
  ExpectBodyMatches("PlaceBidRequest", kPlaceBidBody);
  ExpectBodyMatches("AwardBidsRequest", kAwardBidsBody);
  ExpectBodyMatches("ContractStepRequest", kContractStepBody);
  ExpectBodyMatches("DidRequest", kDidBody);
}

// A cluster's statistics, a difference-in-differences estimate and the fairness report of a small
// market, in every analytics view.
TEST_F(OpenApiTest, SchemasDeclareWhatTheAnalyticsViewsWrite) {
  MemberId supplier = Register({.location = test::kVoronezh});
  MemberId customer = Register();
  MemberId other = Register();
  ClusterId cluster = AddCluster("Cluster", {supplier});
  Post(supplier);
  Place(customer);
  Place(other);
  const MarketHistory h = MarketHistory::FromState(state());
  const ClusterStats stats =
      ComputeClusterStats(h, cluster, test::D("2026-11-01"), test::D("2026-12-31"));
  ExpectViewMatches("ClusterStats", [&](JsonWriter& w) { WriteClusterStats(w, h, stats); });
  ExpectViewMatches("FairnessReport", [&](JsonWriter& w) {
    WriteFairness(w, h, ComputeFairness(h, test::D("2026-12-01"), test::D("2026-12-31")));
  });
  const DidDesign design{.cluster = cluster,
                         .metric = DidMetric::kContracts,
                         .before_from = *ParseMonth("2026-10"),
                         .before_to = *ParseMonth("2026-10"),
                         .after_from = *ParseMonth("2026-11"),
                         .after_to = *ParseMonth("2026-11")};
  std::vector<DidObservation> observations = {
      {true, false, 1}, {true, true, 2}, {false, false, 1}, {false, true, 1}, {false, true, 3}};
  absl::StatusOr<DidEstimate> estimate = EstimateDid(observations);
  ASSERT_TRUE(estimate.ok()) << estimate.status();
  ExpectViewMatches("DidEstimate", [&](JsonWriter& w) {
    WriteDidEstimate(w, design, BuildDidPanel(h, design), *estimate);
  });
}

// An rfq order, its bid after the close, and the contract of its award, in every view.
TEST_F(OpenApiTest, SchemasDeclareWhatTheRfqViewsWrite) {
  MemberId supplier = Register({.roles = kRoleSupplier});
  MemberId customer = Register({.roles = kRoleCustomer});
  OrderId order_id = Place(customer, {.mode = OrderMode::kRfq,
                                      .bids_close_at = test::At("2026-11-25T12:00:00Z")});
  Engine::Outcome placed =
      Run(PlaceBid{{.unit_price = 300000, .quantity = 16, .lead_days = 10}, supplier, order_id});
  ASSERT_FALSE(placed.rejection) << placed.rejection->message;
  const BidId bid_id = std::get<BidPlaced>(placed.events.front().body).bid;
  ExpectViewMatches("Bid", [&](JsonWriter& w) { WriteBid(w, *state().bid(bid_id)); });
  TickAt("2026-11-25T12:00:00Z");
  ASSERT_EQ(state().bid(bid_id)->status, BidStatus::kAwarded);
  ExpectViewMatches("Bid", [&](JsonWriter& w) { WriteBid(w, *state().bid(bid_id)); });
  for (Caller caller : {Caller::Admin(), Caller::Member(customer), Caller::Member(supplier)}) {
    ExpectViewMatches("Order",
                      [&](JsonWriter& w) { WriteOrder(w, state(), order(order_id), caller); });
    ExpectViewMatches("Member",
                      [&](JsonWriter& w) { WriteMember(w, state(), member(customer), caller); });
  }
  const Contract& contract = ContractOf(order_id);
  ExpectViewMatches("Contract", [&](JsonWriter& w) { WriteContract(w, state(), contract); });
  for (const Event& e : events()) {
    ExpectViewMatches("Event", [&](JsonWriter& w) { WriteEvent(w, state().taxonomy(), e); });
  }
}

TEST_F(OpenApiTest, SchemasDeclareWhatTheViewsWrite) {
  MemberId supplier = Register({.location = test::kVoronezh});
  MemberId customer = Register();
  ClusterId cluster = AddCluster("Cluster", {supplier});
  OfferId offer_id = Post(supplier);
  OrderId order_id = Place(customer);
  ASSERT_GT(Allocated(order_id), 0);
  const Contract& contract = ContractOf(order_id);
  for (Caller caller : {Caller::Admin(), Caller::Member(customer)}) {
    ExpectViewMatches("Member",
                      [&](JsonWriter& w) { WriteMember(w, state(), member(supplier), caller); });
    ExpectViewMatches("Offer",
                      [&](JsonWriter& w) { WriteOffer(w, state(), offer(offer_id), caller); });
    ExpectViewMatches("Order",
                      [&](JsonWriter& w) { WriteOrder(w, state(), order(order_id), caller); });
  }
  ExpectViewMatches("MemberCreated", [&](JsonWriter& w) {
    WriteMember(w, state(), member(customer), Caller::Admin(), "key");
  });
  ExpectViewMatches("Cluster",
                    [&](JsonWriter& w) { WriteCluster(w, state(), *state().cluster(cluster)); });
  ExpectViewMatches("Contract", [&](JsonWriter& w) { WriteContract(w, state(), contract); });
  ExpectViewMatches("Allocation", [&](JsonWriter& w) { WriteAllocation(w, state(), contract); });
  ExpectViewMatches("ProcessList", [&](JsonWriter& w) { WriteProcesses(w, state().taxonomy()); });
  ExpectViewMatches("Event",
                    [&](JsonWriter& w) { WriteEvent(w, state().taxonomy(), events().back()); });
}

TEST_F(OpenApiTest, ScoreDeclaresEveryTerm) {
  auto [properties, required] = Fields("Score");
  const std::set<std::string> terms = {"unit_price",  "transport",     "landed", "reliability",
                                       "risk_factor", "cluster_bonus", "total"};
  EXPECT_EQ(properties, terms);
  EXPECT_EQ(required, terms);
}

template <size_t... I>
std::set<std::string> AllEventTypes(std::index_sequence<I...>) {
  return {EventType(EventBody(std::in_place_index<I>))...};
}

TEST_F(OpenApiTest, EventTypesAreTheEnginesTypes) {
  EXPECT_EQ(Strings(Schema("Event")["properties"]["type"]["enum"]),
            AllEventTypes(std::make_index_sequence<std::variant_size_v<EventBody>>()));
}

}  // namespace
}  // namespace subex
