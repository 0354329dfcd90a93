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
#include <memory>
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
  std::string last_event_id;  // Last-Event-ID: where an event stream resumes.
  bool has_idempotency_key = false;
  bool has_if_match = false;
  std::string body;
  std::string remote;  // The peer's address, for logs and limits.
};

// The body of a streamed response (text/event-stream), written as it comes. Safe from any
// thread.
class HttpStream {
 public:
  virtual ~HttpStream() = default;
  // Queues `chunk`; `done` then runs once, on an I/O thread: with true once the chunk has been
  // written to the socket, false when the connection closed first. Returns false, and `done`
  // never runs, when the connection has closed or has the server's `max_stream_buffer_bytes`
  // unsent already: the producer keeps what it could not send.
  virtual bool Send(std::string chunk, std::function<void(bool written)> done) = 0;
  // Ends the stream: the connection closes once what is queued has been written.
  virtual void Close() = 0;
  virtual bool closed() const = 0;
};

struct HttpResponse {
  unsigned status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // Location, ETag, Allow, ...
  // When set, the answer is a stream: the head goes out without a length (`body` is ignored),
  // the connection reads no more requests and closes when the stream ends, and `stream` is
  // called once, on an I/O thread, with the stream to write to.
  std::function<void(std::shared_ptr<HttpStream>)> stream;
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
