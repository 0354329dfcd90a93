// Specification of the journal (storage/journal.h): events come back in order across reopening,
// the sequence is gap-free, damage stops a replay with the seq named, idempotency records and
// snapshots are kept, and pruning removes what the newest snapshot makes unnecessary.

#include "storage/journal.h"

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"
#include "storage/codec.h"

namespace subex {
namespace {

using ::testing::HasSubstr;
using Records = std::vector<IdempotencyRecord>;

// A fresh directory under the system's temporary directory, removed with the object.
class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "subex-journal-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

Event Registered(uint64_t seq) {
  MemberRegistered body;
  body.member = MemberId{static_cast<uint32_t>(seq - 1)};
  body.name = "Member " + std::to_string(seq);
  body.inn = "7707083893";
  body.region = "RU-LIP";
  body.location = GeoPoint{52.6, 39.57};
  body.roles = kRoleSupplier;
  return Event{seq, Instant{1'790'000'000'000 + static_cast<int64_t>(seq)}, std::move(body)};
}

std::vector<Event> Events(uint64_t from, uint64_t to) {
  std::vector<Event> events;
  for (uint64_t seq = from; seq <= to; ++seq) events.push_back(Registered(seq));
  return events;
}

std::unique_ptr<Journal> OpenOrDie(const std::string& dir) {
  absl::StatusOr<std::unique_ptr<Journal>> j = Journal::Open({.dir = dir});
  EXPECT_TRUE(j.ok()) << j.status();
  return j.ok() ? *std::move(j) : nullptr;
}

std::vector<uint64_t> ReplaySeqs(const Journal& journal, uint64_t after, absl::Status* status) {
  std::vector<uint64_t> seqs;
  *status = journal.Replay(after, [&](const Event& e) {
    seqs.push_back(e.seq);
    return absl::OkStatus();
  });
  return seqs;
}

TEST(JournalTest, AppendsAndReplaysAcrossReopening) {
  TempDir dir;
  {
    std::unique_ptr<Journal> j = OpenOrDie(dir.path());
    ASSERT_NE(j, nullptr);
    EXPECT_EQ(j->last_seq(), 0u);
    EXPECT_EQ(j->first_seq(), 1u);
    ASSERT_TRUE(j->Append(Events(1, 3), {}).ok());
    ASSERT_TRUE(j->Append(Events(4, 5), {}).ok());
    ASSERT_TRUE(j->Append({}, {}).ok());
    EXPECT_EQ(j->last_seq(), 5u);
  }
  std::unique_ptr<Journal> j = OpenOrDie(dir.path());
  ASSERT_NE(j, nullptr);
  EXPECT_EQ(j->first_seq(), 1u);
  EXPECT_EQ(j->last_seq(), 5u);
  std::vector<Event> back;
  ASSERT_TRUE(j->Replay(0, [&](const Event& e) {
                 back.push_back(e);
                 return absl::OkStatus();
               }).ok());
  ASSERT_EQ(back.size(), 5u);
  for (size_t i = 0; i < back.size(); ++i) {
    const Event want = Registered(i + 1);
    EXPECT_EQ(back[i].seq, want.seq);
    EXPECT_EQ(back[i].at, want.at);
    const auto& got = std::get<MemberRegistered>(back[i].body);
    EXPECT_EQ(got.name, std::get<MemberRegistered>(want.body).name);
    EXPECT_EQ(got.member, std::get<MemberRegistered>(want.body).member);
  }
  absl::Status st;
  EXPECT_THAT(ReplaySeqs(*j, 3, &st), ::testing::ElementsAre(4u, 5u));
  EXPECT_TRUE(st.ok()) << st;
  ASSERT_TRUE(j->Append(Events(6, 6), {}).ok());
  EXPECT_EQ(j->last_seq(), 6u);
}

TEST(JournalTest, AVisitorErrorStopsTheReplay) {
  TempDir dir;
  std::unique_ptr<Journal> j = OpenOrDie(dir.path());
  ASSERT_TRUE(j->Append(Events(1, 4), {}).ok());
  int seen = 0;
  absl::Status st = j->Replay(0, [&](const Event& e) {
    ++seen;
    return e.seq == 2 ? absl::AbortedError("enough") : absl::OkStatus();
  });
  EXPECT_EQ(st.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(seen, 2);
}

TEST(JournalTest, RefusesEventsThatDoNotFollowTheLastSeq) {
  TempDir dir;
  std::unique_ptr<Journal> j = OpenOrDie(dir.path());
  ASSERT_TRUE(j->Append(Events(1, 2), {}).ok());

  absl::Status gap = j->Append(Events(4, 4), {});
  EXPECT_EQ(gap.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(gap.message(), HasSubstr("event 4"));
  EXPECT_THAT(gap.message(), HasSubstr("next seq is 3"));

  std::vector<Event> skipping = {Registered(3), Registered(5)};
  EXPECT_FALSE(j->Append(skipping, Records{{"k", "v"}}).ok());
  EXPECT_FALSE(j->Append(Events(2, 2), {}).ok());  // A repeat.

  // Nothing of a refused batch was written, its idempotency record included.
  EXPECT_EQ(j->last_seq(), 2u);
  absl::StatusOr<std::optional<std::string>> k = j->FindIdempotency("k");
  ASSERT_TRUE(k.ok());
  EXPECT_FALSE(k->has_value());
  absl::Status st;
  EXPECT_THAT(ReplaySeqs(*j, 0, &st), ::testing::ElementsAre(1u, 2u));
  ASSERT_TRUE(j->Append(Events(3, 3), {}).ok());
}

// The events column family's key for `seq`: eight big-endian bytes.
std::string EventKey(uint64_t seq) {
  std::string k(8, '\0');
  for (int i = 7; i >= 0; --i, seq >>= 8) k[static_cast<size_t>(i)] = static_cast<char>(seq & 0xff);
  return k;
}

// Writes `value` under event `seq`, or deletes it, behind the journal's back.
void Tamper(const std::string& dir, uint64_t seq, std::optional<std::string> value) {
  std::vector<std::string> names;
  ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir, &names).ok());
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (const std::string& name : names) families.push_back({name, rocksdb::ColumnFamilyOptions()});
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(rocksdb::DBOptions(), dir, families, &handles, &db).ok());
  rocksdb::ColumnFamilyHandle* events = nullptr;
  for (rocksdb::ColumnFamilyHandle* h : handles) {
    if (h->GetName() == "events") events = h;
  }
  ASSERT_NE(events, nullptr);
  rocksdb::Status s =
      value ? db->Put({}, events, EventKey(seq), *value) : db->Delete({}, events, EventKey(seq));
  EXPECT_TRUE(s.ok()) << s.ToString();
  for (rocksdb::ColumnFamilyHandle* h : handles) db->DestroyColumnFamilyHandle(h);
  delete db;
}

TEST(JournalTest, ACorruptRecordStopsTheReplayNamingItsSeq) {
  TempDir dir;
  ASSERT_TRUE(OpenOrDie(dir.path())->Append(Events(1, 5), {}).ok());
  Tamper(dir.path(), 3, std::string("\x01\x09garbage bytes", 15));

  std::unique_ptr<Journal> j = OpenOrDie(dir.path());
  absl::Status st;
  std::vector<uint64_t> seen = ReplaySeqs(*j, 0, &st);
  EXPECT_EQ(st.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(st.message(), HasSubstr("event 3"));
  EXPECT_THAT(seen, ::testing::ElementsAre(1u, 2u));  // Never a silent skip past it.
}

// Many more events than the replay reads ahead of its visitor.
TEST(JournalTest, ALongReplayKeepsOrderAndStopsWhereTheDamageOrTheVisitorSays) {
  constexpr uint64_t kEvents = 40'000;
  TempDir dir;
  {
    std::unique_ptr<Journal> j = OpenOrDie(dir.path());
    for (uint64_t from = 1; from <= kEvents; from += 1'000) {
      ASSERT_TRUE(j->Append(Events(from, from + 999), {}).ok());
    }
  }
  absl::Status st;
  std::vector<uint64_t> seen = ReplaySeqs(*OpenOrDie(dir.path()), 0, &st);
  EXPECT_TRUE(st.ok()) << st;
  ASSERT_EQ(seen.size(), kEvents);
  for (uint64_t i = 0; i < kEvents; ++i) ASSERT_EQ(seen[i], i + 1);

  uint64_t visited = 0;
  st = OpenOrDie(dir.path())->Replay(100, [&](const Event& e) {
    ++visited;
    return e.seq == 30'000 ? absl::AbortedError("enough") : absl::OkStatus();
  });
  EXPECT_EQ(st.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(visited, 29'900u);

  Tamper(dir.path(), 25'001, std::string("\x01\x09garbage bytes", 15));
  seen = ReplaySeqs(*OpenOrDie(dir.path()), 0, &st);
  EXPECT_EQ(st.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(st.message(), HasSubstr("event 25001"));
  ASSERT_EQ(seen.size(), 25'000u);  // Every event before the damaged one, and none after.
  EXPECT_EQ(seen.back(), 25'000u);
}

TEST(JournalTest, AnUnknownVersionStopsTheReplayNamingItsSeq) {
  TempDir dir;
  ASSERT_TRUE(OpenOrDie(dir.path())->Append(Events(1, 3), {}).ok());
  std::string record;
  EncodeEvent(Registered(2), record);
  record[0] = 9;  // A format version this build does not read.
  Tamper(dir.path(), 2, record);

  absl::Status st;
  ReplaySeqs(*OpenOrDie(dir.path()), 0, &st);
  EXPECT_EQ(st.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(st.message(), HasSubstr("event 2"));
  EXPECT_THAT(st.message(), HasSubstr("version"));
}

TEST(JournalTest, AMissingEventStopsTheReplayNamingItsSeq) {
  TempDir dir;
  ASSERT_TRUE(OpenOrDie(dir.path())->Append(Events(1, 5), {}).ok());
  Tamper(dir.path(), 3, std::nullopt);

  absl::Status st;
  ReplaySeqs(*OpenOrDie(dir.path()), 0, &st);
  EXPECT_EQ(st.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(st.message(), HasSubstr("event 3 is missing"));
}

TEST(JournalTest, AnEventStoredUnderAnotherSeqIsRefused) {
  TempDir dir;
  ASSERT_TRUE(OpenOrDie(dir.path())->Append(Events(1, 3), {}).ok());
  std::string record;
  EncodeEvent(Registered(7), record);
  Tamper(dir.path(), 2, record);

  absl::Status st;
  ReplaySeqs(*OpenOrDie(dir.path()), 0, &st);
  EXPECT_EQ(st.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(st.message(), HasSubstr("stored at 2"));
}

TEST(JournalTest, IdempotencyRecordsRoundTrip) {
  TempDir dir;
  {
    std::unique_ptr<Journal> j = OpenOrDie(dir.path());
    ASSERT_TRUE(j->Append(Events(1, 1), Records{{"m1/key-a", "answer a"}, {"m2/key-a", ""}}).ok());
    // Records may travel without events (a rejected command's answer).
    ASSERT_TRUE(j->Append({}, Records{{"m1/key-b", std::string("bin\0ary", 7)}}).ok());
  }
  std::unique_ptr<Journal> j = OpenOrDie(dir.path());
  auto find = [&](std::string key) {
    absl::StatusOr<std::optional<std::string>> v = j->FindIdempotency(key);
    EXPECT_TRUE(v.ok()) << v.status();
    return v.ok() ? *v : std::nullopt;
  };
  EXPECT_EQ(find("m1/key-a"), "answer a");
  EXPECT_EQ(find("m2/key-a"), "");
  EXPECT_EQ(find("m1/key-b"), std::string("bin\0ary", 7));
  EXPECT_EQ(find("m3/key-a"), std::nullopt);
  EXPECT_EQ(j->last_seq(), 1u);
}

TEST(JournalTest, KeepsTheNewestSnapshot) {
  TempDir dir;
  {
    std::unique_ptr<Journal> j = OpenOrDie(dir.path());
    absl::StatusOr<std::optional<Journal::Snapshot>> none = j->LatestSnapshot();
    ASSERT_TRUE(none.ok());
    EXPECT_FALSE(none->has_value());
    ASSERT_TRUE(j->Append(Events(1, 300), {}).ok());
    ASSERT_TRUE(j->WriteSnapshot(100, "state at 100").ok());
    ASSERT_TRUE(j->WriteSnapshot(256, std::string(100'000, 's')).ok());
    EXPECT_EQ(j->WriteSnapshot(301, "ahead").code(), absl::StatusCode::kFailedPrecondition);
  }
  std::unique_ptr<Journal> j = OpenOrDie(dir.path());
  absl::StatusOr<std::optional<Journal::Snapshot>> latest = j->LatestSnapshot();
  ASSERT_TRUE(latest.ok());
  ASSERT_TRUE(latest->has_value());
  EXPECT_EQ((*latest)->seq, 256u);
  EXPECT_EQ((*latest)->bytes, std::string(100'000, 's'));
}

TEST(JournalTest, PruningRemovesOlderEventsAndSnapshots) {
  TempDir dir;
  {
    std::unique_ptr<Journal> j = OpenOrDie(dir.path());
    ASSERT_TRUE(j->Append(Events(1, 50), Records{{"k", "v"}}).ok());
    ASSERT_TRUE(j->WriteSnapshot(10, "at 10").ok());
    ASSERT_TRUE(j->WriteSnapshot(20, "at 20").ok());
    ASSERT_TRUE(j->WriteSnapshot(40, "at 40").ok());
    // Without a snapshot at 44 or later, events before 45 are still needed.
    EXPECT_EQ(j->PruneBefore(45).code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_EQ(j->first_seq(), 1u);

    ASSERT_TRUE(j->PruneBefore(30).ok());
    EXPECT_EQ(j->first_seq(), 30u);
    EXPECT_EQ(j->last_seq(), 50u);
    ASSERT_TRUE(j->PruneBefore(12).ok());  // Already gone: nothing changes.
    EXPECT_EQ(j->first_seq(), 30u);
  }
  std::unique_ptr<Journal> j = OpenOrDie(dir.path());
  EXPECT_EQ(j->first_seq(), 30u);
  EXPECT_EQ(j->last_seq(), 50u);
  absl::Status st;
  std::vector<uint64_t> seqs = ReplaySeqs(*j, 29, &st);
  EXPECT_TRUE(st.ok()) << st;
  ASSERT_EQ(seqs.size(), 21u);
  EXPECT_EQ(seqs.front(), 30u);
  // Replaying from before the first kept event is a gap, not a silent start at 30.
  ReplaySeqs(*j, 0, &st);
  EXPECT_EQ(st.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(st.message(), HasSubstr("event 1 is missing"));

  // The snapshot at 20 (the newest at or before 30) and the newer one stay; the one at 10 goes.
  ASSERT_TRUE(j->PruneBefore(41).ok());
  absl::StatusOr<std::optional<Journal::Snapshot>> latest = j->LatestSnapshot();
  ASSERT_TRUE(latest.ok() && latest->has_value());
  EXPECT_EQ((*latest)->seq, 40u);
  absl::StatusOr<std::optional<std::string>> k = j->FindIdempotency("k");
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(*k, "v");  // Pruning events keeps the answers of the commands behind them.
}

TEST(JournalTest, PruningEverythingKeepsTheSequenceGoing) {
  TempDir dir;
  {
    std::unique_ptr<Journal> j = OpenOrDie(dir.path());
    ASSERT_TRUE(j->Append(Events(1, 8), {}).ok());
    ASSERT_TRUE(j->WriteSnapshot(8, "at 8").ok());
    ASSERT_TRUE(j->PruneBefore(9).ok());
    EXPECT_EQ(j->first_seq(), 9u);
    EXPECT_EQ(j->last_seq(), 8u);
  }
  std::unique_ptr<Journal> j = OpenOrDie(dir.path());
  EXPECT_EQ(j->first_seq(), 9u);
  EXPECT_EQ(j->last_seq(), 8u);
  EXPECT_FALSE(j->Append(Events(1, 1), {}).ok());
  ASSERT_TRUE(j->Append(Events(9, 10), {}).ok());
  absl::Status st;
  EXPECT_THAT(ReplaySeqs(*j, 8, &st), ::testing::ElementsAre(9u, 10u));
  EXPECT_TRUE(st.ok()) << st;
}

// --- Idempotency retention. ---

Instant At(int64_t ms) { return Instant{1'790'000'000'000 + ms}; }

IdempotencyRecord Answer(std::string key, std::string value, int64_t ms,
                         std::optional<Instant> replaces = std::nullopt) {
  return IdempotencyRecord{std::move(key), std::move(value), At(ms), replaces};
}

TEST(JournalTest, IdempotencyRecordsKeepTheirTime) {
  TempDir dir;
  {
    std::unique_ptr<Journal> j = OpenOrDie(dir.path());
    ASSERT_TRUE(j->Append(Events(1, 1), Records{Answer("m1/a", "answer a", 5)}).ok());
  }
  std::unique_ptr<Journal> j = OpenOrDie(dir.path());
  absl::StatusOr<std::optional<IdempotencyRecord>> r = j->FindIdempotencyRecord("m1/a");
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_TRUE(r->has_value());
  EXPECT_EQ((*r)->value, "answer a");
  EXPECT_EQ((*r)->stored_at, At(5));
}

TEST(JournalTest, PruningDeletesRecordsUpToATimeOldestFirstAndNoMoreThanAsked) {
  TempDir dir;
  std::unique_ptr<Journal> j = OpenOrDie(dir.path());
  Records records;
  for (int i = 0; i < 10; ++i) records.push_back(Answer("k" + std::to_string(i), "v", 100 * i));
  ASSERT_TRUE(j->Append({}, records).ok());
  absl::StatusOr<size_t> pruned = j->PruneIdempotency(At(450), 3);
  ASSERT_TRUE(pruned.ok()) << pruned.status();
  EXPECT_EQ(*pruned, 3u);  // k0, k1, k2.
  EXPECT_EQ(*j->FindIdempotency("k2"), std::nullopt);
  EXPECT_EQ(*j->FindIdempotency("k3"), "v");
  EXPECT_EQ(*j->PruneIdempotency(At(450), 3), 2u);  // k3, k4: nothing after 450 goes.
  EXPECT_EQ(*j->PruneIdempotency(At(450), 3), 0u);
  EXPECT_EQ(*j->FindIdempotency("k5"), "v");
  EXPECT_EQ(*j->CountIdempotency(), 5u);
  // A record replacing an expired one under its key takes the old time's entry with it, so a
  // prune up to the old time leaves the new record.
  ASSERT_TRUE(j->Append({}, Records{Answer("k5", "new", 2000, At(500))}).ok());
  EXPECT_EQ(*j->PruneIdempotency(At(1000), 100), 4u);  // k6..k9.
  EXPECT_EQ(*j->FindIdempotency("k5"), "new");
  // A clock that stepped back stores a record behind where pruning stood; it is still pruned.
  ASSERT_TRUE(j->Append({}, Records{Answer("early", "v", 1)}).ok());
  EXPECT_EQ(*j->PruneIdempotency(At(1000), 100), 1u);
  EXPECT_EQ(*j->CountIdempotency(), 1u);
}

// A journal written before records had a time: its records sit in the "idempotency" family
// without one. They take the time of the newest event when first opened by this build, keep it
// across restarts, and are deleted together once that expires.
TEST(JournalTest, RecordsFromBeforeRetentionExpireTogetherFromTheirFirstOpening) {
  TempDir dir;
  {
    rocksdb::DBOptions options;
    options.create_if_missing = true;
    options.create_missing_column_families = true;
    std::vector<rocksdb::ColumnFamilyDescriptor> families;
    for (const char* name : {"default", "events", "idempotency", "snapshots"}) {
      families.push_back({name, rocksdb::ColumnFamilyOptions()});
    }
    std::vector<rocksdb::ColumnFamilyHandle*> h;
    rocksdb::DB* db = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, dir.path(), families, &h, &db).ok());
    std::string record;
    EncodeEvent(Registered(1), record);
    ASSERT_TRUE(db->Put({}, h[1], std::string("\0\0\0\0\0\0\0\x01", 8), record).ok());
    ASSERT_TRUE(db->Put({}, h[2], "m1/a", "old answer").ok());
    ASSERT_TRUE(db->Put({}, h[2], "p3/b", "other").ok());
    for (rocksdb::ColumnFamilyHandle* handle : h) db->DestroyColumnFamilyHandle(handle);
    delete db;
  }
  const Instant newest = Registered(1).at;
  {
    std::unique_ptr<Journal> j = OpenOrDie(dir.path());
    absl::StatusOr<std::optional<IdempotencyRecord>> r = j->FindIdempotencyRecord("m1/a");
    ASSERT_TRUE(r.ok() && r->has_value()) << r.status();
    EXPECT_EQ((*r)->value, "old answer");
    EXPECT_EQ((*r)->stored_at, newest);
    ASSERT_TRUE(j->Append(Events(2, 2), {}).ok());
  }
  std::unique_ptr<Journal> j = OpenOrDie(dir.path());
  EXPECT_EQ((*j->FindIdempotencyRecord("p3/b"))->stored_at, newest);  // Not event 2's time.
  EXPECT_EQ(*j->CountIdempotency(), 2u);
  EXPECT_EQ(*j->PruneIdempotency(Instant{newest.unix_ms - 1}, 100), 0u);
  EXPECT_EQ(*j->CountIdempotency(), 2u);
  ASSERT_TRUE(j->PruneIdempotency(newest, 100).ok());
  EXPECT_EQ(*j->CountIdempotency(), 0u);
  EXPECT_EQ(*j->FindIdempotency("m1/a"), std::nullopt);
}

}  // namespace
}  // namespace subex
