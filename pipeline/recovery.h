// Recover — rebuilds the engine from the journal at start (PRODUCT §8): the newest snapshot,
// then every event after it, re-applied (events, not commands, so an upgraded binary replays the
// same history).
//
//   SUBEX_ASSIGN_OR_RETURN(Recovered r, Recover(*journal, taxonomy, params));
//
// Runs on the calling thread, before any other thread touches the engine.

#ifndef SUBEX_PIPELINE_RECOVERY_H_
#define SUBEX_PIPELINE_RECOVERY_H_

#include <cstdint>
#include <memory>

#include "absl/status/status.h"
#include "engine/engine.h"
#include "storage/journal.h"

namespace subex {

struct Recovered {
  uint64_t snapshot_seq = 0;     // Of the snapshot restored; 0 if none.
  uint64_t replayed_events = 0;  // Events re-applied after it.
  uint64_t micros = 0;           // How long it took.
};

// Restores `engine` (fresh, over `taxonomy` and `params`) from `journal`. DataLoss when a
// snapshot cannot be restored or the journal has a gap.
absl::StatusOr<Recovered> Recover(Journal& journal, std::shared_ptr<const Taxonomy> taxonomy,
                                  const Params& params, Engine& engine);

}  // namespace subex

#endif  // SUBEX_PIPELINE_RECOVERY_H_
