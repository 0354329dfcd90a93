// OpenApiContract — holds an HTTP answer to the OpenAPI document: the end-to-end suites check
// every answer they get with it, so the server and api/openapi.json cannot drift apart.
//
// An answer is matched to its operation by method and path template ("/v1/orders/{id}/bids";
// a template with more literal segments wins), then to the response the operation declares for
// its status. It fails the contract when
//   - the status is not declared for the operation (the document's rule that any request may get
//     405, 413, 431, 500 or 503 lets those through, as problem documents);
//   - its content type is not one the response declares, or it has a body where none is declared;
//   - a JSON body does not fit the declared schema (tests/json_schema.h).
// A path no template matches must be answered by a problem document.
//
//   OpenApiContract contract;
//   ASSERT_TRUE(contract.Load(text));
//   for (const std::string& e : contract.Check("GET", "/v1/members/m_1?x=1", 200, type, body)) …
//
// Load once, then Check is safe for concurrent use.

#ifndef SUBEX_TESTS_OPENAPI_CONTRACT_H_
#define SUBEX_TESTS_OPENAPI_CONTRACT_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "simdjson.h"
#include "tests/json_schema.h"

namespace subex::test {

class OpenApiContract {
 public:
  // False when `document` is not a JSON object with "paths".
  bool Load(std::string document);

  // Every way the answer breaks the contract, each as "<where>: <reason>"; empty when it keeps it.
  std::vector<std::string> Check(std::string_view method, std::string_view target, int status,
                                 std::string_view content_type, std::string_view body) const;

  // The template of the path `target` names ("/v1/orders/{id}"), if any.
  std::optional<std::string> Template(std::string_view target) const;

 private:
  std::optional<simdjson::dom::element> Response(simdjson::dom::element operation,
                                                 int status) const;
  std::vector<std::string> CheckBody(simdjson::dom::element response,
                                     std::string_view content_type, std::string_view body) const;

  simdjson::padded_string text_;
  simdjson::dom::parser parser_;
  simdjson::dom::element document_;
  std::unique_ptr<JsonSchema> schemas_;
};

// The contract of api/openapi.json in the source tree, loaded once; null (with a failure added)
// when it cannot be read.
const OpenApiContract* SourceContract();

}  // namespace subex::test

#endif  // SUBEX_TESTS_OPENAPI_CONTRACT_H_
