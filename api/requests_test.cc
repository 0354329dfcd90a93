#include "api/requests.h"

#include <algorithm>
#include <functional>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "api/ids.h"
#include "engine/civil_time.h"
#include "gtest/gtest.h"

namespace subex {
namespace {

const MemberId kCustomer{7};

template <class T>
T Ok(Parsed<T> parsed) {
  if (auto* p = std::get_if<Problem>(&parsed)) {
    ADD_FAILURE() << RenderProblem(*p);
    return T{};
  }
  return std::get<T>(std::move(parsed));
}

template <class T>
Problem Bad(const Parsed<T>& parsed) {
  if (auto* p = std::get_if<Problem>(&parsed)) return *p;
  ADD_FAILURE() << "accepted";
  return {};
}

std::vector<std::string> Fields(const Problem& p) {
  std::vector<std::string> out;
  for (const FieldError& e : p.errors) out.push_back(e.field);
  return out;
}

// PRODUCT §6, word for word.
constexpr std::string_view kExampleOrder =
    R"({"title":"Hydraulic valve bodies","process":"machining.milling","quantity":240,
      "start":"2026-12-01","due":"2026-12-20","max_unit_price":3500.00,"max_distance_km":800,
      "certifications":["ISO9001"],"tags":["steel"],"needs":{"max_length_mm":900},"min_lot":40,
      "mode":"auto","visibility":"public"})";

TEST(RequestsTest, TheProductExampleOrderParsesToItsCommand) {
  PlaceOrder c = Ok(ParsePlaceOrder(kExampleOrder, kCustomer));
  EXPECT_EQ(c.by, kCustomer);
  EXPECT_EQ(c.title, "Hydraulic valve bodies");
  EXPECT_EQ(c.process, "machining.milling");
  EXPECT_EQ(c.quantity, 240);
  EXPECT_EQ(c.start, ParseDay("2026-12-01"));
  EXPECT_EQ(c.due, ParseDay("2026-12-20"));
  EXPECT_EQ(c.max_unit_price, 350000);
  EXPECT_EQ(c.location, std::nullopt);
  EXPECT_EQ(c.max_distance_km, 800.0);
  EXPECT_EQ(c.certifications, std::vector<std::string>{"ISO9001"});
  EXPECT_EQ(c.tags, std::vector<std::string>{"steel"});
  EXPECT_EQ(c.needs, (NamedValues{{"max_length_mm", 900}}));
  EXPECT_EQ(c.min_lot, 40);
  EXPECT_EQ(c.mode, OrderMode::kAuto);
  EXPECT_EQ(c.visibility, Visibility::kPublic);
  EXPECT_TRUE(c.visible_to_clusters.empty() && c.invited.empty() && c.prefer_clusters.empty());
  EXPECT_EQ(c.cluster_bonus, 0);
  EXPECT_EQ(c.expires_at, std::nullopt);
}

TEST(RequestsTest, OrderListsOfIdsAndTheRestOfTheFields) {
  std::string body = absl::StrCat(
      R"({"title":"Отливки корпусов","process":"casting.steel.investment","quantity":10,)",
      R"("start":"2026-12-01","due":"2026-12-20","location":{"lat":52.6,"lon":39.57},)",
      R"("mode":"rfq","visibility":"clusters","clusters":[")", PublicId(ClusterId{3}),
      R"("],"invited":[")", PublicId(MemberId{9}), R"("],"prefer_clusters":[")",
      PublicId(ClusterId{4}), R"("],"cluster_bonus":0.1,"expires_at":"2026-12-10T12:00:00Z"})");
  PlaceOrder c = Ok(ParsePlaceOrder(body, kCustomer));
  EXPECT_EQ(c.title, "Отливки корпусов");
  EXPECT_EQ(c.location, (GeoPoint{52.6, 39.57}));
  EXPECT_EQ(c.mode, OrderMode::kRfq);
  EXPECT_EQ(c.visibility, Visibility::kClusters);
  EXPECT_EQ(c.visible_to_clusters, std::vector<ClusterId>{ClusterId{3}});
  EXPECT_EQ(c.invited, std::vector<MemberId>{MemberId{9}});
  EXPECT_EQ(c.prefer_clusters, std::vector<ClusterId>{ClusterId{4}});
  EXPECT_EQ(c.cluster_bonus, 10);
  EXPECT_EQ(c.expires_at, ParseInstant("2026-12-10T12:00:00Z"));
  EXPECT_EQ(c.min_lot, std::nullopt);
  EXPECT_EQ(c.max_unit_price, 0);  // Absent; the engine requires it in auto mode.
}

TEST(RequestsTest, AnUnknownFieldIsA400NamingIt) {
  std::string body(kExampleOrder);
  body.replace(body.find("\"quantity\""), 10, "\"qunatity\"");
  Problem p = Bad(ParsePlaceOrder(body, kCustomer));
  EXPECT_EQ(p.status, 400);
  EXPECT_EQ(p.errors, (std::vector<FieldError>{{"qunatity", "unknown field"}}));
  EXPECT_EQ(Fields(Bad(ParsePlaceOrder(R"({"location":{"lat":1,"lon":2,"alt":3},"colour":"red"})",
                                       kCustomer))),
            (std::vector<std::string>{"location.alt", "colour"}));
}

TEST(RequestsTest, ADuplicateFieldIsA400) {
  Problem p = Bad(ParsePostOffer(R"({"unit_price":1,"unit_price":2})", kCustomer));
  EXPECT_EQ(p.status, 400);
  EXPECT_EQ(p.errors.at(0).field, "unit_price");
}

TEST(RequestsTest, EveryBadAndMissingFieldIsReportedInOne422) {
  Problem p =
      Bad(ParsePlaceOrder(R"({"title":7,"quantity":1.5,"start":"2026-02-30","due":"2026-12-20",)"
                          R"("max_unit_price":3500.001,"tags":["steel",3],"mode":"fast",)"
                          R"("clusters":["m_0000000","k_"]})",
                          kCustomer));
  EXPECT_EQ(p.status, 422);
  EXPECT_EQ(p.type, "invalid-values");
  EXPECT_EQ(Fields(p),
            (std::vector<std::string>{"process", "title", "quantity", "start", "max_unit_price",
                                      "tags[1]", "mode", "clusters[0]", "clusters[1]"}));
  EXPECT_EQ(p.errors.at(0).reason, "is required");
  EXPECT_EQ(p.errors.at(7).reason, "must be a cluster id (k_...)");
}

TEST(RequestsTest, RegisterMemberReadsRolesAsBits) {
  RegisterMember c = Ok(ParseRegisterMember(
      R"({"name":"ООО «Липецкий станкозавод»","inn":"4826012345","region":"RU-LIP",)"
      R"("location":{"lat":52.61,"lon":39.59},"roles":["supplier","customer"],)"
      R"("processes":["machining.milling"],"certifications":["ISO9001","AS9100"]})"));
  EXPECT_EQ(c.by, kOperator);
  EXPECT_EQ(c.name, "ООО «Липецкий станкозавод»");
  EXPECT_EQ(c.inn, "4826012345");  // Check digits are the engine's to verify.
  EXPECT_EQ(c.region, "RU-LIP");
  EXPECT_EQ(c.location, (GeoPoint{52.61, 39.59}));
  EXPECT_EQ(c.roles, kRoleCustomer | kRoleSupplier);
  EXPECT_EQ(c.processes, std::vector<std::string>{"machining.milling"});
  EXPECT_EQ(c.certifications, (std::vector<std::string>{"ISO9001", "AS9100"}));

  Problem p = Bad(ParseRegisterMember(
      R"({"name":"x","inn":4826012345,"region":"RU-LIP","location":{"lat":1,"lon":2},)"
      R"("roles":["buyer"]})"));
  EXPECT_EQ(p.errors, (std::vector<FieldError>{{"inn", "must be a string"},
                                               {"roles[0]", "must be customer, supplier or platform"}}));
}

// Roles are a set (the document declares the list's items unique): a repeat is refused by name.
TEST(RequestsTest, RepeatedRolesAreRefused) {
  Problem p = Bad(ParseRegisterMember(
      R"({"name":"x","inn":"4826012345","region":"RU-LIP","location":{"lat":1,"lon":2},)"
      R"("roles":["customer","supplier","customer"]})"));
  EXPECT_EQ(p.status, 422);
  EXPECT_EQ(p.errors, (std::vector<FieldError>{{"roles[2]", "repeats a role listed before"}}));
  p = Bad(ParseUpdateMember(R"({"roles":["platform","platform"]})", kCustomer, MemberId{3}));
  EXPECT_EQ(p.errors, (std::vector<FieldError>{{"roles[1]", "repeats a role listed before"}}));
}

TEST(RequestsTest, UpdateMemberSetsOnlyWhatThePatchNames) {
  UpdateMember c =
      Ok(ParseUpdateMember(R"({"certifications":[],"region":"RU-VOR"})", kCustomer, MemberId{3}));
  EXPECT_EQ(c.by, kCustomer);
  EXPECT_EQ(c.member, MemberId{3});
  EXPECT_EQ(c.region, "RU-VOR");
  EXPECT_EQ(c.certifications, std::vector<std::string>{});
  EXPECT_FALSE(c.name || c.location || c.roles || c.processes);
}

TEST(RequestsTest, AnEmptyPatchIsA422) {
  Problem p = Bad(ParseUpdateMember("{}", kCustomer, kCustomer));
  EXPECT_EQ(p.status, 422);
  EXPECT_EQ(Bad(ParseUpdateMember(R"({"inn":"4826012345"})", kCustomer, kCustomer)).status, 400);
}

TEST(RequestsTest, CreateClusterNeedsAKnownKind) {
  CreateCluster c =
      Ok(ParseCreateCluster(R"({"name":"Липецкий кластер","region":"RU-LIP","kind":"regional"})"));
  EXPECT_EQ(c.kind, ClusterKind::kRegional);
  Problem p = Bad(ParseCreateCluster(R"({"name":"x","region":"RU-LIP","kind":"global"})"));
  EXPECT_EQ(
      p.errors,
      (std::vector<FieldError>{{"kind", "must be local, regional, virtual or international"}}));
}

TEST(RequestsTest, TheProductExampleOfferParsesToItsCommand) {
  PostOffer c = Ok(ParsePostOffer(
      R"({"process":"machining.milling.cnc_5axis","daily_capacity":16,
          "from":"2026-12-01","to":"2026-12-31","unit_price":3200.00,"min_lot":8,"tags":["steel"],
          "limits":{"max_length_mm":1200},"auto_accept":true})",
      MemberId{2}));
  EXPECT_EQ(c.by, MemberId{2});
  EXPECT_EQ(c.process, "machining.milling.cnc_5axis");
  EXPECT_EQ(c.daily_capacity, 16);
  EXPECT_EQ(c.from, ParseDay("2026-12-01"));
  EXPECT_EQ(c.to, ParseDay("2026-12-31"));
  EXPECT_EQ(c.unit_price, 320000);
  EXPECT_EQ(c.min_lot, 8);
  EXPECT_EQ(c.tags, std::vector<std::string>{"steel"});
  EXPECT_EQ(c.limits, (NamedValues{{"max_length_mm", 1200}}));
  EXPECT_TRUE(c.auto_accept);
  // Defaults for what is left out.
  PostOffer d = Ok(ParsePostOffer(
      R"({"process":"welding.tig","daily_capacity":4,"from":"2026-12-01","to":"2026-12-02",)"
      R"("unit_price":0.1})",
      MemberId{2}));
  EXPECT_EQ(d.unit_price, 10);
  EXPECT_EQ(d.min_lot, 1);
  EXPECT_TRUE(d.auto_accept);
}

TEST(RequestsTest, DailyCapacityMustFitTheCommandsInteger) {
  Problem p = Bad(
      ParsePostOffer(R"({"process":"welding.tig","daily_capacity":2147483648,"from":"2026-12-01",)"
                     R"("to":"2026-12-02","unit_price":1})",
                     MemberId{2}));
  EXPECT_EQ(Fields(p), std::vector<std::string>{"daily_capacity"});
}

// A value of the wrong JSON type for a field of this kind.
std::string_view WrongTypeFor(FieldKind kind) {
  switch (kind) {
    case FieldKind::kNamedNumbers:
    case FieldKind::kLocation:
      return "[]";
    default:
      return "{}";
  }
}

TEST(RequestsTest, DidRequestReadsItsDesign) {
  Parsed<DidDesign> parsed = ParseDidRequest(
      absl::StrCat(R"({"cluster":")", PublicId(ClusterId{1}),
                   R"(","metric":"fill_rate","before_from":"2025-12","before_to":"2026-05",)"
                   R"("after_from":"2026-06","after_to":"2026-11","control":"non_members"})"));
  ASSERT_TRUE(std::holds_alternative<DidDesign>(parsed))
      << RenderProblem(std::get<Problem>(parsed));
  const DidDesign& d = std::get<DidDesign>(parsed);
  EXPECT_EQ(d.cluster, ClusterId{1});
  EXPECT_EQ(d.metric, DidMetric::kFillRate);
  EXPECT_EQ(FormatMonth(d.before_from), "2025-12");
  EXPECT_EQ(FormatMonth(d.after_to), "2026-11");
  EXPECT_EQ(d.control, DidControl::kNonMembers);
  Problem p = Bad(ParseDidRequest(
      R"({"cluster":"m_x","metric":"profit","before_from":"2025-13","before_to":"2026-05-01"})"));
  EXPECT_EQ(Fields(p), (std::vector<std::string>{"after_from", "after_to", "cluster", "metric",
                                                 "before_from", "before_to"}));
}

// A valid public id of the kind `prefix` names.
std::string IdWithPrefix(std::string_view prefix) {
  if (prefix == "k_") return PublicId(ClusterId{1});
  if (prefix == "f_") return PublicId(OfferId{1});
  if (prefix == "b_") return PublicId(BidId{1});
  return PublicId(MemberId{1});
}

// A value of the right type that converts, for a field of this kind.
std::string GoodValueFor(const BodyField& f) {
  switch (f.kind) {
    case FieldKind::kString:
      return "\"x\"";
    case FieldKind::kEnum:
      return absl::StrCat("\"", std::string(f.values.substr(0, f.values.find('|'))), "\"");
    case FieldKind::kInteger:
      return "1";
    case FieldKind::kNumber:
      return "1.5";
    case FieldKind::kMoney:
      return "1.25";
    case FieldKind::kBoolean:
      return "false";
    case FieldKind::kDate:
      return "\"2026-12-01\"";
    case FieldKind::kInstant:
      return "\"2026-12-01T00:00:00Z\"";
    case FieldKind::kStringList:
      return "[\"a\"]";
    case FieldKind::kEnumList:
      return absl::StrCat("[\"", std::string(f.values.substr(0, f.values.find('|'))), "\"]");
    case FieldKind::kId:
      return absl::StrCat("\"", IdWithPrefix(f.values), "\"");
    case FieldKind::kIdList:
      return absl::StrCat("[\"", IdWithPrefix(f.values), "\"]");
    case FieldKind::kNamedNumbers:
      return "{\"a\":1}";
    case FieldKind::kLocation:
      return "{\"lat\":1,\"lon\":2}";
    case FieldKind::kMonth:
      return "\"2026-12\"";
  }
  return "null";
}

struct Table {
  std::string_view name;
  std::span<const BodyField> fields;
  std::function<std::optional<Problem>(std::string_view)> parse;
};

template <class T>
std::optional<Problem> ProblemOf(const Parsed<T>& parsed) {
  if (auto* p = std::get_if<Problem>(&parsed)) return *p;
  return std::nullopt;
}

std::vector<Table> Tables() {
  return {
      {"RegisterMember", kRegisterMemberBody,
       [](std::string_view b) { return ProblemOf(ParseRegisterMember(b)); }},
      {"UpdateMember", kUpdateMemberBody,
       [](std::string_view b) { return ProblemOf(ParseUpdateMember(b, kCustomer, kCustomer)); }},
      {"CreateCluster", kCreateClusterBody,
       [](std::string_view b) { return ProblemOf(ParseCreateCluster(b)); }},
      {"PostOffer", kPostOfferBody,
       [](std::string_view b) { return ProblemOf(ParsePostOffer(b, kCustomer)); }},
      {"PlaceOrder", kPlaceOrderBody,
       [](std::string_view b) { return ProblemOf(ParsePlaceOrder(b, kCustomer)); }},
      {"PlaceBid", kPlaceBidBody,
       [](std::string_view b) { return ProblemOf(ParsePlaceBid(b, kCustomer, OrderId{1})); }},
      {"AwardBids", kAwardBidsBody,
       [](std::string_view b) { return ProblemOf(ParseAwardBids(b, kCustomer, OrderId{1})); }},
      {"ContractStep", kContractStepBody,
       [](std::string_view b) { return ProblemOf(ParseContractStep(b)); }},
      {"Did", kDidBody, [](std::string_view b) { return ProblemOf(ParseDidRequest(b)); }},
  };
}

// The tables are what the OpenAPI document will be checked against, so every field they list
// must be read, with the kind they say, and nothing else may be accepted.
TEST(RequestsTest, EveryTableFieldIsReadWithItsKind) {
  for (const Table& t : Tables()) {
    for (const BodyField& f : t.fields) {
      std::string body =
          absl::StrCat("{\"", std::string(f.name), "\":", std::string(WrongTypeFor(f.kind)), "}");
      std::optional<Problem> p = t.parse(body);
      ASSERT_TRUE(p) << t.name << " " << f.name;
      EXPECT_EQ(p->status, 422) << t.name << " " << f.name;
      std::vector<std::string> fields = Fields(*p);
      EXPECT_NE(std::find(fields.begin(), fields.end(), std::string(f.name)), fields.end())
          << t.name << " " << f.name << ": " << RenderProblem(*p);
    }
  }
}

TEST(RequestsTest, EveryTableFieldAcceptsAValueOfItsKind) {
  for (const Table& t : Tables()) {
    std::string body = "{";
    for (const BodyField& f : t.fields) {
      absl::StrAppend(&body, body.size() > 1 ? "," : "", "\"", std::string(f.name),
                      "\":", GoodValueFor(f));
    }
    body += "}";
    std::optional<Problem> p = t.parse(body);
    EXPECT_FALSE(p) << t.name << ": " << body << " → " << RenderProblem(*p);
  }
}

TEST(RequestsTest, EveryEnumChoiceInTheTablesIsAccepted) {
  for (const Table& t : Tables()) {
    for (const BodyField& f : t.fields) {
      if (f.kind != FieldKind::kEnum && f.kind != FieldKind::kEnumList) continue;
      for (absl::string_view choice :
           absl::StrSplit(absl::string_view(f.values.data(), f.values.size()), '|')) {
        std::string value = absl::StrCat("\"", choice, "\"");
        if (f.kind == FieldKind::kEnumList) value = "[" + value + "]";
        std::optional<Problem> p =
            t.parse(absl::StrCat("{\"", std::string(f.name), "\":", value, "}"));
        if (p) {
          EXPECT_EQ(
              std::find(p->errors.begin(), p->errors.end(), FieldError{std::string(f.name), ""}),
              p->errors.end());
          for (const FieldError& e : p->errors) {
            EXPECT_NE(e.field.substr(0, f.name.size()), f.name)
                << t.name << " " << f.name << "=" << std::string(choice) << ": " << e.reason;
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace subex
