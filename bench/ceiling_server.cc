// ceiling_server — the ceiling of the end-to-end HTTP benchmark (bench/http_bench.sh).
//
// It does what any Beast + simdjson server of this API must do for each request, and nothing
// more: the same HTTP layer as subexd (api/http_server, Beast, with the same limits and I/O
// threads), the same strict reading of the same order and offer bodies into engine commands
// (api/requests, simdjson), and a small JSON answer. No keys, no engine, no matching, no journal,
// no sync. subexd's requests/s divided by this server's, driven by the same load in the same run,
// is what the exchange itself costs.
//
//   ceiling_server [--listen HOST:PORT] [--io-threads N]

#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "api/http.h"
#include "api/http_server.h"
#include "api/problem.h"
#include "api/requests.h"

namespace subex {
namespace {

class CeilingHandler final : public HttpHandler {
 public:
  void Handle(HttpRequest request, Respond respond) override {
    HttpResponse r;
    if (request.method != "POST") {
      r.status = 405;
      r.body = R"({"error":"POST only"})";
      return respond(std::move(r));
    }
    const std::string_view path = std::string_view(request.target).substr(
        0, std::string_view(request.target).find('?'));
    std::optional<Problem> problem;
    if (path == "/v1/orders") {
      Parsed<PlaceOrder> parsed = ParsePlaceOrder(request.body, MemberId{1});
      if (auto* p = std::get_if<Problem>(&parsed)) problem = *p;
    } else if (path == "/v1/offers") {
      Parsed<PostOffer> parsed = ParsePostOffer(request.body, MemberId{1});
      if (auto* p = std::get_if<Problem>(&parsed)) problem = *p;
    } else {
      r.status = 404;
      r.body = R"({"error":"not found"})";
      return respond(std::move(r));
    }
    if (problem) {
      r.status = static_cast<unsigned>(problem->status);
      r.content_type = "application/problem+json";
      r.body = RenderProblem(*problem);
    } else {
      r.status = 201;
      r.body = absl::StrCat(R"({"ok":true,"bytes":)", request.body.size(), "}");
    }
    respond(std::move(r));
  }
};

int Main(int argc, char** argv) {
  std::string host = "127.0.0.1";
  uint16_t port = 8081;
  int io_threads = 2;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view flag = argv[i];
    const std::string value = argv[i + 1];
    if (flag == "--listen") {
      const size_t colon = value.rfind(':');
      host = value.substr(0, colon);
      port = static_cast<uint16_t>(std::atoi(value.c_str() + colon + 1));
    } else if (flag == "--io-threads") {
      io_threads = std::atoi(value.c_str());
    } else {
      std::fprintf(stderr, "usage: ceiling_server [--listen HOST:PORT] [--io-threads N]\n");
      return 2;
    }
  }
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  CeilingHandler handler;
  HttpServer server({.host = host, .port = port, .io_threads = io_threads});
  if (absl::Status s = server.Start(handler); !s.ok()) {
    std::fprintf(stderr, "ceiling_server: %s\n", std::string(s.message()).c_str());
    return 1;
  }
  std::printf("ceiling_server: listening on http://%s:%u\n", host.c_str(), server.port());
  std::fflush(stdout);
  int signal = 0;
  sigwait(&stop, &signal);
  server.Stop();
  return 0;
}

}  // namespace
}  // namespace subex

int main(int argc, char** argv) { return subex::Main(argc, argv); }
