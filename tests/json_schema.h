// JsonSchema — checks a JSON value against a schema of the JSON Schema subset api/openapi.json
// uses (OpenAPI 3.1, i.e. JSON Schema 2020-12), for the tests that hold the server to its
// document.
//
// Understood: type (a name or a list of names, "null" included; "integer" is a number without a
// fraction), properties, required, additionalProperties (false or a schema), minProperties,
// maxProperties, items, minItems, maxItems, uniqueItems, enum, const, $ref (a JSON pointer into
// the document: "#/components/schemas/Member"), allOf, anyOf, oneOf, minimum, maximum,
// exclusiveMinimum, exclusiveMaximum, minLength and maxLength (in characters of UTF-8), pattern
// (ECMAScript), and format "date" and "date-time". Annotations (description, examples, default…)
// are ignored; any other keyword is reported as unsupported, so a schema the checker cannot judge
// never passes silently.
//
//   simdjson::dom::parser p;
//   simdjson::dom::element doc = p.parse(openapi_text);
//   JsonSchema schemas(doc);
//   std::vector<std::string> errors = schemas.Validate(doc["components"]["schemas"]["Member"], v);
//   // each error: "/roles/1: is not one of the enum's values"
//
// The document must outlive the checker. Validate is safe for concurrent use.

#ifndef SUBEX_TESTS_JSON_SCHEMA_H_
#define SUBEX_TESTS_JSON_SCHEMA_H_

#include <map>
#include <mutex>
#include <regex>
#include <string>
#include <vector>

#include "simdjson.h"

namespace subex::test {

class JsonSchema {
 public:
  explicit JsonSchema(simdjson::dom::element document) : document_(document) {}

  // Every way `value` does not fit `schema`, each as "<JSON pointer in the value>: <reason>";
  // empty when it fits.
  std::vector<std::string> Validate(simdjson::dom::element schema,
                                    simdjson::dom::element value) const;

 private:
  using Errors = std::vector<std::string>;
  void Check(simdjson::dom::element schema, simdjson::dom::element value,
             const std::string& pointer, Errors& errors, int depth) const;
  void CheckObject(simdjson::dom::object schema, simdjson::dom::element value,
                   const std::string& pointer, Errors& errors, int depth) const;
  void CheckArray(simdjson::dom::object schema, simdjson::dom::element value,
                  const std::string& pointer, Errors& errors, int depth) const;
  void CheckScalar(simdjson::dom::object schema, simdjson::dom::element value,
                   const std::string& pointer, Errors& errors) const;
  void CheckCombinators(simdjson::dom::object schema, simdjson::dom::element value,
                        const std::string& pointer, Errors& errors, int depth) const;
  bool Matches(const std::string& pattern, const std::string& text) const;

  simdjson::dom::element document_;
  mutable std::mutex regex_mutex_;
  mutable std::map<std::string, std::regex> regexes_;
};

// Whether two JSON values are equal as JSON Schema compares them (numbers by value, objects
// regardless of key order).
bool JsonEqual(simdjson::dom::element a, simdjson::dom::element b);

}  // namespace subex::test

#endif  // SUBEX_TESTS_JSON_SCHEMA_H_
