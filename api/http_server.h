// HttpServer — the API's HTTP/1.1 server on Boost.Beast (PRODUCT §6, §8).
//
// Accepts connections on one address and serves them from `io_threads` threads. Each connection
// is one session (read, hand to the handler, write, in the shape of Beast's advanced server):
//
// - keep-alive, and pipelining bounded by `max_pipelined`: up to that many requests of one
//   connection are with the handler at once, and answers leave in request order;
// - a request head above `max_header_bytes` is answered 431, a body above `max_body_bytes` 413,
//   bytes that are not HTTP 400 (problem documents whose `errors` name the part at fault), and
//   the connection is closed after each;
// - an answer that ends the connection (those, and `Connection: close`) is followed by a
//   lingering close: the server stops sending and reads and discards what the client still
//   sends, up to `close_drain_bytes` and `close_drain`, so that a client still writing its
//   request reads the answer instead of a reset; one that sends more is cut;
// - with `cors_origins`, every answer carries `Vary: Origin`, and one to a request whose Origin
//   is listed `Access-Control-Allow-Origin` and `Access-Control-Expose-Headers` (ETag,
//   Location, Retry-After, Idempotent-Replayed), the server's own 400/413/431 included; the
//   preflight itself is the handler's (HttpRequest::origin);
// - a connection waits at most `idle_timeout` for the first byte of its next request, and then
//   at most `request_timeout` for the whole request, so a client that drips bytes is cut off;
//   writing an answer has `request_timeout` too;
// - beyond `max_connections` open connections a new one is answered 503 at once and closed.
//
// Stopping gracefully is two steps: `Drain` stops accepting and tells every connection to read
// no more requests — an idle one closes at once, one with requests at the handler closes once
// they are answered (with `Connection: close`) — and `WaitClosed` waits for them; `Stop` then
// ends the threads, closing whatever is still open.
//
// A streamed answer (api/http.h HttpStream, for text/event-stream) sends its head with
// `Connection: close` and no length, then the chunks its producer sends, until either side ends.
//
// This file and its .cc are the only ones that include Boost.Beast.
//
//   HttpServer server({.host = "127.0.0.1", .port = 0});
//   if (absl::Status s = server.Start(handler); !s.ok()) ...
//   printf("listening on %d\n", server.port());
//   ...
//   server.Drain();
//   server.WaitClosed(deadline);
//   server.Stop();
//
// Thread-safety: Start, Drain, WaitClosed and Stop from one thread; `port` and the counters from
// any thread.

#ifndef SUBEX_API_HTTP_SERVER_H_
#define SUBEX_API_HTTP_SERVER_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "api/http.h"

namespace subex {

class HttpServer {
 public:
  struct Options {
    std::string host = "127.0.0.1";
    uint16_t port = 8080;  // 0: any free port; `port()` tells which.
    int io_threads = 2;
    size_t max_header_bytes = 8 * 1024;
    size_t max_body_bytes = 1024 * 1024;
    std::chrono::milliseconds request_timeout{10'000};
    std::chrono::milliseconds idle_timeout{60'000};
    int max_connections = 10'000;
    int max_pipelined = 16;
    // After an answer that ends the connection: at most this many more bytes read (and thrown
    // away), for at most this long, before the connection is closed (0 bytes: at once).
    size_t close_drain_bytes = 8 * 1024 * 1024;
    std::chrono::milliseconds close_drain{5'000};
    // Origins ("https://portal.example") whose pages may read the answers (CORS); empty: none,
    // and no CORS header at all.
    std::vector<std::string> cors_origins;
    // A streamed answer (HttpResponse::stream): bytes queued and not yet written at most; a
    // chunk beyond them is refused (HttpStream::Send), and each write has `request_timeout`.
    size_t max_stream_buffer_bytes = 1024 * 1024;
  };

  explicit HttpServer(Options options);
  ~HttpServer();  // Stops.

  // Binds, listens and starts the I/O threads, which hand every request to `handler` (which
  // must outlive the server). Once.
  absl::Status Start(HttpHandler& handler);
  // Stops accepting; connections finish the requests they have handed to the handler, then
  // close. Returns at once.
  void Drain();
  // Waits until every connection has closed or `deadline` has passed; true when all have.
  bool WaitClosed(std::chrono::steady_clock::time_point deadline);
  // Stops accepting, closes every connection and joins the threads. Idempotent.
  void Stop();

  uint16_t port() const { return port_.load(); }
  int open_connections() const;
  uint64_t accepted_connections() const;  // Since Start, the refused ones not included.
  uint64_t refused_connections() const;   // Answered 503 for being over `max_connections`.
  uint64_t protocol_errors() const;       // Requests answered 400, 413 or 431 by the server.

  struct Impl;  // The Beast side, in the .cc.

 private:
  std::unique_ptr<Impl> impl_;
  std::atomic<uint16_t> port_{0};
};

// One request parsed from raw bytes with the parser settings and limits a connection uses, for
// the fuzz target of the HTTP layer (fuzz/http_fuzz.cc): the request when the bytes hold a
// complete one; otherwise the status a connection would answer (400, 413, 431), or 0 when it
// would just close (the bytes ended mid-request).
struct ParsedRequest {
  bool complete = false;
  HttpRequest request;
  unsigned error_status = 0;
};
ParsedRequest ParseRequestBytes(std::string_view bytes, const HttpServer::Options& options);

}  // namespace subex

#endif  // SUBEX_API_HTTP_SERVER_H_
