// Snapshot — the whole engine state as one record, so that recovery is the newest snapshot plus a
// replay of the events after it (PRODUCT §8).
//
// A snapshot keeps the records (engine/state.h's StateImage) and none of the indexes:
// `DecodeSnapshot` rebuilds them through State::Restore, so the restored state has the same
// StateHash and behaves exactly like the one encoded. The layout:
//
//   magic      4 bytes   "SXSN"
//   version    u8        kSnapshotFormatVersion (4)
//   taxonomy   fixed32   CRC32C of the process codes in id order: a snapshot is only restored
//                        against the taxonomy it was taken with
//   last_seq   varint    the sequence number of the last event the state holds
//   now        zigzag    Instant of that event
//   max_reliability      double
//   names      count, then each string, in NameId order
//   members, clusters, offers, orders, contracts, keys, bids
//              each a count, then the records in id order (ids are implied by position; keys
//              by hash)
//   public_id_secret     string (version 4 on): the secret keying public ids, empty for none
//   crc        fixed32   CRC32C of every byte before it
//
// Fields travel as in the event codec (storage/codec.h): varints, zigzag for signed values, raw
// doubles, one byte per bool and enum (fixed wire numbers), a presence byte for optionals, a
// count before each list; names as NameIds. To stay small, each record's `created_at` is stored
// as the step from the previous record's of the same kind, and other days and instants as the
// step from a related one (an offer's `from` from its creation day, `to` from `from`). A
// calendar is one byte when untouched (every day at the daily capacity), else its first day,
// its length and each day's free capacity as varints.
//
// Decoding refuses, with a message naming the record and field: a wrong magic, a checksum
// mismatch, a truncated or malformed field, bytes left over, and references that do not resolve
// (DataLoss); another format version (InvalidArgument, message says "version"); a snapshot of
// another taxonomy (FailedPrecondition). Like the codec, the version is judged before the
// checksum.
//
//   std::string bytes;
//   EncodeSnapshot(engine.state(), bytes);
//   absl::StatusOr<std::unique_ptr<State>> state = DecodeSnapshot(bytes, taxonomy, params);
//   Engine restored(*std::move(state));
//
// Pure functions; EncodeSnapshot only reads the state (the caller keeps it from changing).

#ifndef SUBEX_STORAGE_SNAPSHOT_H_
#define SUBEX_STORAGE_SNAPSHOT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "engine/params.h"
#include "engine/state.h"
#include "engine/taxonomy.h"

namespace subex {

// Version 2 added the API keys after the contracts. Version 3 added key ids, labels and
// revocation, the platforms a member authorised, rfq mode (the award counts of members, the rfq
// terms of orders, the awarded bid of contracts, the bids after the keys), an order's withdrawn
// quantity, and a contract's delivery day, who cancelled it and why. Version 4 added the
// secret that keys public ids, last; version 3 snapshots are still read (with no secret).
inline constexpr uint8_t kSnapshotFormatVersion = 4;

// Appends the snapshot of `state` to `out`.
void EncodeSnapshot(const State& state, std::string& out);

// The state a snapshot holds, over `taxonomy` (which must be the one it was taken with) and
// `params` (today's; they are not part of the snapshot).
absl::StatusOr<std::unique_ptr<State>> DecodeSnapshot(std::string_view bytes,
                                                      std::shared_ptr<const Taxonomy> taxonomy,
                                                      Params params);

}  // namespace subex

#endif  // SUBEX_STORAGE_SNAPSHOT_H_
