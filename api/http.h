// HTTP messages as the API's handlers see them, without Boost.Beast.
//
// The server (api/http_server.h) turns each request it reads into an `HttpRequest` and hands it
// to an `HttpHandler` with a `Respond` callback; the handler calls it exactly once, from any
// thread, and the server writes the answer in request order. Only the server includes Beast.
//
//   class Hello : public HttpHandler {
//     void Handle(HttpRequest req, Respond respond) override {
//       respond({.status = 200, .content_type = "text/plain", .body = "hello"});
//     }
//   };
//
// Plain values; safe for concurrent use as values. Handlers are called from the I/O threads,
// several at once.

#ifndef SUBEX_API_HTTP_H_
#define SUBEX_API_HTTP_H_

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace subex {

struct HttpRequest {
  std::string method;  // As sent, e.g. "GET".
  std::string target;  // Path and query, e.g. "/v1/offers?process=casting".
  // The headers the API reads; absent ones are empty.
  std::string authorization;
  std::string content_type;
  std::string idempotency_key;
  std::string if_match;
  std::string on_behalf_of;  // X-On-Behalf-Of: the member a platform acts for.
  std::string origin;        // Origin: the page's origin, for CORS.
  bool has_idempotency_key = false;
  bool has_if_match = false;
  std::string body;
  std::string remote;  // The peer's address, for logs and limits.
};

struct HttpResponse {
  unsigned status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // Location, ETag, Allow, ...
};

using Respond = std::function<void(HttpResponse)>;

class HttpHandler {
 public:
  virtual ~HttpHandler() = default;
  // Must call `respond` exactly once, now or later, from any thread.
  virtual void Handle(HttpRequest request, Respond respond) = 0;
};

}  // namespace subex

#endif  // SUBEX_API_HTTP_H_
