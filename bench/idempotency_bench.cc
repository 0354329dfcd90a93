// idempotency_bench — the journal's size over a long run of keyed requests, with and without
// idempotency retention (storage.idempotency_retention_hours).
//
// Runs `requests` keyed commands through a Pipeline (every batch synced, as subexd does),
// each with its own Idempotency-Key and a stored answer of 400 bytes (about a created order's
// JSON). Time is the requests' own `now`, one every 100 ms, so a retention shorter than the run
// (default 1,000 s: 10,000 requests) expires answers as the run goes on. After each checkpoint it
// prints the idempotency records the journal keeps (a scan) and the journal directory's bytes,
// then does the same with a retention longer than the run, for contrast.
//
// The commands are Ticks: the engine decides nothing for them, so the journal holds only what
// idempotency costs. The data directory lives under /tmp and is removed afterwards.
//
//   idempotency_bench [requests=100000] [retention_seconds=1000]

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "engine/taxonomy.h"
#include "pipeline/pipeline.h"
#include "storage/journal.h"

namespace subex {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "idempotency bench: %s\n", what.c_str());
  std::exit(1);
}

uint64_t DirectoryBytes(const fs::path& dir) {
  uint64_t bytes = 0;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code size_ec;
    if (it->is_regular_file(size_ec)) bytes += it->file_size(size_ec);
  }
  return bytes;
}

std::shared_ptr<const Taxonomy> OneProcess() {
  absl::StatusOr<Taxonomy> t =
      Taxonomy::Create({{.code = "machining", .name = "Machining", .unit = "machine_hour",
                         .tariff_rub_per_unit_km = 0.4}});
  if (!t.ok()) Die(t.status().ToString());
  return std::make_shared<const Taxonomy>(*std::move(t));
}

void Run(uint64_t requests, std::chrono::milliseconds retention, const char* label) {
  const fs::path dir = fs::temp_directory_path() / ("subex-idempotency-bench-" +
                                                    std::to_string(getpid()));
  fs::remove_all(dir);
  absl::StatusOr<std::unique_ptr<Journal>> journal = Journal::Open({.dir = dir.string()});
  if (!journal.ok()) Die(journal.status().ToString());
  Journal* j = journal->get();
  absl::StatusOr<std::unique_ptr<Pipeline>> engine =
      Pipeline::Open(OneProcess(), Params{},
                          {.dir = dir.string(), .idempotency_retention = retention},
                          *std::move(journal));
  if (!engine.ok()) Die(engine.status().ToString());
  const std::string answer(400, 'a');
  const int64_t start_ms = 1'790'000'000'000;
  constexpr uint64_t kInFlight = 2'000;
  std::printf("%s (retention %lld s, one request every 100 ms):\n", label,
              static_cast<long long>(retention.count() / 1000));
  std::vector<std::future<void>> pending;
  for (uint64_t i = 0; i < requests; ++i) {
    auto done = std::make_shared<std::promise<void>>();
    pending.push_back(done->get_future());
    (*engine)->Submit({.command = Tick{},
                       .now = Instant{start_ms + static_cast<int64_t>(i) * 100},
                       .idempotency = {.key = "request-" + std::to_string(i),
                                       .scope = IdempotencyKey::Scope::kMember,
                                       .party = 1},
                       .render = [&answer](const Pipeline::Result&,
                                           const State&) { return CommandAnswer{.body = answer}; },
                       .reply = [done](Pipeline::Result) { done->set_value(); }});
    if (pending.size() == kInFlight || i + 1 == requests) {
      for (std::future<void>& f : pending) f.get();
      pending.clear();
    }
    const uint64_t n = i + 1;
    if (n == 10'000 || n == 50'000 || n % 100'000 == 0 || n == requests) {
      absl::StatusOr<uint64_t> records = j->CountIdempotency();
      if (!records.ok()) Die(records.status().ToString());
      std::printf("  after %7llu requests: %7llu records kept, %9llu bytes on disk, %llu pruned\n",
                  static_cast<unsigned long long>(n), static_cast<unsigned long long>(*records),
                  static_cast<unsigned long long>(DirectoryBytes(dir)),
                  static_cast<unsigned long long>((*engine)->idempotency_pruned()));
      std::fflush(stdout);
    }
  }
  engine->reset();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace subex

int main(int argc, char** argv) {
  const uint64_t requests = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 100'000;
  const long long retention_s = argc > 2 ? std::strtoll(argv[2], nullptr, 10) : 1'000;
  subex::Run(requests, std::chrono::seconds(retention_s), "with retention");
  subex::Run(requests, std::chrono::hours(24 * 365), "retention longer than the run");
  return 0;
}
