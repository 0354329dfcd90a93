// Fuzz target: snapshot bytes (sealed with their checksum) through DecodeSnapshot, which must
// check everything it reads: whatever it restores keeps every invariant of the engine, and
// encodes to a snapshot that restores to the same state hash.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "engine/invariants.h"
#include "engine/params.h"
#include "engine/state_hash.h"
#include "fuzz/fuzz_support.h"
#include "storage/snapshot.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace subex;
  const std::string bytes =
      fuzz::Sealed(std::string_view(reinterpret_cast<const char*>(data), size));
  absl::StatusOr<std::unique_ptr<State>> state =
      DecodeSnapshot(bytes, fuzz::SmallTaxonomy(), Params{});
  if (!state.ok()) return 0;
  if (std::vector<std::string> broken = CheckInvariants(**state); !broken.empty()) {
    std::fprintf(stderr, "fuzz: %s\n", broken.front().c_str());
    fuzz::Fail("a restored snapshot breaks an invariant");
  }
  std::string again;
  EncodeSnapshot(**state, again);
  absl::StatusOr<std::unique_ptr<State>> back =
      DecodeSnapshot(again, fuzz::SmallTaxonomy(), Params{});
  if (!back.ok()) fuzz::Fail("a restored snapshot does not restore after encoding");
  if (StateHash(**back) != StateHash(**state)) fuzz::Fail("the round trip changed the state");
  return 0;
}
