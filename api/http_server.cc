// <utility> before any Boost.Asio header: with Boost 1.74 and GCC 12 in C++20 mode,
// asio/awaitable.hpp does not compile otherwise.
#include "api/http_server.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_set>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "api/problem.h"

namespace subex {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

constexpr char kServerName[] = "subex";
// What a lingering close reads at a time (and throws away).
constexpr size_t kDrainChunk = 64 * 1024;
// The headers a browser may read from an answer to another origin (besides the simple ones).
constexpr char kExposedHeaders[] = "ETag, Location, Retry-After, Idempotent-Replayed";

// The answer to a connection beyond the cap, written without reading its request.
const std::string& Busy() {
  static const std::string busy = [] {
    const std::string body = RenderProblem(Unavailable("too many open connections; retry later"));
    return absl::StrCat(
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/problem+json\r\n"
        "Retry-After: 1\r\nConnection: close\r\nContent-Length: ",
        body.size(), "\r\n\r\n", body);
  }();
  return busy;
}

HttpResponse ProtocolError(const Problem& problem) {
  return HttpResponse{.status = static_cast<unsigned>(problem.status),
                      .content_type = "application/problem+json",
                      .body = RenderProblem(problem),
                      .headers = {}};
}

// What a parse error is answered with; nullopt when the connection just closes (the peer left,
// or timed out, and nobody would read an answer).
std::optional<HttpResponse> AnswerToReadError(const beast::error_code& ec,
                                              const HttpServer::Options& options) {
  if (ec == http::error::header_limit) {
    const std::string limit = absl::StrCat("is larger than ", options.max_header_bytes, " bytes");
    return ProtocolError(HeadersTooLarge(
        absl::StrCat("the request line and headers are larger than the server accepts (",
                     options.max_header_bytes, " bytes)"),
        {{"headers", limit}}));
  }
  if (ec == http::error::body_limit) {
    return ProtocolError(PayloadTooLarge(
        absl::StrCat("the request body is larger than the server accepts (", options.max_body_bytes,
                     " bytes)"),
        {{"body", absl::StrCat("is larger than ", options.max_body_bytes, " bytes")}}));
  }
  if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
      ec == net::error::eof || ec == net::error::connection_reset ||
      ec == net::error::operation_aborted || ec == http::error::partial_message) {
    return std::nullopt;
  }
  if (ec.category() == http::make_error_code(http::error::bad_method).category()) {
    return ProtocolError(
        BadRequest("the request is not well-formed HTTP/1.1",
                   {{"request", absl::StrCat("is not HTTP/1.1: ", ec.message())}}));
  }
  return std::nullopt;
}

// The request as the handler sees it: the method, target, the headers the API reads, the body.
HttpRequest ToHttpRequest(http::request<http::string_body>&& req, std::string remote) {
  HttpRequest request;
  request.method = std::string(req.method_string());
  request.target = std::string(req.target());
  auto header = [&req](http::field f, std::string& out) {
    auto it = req.find(f);
    if (it == req.end()) return false;
    out = std::string(it->value());
    return true;
  };
  header(http::field::authorization, request.authorization);
  header(http::field::content_type, request.content_type);
  header(http::field::origin, request.origin);
  request.has_if_match = header(http::field::if_match, request.if_match);
  if (auto it = req.find("X-On-Behalf-Of"); it != req.end()) {
    request.on_behalf_of = std::string(it->value());
  }
  if (auto it = req.find("Last-Event-ID"); it != req.end()) {
    request.last_event_id = std::string(it->value());
  }
  if (auto it = req.find("Idempotency-Key"); it != req.end()) {
    request.has_idempotency_key = true;
    request.idempotency_key = std::string(it->value());
  }
  request.body = std::move(req.body());
  request.remote = std::move(remote);
  return request;
}
class Session;

}  // namespace

ParsedRequest ParseRequestBytes(std::string_view bytes, const HttpServer::Options& options) {
  http::request_parser<http::string_body> parser;
  parser.header_limit(static_cast<uint32_t>(options.max_header_bytes));
  parser.body_limit(options.max_body_bytes);
  parser.eager(true);
  beast::error_code ec;
  size_t used = 0;
  // As a connection's reads feed it, except that no more bytes ever come: once the parser asks
  // for more than there is, the peer has closed (before any byte, that is just a close).
  while (!parser.is_done()) {
    const size_t n = parser.put(net::buffer(bytes.data() + used, bytes.size() - used), ec);
    used += n;
    if (ec == http::error::need_more || (!ec && n == 0)) {
      ec = {};
      if (parser.got_some()) parser.put_eof(ec);
      break;
    }
    if (ec) break;
  }
  ParsedRequest out;
  if (!ec && parser.is_done()) {
    out.request = ToHttpRequest(parser.release(), "fuzz");
    out.complete = true;
    return out;
  }
  if (std::optional<HttpResponse> answer = AnswerToReadError(ec, options)) {
    out.error_status = answer->status;
  }
  return out;
}

struct HttpServer::Impl {
  explicit Impl(Options o)
      : options(std::move(o)),
        cors_origins(options.cors_origins.begin(), options.cors_origins.end()),
        ioc(options.io_threads) {}

  HttpHandler* handler = nullptr;  // Set by Start, before any I/O thread runs.
  Options options;
  const std::unordered_set<std::string> cors_origins;
  // Before the io_context: sessions still queued in it count themselves out when it goes.
  std::atomic<int> connections{0};
  std::atomic<uint64_t> accepted{0};
  std::atomic<uint64_t> refused{0};
  std::atomic<uint64_t> protocol_errors{0};
  std::atomic<bool> draining{false};
  // The live sessions, for Drain to reach; a session is in it from Start to its destructor.
  std::mutex sessions_mu;
  std::condition_variable sessions_gone;
  std::unordered_set<Session*> sessions;
  net::io_context ioc;
  // Keeps the I/O threads running while no operation is pending: a drained server has closed
  // its acceptor and read its last request, and still has answers to come from the engine.
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  std::optional<tcp::acceptor> acceptor;  // On a strand of its own.
  std::vector<std::thread> threads;
  bool started = false;

  void Accept();
};

namespace {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, HttpServer::Impl& server)
      : stream_(std::move(socket)), server_(server) {
    server_.connections.fetch_add(1);
    beast::error_code ec;
    tcp::endpoint peer = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ = peer.address().to_string();
  }
  ~Session() {
    {
      std::lock_guard lock(server_.sessions_mu);
      server_.sessions.erase(this);
      if (server_.sessions.empty()) server_.sessions_gone.notify_all();
    }
    server_.connections.fetch_sub(1);
  }

  void Start() {
    {
      std::lock_guard lock(server_.sessions_mu);
      server_.sessions.insert(this);
    }
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      // Accepted just as the server began to drain: it reads nothing.
      if (self->server_.draining.load()) return self->Drain();
      self->MaybeRead();
    });
  }

  // Reads no more requests; closes once the ones at the handler are answered. On the strand.
  void Drain() {
    if (lingering_) return;  // Closes by itself, within close_drain.
    closing_ = true;
    if (slots_.empty()) return Close();  // Idle, or part of a request that will not be read.
    if (reading_) {
      // The next request's read ends as at the end of the stream; the answers still go out.
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_receive, ignored);
    }
  }

  void PostDrain() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->Drain(); });
  }

  // Runs `f` on the session's strand.
  template <class F>
  static void Post(const std::shared_ptr<Session>& self, F f) {
    net::post(self->stream_.get_executor(), [self, f = std::move(f)]() mutable { f(*self); });
  }

 private:
  // One request being answered; its response waits here until every earlier one has left.
  struct Slot {
    bool ready = false;
    bool keep_alive = true;
    std::string origin;  // The request's Origin header, for the CORS headers of its answer.
    http::response<http::string_body> response;
    std::function<void(std::shared_ptr<HttpStream>)> stream;  // A streamed answer's producer.
  };

  const HttpServer::Options& options() const { return server_.options; }

  // Reads the next request if the connection may take one more.
  void MaybeRead() {
    if (reading_ || closing_ || slots_.size() >= static_cast<size_t>(options().max_pipelined)) {
      return;
    }
    reading_ = true;
    if (buffer_.size() == 0) {
      // Idle: wait for the first byte of the next request.
      stream_.expires_after(options().idle_timeout);
      stream_.async_read_some(
          buffer_.prepare(4096),
          [self = shared_from_this()](beast::error_code ec, size_t n) {
            self->buffer_.commit(n);
            if (ec) return self->OnReadFailed(ec);
            self->ReadRequest();
          });
      return;
    }
    ReadRequest();
  }

  void ReadRequest() {
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(options().max_header_bytes));
    parser_->body_limit(options().max_body_bytes);
    // One deadline for the whole request, however slowly its bytes come.
    stream_.expires_after(options().request_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       if (ec) return self->OnReadFailed(ec);
                       self->OnRequest();
                     });
  }

  void OnReadFailed(const beast::error_code& ec) {
    reading_ = false;
    closing_ = true;
    std::optional<HttpResponse> answer = AnswerToReadError(ec, options());
    if (!answer) {
      if (slots_.empty()) Close();
      return;
    }
    server_.protocol_errors.fetch_add(1, std::memory_order_relaxed);
    auto slot = std::make_shared<Slot>();
    slot->origin = OriginOfUnreadRequest();
    slots_.push_back(slot);
    Fill(*slot, std::move(*answer), /*keep_alive=*/false);
    MaybeWrite();
  }

  void OnRequest() {
    reading_ = false;
    http::request<http::string_body> req = parser_->release();
    parser_.reset();
    auto slot = std::make_shared<Slot>();
    slot->keep_alive = req.keep_alive();
    slots_.push_back(slot);
    if (!slot->keep_alive) closing_ = true;

    HttpRequest request = ToHttpRequest(std::move(req), remote_);
    slot->origin = request.origin;
    server_.handler->Handle(
        std::move(request), [self = shared_from_this(), slot](HttpResponse response) {
          net::post(self->stream_.get_executor(),
                    [self, slot, response = std::move(response)]() mutable {
                      self->Fill(*slot, std::move(response), slot->keep_alive);
                      self->MaybeWrite();
                    });
        });
    MaybeRead();
  }

  // The Origin of a request that could not be read: the parser keeps the fields it parsed before
  // it stopped (all of them when the body was too large, those within the limit when the head
  // was), so an Origin sent early in the head is known.
  std::string OriginOfUnreadRequest() const {
    if (server_.cors_origins.empty() || !parser_) return std::string();
    auto it = parser_->get().find(http::field::origin);
    return it == parser_->get().end() ? std::string() : std::string(it->value());
  }

  void Fill(Slot& slot, HttpResponse r, bool keep_alive) {
    slot.keep_alive = keep_alive && !closing_;
    slot.response.version(11);
    slot.response.result(r.status);
    slot.response.set(http::field::server, kServerName);
    if (!r.content_type.empty()) slot.response.set(http::field::content_type, r.content_type);
    for (auto& [name, value] : r.headers) slot.response.set(name, value);
    AddCorsHeaders(slot.origin, slot.response);
    if (r.stream) {
      // A stream's length is where the connection ends; nothing after it is read.
      slot.stream = std::move(r.stream);
      slot.keep_alive = false;
      closing_ = true;
      slot.response.keep_alive(false);
      slot.ready = true;
      return;
    }
    slot.response.body() = std::move(r.body);
    slot.response.keep_alive(slot.keep_alive);
    // A 204 has no body and no Content-Length (RFC 9110 §8.6).
    if (r.status != 204) slot.response.prepare_payload();
    slot.ready = true;
  }

  // With `cors_origins` set, every answer varies by Origin, and one to an allowed origin lets
  // the browser hand it, and the headers the API's clients read, to the page.
  void AddCorsHeaders(const std::string& origin, http::response<http::string_body>& response) {
    if (server_.cors_origins.empty()) return;
    response.set(http::field::vary, "Origin");
    if (origin.empty() || !server_.cors_origins.contains(origin)) return;
    response.set(http::field::access_control_allow_origin, origin);
    response.set(http::field::access_control_expose_headers, kExposedHeaders);
  }

  void MaybeWrite() {
    if (writing_ || slots_.empty() || !slots_.front()->ready) return;
    writing_ = true;
    std::shared_ptr<Slot> slot = slots_.front();
    stream_.expires_after(options().request_timeout);
    http::async_write(stream_, slot->response,
                      [self = shared_from_this(), slot](beast::error_code ec, size_t) {
                        if (slot->stream) return self->OnStreamHead(ec, *slot);
                        self->OnWrite(ec, slot->keep_alive);
                      });
  }

 public:
  // A streamed answer's chunks, on the strand (api/http.h HttpStream).
  struct StreamState {
    std::atomic<size_t> queued{0};
    std::atomic<bool> closed{false};
  };
  void QueueChunk(std::string chunk, std::function<void(bool)> done) {
    if (stream_state_->closed.load()) return done(false);
    chunks_.emplace_back(std::move(chunk), std::move(done));
    WriteChunk();
  }
  void EndStream() {
    if (chunks_.empty() && !writing_) return Close();
    ending_ = true;
  }

 private:
  void OnStreamHead(const beast::error_code& ec, Slot& slot);
  void WriteChunk() {
    if (writing_ || chunks_.empty()) return;
    writing_ = true;
    stream_.expires_after(options().request_timeout);
    net::async_write(stream_, net::buffer(chunks_.front().first),
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       self->writing_ = false;
                       auto [chunk, done] = std::move(self->chunks_.front());
                       self->chunks_.pop_front();
                       self->stream_state_->queued.fetch_sub(chunk.size());
                       if (ec) {
                         done(false);
                         return self->Close();
                       }
                       self->stream_.expires_never();
                       done(true);
                       if (self->ending_ && self->chunks_.empty()) return self->Close();
                       self->WriteChunk();
                     });
  }

  void OnWrite(const beast::error_code& ec, bool keep_alive) {
    writing_ = false;
    slots_.pop_front();
    if (ec) {
      closing_ = true;
      return Close();
    }
    if (!keep_alive) {
      closing_ = true;
      // A read still pending (a drained connection's) ends with the socket.
      return reading_ ? Close() : Linger();
    }
    // A read still pending (a drained connection's) ends with the socket.
    if (closing_ && slots_.empty()) return Close();
    MaybeWrite();
    MaybeRead();
  }

  void Close() {
    if (stream_state_) {
      stream_state_->closed.store(true);
      // The chunk being written, if any, is answered by its write.
      while (chunks_.size() > (writing_ ? 1 : 0)) {
        std::function<void(bool)> done = std::move(chunks_.back().second);
        chunks_.pop_back();
        done(false);
      }
    }
    lingering_ = false;
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.close();
  }

  // The close after an answer that ends the connection. Closing a socket with unread bytes
  // resets the connection, and a reset may reach the client before it read the answer (a client
  // still sending the body of a request answered 413 never sees its 413). So: stop sending, then
  // read and throw away what the client still sends, until it closes its side, or has sent
  // `close_drain_bytes` more, or `close_drain` has passed; a client still sending then is cut.
  void Linger() {
    lingering_ = true;
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    buffer_.clear();
    drained_ = 0;
    stream_.expires_after(options().close_drain);
    DrainSome();
  }

  void DrainSome() {
    if (drained_ >= options().close_drain_bytes) return Close();
    stream_.async_read_some(buffer_.prepare(kDrainChunk),
                            [self = shared_from_this()](beast::error_code ec, size_t n) {
                              self->drained_ += n;
                              if (ec) return self->Close();
                              self->DrainSome();
                            });
  }

  beast::tcp_stream stream_;
  HttpServer::Impl& server_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::deque<std::shared_ptr<Slot>> slots_;
  std::string remote_;
  bool reading_ = false;
  bool writing_ = false;
  bool closing_ = false;  // No more requests are read; close once the answers are out.
  bool lingering_ = false;  // Answered; reading what the client still sends before closing.
  size_t drained_ = 0;      // Bytes read while lingering.
  std::shared_ptr<StreamState> stream_state_;  // Once the answer is a stream.
  std::deque<std::pair<std::string, std::function<void(bool)>>> chunks_;
  bool ending_ = false;  // The stream's producer is done: close once `chunks_` are written.
};

// The producer's end of a streamed answer. It keeps the session alive until dropped.
class StreamSink final : public HttpStream {
 public:
  StreamSink(std::shared_ptr<Session> session, std::shared_ptr<Session::StreamState> state,
             size_t max_queued)
      : session_(std::move(session)), state_(std::move(state)), max_queued_(max_queued) {}
  ~StreamSink() override { Close(); }

  bool Send(std::string chunk, std::function<void(bool)> done) override {
    if (state_->closed.load()) return false;
    const size_t queued = state_->queued.load();
    if (queued > 0 && queued + chunk.size() > max_queued_) return false;
    state_->queued.fetch_add(chunk.size());
    Session::Post(session_, [chunk = std::move(chunk), done = std::move(done)](Session& s) mutable {
      s.QueueChunk(std::move(chunk), std::move(done));
    });
    return true;
  }
  void Close() override {
    if (ended_.exchange(true)) return;
    Session::Post(session_, [](Session& s) { s.EndStream(); });
  }
  bool closed() const override { return state_->closed.load(); }

 private:
  std::shared_ptr<Session> session_;
  std::shared_ptr<Session::StreamState> state_;
  const size_t max_queued_;
  std::atomic<bool> ended_{false};
};

void Session::OnStreamHead(const beast::error_code& ec, Slot& slot) {
  writing_ = false;
  std::function<void(std::shared_ptr<HttpStream>)> producer = std::move(slot.stream);
  slots_.pop_front();
  stream_state_ = std::make_shared<StreamState>();
  if (ec) Close();
  stream_.expires_never();
  producer(std::make_shared<StreamSink>(shared_from_this(), stream_state_,
                                        options().max_stream_buffer_bytes));
}

// Answers a connection beyond the cap with 503 and closes it, without reading anything.
void RefuseBusy(tcp::socket socket) {
  auto s = std::make_shared<tcp::socket>(std::move(socket));
  net::async_write(*s, net::buffer(Busy()),
                   [s](beast::error_code, size_t) {
                     beast::error_code ignored;
                     s->shutdown(tcp::socket::shutdown_send, ignored);
                     s->close(ignored);
                   });
}

}  // namespace

void HttpServer::Impl::Accept() {
  acceptor->async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor->is_open()) return;
    if (!ec) {
      if (connections.load() >= options.max_connections) {
        refused.fetch_add(1, std::memory_order_relaxed);
        RefuseBusy(std::move(socket));
      } else {
        accepted.fetch_add(1, std::memory_order_relaxed);
        std::make_shared<Session>(std::move(socket), *this)->Start();
      }
    }
    Accept();
  });
}

HttpServer::HttpServer(Options options) : impl_(std::make_unique<Impl>(std::move(options))) {}

HttpServer::~HttpServer() { Stop(); }

absl::Status HttpServer::Start(HttpHandler& handler) {
  impl_->handler = &handler;
  beast::error_code ec;
  const net::ip::address address = net::ip::make_address(impl_->options.host, ec);
  if (ec) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad listen host \"", impl_->options.host, "\""));
  }
  tcp::endpoint endpoint(address, impl_->options.port);
  tcp::acceptor& acceptor = impl_->acceptor.emplace(net::make_strand(impl_->ioc));
  auto fail = [&](std::string_view what) {
    return absl::UnavailableError(absl::StrCat("cannot ", std::string(what), " ",
                                               impl_->options.host, ":",
                                               impl_->options.port, ": ", ec.message()));
  };
  if (acceptor.open(endpoint.protocol(), ec); ec) return fail("open");
  if (acceptor.set_option(net::socket_base::reuse_address(true), ec); ec) return fail("configure");
  if (acceptor.bind(endpoint, ec); ec) return fail("bind");
  if (acceptor.listen(net::socket_base::max_listen_connections, ec); ec) return fail("listen on");
  port_.store(acceptor.local_endpoint().port());
  impl_->work.emplace(impl_->ioc.get_executor());
  impl_->Accept();
  impl_->started = true;
  for (int i = 0; i < impl_->options.io_threads; ++i) {
    impl_->threads.emplace_back([this] { impl_->ioc.run(); });
  }
  return absl::OkStatus();
}

void HttpServer::Drain() {
  if (!impl_->started || impl_->draining.exchange(true)) return;
  net::post(impl_->acceptor->get_executor(), [this] {
    beast::error_code ignored;
    impl_->acceptor->close(ignored);
  });
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard lock(impl_->sessions_mu);
    // A session whose destructor waits for the lock is past saving, and not drained.
    for (Session* s : impl_->sessions) {
      if (std::shared_ptr<Session> p = s->weak_from_this().lock()) live.push_back(std::move(p));
    }
  }
  for (const std::shared_ptr<Session>& s : live) s->PostDrain();
}

bool HttpServer::WaitClosed(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(impl_->sessions_mu);
  return impl_->sessions_gone.wait_until(lock, deadline,
                                         [this] { return impl_->sessions.empty(); });
}

void HttpServer::Stop() {
  if (!impl_->started) return;
  impl_->started = false;
  net::post(impl_->acceptor->get_executor(), [this] {
    beast::error_code ignored;
    impl_->acceptor->close(ignored);
  });
  impl_->work.reset();
  impl_->ioc.stop();
  for (std::thread& t : impl_->threads) t.join();
  impl_->threads.clear();
}

int HttpServer::open_connections() const { return impl_->connections.load(); }

uint64_t HttpServer::accepted_connections() const { return impl_->accepted.load(); }

uint64_t HttpServer::refused_connections() const { return impl_->refused.load(); }

uint64_t HttpServer::protocol_errors() const { return impl_->protocol_errors.load(); }

}  // namespace subex
