// OpenAPI — the machine-readable description of the HTTP API, served at /v1/openapi.json.
//
// The document is api/openapi.json, embedded into the binary at build time
// (cmake/embed_text.cmake), so what the server serves is always the file in the repository. It
// is OpenAPI 3.1 and describes every route, body, response and problem the API answers with.
//
//   response.body() = std::string(OpenApiDocument());
//
// Immutable; safe for concurrent use.

#ifndef SUBEX_API_OPENAPI_H_
#define SUBEX_API_OPENAPI_H_

#include <string_view>

namespace subex {

// The OpenAPI document as JSON text (UTF-8), valid for the life of the program.
std::string_view OpenApiDocument();

}  // namespace subex

#endif  // SUBEX_API_OPENAPI_H_
