#include "api/json_reader.h"

#include <limits>

#include "absl/strings/str_cat.h"
#include "api/json_writer.h"
#include "engine/civil_time.h"
#include "gtest/gtest.h"

namespace subex {
namespace {

JsonValue Parse(std::string_view body) {
  std::variant<JsonValue, Problem> parsed = ParseJsonObject(body);
  if (auto* p = std::get_if<Problem>(&parsed)) {
    ADD_FAILURE() << body << " → " << RenderProblem(*p);
    return {};
  }
  return std::get<JsonValue>(std::move(parsed));
}

// The 400 problem the body gets, or a failure when it parses.
Problem Rejected(std::string_view body) {
  std::variant<JsonValue, Problem> parsed = ParseJsonObject(body);
  if (auto* p = std::get_if<Problem>(&parsed)) return *p;
  ADD_FAILURE() << "accepted: " << body;
  return {};
}

// The single value of {"v": <json>}.
JsonValue V(std::string_view json) {
  return Parse(absl::StrCat("{\"v\":", absl::string_view(json.data(), json.size()), "}"))
      .items.at(0);
}

std::optional<Kopecks> Money(std::string_view json, std::vector<FieldError>* errors = nullptr) {
  FieldReader r;
  std::optional<Kopecks> k = r.Money(V(json), "unit_price");
  if (errors) *errors = r.errors();
  return k;
}

TEST(JsonReaderTest, ReadsEveryKindOfValueKeepingMemberOrder) {
  JsonValue root = Parse(R"({"s":"x","n":-1.5e3,"b":true,"z":null,"a":[1,"y"],"o":{"k":0}})");
  ASSERT_EQ(root.keys, (std::vector<std::string>{"s", "n", "b", "z", "a", "o"}));
  EXPECT_EQ(root.Find("s")->text, "x");
  EXPECT_EQ(root.Find("n")->type, JsonValue::Type::kNumber);
  EXPECT_EQ(root.Find("n")->text, "-1.5e3");  // The number as written.
  EXPECT_TRUE(root.Find("b")->boolean);
  EXPECT_EQ(root.Find("z")->type, JsonValue::Type::kNull);
  EXPECT_EQ(root.Find("a")->items.size(), 2u);
  EXPECT_EQ(root.Find("o")->Find("k")->text, "0");
  EXPECT_EQ(root.Find("missing"), nullptr);
}

TEST(JsonReaderTest, CyrillicRoundTripsThroughReaderAndWriter) {
  const std::string name = "АО «Воронежский механический завод» — цех №3";
  JsonWriter w;
  w.BeginObject().KeyString("name", name).EndObject();
  JsonValue root = Parse(w.str());
  FieldReader r;
  EXPECT_EQ(r.String(*root.Find("name"), "name"), name);
  // Escaped forms read as the characters they stand for.
  EXPECT_EQ(V(R"("\u0410\"\\\n")").text, "А\"\\\n");
}

TEST(JsonReaderTest, MalformedJsonIsA400) {
  for (std::string_view body : {"",
                                "   ",
                                "{",
                                R"({"a":1)",
                                R"({"a" 1})",
                                R"({"a":1,})",
                                R"({"a":[1,]})",
                                R"({'a':1})",
                                R"({"a":nul})",
                                R"({"a":truex})",
                                R"({"a":Infinity})",
                                R"({"a":NaN})",
                                R"({"a":01})",
                                R"({"a":1.})",
                                R"({"a":-})",
                                R"({"a":.5})",
                                R"({"a":12abc})",
                                R"({"a":1 2})",
                                R"({"a":"\ud800"})",
                                "{\"a\":\"\xff\"}",
                                "{\"a\":\"\xd0\"}"}) {
    Problem p = Rejected(body);
    EXPECT_EQ(p.status, 400) << body;
    EXPECT_EQ(p.type, "bad-request") << body;
  }
}

TEST(JsonReaderTest, TheBodyMustBeOneObject) {
  EXPECT_EQ(Rejected("[1]").detail, "the body must be a JSON object");
  EXPECT_EQ(Rejected("5").detail, "the body must be a JSON object");
  EXPECT_EQ(Rejected("\"x\"").detail, "the body must be a JSON object");
}

TEST(JsonReaderTest, TrailingBytesAfterTheObjectAreA400) {
  for (std::string_view body :
       {"{} x", "{}}", "{} {}", R"({"a":1}x)", R"({"a":{"b":1}}])", "{}\n{}"}) {
    EXPECT_EQ(Rejected(body).status, 400) << body;
  }
  Parse(" {\"a\":1} \r\n\t ");  // Whitespace around the object is fine.
}

TEST(JsonReaderTest, DuplicateKeysAreA400NamingTheKey) {
  Problem p = Rejected(R"({"quantity":1,"quantity":2})");
  EXPECT_EQ(p.status, 400);
  EXPECT_EQ(p.errors, (std::vector<FieldError>{{"quantity", "duplicate key"}}));
  // Keys are compared after unescaping, and inside nested objects too.
  EXPECT_EQ(Rejected(R"({"a":1,"\u0061":2})").errors.at(0).field, "a");
  EXPECT_EQ(Rejected(R"({"needs":{"x":1,"x":2}})").errors.at(0).field, "needs.x");
  EXPECT_EQ(Rejected(R"({"l":[{"x":1},{"x":1,"x":2}]})").errors.at(0).field, "l[1].x");
  Parse(R"({"a":{"x":1},"b":{"x":1}})");  // The same key in different objects is fine.
}

TEST(JsonReaderTest, NestingDeeperThanTheLimitIsA400) {
  // The top-level object is depth 1: seven arrays inside it reach depth 8, the limit.
  Parse(R"({"a":[[[[[[[]]]]]]]})");
  Problem p = Rejected(R"({"a":[[[[[[[[]]]]]]]]})");
  EXPECT_EQ(p.status, 400);
  EXPECT_EQ(p.errors.at(0).field, "a[0][0][0][0][0][0][0]");
  EXPECT_EQ(Rejected(R"({"a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":{}}}}}}}}})").status, 400);
  EXPECT_EQ(Rejected(std::string(100000, '[') + std::string(100000, ']')).status, 400);
  std::string deep = "{\"a\":" + std::string(10000, '[') + std::string(10000, ']') + "}";
  EXPECT_EQ(Rejected(deep).status, 400);
  EXPECT_EQ(ParseJsonObject(R"({"a":[[]]})", {.max_depth = 2}).index(), 1u);
}

TEST(JsonReaderTest, WrongTypesAreCollectedOnePerField) {
  JsonValue root = Parse(R"({"title":5,"quantity":"240","due":20261220,"tags":["steel",7,null]})");
  FieldReader r;
  EXPECT_FALSE(r.String(*root.Find("title"), "title"));
  EXPECT_FALSE(r.Integer(*root.Find("quantity"), "quantity", 1, 100));
  EXPECT_FALSE(r.Date(*root.Find("due"), "due"));
  EXPECT_FALSE(r.Strings(*root.Find("tags"), "tags"));
  std::vector<std::string> fields;
  for (const FieldError& e : r.errors()) fields.push_back(e.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"title", "quantity", "due", "tags[1]", "tags[2]"}));
}

TEST(JsonReaderTest, IntegersMustBeWrittenAsIntegersInRange) {
  FieldReader r;
  EXPECT_EQ(r.Integer(V("240"), "q", 1, 1000), 240);
  EXPECT_EQ(r.Integer(V("-7"), "q", -10, 10), -7);
  EXPECT_TRUE(r.ok());
  for (std::string_view bad :
       {"1.5", "240.0", "1e3", "0", "1001", "99999999999999999999", "true"}) {
    FieldReader r2;
    EXPECT_FALSE(r2.Integer(V(bad), "quantity", 1, 1000)) << bad;
    EXPECT_EQ(r2.errors(),
              (std::vector<FieldError>{{"quantity", "must be an integer from 1 to 1000"}}))
        << bad;
  }
}

TEST(JsonReaderTest, MoneyConvertsExactlyFromTheNumberAsWritten) {
  EXPECT_EQ(Money("3500"), 350000);
  EXPECT_EQ(Money("3500.5"), 350050);
  EXPECT_EQ(Money("3500.00"), 350000);
  EXPECT_EQ(Money("0.1"), 10);   // Not 9.999… kopecks.
  EXPECT_EQ(Money("0.29"), 29);  // 0.29 * 100 is 28.999999999999996 in doubles.
  EXPECT_EQ(Money("1.15"), 115);
  EXPECT_EQ(Money("0"), 0);
  EXPECT_EQ(Money("-0"), 0);
  EXPECT_EQ(Money("0.01"), 1);
  EXPECT_EQ(Money("3500.500"), 350050);  // A whole number of kopecks, however spelled.
  EXPECT_EQ(Money("3.5e3"), 350000);
  EXPECT_EQ(Money("1E-2"), 1);
  EXPECT_EQ(Money("92233720368547758.07"), std::numeric_limits<Kopecks>::max());
}

TEST(JsonReaderTest, MoneyRejectsFractionsOfKopecksNegativesAndOverflow) {
  std::vector<FieldError> errors;
  EXPECT_FALSE(Money("3500.001", &errors));
  EXPECT_EQ(errors, (std::vector<FieldError>{
                        {"unit_price", "must be an amount in roubles with at most two decimals"}}));
  EXPECT_FALSE(Money("0.005"));
  EXPECT_FALSE(Money("1e-3"));
  EXPECT_FALSE(Money("-5", &errors));
  EXPECT_EQ(errors.at(0).reason, "must not be negative");
  EXPECT_FALSE(Money("-0.01"));
  EXPECT_FALSE(Money("92233720368547758.08", &errors));
  EXPECT_EQ(errors.at(0).reason, "is too large");
  EXPECT_FALSE(Money("1e30"));
  EXPECT_FALSE(Money("1e999999999999"));
  EXPECT_FALSE(Money("\"3500.00\"", &errors));  // A string is not a number.
  EXPECT_EQ(errors.at(0).reason, "must be a number (roubles)");
}

TEST(JsonReaderTest, DatesMustExist) {
  FieldReader r;
  EXPECT_EQ(r.Date(V("\"2024-02-29\""), "from"), ParseDay("2024-02-29"));
  EXPECT_TRUE(r.ok());
  for (std::string_view bad : {"\"2026-02-30\"", "\"2025-02-29\"", "\"2026-13-01\"", "\"2026-2-3\"",
                               "\"2026-12-01T00:00:00Z\"", "\"\"", "20261201"}) {
    FieldReader r2;
    EXPECT_FALSE(r2.Date(V(bad), "from")) << bad;
    EXPECT_EQ(r2.errors().at(0).field, "from");
  }
}

TEST(JsonReaderTest, InstantsAreRfc3339) {
  FieldReader r;
  EXPECT_EQ(r.Time(V("\"2026-11-23T10:00:00Z\""), "t"), ParseInstant("2026-11-23T10:00:00Z"));
  EXPECT_EQ(r.Time(V("\"2026-11-23T13:00:00+03:00\""), "t"), ParseInstant("2026-11-23T10:00:00Z"));
  EXPECT_TRUE(r.ok());
  EXPECT_FALSE(r.Time(V("\"2026-11-23 10:00\""), "t"));
  EXPECT_FALSE(r.Time(V("\"2026-11-23T10:00:00\""), "t"));  // No offset.
  EXPECT_EQ(r.errors().size(), 2u);
}

TEST(JsonReaderTest, StringsHaveALengthLimit) {
  FieldReader r;
  std::string long_text(FieldReader::kMaxStringCharacters + 1, 'x');
  EXPECT_FALSE(r.String(V("\"" + long_text + "\""), "title"));
  EXPECT_EQ(r.errors().at(0).reason, "must be at most 65536 characters");
  EXPECT_TRUE(r.String(V("\"" + long_text.substr(1) + "\""), "title"));
  EXPECT_FALSE(r.String(V("\"abcd\""), "tag", 3));
  EXPECT_TRUE(r.String(V("\"абв\""), "tag", 3)) << "three characters in six bytes";
}

TEST(JsonReaderTest, NamedNumbersAndLocationsNameTheBadMember) {
  FieldReader r;
  EXPECT_EQ(r.NamedNumbers(V(R"({"max_length_mm":900,"tolerance_it":7.5})"), "needs"),
            (NamedValues{{"max_length_mm", 900}, {"tolerance_it", 7.5}}));
  EXPECT_FALSE(r.NamedNumbers(V(R"({"max_length_mm":"900","b":1e400})"), "needs"));
  EXPECT_EQ(r.errors(), (std::vector<FieldError>{{"needs.max_length_mm", "must be a number"},
                                                 {"needs.b", "is out of range"}}));
  FieldReader r2;
  EXPECT_EQ(r2.Location(V(R"({"lat":52.6,"lon":39.57})"), "location"), (GeoPoint{52.6, 39.57}));
  EXPECT_FALSE(r2.Location(V(R"({"lat":"52.6"})"), "location"));
  EXPECT_EQ(r2.errors(), (std::vector<FieldError>{{"location.lat", "must be a number"},
                                                  {"location.lon", "is required"}}));
}

TEST(JsonReaderTest, NullIsNotAValue) {
  FieldReader r;
  EXPECT_FALSE(r.String(V("null"), "title"));
  EXPECT_FALSE(r.Money(V("null"), "unit_price"));
  EXPECT_FALSE(r.Bool(V("null"), "auto_accept"));
  EXPECT_EQ(r.errors().size(), 3u);
}

TEST(JsonReaderTest, EnumsListTheirChoices) {
  FieldReader r;
  EXPECT_EQ(r.Enum(V("\"rfq\""), "mode", {"auto", "rfq"}), 1u);
  EXPECT_FALSE(r.Enum(V("\"RFQ\""), "mode", {"auto", "rfq"}));
  EXPECT_FALSE(r.Enum(V("1"), "visibility", {"public", "clusters", "invited"}));
  EXPECT_EQ(r.errors(),
            (std::vector<FieldError>{{"mode", "must be auto or rfq"},
                                     {"visibility", "must be public, clusters or invited"}}));
}

}  // namespace
}  // namespace subex
