// Journal — the durable record of everything the engine decided: its events, keyed by their
// gap-free sequence number, the idempotency records written with them, and state snapshots
// (PRODUCT §8). Backed by RocksDB, with the snapshots as files beside it; nothing outside
// storage/ sees RocksDB.
//
// A batch of events and the idempotency records of the commands that caused them go in one
// atomic write, synced to disk before `Append` returns OK; only then may the batch's answers be
// released. A failed write leaves the journal as it was before the batch, and the caller must
// stop acknowledging.
//
//   SUBEX_ASSIGN_OR_RETURN(std::unique_ptr<Journal> journal, Journal::Open({.dir = "data"}));
//   SUBEX_RETURN_IF_ERROR(journal->Append(events, records));
//   SUBEX_RETURN_IF_ERROR(journal->Replay(0, [&](const Event& e) { engine.Replay(e); ... }));
//
// Thread-safety: Append, WriteSnapshot and Prune are for one writer thread; reads may run
// concurrently with it (RocksDB reads see whole batches only).

#ifndef SUBEX_STORAGE_JOURNAL_H_
#define SUBEX_STORAGE_JOURNAL_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/events.h"

namespace subex {

// The stored answer to a command sent with an Idempotency-Key (PRODUCT §6), written in the same
// batch as the command's events. `key` is scoped by its caller (e.g. the member id and the key).
struct IdempotencyRecord {
  std::string key;
  std::string value;
};

class Journal {
 public:
  struct Options {
    std::string dir;
    bool sync = true;  // fsync every batch; only benchmarks of the raw engine turn it off.
  };

  static absl::StatusOr<std::unique_ptr<Journal>> Open(const Options& options);
  virtual ~Journal() = default;

  // Writes the events (consecutive seqs following last_seq()) and records atomically.
  virtual absl::Status Append(std::span<const Event> events,
                              std::span<const IdempotencyRecord> records) = 0;

  // The sequence number of the newest event; 0 when empty.
  virtual uint64_t last_seq() const = 0;
  // The oldest event still kept (after pruning); last_seq() + 1 when none is.
  virtual uint64_t first_seq() const = 0;

  // Calls `visit` with every event whose seq is greater than `after`, in order. A record that
  // does not decode, or a gap in the sequence, stops the replay with an error naming the seq.
  virtual absl::Status Replay(uint64_t after,
                              const std::function<absl::Status(const Event&)>& visit) const = 0;

  virtual absl::StatusOr<std::optional<std::string>> FindIdempotency(
      std::string_view key) const = 0;

  // Snapshots: an opaque encoding of the state as of event `seq`, which must not be newer than
  // last_seq(). Synced before it returns; after a crash a snapshot is whole or absent. It only
  // writes a file (storage/snapshot_files.h) and reads last_seq(), so a child process forked
  // from the writer thread may call it while the parent goes on appending.
  virtual absl::Status WriteSnapshot(uint64_t seq, std::string_view bytes) = 0;
  struct Snapshot {
    uint64_t seq = 0;
    std::string bytes;
  };
  // The newest snapshot, if any.
  virtual absl::StatusOr<std::optional<Snapshot>> LatestSnapshot() const = 0;

  // Deletes events with seq < `seq` and snapshots older than the newest one at or before it.
  // Refuses (FailedPrecondition) unless a snapshot at seq - 1 or later exists to recover from.
  // When every event is pruned, the newest snapshot's seq is last_seq(), across reopening too.
  virtual absl::Status PruneBefore(uint64_t seq) = 0;
};

}  // namespace subex

#endif  // SUBEX_STORAGE_JOURNAL_H_
