#include "storage/journal.h"

#include <algorithm>
#include <atomic>
#include <limits>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"
#include "rocksdb/slice.h"
#include "rocksdb/table.h"
#include "rocksdb/write_batch.h"
#include "storage/codec.h"
#include "storage/snapshot_files.h"

namespace subex {
namespace {

// Keys are big-endian sequence numbers, so RocksDB's byte order is the journal's order.
std::string SeqKey(uint64_t seq) {
  std::string k(8, '\0');
  for (int i = 7; i >= 0; --i, seq >>= 8) k[static_cast<size_t>(i)] = static_cast<char>(seq & 0xff);
  return k;
}

uint64_t KeySeq(rocksdb::Slice k) {
  uint64_t seq = 0;
  for (size_t i = 0; i < 8 && i < k.size(); ++i)
    seq = (seq << 8) | static_cast<unsigned char>(k[i]);
  return seq;
}

absl::Status FromRocks(const rocksdb::Status& s, std::string_view what) {
  if (s.ok()) return absl::OkStatus();
  return absl::UnavailableError(absl::StrCat(std::string(what), ": ", s.ToString()));
}

// Column families, each tuned for how it is used:
//  - events: append-only, keys strictly increasing, read back in order by recovery and by the
//    feed. Sequential keys make flushed files non-overlapping, so compaction mostly moves files
//    instead of rewriting them; no bloom filters (reads are range scans); LZ4 because records
//    share many bytes and the CPU cost is small next to the fsync.
//  - answers: the idempotency records, by key (point lookups; bloom filters), each value its
//    stored_at (8 bytes) and the answer.
//  - answers_by_time: the same records by stored_at then key, values empty: what pruning walks,
//    oldest first, from where the last step ended.
//  - idempotency: records of builds from before records had a time; read on a miss in
//    `answers`, given the time in kLegacyAnswersAtKey, and deleted whole once that expires.
//  - snapshots: unused. Snapshots are files beside the database (storage/snapshot_files.h), so
//    that a forked child can write one without RocksDB; the family stays so that directories
//    which have it still open.
constexpr char kEvents[] = "events";
constexpr char kIdempotency[] = "idempotency";
constexpr char kSnapshots[] = "snapshots";
constexpr char kAnswers[] = "answers";
constexpr char kAnswersByTime[] = "answers_by_time";
// In the default family: the time given to the records in `idempotency`.
constexpr char kLegacyAnswersAtKey[] = "legacy_answers_at";
constexpr int64_t kNoLegacyAnswers = std::numeric_limits<int64_t>::min();

std::string Fixed64(int64_t v) {
  std::string out(8, '\0');
  uint64_t u = static_cast<uint64_t>(v);
  for (int i = 0; i < 8; ++i, u >>= 8) out[static_cast<size_t>(i)] = static_cast<char>(u & 0xff);
  return out;
}

int64_t ReadFixed64(std::string_view b) {
  uint64_t u = 0;
  for (size_t i = 8; i-- > 0;) u = (u << 8) | static_cast<unsigned char>(b[i]);
  return static_cast<int64_t>(u);
}

// Big-endian with the sign bit flipped, so byte order is time order, then the record's key.
std::string TimeKey(Instant t, std::string_view key) {
  std::string k = SeqKey(static_cast<uint64_t>(t.unix_ms) ^ (uint64_t{1} << 63));
  k.append(key);
  return k;
}

rocksdb::ColumnFamilyOptions EventsOptions() {
  rocksdb::ColumnFamilyOptions o;
  o.write_buffer_size = 64 << 20;
  o.compression = rocksdb::kLZ4Compression;
  o.level_compaction_dynamic_level_bytes = true;
  return o;
}

// Answers are small and expire: small write buffers flush them (and the pruning's deletions)
// often, so the write-ahead log they pin is released and expired answers leave the disk soon.
constexpr size_t kAnswersWriteBuffer = 8 << 20;

rocksdb::ColumnFamilyOptions IdempotencyOptions() {
  rocksdb::ColumnFamilyOptions o;
  o.OptimizeForPointLookup(/*block_cache_size_mb=*/32);
  o.write_buffer_size = kAnswersWriteBuffer;
  return o;
}

rocksdb::ColumnFamilyOptions AnswersByTimeOptions() {
  rocksdb::ColumnFamilyOptions o;
  o.write_buffer_size = kAnswersWriteBuffer;
  return o;
}

// The hand-over between the thread that reads and decodes events and the one that applies them:
// a few blocks of decoded events in flight, reused, so the reader runs at most that far ahead.
class DecodedBlocks {
 public:
  static constexpr size_t kEvents = 4096;  // Per block.
  static constexpr size_t kBlocks = 4;     // In flight.

  DecodedBlocks() {
    for (std::vector<Event>& b : storage_) {
      b.reserve(kEvents);
      free_.push_back(&b);
    }
  }

  // Reader: an empty block to fill, or nullptr once the consumer has stopped. The events a
  // block held are destroyed here, on the thread that allocated them: freeing them on the other
  // would contend for its malloc arena.
  std::vector<Event>* Fresh() {
    std::vector<Event>* b = nullptr;
    {
      std::unique_lock<std::mutex> lock(mu_);
      changed_.wait(lock, [&] { return stopped_ || !free_.empty(); });
      if (stopped_) return nullptr;
      b = free_.back();
      free_.pop_back();
    }
    b->clear();
    return b;
  }
  // Reader: hands a filled block over; false once the consumer has stopped.
  bool Give(std::vector<Event>* block) {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopped_) return false;
    full_.push_back(block);
    changed_.notify_all();
    return true;
  }
  // Reader: no more blocks will come; `status` says why.
  void Finish(absl::Status status) {
    std::lock_guard<std::mutex> lock(mu_);
    finished_ = true;
    status_ = std::move(status);
    changed_.notify_all();
  }

  // Consumer: the next filled block, or nullptr at the end.
  std::vector<Event>* Take() {
    std::unique_lock<std::mutex> lock(mu_);
    changed_.wait(lock, [&] { return finished_ || !full_.empty(); });
    if (full_.empty()) return nullptr;
    std::vector<Event>* b = full_.front();
    full_.pop_front();
    return b;
  }
  // Consumer: done with a block's events.
  void Recycle(std::vector<Event>* block) {
    std::lock_guard<std::mutex> lock(mu_);
    free_.push_back(block);
    changed_.notify_all();
  }
  // Consumer: wants no more (done, or its visitor failed).
  void Stop() {
    std::lock_guard<std::mutex> lock(mu_);
    stopped_ = true;
    changed_.notify_all();
  }
  // Why the reader finished; read after joining it.
  const absl::Status& status() const { return status_; }

 private:
  std::mutex mu_;
  std::condition_variable changed_;
  std::vector<Event> storage_[kBlocks];
  std::vector<std::vector<Event>*> free_;
  std::deque<std::vector<Event>*> full_;
  bool stopped_ = false;
  bool finished_ = false;
  absl::Status status_;
};

class RocksJournal final : public Journal {
 public:
  RocksJournal(std::unique_ptr<rocksdb::DB> db, std::vector<rocksdb::ColumnFamilyHandle*> cfs,
               bool sync, SnapshotFiles snapshots)
      : db_(std::move(db)), cfs_(std::move(cfs)), snapshots_(std::move(snapshots)) {
    write_options_.sync = sync;
  }

  ~RocksJournal() override {
    for (rocksdb::ColumnFamilyHandle* h : cfs_) db_->DestroyColumnFamilyHandle(h);
    db_->Close();
  }

  // Finds the first and last event kept. When pruning has removed every event, the newest
  // snapshot says where the sequence stands, so the next Append continues after it.
  absl::Status Load() {
    if (absl::Status st = snapshots_.Open(); !st.ok()) return st;
    absl::StatusOr<std::vector<uint64_t>> snaps = snapshots_.List();
    if (!snaps.ok()) return snaps.status();
    uint64_t last = snaps->empty() ? 0 : snaps->back();
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, events()));
    it->SeekToLast();
    if (it->Valid()) last = std::max(last, KeySeq(it->key()));
    it->SeekToFirst();
    last_seq_ = last;
    first_seq_ = it->Valid() ? KeySeq(it->key()) : last + 1;
    if (absl::Status st = FromRocks(it->status(), "reading the journal"); !st.ok()) return st;
    return LoadLegacyAnswers();
  }

  absl::Status Append(std::span<const Event> events,
                      std::span<const IdempotencyRecord> records) override {
    rocksdb::WriteBatch batch;
    std::string value;
    uint64_t expect = last_seq_ + 1;
    for (const Event& e : events) {
      if (e.seq != expect) {
        return absl::FailedPreconditionError(absl::StrCat(
            "journal: event ", e.seq, " cannot be appended; the next seq is ", expect));
      }
      ++expect;
      value.clear();
      EncodeEvent(e, value);
      batch.Put(this->events(), SeqKey(e.seq), value);
    }
    for (const IdempotencyRecord& r : records) {
      if (r.replaces) batch.Delete(answers_by_time(), TimeKey(*r.replaces, r.key));
      batch.Put(answers(), r.key, Fixed64(r.stored_at.unix_ms) + r.value);
      const std::string time_key = TimeKey(r.stored_at, r.key);
      batch.Put(answers_by_time(), time_key, {});
      // A clock that stepped back stores a record behind where pruning stands.
      if (time_key < prune_from_) prune_from_.clear();
    }
    if (absl::Status st = FromRocks(db_->Write(write_options_, &batch), "writing a batch");
        !st.ok()) {
      return st;
    }
    if (!events.empty()) last_seq_ = events.back().seq;
    return absl::OkStatus();
  }

  uint64_t last_seq() const override { return last_seq_; }
  uint64_t first_seq() const override { return first_seq_; }

  // Reading and decoding run on a thread of their own, a block of events ahead of `visit` (which
  // stays on the caller's thread), so that recovery costs about the larger of the two instead of
  // their sum.
  absl::Status Replay(uint64_t after,
                      const std::function<absl::Status(const Event&)>& visit) const override {
    DecodedBlocks blocks;
    std::thread reader([&] { blocks.Finish(ReadBlocks(after, blocks)); });
    absl::Status visited;
    for (std::vector<Event>* block; visited.ok() && (block = blocks.Take()) != nullptr;) {
      for (const Event& e : *block) {
        visited = visit(e);
        if (!visited.ok()) break;
      }
      blocks.Recycle(block);
    }
    blocks.Stop();
    reader.join();
    if (!visited.ok()) return visited;
    return blocks.status();
  }

  absl::StatusOr<std::optional<IdempotencyRecord>> FindIdempotencyRecord(
      std::string_view key) const override {
    std::string value;
    const rocksdb::Slice k(key.data(), key.size());
    rocksdb::Status s = db_->Get({}, answers(), k, &value);
    if (s.ok() && value.size() >= 8) {
      return std::optional<IdempotencyRecord>(IdempotencyRecord{
          std::string(key), value.substr(8), Instant{ReadFixed64(value)}, std::nullopt});
    }
    if (s.ok()) return absl::DataLossError("an idempotency record is shorter than its time");
    if (!s.IsNotFound()) return FromRocks(s, "reading an idempotency record");
    const int64_t legacy_at = legacy_answers_at_.load(std::memory_order_acquire);
    if (legacy_at == kNoLegacyAnswers) return std::optional<IdempotencyRecord>();
    s = db_->Get({}, idempotency(), k, &value);
    if (s.IsNotFound()) return std::optional<IdempotencyRecord>();
    if (!s.ok()) return FromRocks(s, "reading an idempotency record");
    return std::optional<IdempotencyRecord>(
        IdempotencyRecord{std::string(key), std::move(value), Instant{legacy_at}, std::nullopt});
  }

  absl::StatusOr<size_t> PruneIdempotency(Instant expired_up_to, size_t max_records) override {
    rocksdb::WriteBatch batch;
    // The walk starts where the last one ended, so it never wades through the tombstones of
    // what it already deleted, and stops before the first record still alive.
    const std::string end = TimeKey(Instant{expired_up_to.unix_ms + 1}, {});
    rocksdb::Slice lower(prune_from_), upper(end);
    rocksdb::ReadOptions read;
    read.iterate_lower_bound = &lower;
    read.iterate_upper_bound = &upper;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read, answers_by_time()));
    size_t pruned = 0;
    std::string last;
    for (it->SeekToFirst(); it->Valid() && pruned < max_records; it->Next(), ++pruned) {
      const rocksdb::Slice k = it->key();
      batch.Delete(answers(), rocksdb::Slice(k.data() + 8, k.size() - 8));
      batch.Delete(answers_by_time(), k);
      last = k.ToString();
    }
    if (absl::Status st = FromRocks(it->status(), "reading the idempotency time index");
        !st.ok()) {
      return st;
    }
    const int64_t legacy_at = legacy_answers_at_.load(std::memory_order_acquire);
    const bool legacy_expired = legacy_at != kNoLegacyAnswers && legacy_at <= expired_up_to.unix_ms;
    if (legacy_expired) {
      if (absl::Status st = DeleteLegacyAnswers(batch); !st.ok()) return st;
    }
    if (pruned == 0 && !legacy_expired) return pruned;
    rocksdb::WriteOptions unsynced;
    unsynced.sync = false;
    if (absl::Status st = FromRocks(db_->Write(unsynced, &batch), "pruning idempotency records");
        !st.ok()) {
      return st;
    }
    if (legacy_expired) legacy_answers_at_.store(kNoLegacyAnswers, std::memory_order_release);
    if (!last.empty()) prune_from_ = last + '\0';  // The next key after the last deleted.
    return pruned;
  }

  absl::StatusOr<uint64_t> CountIdempotency() const override {
    uint64_t n = 0;
    for (rocksdb::ColumnFamilyHandle* family : {answers(), idempotency()}) {
      std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, family));
      for (it->SeekToFirst(); it->Valid(); it->Next()) ++n;
      if (absl::Status st = FromRocks(it->status(), "counting idempotency records"); !st.ok()) {
        return st;
      }
    }
    return n;
  }

  // Only files, never RocksDB: a child forked from the writer thread may call it.
  absl::Status WriteSnapshot(uint64_t seq, std::string_view bytes) override {
    if (seq > last_seq_) {
      return absl::FailedPreconditionError(absl::StrCat("journal: a snapshot at ", seq,
                                                        " would be newer than the last event, ",
                                                        last_seq_.load()));
    }
    return snapshots_.Write(seq, bytes);
  }

  absl::StatusOr<std::optional<Snapshot>> LatestSnapshot() const override {
    absl::StatusOr<std::vector<uint64_t>> seqs = snapshots_.List();
    if (!seqs.ok()) return seqs.status();
    if (seqs->empty()) return std::optional<Snapshot>();
    absl::StatusOr<std::string> bytes = snapshots_.Read(seqs->back());
    if (!bytes.ok()) return bytes.status();
    return std::optional<Snapshot>(Snapshot{seqs->back(), *std::move(bytes)});
  }

  absl::Status PruneBefore(uint64_t seq) override {
    if (seq <= first_seq_) return absl::OkStatus();
    absl::StatusOr<std::vector<uint64_t>> snaps = snapshots_.List();
    if (!snaps.ok()) return snaps.status();
    // Recovery needs a snapshot at seq - 1 or later to start from once events before seq are
    // gone; without one, pruning would lose state.
    if (snaps->empty() || snaps->back() + 1 < seq) {
      return absl::FailedPreconditionError(absl::StrCat("journal: events before ", seq,
                                                        " cannot be pruned without a snapshot at ",
                                                        seq - 1, " or later"));
    }
    rocksdb::WriteBatch batch;
    batch.DeleteRange(events(), SeqKey(0), SeqKey(seq));
    if (absl::Status st = FromRocks(db_->Write(write_options_, &batch), "pruning the journal");
        !st.ok()) {
      return st;
    }
    first_seq_ = std::min(seq, last_seq_ + 1);
    // The newest snapshot at or before seq stays (with every later one); older ones go, after the
    // events, so that a crash in between leaves only a redundant snapshot.
    auto keep = std::upper_bound(snaps->begin(), snaps->end(), seq);
    if (keep != snaps->begin()) --keep;
    for (auto it = snaps->begin(); it != keep; ++it) {
      if (absl::Status st = snapshots_.Remove(*it); !st.ok()) return st;
    }
    return absl::OkStatus();
  }

 private:
  // Reads and decodes the events after `after` into blocks, until the end, a damaged record, or
  // the consumer stops.
  absl::Status ReadBlocks(uint64_t after, DecodedBlocks& blocks) const {
    rocksdb::ReadOptions read;
    read.fill_cache = false;  // One pass over the whole journal would only evict what is hot.
    read.readahead_size = 4 << 20;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read, events()));
    std::vector<Event>* block = blocks.Fresh();
    if (block == nullptr) return absl::OkStatus();
    absl::Status status = ReadInto(*it, after + 1, block, blocks);
    // The events before a damaged one are still delivered, as without the reader thread.
    if (block != nullptr && !block->empty()) blocks.Give(block);
    return status;
  }

  // Fills blocks from `it` (events from `expect` on), handing each over when full; `block` is
  // the one being filled, nullptr once the consumer has stopped.
  absl::Status ReadInto(rocksdb::Iterator& it, uint64_t expect, std::vector<Event>*& block,
                        DecodedBlocks& blocks) const {
    for (it.Seek(SeqKey(expect)); it.Valid(); it.Next()) {
      uint64_t seq = KeySeq(it.key());
      if (seq != expect) {
        return absl::DataLossError(
            absl::StrCat("journal: event ", expect, " is missing (next stored is ", seq, ")"));
      }
      absl::StatusOr<Event> e = DecodeEvent(std::string_view(it.value().data(), it.value().size()));
      if (!e.ok()) {
        return absl::DataLossError(
            absl::StrCat("journal: event ", seq, " cannot be read: ", e.status().message()));
      }
      if (e->seq != seq) {
        return absl::DataLossError(
            absl::StrCat("journal: event stored at ", seq, " says it is ", e->seq));
      }
      block->push_back(*std::move(e));
      if (block->size() == DecodedBlocks::kEvents) {
        std::vector<Event>* full = block;
        block = nullptr;
        if (!blocks.Give(full) || (block = blocks.Fresh()) == nullptr) return absl::OkStatus();
      }
      ++expect;
    }
    return FromRocks(it.status(), "reading the journal");
  }

  // Records from older builds get the time of the newest event when this build first opens the
  // journal, kept in the default family so that it does not move on the next start.
  absl::Status LoadLegacyAnswers() {
    std::string at;
    rocksdb::Status s = db_->Get({}, cfs_[0], kLegacyAnswersAtKey, &at);
    if (s.ok() && at.size() == 8) {
      legacy_answers_at_.store(ReadFixed64(at));
      return absl::OkStatus();
    }
    if (!s.ok() && !s.IsNotFound()) return FromRocks(s, "reading the journal");
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, idempotency()));
    it->SeekToFirst();
    if (!it->Valid()) return FromRocks(it->status(), "reading idempotency records");
    Instant newest;
    std::unique_ptr<rocksdb::Iterator> last(db_->NewIterator({}, events()));
    last->SeekToLast();
    if (last->Valid()) {
      absl::StatusOr<Event> e =
          DecodeEvent(std::string_view(last->value().data(), last->value().size()));
      if (e.ok()) newest = e->at;
    }
    rocksdb::WriteOptions synced;
    synced.sync = true;
    if (absl::Status st = FromRocks(
            db_->Put(synced, cfs_[0], kLegacyAnswersAtKey, Fixed64(newest.unix_ms)),
            "dating idempotency records");
        !st.ok()) {
      return st;
    }
    legacy_answers_at_.store(newest.unix_ms);
    return absl::OkStatus();
  }

  // Adds the deletion of every record in `idempotency` (one range, whatever it holds) and of
  // its time to `batch`.
  absl::Status DeleteLegacyAnswers(rocksdb::WriteBatch& batch) {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, idempotency()));
    it->SeekToFirst();
    if (it->Valid()) {
      const std::string first = it->key().ToString();
      it->SeekToLast();
      const std::string last = it->key().ToString();
      batch.DeleteRange(idempotency(), first, last);
      batch.Delete(idempotency(), last);
    }
    batch.Delete(cfs_[0], kLegacyAnswersAtKey);
    return FromRocks(it->status(), "reading idempotency records");
  }

  rocksdb::ColumnFamilyHandle* events() const { return cfs_[1]; }
  rocksdb::ColumnFamilyHandle* idempotency() const { return cfs_[2]; }
  rocksdb::ColumnFamilyHandle* answers() const { return cfs_[4]; }
  rocksdb::ColumnFamilyHandle* answers_by_time() const { return cfs_[5]; }

  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> cfs_;
  SnapshotFiles snapshots_;
  rocksdb::WriteOptions write_options_;
  // Written by the writer thread only; atomic so that readers on other threads may look.
  std::atomic<uint64_t> last_seq_{0};
  std::atomic<uint64_t> first_seq_{1};
  // Where the next idempotency prune starts in answers_by_time (writer thread only).
  std::string prune_from_;
  // The time given to the records in `idempotency`; kNoLegacyAnswers when there are none.
  std::atomic<int64_t> legacy_answers_at_{kNoLegacyAnswers};
};

}  // namespace

absl::StatusOr<std::optional<std::string>> Journal::FindIdempotency(std::string_view key) const {
  absl::StatusOr<std::optional<IdempotencyRecord>> r = FindIdempotencyRecord(key);
  if (!r.ok()) return r.status();
  if (!*r) return std::optional<std::string>();
  return std::optional<std::string>(std::move((*r)->value));
}

absl::StatusOr<std::unique_ptr<Journal>> Journal::Open(const Options& options) {
  rocksdb::DBOptions db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  // Every batch is synced by its own write; nothing else may hold acknowledged data in memory.
  db_options.manual_wal_flush = false;
  std::vector<rocksdb::ColumnFamilyDescriptor> families = {
      {rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions()},
      {kEvents, EventsOptions()},
      {kIdempotency, IdempotencyOptions()},
      {kSnapshots, rocksdb::ColumnFamilyOptions()},
      {kAnswers, IdempotencyOptions()},
      {kAnswersByTime, AnswersByTimeOptions()},
  };
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(db_options, options.dir, families, &handles, &raw);
  if (!s.ok()) {
    return absl::UnavailableError(
        absl::StrCat("cannot open the journal in ", options.dir, ": ", s.ToString()));
  }
  auto journal =
      std::make_unique<RocksJournal>(std::unique_ptr<rocksdb::DB>(raw), std::move(handles),
                                     options.sync, SnapshotFiles(options.dir + "/snapshots"));
  if (absl::Status loaded = journal->Load(); !loaded.ok()) return loaded;
  return journal;
}

}  // namespace subex
