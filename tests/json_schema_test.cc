#include "tests/json_schema.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace subex::test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// A document of hand-written schemas under components/schemas, checked one value at a time.
class JsonSchemaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(doc_parser_.parse(kDocument).get(doc_), simdjson::SUCCESS);
    schemas_ = std::make_unique<JsonSchema>(doc_);
  }

  std::vector<std::string> Errors(const std::string& schema, const std::string& value) {
    simdjson::dom::element s, v;
    EXPECT_EQ(doc_.at_pointer("/components/schemas/" + schema).get(s), simdjson::SUCCESS)
        << schema;
    EXPECT_EQ(value_parser_.parse(value).get(v), simdjson::SUCCESS) << value;
    return schemas_->Validate(s, v);
  }

  static constexpr std::string_view kDocument = R"({"components":{"schemas":{
    "Id": {"type": "string", "pattern": "^m_[0-9a-z]{3}$"},
    "Day": {"type": "string", "format": "date"},
    "Instant": {"type": "string", "format": "date-time"},
    "Name": {"type": "string", "minLength": 1, "maxLength": 4},
    "Count": {"type": "integer", "minimum": 0, "maximum": 10},
    "Share": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
    "MaybeDay": {"type": ["string", "null"], "format": "date"},
    "Role": {"type": "string", "enum": ["customer", "supplier"]},
    "Roles": {"type": "array", "items": {"$ref": "#/components/schemas/Role"},
              "minItems": 1, "maxItems": 2, "uniqueItems": true},
    "Fixed": {"const": {"a": [1, 2]}},
    "Member": {"type": "object", "required": ["id", "roles"], "additionalProperties": false,
               "properties": {"id": {"$ref": "#/components/schemas/Id"},
                              "roles": {"$ref": "#/components/schemas/Roles"},
                              "until": {"$ref": "#/components/schemas/MaybeDay"}}},
    "Limits": {"type": "object", "additionalProperties": {"type": "number"}, "minProperties": 1},
    "Named": {"allOf": [{"$ref": "#/components/schemas/Member"},
                        {"required": ["until"]}]},
    "IdOrCount": {"oneOf": [{"$ref": "#/components/schemas/Id"},
                            {"$ref": "#/components/schemas/Count"}]},
    "Overlapping": {"oneOf": [{"type": "integer"}, {"type": "number"}]},
    "AnyNumber": {"anyOf": [{"type": "integer"}, {"type": "number"}]},
    "Loop": {"$ref": "#/components/schemas/Loop"},
    "Unknown": {"type": "string", "contentEncoding": "base64"},
    "Dangling": {"$ref": "#/components/schemas/Nothing"},
    "Annotated": {"type": "integer", "description": "x", "examples": [1], "default": 1}
  }}})";

  simdjson::dom::parser doc_parser_, value_parser_;
  simdjson::dom::element doc_;
  std::unique_ptr<JsonSchema> schemas_;
};

TEST_F(JsonSchemaTest, AcceptsValuesThatFit) {
  EXPECT_THAT(Errors("Id", R"("m_a1b")"), IsEmpty());
  EXPECT_THAT(Errors("Day", R"("2026-12-31")"), IsEmpty());
  EXPECT_THAT(Errors("Instant", R"("2026-12-31T23:59:59.125Z")"), IsEmpty());
  EXPECT_THAT(Errors("Name", R"("Тула")"), IsEmpty()) << "four characters in eight bytes";
  EXPECT_THAT(Errors("Count", "10"), IsEmpty());
  EXPECT_THAT(Errors("Count", "3.0"), IsEmpty()) << "an integer written with a zero fraction";
  EXPECT_THAT(Errors("Share", "0.5"), IsEmpty());
  EXPECT_THAT(Errors("MaybeDay", "null"), IsEmpty());
  EXPECT_THAT(Errors("Roles", R"(["supplier","customer"])"), IsEmpty());
  EXPECT_THAT(Errors("Fixed", R"({"a":[1.0,2]})"), IsEmpty());
  EXPECT_THAT(Errors("Member", R"({"roles":["customer"],"id":"m_abc","until":null})"), IsEmpty());
  EXPECT_THAT(Errors("Limits", R"({"max_length_mm":900,"x":1.5})"), IsEmpty());
  EXPECT_THAT(Errors("Named", R"({"id":"m_abc","roles":["customer"],"until":"2026-01-01"})"),
              IsEmpty());
  EXPECT_THAT(Errors("IdOrCount", R"("m_abc")"), IsEmpty());
  EXPECT_THAT(Errors("IdOrCount", "7"), IsEmpty());
  EXPECT_THAT(Errors("AnyNumber", "7"), IsEmpty());
  EXPECT_THAT(Errors("Annotated", "7"), IsEmpty());
}

TEST_F(JsonSchemaTest, RejectsEachKeywordWithThePointerAndTheReason) {
  EXPECT_THAT(Errors("Id", R"("m_ABC")"), ElementsAre(HasSubstr(": \"m_ABC\" does not match")));
  EXPECT_THAT(Errors("Id", "17"), ElementsAre(": is integer, not string"));
  EXPECT_THAT(Errors("Day", R"("2026-13-01")"), ElementsAre(HasSubstr("is not a date")));
  EXPECT_THAT(Errors("Day", R"("-001-01-02")"), ElementsAre(HasSubstr("is not a date")));
  EXPECT_THAT(Errors("Instant", R"("2026-12-31 23:59:59")"),
              ElementsAre(HasSubstr("is not a date-time")));
  EXPECT_THAT(Errors("Name", R"("")"), ElementsAre(HasSubstr("shorter than 1 characters")));
  EXPECT_THAT(Errors("Name", R"("Тулаа")"), ElementsAre(HasSubstr("longer than 4 characters")));
  EXPECT_THAT(Errors("Count", "11"), ElementsAre(HasSubstr("above the maximum 10")));
  EXPECT_THAT(Errors("Count", "-1"), ElementsAre(HasSubstr("below the minimum 0")));
  EXPECT_THAT(Errors("Count", "1.5"), ElementsAre(": is number, not integer"));
  EXPECT_THAT(Errors("Share", "1"), ElementsAre(HasSubstr("must be below 1")));
  EXPECT_THAT(Errors("Share", "0"), ElementsAre(HasSubstr("must be above 0")));
  EXPECT_THAT(Errors("MaybeDay", "3"), ElementsAre(": is integer, not string or null"));
  EXPECT_THAT(Errors("Role", R"("platform")"), ElementsAre(HasSubstr("is not one of")));
  EXPECT_THAT(Errors("Roles", R"(["customer","customer"])"),
              ElementsAre("/1: repeats an earlier item"));
  EXPECT_THAT(Errors("Roles", "[]"), ElementsAre(HasSubstr("fewer than 1 items")));
  EXPECT_THAT(Errors("Roles", R"(["customer","supplier","customer"])"),
              ElementsAre(HasSubstr("more than 2 items"), "/2: repeats an earlier item"));
  EXPECT_THAT(Errors("Roles", R"(["admin"])"), ElementsAre(HasSubstr("/0: \"admin\" is not one")));
  EXPECT_THAT(Errors("Fixed", R"({"a":[2,1]})"), ElementsAre(HasSubstr("must be")));
  EXPECT_THAT(Errors("Member", R"({"id":"m_abc"})"),
              ElementsAre(": lacks the required \"roles\""));
  EXPECT_THAT(Errors("Member", R"({"id":"m_abc","roles":["customer"],"extra/x":1})"),
              ElementsAre("/extra~1x: is not a property the schema declares"));
  EXPECT_THAT(Errors("Member", R"({"id":"m_abc","roles":["customer"],"until":"soon"})"),
              ElementsAre(HasSubstr("/until: \"soon\" is not a date")));
  EXPECT_THAT(Errors("Limits", R"({"x":"long"})"), ElementsAre("/x: is string, not number"));
  EXPECT_THAT(Errors("Limits", "{}"), ElementsAre(HasSubstr("fewer than 1 properties")));
  EXPECT_THAT(Errors("Named", R"({"id":"m_abc","roles":["customer"]})"),
              ElementsAre(": lacks the required \"until\""));
  EXPECT_THAT(Errors("IdOrCount", "true"), ElementsAre(HasSubstr("fits none of oneOf")));
  EXPECT_THAT(Errors("Overlapping", "7"), ElementsAre(": fits 2 of oneOf, not one"));
  EXPECT_THAT(Errors("AnyNumber", R"("7")"), ElementsAre(HasSubstr("fits none of anyOf")));
}

// A schema the checker cannot judge fails, rather than letting every value through.
TEST_F(JsonSchemaTest, ReportsWhatItCannotJudge) {
  EXPECT_THAT(Errors("Unknown", R"("eA==")"),
              ElementsAre(HasSubstr("\"contentEncoding\" is not supported")));
  EXPECT_THAT(Errors("Dangling", "1"), ElementsAre(HasSubstr("names nothing in the document")));
  EXPECT_THAT(Errors("Loop", "1"), ElementsAre(HasSubstr("nest too deep")));
}

TEST(JsonEqualTest, ComparesAsJsonNotAsText) {
  simdjson::dom::parser p1, p2;
  simdjson::dom::element a, b;
  ASSERT_EQ(p1.parse(std::string(R"({"x":1,"y":[true,null,"s"]})")).get(a), simdjson::SUCCESS);
  ASSERT_EQ(p2.parse(std::string(R"({"y":[true,null,"s"],"x":1.0})")).get(b), simdjson::SUCCESS);
  EXPECT_TRUE(JsonEqual(a, b));
  ASSERT_EQ(p2.parse(std::string(R"({"y":[true,null,"t"],"x":1})")).get(b), simdjson::SUCCESS);
  EXPECT_FALSE(JsonEqual(a, b));
}

}  // namespace
}  // namespace subex::test
