#include "tests/openapi_contract.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace subex::test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr std::string_view kJson = "application/json; charset=utf-8";
constexpr std::string_view kProblem = "application/problem+json";

// A hand-written document: two paths of one shape, a shared response, a text answer.
class OpenApiContractTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(contract_.Load(std::string(kDocument))); }

  static constexpr std::string_view kDocument = R"({"openapi":"3.1.0","paths":{
    "/v1/things": {"get": {"responses": {
        "200": {"content": {"application/json": {"schema": {"type": "object",
            "required": ["items"], "properties": {"items": {"type": "array",
            "items": {"$ref": "#/components/schemas/Thing"}}}}}}}}}},
    "/v1/things/{id}": {
      "get": {"responses": {
        "200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}},
        "404": {"$ref": "#/components/responses/NotFound"}}},
      "delete": {"responses": {"204": {"description": "gone"}}}},
    "/v1/things/special": {"get": {"responses": {
        "200": {"content": {"text/plain": {"schema": {"type": "string"}}}}}}}},
    "components": {
      "schemas": {
        "Thing": {"type": "object", "required": ["id"], "additionalProperties": false,
                  "properties": {"id": {"type": "string"}, "n": {"type": "integer"}}},
        "Problem": {"type": "object", "required": ["status", "errors"],
                    "properties": {"status": {"type": "integer"}, "errors": {"type": "array"}}}},
      "responses": {"NotFound": {"content": {"application/problem+json": {
          "schema": {"$ref": "#/components/schemas/Problem"}}}}}}})";

  OpenApiContract contract_;
};

TEST_F(OpenApiContractTest, MatchesTargetsToTemplatesPreferringLiteralSegments) {
  EXPECT_EQ(contract_.Template("/v1/things"), "/v1/things");
  EXPECT_EQ(contract_.Template("/v1/things/t_1?limit=2"), "/v1/things/{id}");
  EXPECT_EQ(contract_.Template("/v1/things/special"), "/v1/things/special");
  EXPECT_EQ(contract_.Template("/v1/things/t_1/more"), std::nullopt);
}

TEST_F(OpenApiContractTest, AcceptsAnswersThatKeepTheDocument) {
  EXPECT_THAT(contract_.Check("GET", "/v1/things?limit=1", 200, kJson, R"({"items":[{"id":"a"}]})"),
              IsEmpty());
  EXPECT_THAT(contract_.Check("GET", "/v1/things/a", 404, kProblem, R"({"status":404,"errors":[]})"),
              IsEmpty());
  EXPECT_THAT(contract_.Check("DELETE", "/v1/things/a", 204, "", ""), IsEmpty());
  EXPECT_THAT(contract_.Check("GET", "/v1/things/special", 200, "text/plain", "hello"), IsEmpty());
  // The rule for any request, and the answers for paths and methods the document lacks.
  EXPECT_THAT(contract_.Check("GET", "/v1/things", 500, kProblem, R"({"status":500,"errors":[]})"),
              IsEmpty());
  EXPECT_THAT(contract_.Check("GET", "/v1/nothing", 404, kProblem, R"({"status":404,"errors":[]})"),
              IsEmpty());
  EXPECT_THAT(contract_.Check("PUT", "/v1/things", 405, kProblem, R"({"status":405,"errors":[]})"),
              IsEmpty());
}

TEST_F(OpenApiContractTest, RejectsUndeclaredStatusesTypesAndBodiesOffTheirSchema) {
  EXPECT_THAT(contract_.Check("GET", "/v1/things", 403, kProblem, R"({"status":403,"errors":[]})"),
              ElementsAre(HasSubstr("declares no 403 for GET /v1/things")));
  EXPECT_THAT(contract_.Check("GET", "/v1/things/a", 200, kJson, R"({"id":"a","n":1.5})"),
              ElementsAre("GET /v1/things/a → 200 at /n: is number, not integer"));
  EXPECT_THAT(contract_.Check("GET", "/v1/things", 200, kJson, R"({"items":[{"n":1}]})"),
              ElementsAre(HasSubstr("at /items/0: lacks the required \"id\"")));
  EXPECT_THAT(contract_.Check("GET", "/v1/things/a", 404, kProblem, R"({"status":404})"),
              ElementsAre(HasSubstr("lacks the required \"errors\"")));
  EXPECT_THAT(contract_.Check("GET", "/v1/things/a", 200, "text/html", "<p>"),
              ElementsAre(HasSubstr("a content type the response does not declare")));
  EXPECT_THAT(contract_.Check("GET", "/v1/things/a", 200, kJson, "{"),
              ElementsAre(HasSubstr("is not JSON")));
  EXPECT_THAT(contract_.Check("DELETE", "/v1/things/a", 204, kJson, "{}"),
              ElementsAre(HasSubstr("has a body where the document declares none")));
  EXPECT_THAT(contract_.Check("GET", "/v1/nothing", 200, kJson, "{}"),
              ElementsAre(HasSubstr("declares no 200 for GET (no such path)")));
}

TEST(SourceContractTest, TheRepositorysDocumentLoads) {
  const OpenApiContract* contract = SourceContract();
  ASSERT_NE(contract, nullptr);
  EXPECT_EQ(contract->Template("/v1/orders/o_1/bids/b_2"), "/v1/orders/{id}/bids/{bid}");
}

}  // namespace
}  // namespace subex::test
