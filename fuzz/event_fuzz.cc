// Fuzz target: a journal record's bytes (sealed with their checksum) through DecodeEvent.
// Whatever decodes must encode to bytes that decode to the same encoding again, and the engine
// must take any decoded event's type name without crashing.

#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/events.h"
#include "fuzz/fuzz_support.h"
#include "storage/codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace subex;
  const std::string record =
      fuzz::Sealed(std::string_view(reinterpret_cast<const char*>(data), size));
  absl::StatusOr<Event> event = DecodeEvent(record);
  if (!event.ok()) return 0;
  (void)EventType(event->body);
  std::string once;
  EncodeEvent(*event, once);
  absl::StatusOr<Event> again = DecodeEvent(once);
  if (!again.ok()) fuzz::Fail("a decoded event does not decode after encoding");
  std::string twice;
  EncodeEvent(*again, twice);
  if (twice != once) fuzz::Fail("encoding is not stable across a round trip");
  return 0;
}
