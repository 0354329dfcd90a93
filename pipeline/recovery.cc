#include "pipeline/recovery.h"

#include <chrono>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "storage/snapshot.h"

namespace subex {

absl::StatusOr<Recovered> Recover(Journal& journal, std::shared_ptr<const Taxonomy> taxonomy,
                                  const Params& params, Engine& engine) {
  const auto start = std::chrono::steady_clock::now();
  Recovered out;
  absl::StatusOr<std::optional<Journal::Snapshot>> snapshot = journal.LatestSnapshot();
  if (!snapshot.ok()) return snapshot.status();
  if (*snapshot) {
    absl::StatusOr<std::unique_ptr<State>> state =
        DecodeSnapshot((*snapshot)->bytes, std::move(taxonomy), params);
    if (!state.ok()) {
      return absl::DataLossError(absl::StrCat("snapshot at event ", (*snapshot)->seq,
                                              " cannot be restored: ", state.status().message()));
    }
    engine = Engine(*std::move(state));
    out.snapshot_seq = (*snapshot)->seq;
  }
  engine.BeginBulkReplay();
  absl::Status replayed = journal.Replay(engine.state().last_seq(), [&](const Event& e) {
    if (e.seq != engine.state().last_seq() + 1) {
      return absl::DataLossError(
          absl::StrCat("journal: event ", e.seq, " does not follow ", engine.state().last_seq()));
    }
    engine.Replay(e);
    ++out.replayed_events;
    return absl::OkStatus();
  });
  engine.EndBulkReplay();
  if (!replayed.ok()) return replayed;
  out.micros = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                         std::chrono::steady_clock::now() - start)
                                         .count());
  return out;
}

}  // namespace subex
