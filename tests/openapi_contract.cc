#include "tests/openapi_contract.h"

#include <fstream>
#include <sstream>

namespace subex::test {
namespace {

using simdjson::dom::element;
using simdjson::dom::object;

std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> out;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  for (;;) {
    const size_t at = path.find('/');
    out.push_back(path.substr(0, at));
    if (at == std::string_view::npos) return out;
    path.remove_prefix(at + 1);
  }
}

// The media type without its parameters, in lower case.
std::string Media(std::string_view content_type) {
  std::string out(content_type.substr(0, content_type.find(';')));
  while (!out.empty() && out.back() == ' ') out.pop_back();
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsJson(const std::string& media) {
  return media == "application/json" || media == "application/problem+json";
}

// A `$ref` to a component is followed: "#/components/responses/NotFound".
element Resolve(element document, element e) {
  std::string_view ref;
  element target;
  if (e["$ref"].get(ref) == simdjson::SUCCESS && ref.substr(0, 1) == "#" &&
      document.at_pointer(ref.substr(1)).get(target) == simdjson::SUCCESS) {
    return target;
  }
  return e;
}

}  // namespace

bool OpenApiContract::Load(std::string document) {
  text_ = simdjson::padded_string(document);
  object paths;
  if (parser_.parse(text_).get(document_) != simdjson::SUCCESS ||
      document_["paths"].get(paths) != simdjson::SUCCESS) {
    return false;
  }
  schemas_ = std::make_unique<JsonSchema>(document_);
  return true;
}

std::optional<std::string> OpenApiContract::Template(std::string_view target) const {
  const std::vector<std::string_view> path = Segments(target.substr(0, target.find('?')));
  object paths;
  if (document_["paths"].get(paths) != simdjson::SUCCESS) return std::nullopt;
  std::optional<std::string> best;
  int best_literals = -1;
  for (auto entry : paths) {
    const std::vector<std::string_view> want = Segments(entry.key);
    if (want.size() != path.size()) continue;
    int literals = 0;
    bool fits = true;
    for (size_t i = 0; fits && i < want.size(); ++i) {
      if (!want[i].empty() && want[i].front() == '{') {
        fits = !path[i].empty();
      } else {
        fits = want[i] == path[i];
        ++literals;
      }
    }
    if (fits && literals > best_literals) {
      best = std::string(entry.key);
      best_literals = literals;
    }
  }
  return best;
}

std::optional<element> OpenApiContract::Response(element operation, int status) const {
  element response;
  const std::string code = std::to_string(status);
  const std::string range = std::string(1, code[0]) + "XX";
  for (const std::string& key : {code, range, std::string("default")}) {
    if (operation["responses"][key].get(response) == simdjson::SUCCESS) {
      return Resolve(document_, response);
    }
  }
  return std::nullopt;
}

std::vector<std::string> OpenApiContract::Check(std::string_view method, std::string_view target,
                                                int status, std::string_view content_type,
                                                std::string_view body) const {
  std::string lower(method);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const std::string where = std::string(method) + " " + std::string(target) + " → " +
                            std::to_string(status);
  const std::optional<std::string> path = Template(target);
  element operation;
  const bool known = path && document_["paths"][*path][lower].get(operation) == simdjson::SUCCESS;
  std::optional<element> response;
  if (known) response = Response(operation, status);
  // A CORS preflight is the document's rule for every path (its description, "Browsers"): 204
  // without a body, or a problem document (403 for an origin not listed, 404 for no such path).
  const bool preflight = lower == "options" && !known;
  if (preflight && status == 204) {
    if (body.empty()) return {};
    return {where + ": a preflight's 204 has a body"};
  }
  if (!response) {
    // The document's rule for every request, and the answers of paths or methods it does not
    // have (404, 405), are problem documents.
    const bool general = status == 405 || status == 413 || status == 431 || status == 500 ||
                         status == 503 || (preflight && (status == 403 || status == 404)) ||
                         (!path && (status == 404 || status == 429)) ||
                         (path && !known && status == 405);
    if (!general) {
      return {where + ": the document declares no " + std::to_string(status) + " for " +
              std::string(method) + " " + (path ? *path : std::string("(no such path)"))};
    }
    element problem;
    if (document_.at_pointer("/components/responses/NotFound").get(problem) != simdjson::SUCCESS) {
      return {where + ": the document has no NotFound response to judge a problem by"};
    }
    response = problem;
  }
  std::vector<std::string> errors = CheckBody(*response, content_type, body);
  for (std::string& e : errors) e = where + " " + e;
  return errors;
}

std::vector<std::string> OpenApiContract::CheckBody(element response,
                                                    std::string_view content_type,
                                                    std::string_view body) const {
  object content;
  if (response["content"].get(content) != simdjson::SUCCESS) {
    if (body.empty()) return {};
    return {"has a body where the document declares none"};
  }
  const std::string media = Media(content_type);
  std::optional<element> declared;
  for (auto entry : content) {
    if (Media(entry.key) == media) declared = entry.value;
  }
  if (!declared) {
    return {"is " + std::string(content_type) + ", a content type the response does not declare"};
  }
  element schema;
  if (!IsJson(media) || (*declared)["schema"].get(schema) != simdjson::SUCCESS) return {};
  simdjson::dom::parser parser;
  element value;
  if (parser.parse(body.data(), body.size()).get(value) != simdjson::SUCCESS) {
    return {"is not JSON: " + std::string(body.substr(0, 200))};
  }
  std::vector<std::string> errors = schemas_->Validate(schema, value);
  for (std::string& e : errors) e = "at " + (e.front() == ':' ? "/" + e : e);
  return errors;
}

const OpenApiContract* SourceContract() {
  static const OpenApiContract* contract = [] {
    std::ifstream in(std::string(SUBEX_SOURCE_DIR) + "/api/openapi.json");
    std::stringstream text;
    text << in.rdbuf();
    auto* c = new OpenApiContract();
    if (!in || !c->Load(text.str())) {
      delete c;
      return static_cast<OpenApiContract*>(nullptr);
    }
    return c;
  }();
  return contract;
}

}  // namespace subex::test
