// Fuzz support — what the fuzz targets share: a small process taxonomy, and sealing bytes with
// the trailing CRC32C the journal and snapshot formats end with, so that mutations reach the
// decoders' field checks instead of stopping at the checksum.

#ifndef SUBEX_FUZZ_FUZZ_SUPPORT_H_
#define SUBEX_FUZZ_FUZZ_SUPPORT_H_

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "engine/commands.h"
#include "engine/inn.h"
#include "engine/taxonomy.h"
#include "storage/binary.h"
#include "storage/crc32c.h"

namespace subex::fuzz {

inline std::shared_ptr<const Taxonomy> SmallTaxonomy() {
  static const std::shared_ptr<const Taxonomy> taxonomy = [] {
    absl::StatusOr<Taxonomy> t =
        Taxonomy::Create({{"machining", "Machining", "machine_hour", 0.4},
                          {"machining.milling", "Milling", "", -1},
                          {"machining.milling.cnc_5axis", "5-axis milling", "", -1},
                          {"machining.turning", "Turning", "", -1},
                          {"casting", "Casting", "kg", 0.01},
                          {"casting.iron", "Iron casting", "", -1}});
    if (!t.ok()) std::abort();
    return std::make_shared<const Taxonomy>(*std::move(t));
  }();
  return taxonomy;
}

// Member `i` of the fuzzers' markets: a customer and supplier of machining and casting in the
// Lipetsk region, a little apart from the others, certified ISO 9001.
inline RegisterMember MarketMember(int i) {
  return RegisterMember{{.name = "Member " + std::to_string(i),
                         .region = "RU-LIP",
                         .location = GeoPoint{52.0 + i * 0.7, 38.0 + i * 0.9},
                         .roles = kRoleCustomer | kRoleSupplier},
                        kOperator,
                        CompanyInn(std::to_string(480'000'100 + i)),
                        {"machining", "casting"},
                        {"ISO9001"}};
}

// `body` followed by its CRC32C, as a record or snapshot ends.
inline std::string Sealed(std::string_view body) {
  std::string out(body);
  Writer(out).PutFixed32(Crc32c(body));
  return out;
}

[[noreturn]] inline void Fail(const char* what) {
  std::fprintf(stderr, "fuzz: %s\n", what);
  std::abort();
}

}  // namespace subex::fuzz

#endif  // SUBEX_FUZZ_FUZZ_SUPPORT_H_
