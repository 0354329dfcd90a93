// The journal fixture — a small market's journal and snapshot as a build of the engine wrote them
// (tests/fixtures/journal/), kept so that every later build shows it still reads them: the
// configuration both the writer (journal_fixture_writer.cc) and the test (journal_fixture_test.cc)
// run with, which the journal's process ids and names depend on.
//
// The data directory is a RocksDB journal with one snapshot, about three hundred events of every
// event type. Nothing rewrites it: a format change that cannot read it is a broken promise to
// every deployment's data, not a fixture to regenerate.

#ifndef SUBEX_TESTS_JOURNAL_FIXTURE_H_
#define SUBEX_TESTS_JOURNAL_FIXTURE_H_

#include <cstdlib>
#include <memory>

#include "engine/params.h"
#include "engine/taxonomy.h"

namespace subex::fixture {

inline std::shared_ptr<const Taxonomy> JournalTaxonomy() {
  static const std::shared_ptr<const Taxonomy> taxonomy = [] {
    absl::StatusOr<Taxonomy> t =
        Taxonomy::Create({{"machining", "Machining", "machine_hour", 0.4},
                          {"machining.milling", "Milling", "", -1},
                          {"machining.milling.cnc_5axis", "5-axis milling", "", -1},
                          {"machining.turning", "Turning", "", -1},
                          {"casting", "Casting", "kg", 0.01},
                          {"casting.steel", "Steel casting", "", -1}});
    if (!t.ok()) std::abort();
    return std::make_shared<const Taxonomy>(*std::move(t));
  }();
  return taxonomy;
}

inline Params JournalParams() { return Params{}; }

}  // namespace subex::fixture

#endif  // SUBEX_TESTS_JOURNAL_FIXTURE_H_
