// subexd — the exchange server: the engine thread over the RocksDB journal, and the HTTP/JSON API.
//
//   subexd [--config FILE] [--listen HOST:PORT] [--data-dir DIR] [--demo] [--demo-report]
//
// On start it recovers the state from DIR (snapshot + journal), loads the API keys, and listens.
// The operator's admin key is $SUBEX_ADMIN_KEY, or the one kept in DIR/admin.key, which is made
// on first start (mode 0600) and printed once. With --demo and an empty journal it first loads
// the demo market (server/demo_data.h) through the engine, giving every member a key, and writes
// the members' keys to DIR/demo_keys.tsv (mode 0600) for the README's tour.
//
// It prints "subexd: listening on http://HOST:PORT" once it answers, and stops on SIGINT or
// SIGTERM: no new connections, the queued requests answered, the journal closed.
//
// Exit status: 0 after a clean stop, 1 when it cannot start (journal, address), 2 for a bad
// command line or configuration.

#include <signal.h>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "api/crypto.h"
#include "api/feed.h"
#include "api/http_server.h"
#include "api/ids.h"
#include "api/key_ring.h"
#include "api/service.h"
#include "config/config.h"
#include "server/demo_data.h"
#include "server/demo_report.h"
#include "storage/durable_engine.h"

namespace subex {
namespace {

constexpr char kUsage[] =
    "usage: subexd [--config FILE] [--listen HOST:PORT] [--data-dir DIR] [--demo]\n"
    "              [--demo-report [--quiet]] [--help]\n"
    "\n"
    "  --config FILE        configuration file (default: $SUBEX_CONFIG, else config/subex.toml)\n"
    "  --listen HOST:PORT   address of the HTTP API (default: server.listen of the config)\n"
    "  --data-dir DIR       directory of the journal and snapshots (default: storage.data_dir)\n"
    "  --demo               load the demo market when the journal is empty\n"
    "  --demo-report        print the demo market run through an in-memory engine, and exit\n"
    "  --quiet              with --demo-report: print the summary only\n"
    "  --help               print this help\n";

struct Flags {
  std::string config;
  std::optional<std::string> listen;
  std::optional<std::string> data_dir;
  bool demo = false;
  bool demo_report = false;
  bool quiet = false;
  bool help = false;
};

// Accepts `--name value` and `--name=value`. Returns the error to print, if any.
std::optional<std::string> ParseFlags(std::span<char* const> args, Flags& flags) {
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    std::string_view name = arg.substr(0, arg.find('='));
    std::optional<std::string> inline_value;
    if (name.size() < arg.size()) inline_value = std::string(arg.substr(name.size() + 1));
    auto value = [&]() -> std::optional<std::string> {
      if (inline_value) return inline_value;
      if (i + 1 < args.size()) return std::string(args[++i]);
      return std::nullopt;
    };
    if (name == "--help" || name == "-h") {
      flags.help = true;
    } else if (name == "--quiet" || name == "-q") {
      flags.quiet = true;
    } else if (name == "--demo") {
      flags.demo = true;
    } else if (name == "--demo-report") {
      flags.demo_report = true;
    } else if (name == "--config" || name == "--listen" || name == "--data-dir") {
      std::optional<std::string> v = value();
      if (!v || v->empty()) return absl::StrCat(std::string(name), " needs a value");
      if (name == "--config") flags.config = *v;
      if (name == "--listen") flags.listen = *v;
      if (name == "--data-dir") flags.data_dir = *v;
    } else {
      return absl::StrCat("unknown argument \"", std::string(arg), "\"");
    }
  }
  return std::nullopt;
}

// "HOST:PORT" → host and port; nullopt when malformed.
std::optional<std::pair<std::string, uint16_t>> ParseListen(const std::string& listen) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) return std::nullopt;
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  const std::string port = listen.substr(colon + 1);
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  const int p = std::stoi(port);
  if (p > 65535) return std::nullopt;
  return std::make_pair(host, static_cast<uint16_t>(p));
}

Instant Now() {
  return Instant{std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count()};
}

// Writes `text` to `path` readable by its owner only.
bool WritePrivateFile(const std::filesystem::path& path, const std::string& text) {
  const std::filesystem::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) return false;
    out << text;
    if (!out.flush()) return false;
  }
  if (::chmod(tmp.c_str(), 0600) != 0) return false;
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  return !ec;
}

// The admin key's hash: from $SUBEX_ADMIN_KEY, else DIR/admin.key, else a new key written there
// and printed once.
std::optional<std::string> AdminKeyHash(const std::filesystem::path& dir) {
  if (const char* env = std::getenv("SUBEX_ADMIN_KEY"); env != nullptr && *env != '\0') {
    std::printf("subexd: admin key from $SUBEX_ADMIN_KEY\n");
    return Sha256Hex(env);
  }
  const std::filesystem::path file = dir / "admin.key";
  std::ifstream in(file);
  std::string key;
  if (in && std::getline(in, key) && !key.empty()) {
    std::printf("subexd: admin key in %s\n", file.c_str());
    return Sha256Hex(key);
  }
  key = NewApiKey();
  if (!WritePrivateFile(file, key + "\n")) {
    std::fprintf(stderr, "subexd: cannot write %s\n", file.c_str());
    return std::nullopt;
  }
  std::printf("subexd: new admin key (kept in %s, mode 0600): %s\n", file.c_str(), key.c_str());
  return Sha256Hex(key);
}

// Runs one command on the engine thread and waits for its answer.
DurableEngine::Result RunAndWait(DurableEngine& engine, Command command, Instant now) {
  std::promise<DurableEngine::Result> done;
  engine.Submit({.command = std::move(command),
                 .now = now,
                 .idempotency_key = {},
                 .render = {},
                 .reply = [&done](DurableEngine::Result r) { done.set_value(std::move(r)); }});
  return done.get_future().get();
}

// Loads the demo market into an empty journal, a key for every member. The steps run in their
// order but at the real time, so the live clock is not pushed to the demo's last day. Returns
// false when a step fails.
bool LoadDemo(DurableEngine& engine, const std::filesystem::path& dir) {
  Demo demo = BuildDemo();
  std::string keys = "# member\tname\tapi_key\troles\n";
  std::vector<std::string> names;
  size_t registered = 0;
  for (size_t i = 0; i < demo.steps.size(); ++i) {
    DemoStep& step = demo.steps[i];
    std::string key;
    if (auto* reg = std::get_if<RegisterMember>(&step.command)) {
      key = NewApiKey();
      reg->key_hash = Sha256Hex(key);
      const char* roles = reg->roles == (kRoleCustomer | kRoleSupplier) ? "customer,supplier"
                          : reg->roles == kRoleCustomer                 ? "customer"
                                                                        : "supplier";
      absl::StrAppend(&keys, PublicId(MemberId{static_cast<uint32_t>(registered)}), "\t",
                      reg->name, "\t", key, "\t", roles, "\n");
      ++registered;
    }
    DurableEngine::Result r = RunAndWait(engine, std::move(step.command), Now());
    if (!r.status.ok() || r.rejection) {
      std::fprintf(stderr, "subexd: demo step %zu failed: %s\n", i + 1,
                   r.rejection ? r.rejection->message.c_str()
                               : std::string(r.status.message()).c_str());
      return false;
    }
  }
  const std::filesystem::path file = dir / "demo_keys.tsv";
  if (!WritePrivateFile(file, keys)) {
    std::fprintf(stderr, "subexd: cannot write %s\n", file.c_str());
    return false;
  }
  std::printf("subexd: demo market loaded: %zu steps, %zu members; their keys are in %s\n",
              demo.steps.size(), registered, file.c_str());
  // Two keys for the README's tour: a customer and a supplier.
  for (const std::string_view role : {"\tcustomer\n", "\tsupplier\n"}) {
    const size_t end = keys.find(role);
    if (end == std::string::npos) continue;
    const size_t start = keys.rfind('\n', end) + 1;
    std::string line = keys.substr(start, end - start);
    const size_t id_end = line.find('\t'), name_end = line.find('\t', id_end + 1);
    std::printf("subexd: demo %s %s (%s): %s\n", role == "\tcustomer\n" ? "customer" : "supplier",
                line.substr(id_end + 1, name_end - id_end - 1).c_str(),
                line.substr(0, id_end).c_str(), line.substr(name_end + 1).c_str());
  }
  return true;
}

// Advances the engine's clock every `period` so that timers fire without traffic.
class Ticker {
 public:
  Ticker(DurableEngine& engine, std::chrono::milliseconds period)
      : thread_([this, &engine, period] {
          std::unique_lock lock(mu_);
          while (!stop_) {
            if (cv_.wait_for(lock, period, [this] { return stop_; })) break;
            engine.Submit({.command = Tick{}, .now = Now(), .idempotency_key = {}, .render = {},
                           .reply = {}});
          }
        }) {}
  ~Ticker() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_one();
    thread_.join();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

int Serve(const Flags& flags) {
  absl::StatusOr<Config> config = LoadConfig(flags.config);
  if (!config.ok()) {
    std::fprintf(stderr, "subexd: %s\n", std::string(config.status().message()).c_str());
    return 2;
  }
  const std::string listen = flags.listen.value_or(config->server.listen);
  std::optional<std::pair<std::string, uint16_t>> address = ParseListen(listen);
  if (!address) {
    std::fprintf(stderr, "subexd: --listen %s: expected HOST:PORT, e.g. 127.0.0.1:8080\n",
                 listen.c_str());
    return 2;
  }
  const std::filesystem::path dir = flags.data_dir.value_or(config->storage.data_dir);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    std::fprintf(stderr, "subexd: cannot create %s: %s\n", dir.c_str(), ec.message().c_str());
    return 1;
  }
  std::optional<std::string> admin_hash = AdminKeyHash(dir);
  if (!admin_hash) return 1;

  // Signals are taken by sigwait below, so every thread started from here on blocks them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto taxonomy = std::make_shared<const Taxonomy>(std::move(config->taxonomy));
  KeyRing keys(*admin_hash);
  std::atomic<Feed*> feed_ptr{nullptr};
  const auto recovery_start = std::chrono::steady_clock::now();
  absl::StatusOr<std::unique_ptr<DurableEngine>> opened = DurableEngine::Open(
      taxonomy, config->params,
      {.dir = (dir / "journal").string(),
       .max_batch = static_cast<size_t>(config->storage.max_batch),
       .sync = true,
       .snapshot_every_events = static_cast<uint64_t>(config->storage.snapshot_every_events),
       .retain_events = static_cast<uint64_t>(config->storage.retain_events),
       .on_durable = [&keys, &feed_ptr](std::span<const Event> events) {
         keys.Observe(events);
         if (Feed* feed = feed_ptr.load()) feed->Notify(events.back().seq);
       }});
  if (!opened.ok()) {
    std::fprintf(stderr, "subexd: cannot open the journal in %s: %s\n", dir.c_str(),
                 std::string(opened.status().message()).c_str());
    return 1;
  }
  std::unique_ptr<DurableEngine> engine = *std::move(opened);
  std::printf("subexd: recovered %llu events from %s in %lld ms\n",
              static_cast<unsigned long long>(engine->durable_seq()), dir.c_str(),
              static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                         std::chrono::steady_clock::now() - recovery_start)
                                         .count()));
  if (flags.demo && engine->durable_seq() == 0 && !LoadDemo(*engine, dir)) return 1;
  {
    std::promise<void> loaded;
    engine->Query(
        [&keys](const State& s) {
          keys.Load(s);
          return std::string();
        },
        [&loaded](absl::StatusOr<std::string>) { loaded.set_value(); });
    loaded.get_future().wait();
  }

  auto feed = std::make_unique<Feed>(
      [e = engine.get()](uint64_t after, size_t limit) { return e->ReadEvents(after, limit); },
      taxonomy, engine->durable_seq());
  feed_ptr.store(feed.get());
  // Events that became durable between the feed's creation and the line above.
  feed->Notify(engine->durable_seq());

  const ServerSettings& sv = config->server;
  Service service(*engine, keys, *feed, taxonomy,
                  {.max_list_limit = sv.max_list_limit,
                   .max_wait_ms = sv.max_wait_ms,
                   .require_if_match = sv.require_if_match,
                   .clock = Now});
  HttpServer server(service, {.host = address->first,
                              .port = address->second,
                              .io_threads = sv.io_threads,
                              .max_header_bytes = static_cast<size_t>(sv.max_header_bytes),
                              .max_body_bytes = static_cast<size_t>(sv.max_body_bytes),
                              .request_timeout = std::chrono::milliseconds(sv.request_timeout_ms),
                              .idle_timeout = std::chrono::milliseconds(sv.idle_timeout_ms),
                              .max_connections = sv.max_connections,
                              .max_pipelined = sv.max_pipelined});
  if (absl::Status s = server.Start(); !s.ok()) {
    std::fprintf(stderr, "subexd: %s\n", std::string(s.message()).c_str());
    return 1;
  }
  service.SetReady(true);
  auto ticker = std::make_unique<Ticker>(*engine, std::chrono::milliseconds(sv.tick_ms));
  const bool v6 = address->first.find(':') != std::string::npos;
  std::printf("subexd: listening on http://%s%s%s:%u\n", v6 ? "[" : "", address->first.c_str(),
              v6 ? "]" : "", static_cast<unsigned>(server.port()));
  std::fflush(stdout);

  int signal = 0;
  sigwait(&signals, &signal);
  std::printf("subexd: %s: stopping\n", signal == SIGTERM ? "SIGTERM" : "SIGINT");
  std::fflush(stdout);
  service.SetReady(false);
  ticker.reset();
  server.Stop();       // No more requests; the I/O threads are gone.
  feed_ptr.store(nullptr);
  engine.reset();      // Answers what is queued (into closed connections), closes the journal.
  feed.reset();
  std::printf("subexd: stopped\n");
  return 0;
}

}  // namespace
}  // namespace subex

int main(int argc, char** argv) {
  subex::Flags flags;
  flags.config = subex::DefaultConfigPath();
  std::span<char* const> args(argv + 1, static_cast<size_t>(argc > 0 ? argc - 1 : 0));
  if (std::optional<std::string> error = subex::ParseFlags(args, flags)) {
    std::fprintf(stderr, "subexd: %s\n%s", error->c_str(), subex::kUsage);
    return 2;
  }
  if (flags.help) {
    std::printf("subexd — the subcontracting exchange server\n\n%s", subex::kUsage);
    return 0;
  }
  if (flags.demo_report) return subex::RunDemoReport(flags.config, flags.quiet);
  return subex::Serve(flags);
}
