// Fuzz target: request bodies through the strict readers that turn them into engine commands
// (api/requests.h). The first byte picks the reader; the rest is the body. A body is either a
// command or a problem: a 400 or a 422 whose rendering is valid JSON.

#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

#include "api/problem.h"
#include "api/requests.h"
#include "fuzz/fuzz_support.h"
#include "simdjson.h"

namespace {

template <class T>
void Check(const subex::Parsed<T>& parsed) {
  const auto* problem = std::get_if<subex::Problem>(&parsed);
  if (problem == nullptr) return;
  if (problem->status != 400 && problem->status != 422) subex::fuzz::Fail("unexpected status");
  static simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(subex::RenderProblem(*problem)).get(doc) != simdjson::SUCCESS) {
    subex::fuzz::Fail("a problem document is not valid JSON");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace subex;
  if (size == 0) return 0;
  const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 9) {
    case 0: Check(ParsePlaceOrder(body, MemberId{1})); break;
    case 1: Check(ParsePostOffer(body, MemberId{1})); break;
    case 2: Check(ParseRegisterMember(body)); break;
    case 3: Check(ParseUpdateMember(body, MemberId{1}, MemberId{1})); break;
    case 4: Check(ParseCreateCluster(body)); break;
    case 5: Check(ParsePlaceBid(body, MemberId{1}, OrderId{1})); break;
    case 6: Check(ParseAwardBids(body, MemberId{1}, OrderId{1})); break;
    case 7: Check(ParseContractStep(body)); break;
    default: Check(ParsePlaceOrder(body, MemberId{2})); break;
  }
  return 0;
}
