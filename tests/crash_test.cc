// Crash test (PRODUCT §8 durability): subex_crash_child drives a Pipeline with random
// commands from several threads and logs every answer it receives; this test kills it with
// SIGKILL at random moments (from a fixed seed), restarts it on the same data directory, and after
// the last cycle checks, from the data directory alone:
//
//   - every acknowledged command's idempotency record is there, with the answer acknowledged, and
//     the events it reported are in the journal;
//   - every event of the journal belongs to exactly one command's record: nothing acknowledged
//     was lost, nothing was applied twice, nothing was written without its record;
//   - the journal is gap-free from seq 1, the recovered state (from the newest snapshot, which
//     a kill may have caught half-written, and the events after it) satisfies every invariant,
//     and its hash equals that of a fresh engine fed the journal's events.
//
// SUBEX_CRASH_CYCLES sets the number of kills (20 by default; scripts/crash_soak.sh runs
// hundreds), SUBEX_CRASH_SEED the seed of the kill timings.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "config/config.h"
#include "engine/engine.h"
#include "engine/invariants.h"
#include "engine/state_hash.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "pipeline/idempotency.h"
#include "pipeline/pipeline.h"
#include "storage/journal.h"

namespace subex {
namespace {

namespace fs = std::filesystem;

int EnvInt(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::atoi(v) : fallback;
}

std::shared_ptr<const Taxonomy> LoadShippedTaxonomy() {
  absl::StatusOr<Taxonomy> t = LoadTaxonomy(SUBEX_SOURCE_DIR "/config/processes.toml");
  EXPECT_TRUE(t.ok()) << t.status();
  return std::make_shared<const Taxonomy>(*std::move(t));
}

// One run of the child: how it ended.
struct Ended {
  bool ready = false;   // It had recovered and started trading.
  bool killed = false;  // By our SIGKILL.
  int status = 0;       // From waitpid.
};

// Starts the child; kills it `delay` after it is ready (or, when `early`, `delay` after it
// starts, whatever it is doing then).
Ended RunChild(const std::string& dir, const std::string& ack_log, int cycle, bool early,
               std::chrono::milliseconds delay) {
  Ended ended;
  int ready[2];
  if (pipe2(ready, O_CLOEXEC) != 0) {
    ADD_FAILURE() << "pipe2 failed";
    return ended;
  }
  const std::string cycle_arg = std::to_string(cycle);
  const pid_t pid = fork();
  if (pid == 0) {
    // Only async-signal-safe calls from here to exec.
    const int fd = dup(ready[1]);  // Without O_CLOEXEC, so the child keeps it.
    char fd_arg[16];
    int n = 0;
    char digits[16];
    for (int v = fd; v > 0 || n == 0; v /= 10) digits[n++] = static_cast<char>('0' + v % 10);
    for (int i = 0; i < n; ++i) fd_arg[i] = digits[n - 1 - i];
    fd_arg[n] = '\0';
    execl(SUBEX_CRASH_CHILD, SUBEX_CRASH_CHILD, dir.c_str(), ack_log.c_str(), cycle_arg.c_str(),
          fd_arg, static_cast<char*>(nullptr));
    _exit(127);
  }
  close(ready[1]);
  if (pid < 0) {
    close(ready[0]);
    ADD_FAILURE() << "fork failed";
    return ended;
  }
  if (!early) {
    pollfd p{ready[0], POLLIN, 0};
    char byte = 0;
    // Generous: recovery under AddressSanitizer on a slow machine.
    if (poll(&p, 1, /*timeout_ms=*/120'000) == 1 && read(ready[0], &byte, 1) == 1) {
      ended.ready = true;
    }
  }
  close(ready[0]);
  if (early || ended.ready) {
    std::this_thread::sleep_for(delay);
    ended.killed = kill(pid, SIGKILL) == 0;
  }
  waitpid(pid, &ended.status, 0);
  return ended;
}

// The events a command's answer reports: "first:count", or none for "rejected" and "none".
std::pair<uint64_t, uint64_t> EventsOf(const std::string& answer) {
  const size_t colon = answer.find(':');
  if (colon == std::string::npos) return {0, 0};
  return {std::stoull(answer.substr(0, colon)), std::stoull(answer.substr(colon + 1))};
}

// Every idempotency record, read straight from the data directory.
std::map<std::string, std::string> AllRecords(const std::string& dir) {
  std::map<std::string, std::string> records;
  std::vector<std::string> names;
  EXPECT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir, &names).ok());
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (const std::string& name : names) families.push_back({name, rocksdb::ColumnFamilyOptions()});
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  rocksdb::Status s =
      rocksdb::DB::OpenForReadOnly(rocksdb::DBOptions(), dir, families, &handles, &db);
  EXPECT_TRUE(s.ok()) << s.ToString();
  if (!s.ok()) return records;
  // Answers are kept in "answers" behind the 8 bytes of the time they were stored
  // (storage/journal.cc); "idempotency" holds those of older builds, bare.
  for (rocksdb::ColumnFamilyHandle* h : handles) {
    const size_t skip = h->GetName() == "answers" ? 8 : h->GetName() == "idempotency" ? 0 : 1;
    if (skip == 1) continue;
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator({}, h));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      EXPECT_GE(it->value().size(), skip);
      std::optional<Idempotency::Stored> stored =
          Idempotency::Decode(it->value().ToString().substr(skip));
      EXPECT_TRUE(stored.has_value()) << it->key().ToString();
      if (stored) records.emplace(it->key().ToString(), stored->answer.body);
    }
    EXPECT_TRUE(it->status().ok()) << it->status().ToString();
  }
  for (rocksdb::ColumnFamilyHandle* h : handles) db->DestroyColumnFamilyHandle(h);
  delete db;
  return records;
}

// A kill can land inside the write of an ack line (the kernel checks for a fatal signal where the
// line crosses a page of the file): that line was never acknowledged. Cut it before the next
// child appends, so that it is not glued to the next cycle's first line.
void DropTornLine(const std::string& ack_log) {
  std::error_code ec;
  const uintmax_t size = fs::file_size(ack_log, ec);
  if (ec || size == 0) return;
  std::ifstream in(ack_log, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (text.back() == '\n') return;
  const size_t last = text.rfind('\n');
  fs::resize_file(ack_log, last == std::string::npos ? 0 : last + 1);
}

TEST(CrashTest, NoAcknowledgedCommandIsLostOrAppliedTwice) {
  const int cycles = EnvInt("SUBEX_CRASH_CYCLES", 20);
  const uint64_t seed = static_cast<uint64_t>(EnvInt("SUBEX_CRASH_SEED", 20261123));
  const fs::path root = fs::temp_directory_path() / ("subex-crash-" + std::to_string(getpid()));
  fs::remove_all(root);
  fs::create_directories(root);
  const std::string dir = (root / "data").string();
  const std::string ack_log = (root / "acks.log").string();

  std::mt19937_64 rng(seed);
  int ready_runs = 0;
  for (int cycle = 1; cycle <= cycles; ++cycle) {
    // One kill in five lands wherever the child is, recovery and set-up included; the rest
    // while it trades.
    const bool early = std::uniform_int_distribution<int>(0, 4)(rng) == 0;
    const auto delay = std::chrono::milliseconds(
        std::uniform_int_distribution<int>(early ? 0 : 20, early ? 150 : 400)(rng));
    Ended ended = RunChild(dir, ack_log, cycle, early, delay);
    if (ended.ready) ++ready_runs;
    DropTornLine(ack_log);
    // The only acceptable end is our SIGKILL: the child exits by itself only when it finds
    // something wrong, and says what on stderr.
    ASSERT_TRUE(WIFSIGNALED(ended.status) && WTERMSIG(ended.status) == SIGKILL)
        << "cycle " << cycle << ": the child ended with status " << ended.status
        << (WIFEXITED(ended.status) ? " (exit " + std::to_string(WEXITSTATUS(ended.status)) + ")"
                                    : "");
  }
  EXPECT_GT(ready_runs, 0);

  // Acknowledged answers, from the ack log; a torn last line was never acknowledged.
  std::vector<std::pair<std::string, std::string>> acked;
  {
    std::ifstream in(ack_log, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    size_t start = 0;
    for (size_t end = text.find('\n'); end != std::string::npos; end = text.find('\n', start)) {
      const std::string line = text.substr(start, end - start);
      start = end + 1;
      const size_t space = line.find(' ');
      ASSERT_NE(space, std::string::npos) << line;
      acked.emplace_back(line.substr(0, space), line.substr(space + 1));
    }
  }
  ASSERT_FALSE(acked.empty());
  std::printf("crash test: %d cycles, %d killed while trading, %zu acknowledged commands\n", cycles,
              ready_runs, acked.size());

  // The journal: gap-free from 1, replayed into a fresh engine.
  std::shared_ptr<const Taxonomy> taxonomy = LoadShippedTaxonomy();
  Engine fresh(taxonomy, Params{});
  uint64_t last_seq = 0;
  {
    absl::StatusOr<std::unique_ptr<Journal>> journal = Journal::Open({.dir = dir});
    ASSERT_TRUE(journal.ok()) << journal.status();
    EXPECT_EQ((*journal)->first_seq(), 1u);
    last_seq = (*journal)->last_seq();
    uint64_t expect = 1;
    absl::Status replayed = (*journal)->Replay(0, [&](const Event& e) {
      if (e.seq != expect) return absl::DataLossError("gap at " + std::to_string(expect));
      ++expect;
      fresh.Replay(e);
      return absl::OkStatus();
    });
    ASSERT_TRUE(replayed.ok()) << replayed;
    EXPECT_EQ(expect, last_seq + 1);

    // Every acknowledged key has the acknowledged answer, acknowledged once.
    absl::flat_hash_set<std::string> keys;
    for (const auto& [key, answer] : acked) {
      EXPECT_TRUE(keys.insert(key).second) << key << " acknowledged twice";
      absl::StatusOr<std::optional<std::string>> stored =
          (*journal)->FindIdempotency(Idempotency::JournalKey({.key = key}));
      ASSERT_TRUE(stored.ok()) << stored.status();
      ASSERT_TRUE(stored->has_value()) << "acknowledged " << key << " is lost";
      std::optional<Idempotency::Stored> decoded = Idempotency::Decode(**stored);
      ASSERT_TRUE(decoded.has_value()) << key;
      EXPECT_EQ(decoded->answer.body, answer) << key;
      auto [first, count] = EventsOf(answer);
      if (count > 0) {
        EXPECT_LE(first + count - 1, last_seq) << key;
      }
    }
  }
  EXPECT_THAT(CheckInvariants(fresh.state()), ::testing::IsEmpty());
  EXPECT_EQ(fresh.state().members().size(), 10u);  // Set-up ran once, however often repeated.

  // Every event belongs to exactly one command's record.
  std::vector<std::string> owner(last_seq + 1);
  for (const auto& [key, answer] : AllRecords(dir)) {
    auto [first, count] = EventsOf(answer);
    for (uint64_t seq = first; seq < first + count; ++seq) {
      ASSERT_GE(seq, 1u) << key;
      ASSERT_LE(seq, last_seq) << key << " reports events the journal does not hold";
      ASSERT_TRUE(owner[seq].empty())
          << "event " << seq << " claimed by " << owner[seq] << " and " << key;
      owner[seq] = key;
    }
  }
  for (uint64_t seq = 1; seq <= last_seq; ++seq) {
    ASSERT_FALSE(owner[seq].empty()) << "event " << seq << " has no command";
  }

  // What the engine recovers on start is what the journal says.
  {
    absl::StatusOr<std::unique_ptr<Pipeline>> engine =
        Pipeline::Open(taxonomy, Params{}, {.dir = dir});
    ASSERT_TRUE(engine.ok()) << engine.status();
    EXPECT_EQ((*engine)->StateHashNow(), StateHash(fresh.state()));
  }
  fs::remove_all(root);
}

}  // namespace
}  // namespace subex
