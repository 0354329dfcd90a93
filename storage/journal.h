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
// A record expires a retention after `stored_at` (storage.idempotency_retention_hours): the
// caller treats it as absent from then on, and `PruneIdempotency` deletes it.
struct IdempotencyRecord {
  std::string key;
  std::string value;
  Instant stored_at;  // The `now` of the request that stored it.
  // When this record replaces an expired one under the same key: that one's `stored_at`, so that
  // its entry in the time index goes in the same write.
  std::optional<Instant> replaces;
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

  // The record stored under `key`, expired or not, until it is pruned. Records written before
  // records had a time (by older builds) are given the time of the newest event when this build
  // first opened the journal, and expire a retention after it.
  virtual absl::StatusOr<std::optional<IdempotencyRecord>> FindIdempotencyRecord(
      std::string_view key) const = 0;
  // Its answer alone.
  absl::StatusOr<std::optional<std::string>> FindIdempotency(std::string_view key) const;

  // Deletes up to `max_records` records stored at or before `expired_up_to`, oldest first, in
  // one write that is not synced by itself (a crash may bring some back; they are expired, so
  // nothing reads them, and the next prune takes them again). The time index makes each step
  // cost what it deletes, not what the journal holds. Returns how many it deleted; fewer than
  // `max_records` means none older is left. For the writer thread.
  virtual absl::StatusOr<size_t> PruneIdempotency(Instant expired_up_to, size_t max_records) = 0;
  // The idempotency records kept, counted by a scan: for tests and benchmarks.
  virtual absl::StatusOr<uint64_t> CountIdempotency() const = 0;

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
