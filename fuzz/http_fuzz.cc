// Fuzz target: raw bytes through the HTTP request parser exactly as subexd's connections set it
// up (api/http_server.h ParseRequestBytes: Beast's parser, the default header and body limits).
// A complete request never carries a body beyond the limit; anything else is answered 400, 413
// or 431, or the connection just closes.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "api/http_server.h"
#include "fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace subex;
  static const HttpServer::Options options{.max_header_bytes = 1024, .max_body_bytes = 4096};
  ParsedRequest parsed =
      ParseRequestBytes(std::string_view(reinterpret_cast<const char*>(data), size), options);
  if (parsed.complete) {
    if (parsed.request.body.size() > options.max_body_bytes) fuzz::Fail("a body over the limit");
    if (parsed.request.method.empty()) fuzz::Fail("a request without a method");
    return 0;
  }
  const unsigned s = parsed.error_status;
  if (s != 0 && s != 400 && s != 413 && s != 431) fuzz::Fail("an unexpected status");
  return 0;
}
