// subexd — the exchange server: the engine thread over the RocksDB journal, and the HTTP/JSON API.
//
//   subexd [--config FILE] [--listen HOST:PORT] [--data-dir DIR] [--demo] [--demo-report]
//          [--SECTION.KEY=VALUE ...]                                     (server/flags.h)
//
// The configuration is the file (--config, else $SUBEX_CONFIG, else config/subex.toml), then the
// $SUBEX_SECTION_KEY environment variables, then the --section.key flags (config/config.h). When
// no file is named and there is no config/subex.toml in the working directory, it runs on the
// built-in defaults and taxonomy, and its log says so; a named file that is missing is an error.
//
// On start it recovers the state from DIR (snapshot + journal), loads the API keys, and listens.
// The operator's admin key is $SUBEX_ADMIN_KEY, or the one kept in DIR/admin.key, which is made
// on first start (mode 0600) and printed once. With --demo and an empty journal it first loads
// the demo market (server/demo_data.h) through the engine, giving every member a key, and writes
// the members' keys to DIR/demo_keys.tsv (mode 0600) for the README's tour.
//
// Standard output carries what a person starting it must see once: a new admin key, the demo's
// keys, and "subexd: listening on http://HOST:PORT" once it answers. Everything else is the log:
// JSON lines on standard error (telemetry/log.h), at `log.level`, with an access log when
// `log.access` is set. Errors before the configuration is read are plain lines on stderr.
//
// SIGTERM or SIGINT stops it gracefully: /readyz answers 503, no connection is accepted, the
// requests already read are answered (long polls at once) for up to `server.drain_timeout_ms`,
// then the connections still open are closed, the engine answers what it has queued, writes a
// snapshot (`storage.snapshot_on_stop`) and closes the journal. A second signal, or the stop
// outlasting `server.shutdown_timeout_ms`, ends the process at once with status 1; every
// acknowledged request is in the journal either way.
//
// Exit status: 0 after a clean stop, 1 when it cannot start (journal, address) or was forced to
// stop, 2 for a bad command line or configuration.

#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <ctime>
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
#include "api/analytics.h"
#include "api/crypto.h"
#include "api/feed.h"
#include "api/http_server.h"
#include "api/ids.h"
#include "api/key_ring.h"
#include "api/service.h"
#include "config/config.h"
#include "server/demo_data.h"
#include "server/demo_report.h"
#include "server/flags.h"
#include "server/pipeline_door.h"
#include "server/process_metrics.h"
#include "pipeline/pipeline.h"
#include "telemetry/log.h"
#include "telemetry/metrics.h"

extern char** environ;

namespace subex {
namespace {

// Descriptors subexd needs besides its connections: RocksDB's files, the listener, logs.
constexpr rlim_t kOtherFiles = 1024;

// Raises the soft limit on open files to `wanted` (at most the hard limit), so that
// server.max_connections is not cut short by a distribution's default of 1024. Logs when the
// hard limit is lower.
void RaiseOpenFileLimit(rlim_t wanted) {
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) != 0 || files.rlim_cur >= wanted) return;
  const rlim_t soft = files.rlim_max == RLIM_INFINITY ? wanted : std::min(wanted, files.rlim_max);
  if (soft > files.rlim_cur) {
    files.rlim_cur = soft;
    setrlimit(RLIMIT_NOFILE, &files);
  }
  if (soft < wanted) {
    Log(LogLevel::kWarn, "the open-file limit is below server.max_connections",
        {{"limit", static_cast<uint64_t>(soft)}, {"wanted", static_cast<uint64_t>(wanted)}});
  }
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
    Log(LogLevel::kInfo, "admin key from the environment", {{"variable", "SUBEX_ADMIN_KEY"}});
    return Sha256Hex(env);
  }
  const std::filesystem::path file = dir / "admin.key";
  std::ifstream in(file);
  std::string key;
  if (in && std::getline(in, key) && !key.empty()) {
    Log(LogLevel::kInfo, "admin key from its file", {{"file", file.string()}});
    return Sha256Hex(key);
  }
  key = NewApiKey();
  if (!WritePrivateFile(file, key + "\n")) {
    Log(LogLevel::kError, "cannot write the admin key", {{"file", file.string()}});
    return std::nullopt;
  }
  // Shown once, to the person starting the server, and never logged.
  Log(LogLevel::kInfo, "new admin key made; printed once on stdout", {{"file", file.string()}});
  std::printf("subexd: new admin key (kept in %s, mode 0600): %s\n", file.c_str(), key.c_str());
  std::fflush(stdout);
  return Sha256Hex(key);
}

// Loads the demo market into an empty journal, a key for every member. The history runs at the
// times it is dated; the week opens today, and its steps run in their order but at the real time,
// so the live clock is not pushed to the week's last day. The steps are queued all at once, so that
// they share synced writes; the first rejected one, if any, is reported. Returns false when a step
// fails.
bool LoadDemo(Pipeline& engine, const std::filesystem::path& dir,
              std::shared_ptr<const Taxonomy> taxonomy, const Params& params) {
  Demo demo = BuildDemo(std::move(taxonomy), params, DayOf(Now()));
  std::string keys = "# member\tname\tapi_key\troles\n";
  size_t registered = 0;
  struct Progress {
    std::mutex mu;
    std::condition_variable done;
    size_t answered = 0;
    std::optional<std::pair<size_t, std::string>> failure;  // The first failed step.
  } progress;
  for (size_t i = 0; i < demo.steps.size(); ++i) {
    DemoStep& step = demo.steps[i];
    if (auto* reg = std::get_if<RegisterMember>(&step.command)) {
      std::string key = NewApiKey();
      reg->key_hash = Sha256Hex(key);
      const char* roles = reg->roles == (kRoleCustomer | kRoleSupplier) ? "customer,supplier"
                          : reg->roles == kRoleCustomer                 ? "customer"
                                                                        : "supplier";
      absl::StrAppend(&keys, PublicId(MemberId{static_cast<uint32_t>(registered)}), "\t",
                      reg->name, "\t", key, "\t", roles, "\n");
      ++registered;
    }
    engine.Submit({.command = std::move(step.command),
                   .now = i < demo.week_begins ? step.now : Now(),
                   .idempotency = {},
                   .render = {},
                   .reply = [&progress, i](Pipeline::Result r) {
                     std::lock_guard lock(progress.mu);
                     if ((!r.status.ok() || r.rejection) &&
                         (!progress.failure || progress.failure->first > i)) {
                       std::string why =
                           r.rejection ? r.rejection->message : std::string(r.status.message());
                       if (r.rejection) {
                         for (const FieldError& e : r.rejection->errors) {
                           absl::StrAppend(&why, "; ", e.field, " ", e.reason);
                         }
                       }
                       progress.failure.emplace(i, std::move(why));
                     }
                     ++progress.answered;
                     progress.done.notify_one();
                   }});
  }
  {
    std::unique_lock lock(progress.mu);
    progress.done.wait(lock, [&] { return progress.answered == demo.steps.size(); });
    if (progress.failure) {
      Log(LogLevel::kError, "a demo step failed",
          {{"step", static_cast<uint64_t>(progress.failure->first + 1)},
           {"error", progress.failure->second}});
      return false;
    }
  }
  const std::filesystem::path file = dir / "demo_keys.tsv";
  if (!WritePrivateFile(file, keys)) {
    Log(LogLevel::kError, "cannot write the demo keys", {{"file", file.string()}});
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

// Keys a fresh journal's public ids with a new secret (its first event, so recovery, snapshots
// and replicas agree on it), then makes the journal's scheme the process's: keyed, or the fixed
// scramble of a journal that began before keyed ids, whose ids stay as they were.
bool SetUpPublicIds(Pipeline& engine, Instant now) {
  if (engine.durable_seq() == 0) {
    std::promise<Pipeline::Result> keyed;
    engine.Submit({.command = KeyPublicIds{kOperator, NewPublicIdSecret()},
                   .now = now,
                   .idempotency = {},
                   .render = {},
                   .reply = [&keyed](Pipeline::Result r) { keyed.set_value(std::move(r)); }});
    Pipeline::Result r = keyed.get_future().get();
    if (!r.status.ok() || r.rejection) {
      Log(LogLevel::kError, "cannot key public ids",
          {{"error", r.rejection ? r.rejection->message : std::string(r.status.message())}});
      return false;
    }
  }
  std::promise<absl::StatusOr<std::string>> secret;
  engine.Query([](const State& s) { return s.public_id_secret(); },
               [&secret](absl::StatusOr<std::string> r) { secret.set_value(std::move(r)); });
  absl::StatusOr<std::string> read = secret.get_future().get();
  if (!read.ok()) {
    Log(LogLevel::kError, "cannot read the public id secret",
        {{"error", std::string(read.status().message())}});
    return false;
  }
  const PublicIdScheme scheme(*read);
  SetPublicIdScheme(scheme);
  Log(LogLevel::kInfo, scheme.keyed() ? "public ids keyed by the journal's secret"
                                      : "public ids use the fixed scramble of an older journal");
  return true;
}

// Advances the engine's clock every `period` so that timers fire without traffic.
class Ticker {
 public:
  Ticker(Pipeline& engine, std::chrono::milliseconds period)
      : thread_([this, &engine, period] {
          std::unique_lock lock(mu_);
          while (!stop_) {
            if (cv_.wait_for(lock, period, [this] { return stop_; })) break;
            engine.Submit({.command = Tick{}, .now = Now(), .idempotency = {}, .render = {},
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

// The signals that stop the server, blocked in every thread so that only sigwait takes them.
sigset_t StopSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  return signals;
}

const char* SignalName(int signal) { return signal == SIGTERM ? "SIGTERM" : "SIGINT"; }

// Ends the process with status 1 at a second signal or once `timeout` has passed, whichever
// comes first, however far the graceful stop has got: the journal is synced batch by batch, so
// nothing acknowledged is lost.
void StartStopWatchdog(std::chrono::milliseconds timeout) {
  std::thread([timeout] {
    const sigset_t signals = StopSignals();
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::nanoseconds>(
          deadline - std::chrono::steady_clock::now());
      timespec wait{.tv_sec = 0, .tv_nsec = 0};
      if (left.count() > 0) {
        wait.tv_sec = static_cast<time_t>(left.count() / 1'000'000'000);
        wait.tv_nsec = static_cast<long>(left.count() % 1'000'000'000);
      }
      const int signal = sigtimedwait(&signals, nullptr, &wait);
      if (signal < 0 && errno == EINTR) continue;
      if (signal > 0) {
        Log(LogLevel::kWarn, "second signal: exiting now", {{"signal", SignalName(signal)}});
      } else {
        Log(LogLevel::kError, "the stop took longer than server.shutdown_timeout_ms: exiting now",
            {{"shutdown_timeout_ms", static_cast<int64_t>(timeout.count())}});
      }
      std::fflush(stdout);
      std::_Exit(1);
    }
  }).detach();
}

uint64_t MillisSince(std::chrono::steady_clock::time_point start) {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::steady_clock::now() - start)
                                   .count());
}

// Makes the data directory if it is missing.
bool CreateDataDir(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    Log(LogLevel::kError, "cannot create the data directory",
        {{"dir", dir.string()}, {"error", ec.message()}});
    return false;
  }
  return true;
}

Pipeline::Options PipelineOptions(const StorageSettings& st, const std::filesystem::path& dir) {
  return {.dir = (dir / "journal").string(),
          .max_batch = static_cast<size_t>(st.max_batch),
          .decide_ahead = static_cast<size_t>(st.decide_ahead),
          .sync = true,
          .snapshot_every_events = static_cast<uint64_t>(st.snapshot_every_events),
          .retain_events = static_cast<uint64_t>(st.retain_events),
          .snapshot_on_close = st.snapshot_on_stop,
          .idempotency_retention = std::chrono::hours(st.idempotency_retention_hours)};
}

Feed::Options FeedOptions(const FeedSettings& f) {
  return {.window = {.max_events = static_cast<size_t>(f.window_events),
                     .max_bytes = static_cast<size_t>(f.window_bytes)},
          .max_scan = static_cast<size_t>(f.max_scan),
          .max_catch_up = static_cast<size_t>(f.max_catch_up),
          .max_parked = static_cast<size_t>(f.max_parked),
          .max_parked_per_key = static_cast<size_t>(f.max_parked_per_key),
          .max_page_bytes = static_cast<size_t>(f.max_page_bytes),
          .retry_after_s = f.retry_after_s,
          .heartbeat = std::chrono::milliseconds(f.heartbeat_ms),
          .linger = std::chrono::milliseconds(f.linger_ms)};
}

Service::Options ServiceOptions(const Config& config,
                                std::function<void(MetricsText&)> more_metrics) {
  const ServerSettings& sv = config.server;
  const RateLimitSettings& rl = config.rate_limits;
  return {.max_list_limit = sv.max_list_limit,
          .max_wait_ms = sv.max_wait_ms,
          .require_if_match = sv.require_if_match,
          .clock = Now,
          .max_period_days = config.analytics.max_period_days,
          .max_did_months = config.analytics.max_did_months,
          .access_log = config.log.access,
          .per_key = {.per_second = rl.per_key_per_second,
                      .burst = rl.per_key_burst,
                      .max_clients = rl.max_clients},
          .per_address = {.per_second = rl.per_address_per_second,
                          .burst = rl.per_address_burst,
                          .max_clients = rl.max_clients},
          .cors_origins = sv.cors_origins,
          .cors_max_age_s = sv.cors_max_age_s,
          .metrics_token = sv.metrics_token,
          .more_metrics = std::move(more_metrics)};
}

HttpServer::Options HttpOptions(const Config& config,
                                const std::pair<std::string, uint16_t>& address) {
  const ServerSettings& sv = config.server;
  return {.host = address.first,
          .port = address.second,
          .io_threads = sv.io_threads,
          .max_header_bytes = static_cast<size_t>(sv.max_header_bytes),
          .max_body_bytes = static_cast<size_t>(sv.max_body_bytes),
          .request_timeout = std::chrono::milliseconds(sv.request_timeout_ms),
          .idle_timeout = std::chrono::milliseconds(sv.idle_timeout_ms),
          .max_connections = sv.max_connections,
          .max_pipelined = sv.max_pipelined,
          .close_drain_bytes = static_cast<size_t>(sv.close_drain_bytes),
          .close_drain = std::chrono::milliseconds(sv.close_drain_ms),
          .cors_origins = sv.cors_origins,
          .max_stream_buffer_bytes = static_cast<size_t>(config.feed.stream_buffer_bytes)};
}

// The metric families GET /metrics tells besides the service's and the pipeline's: the HTTP
// server's connections, the feed's and the process's.
void WriteServerMetrics(MetricsText& out, const HttpServer& http, const Feed& feed,
                        double start_unix_seconds) {
  out.Family("subex_http_open_connections", "gauge", "Connections open now.");
  out.Sample("subex_http_open_connections", {}, static_cast<uint64_t>(http.open_connections()));
  out.Family("subex_http_connections_total", "counter", "Connections accepted.");
  out.Sample("subex_http_connections_total", {}, http.accepted_connections());
  out.Family("subex_http_connections_refused_total", "counter",
             "Connections answered 503 at once for being over server.max_connections.");
  out.Sample("subex_http_connections_refused_total", {}, http.refused_connections());
  out.Family("subex_http_protocol_errors_total", "counter",
             "Requests the HTTP layer answered itself: 400 not HTTP, 413 body or 431 "
             "head too large.");
  out.Sample("subex_http_protocol_errors_total", {}, http.protocol_errors());
  feed.WriteMetrics(out);
  WriteProcessMetrics(out, start_unix_seconds);
}

// The journal recovered into a pipeline that does not run yet, so that what listens to it can
// be built on it first.
std::unique_ptr<Pipeline> RecoverPipeline(const Config& config,
                                          std::shared_ptr<const Taxonomy> taxonomy,
                                          const std::filesystem::path& dir) {
  absl::StatusOr<std::unique_ptr<Pipeline>> recovered = Pipeline::Recover(
      std::move(taxonomy), config.params, PipelineOptions(config.storage, dir));
  if (!recovered.ok()) {
    Log(LogLevel::kError, "cannot open the journal",
        {{"dir", dir.string()}, {"error", std::string(recovered.status().message())}});
    return nullptr;
  }
  Log(LogLevel::kInfo, "recovered",
      {{"dir", dir.string()},
       {"events", (*recovered)->durable_seq()},
       {"replayed", (*recovered)->replayed_events()},
       {"ms", (*recovered)->recovery_us() / 1000}});
  return *std::move(recovered);
}

// The event feed, reading the pipeline's journal and judging visibility on its engine thread.
std::unique_ptr<Feed> MakeFeed(Pipeline& pipeline, std::shared_ptr<const Taxonomy> taxonomy,
                               const FeedSettings& settings) {
  return std::make_unique<Feed>(
      [&pipeline](uint64_t after, size_t limit) { return pipeline.ReadEvents(after, limit); },
      [&pipeline](std::function<void(const State&)> judge,
                  std::function<void(absl::Status)> done) {
        pipeline.Query(
            [judge = std::move(judge)](const State& s) {
              judge(s);
              return std::string();
            },
            [done = std::move(done)](absl::StatusOr<std::string> r) { done(r.status()); });
      },
      std::move(taxonomy), pipeline.durable_seq(), FeedOptions(settings));
}

// The key ring and the analytics loaded from the state as it is once the journal is set up.
void LoadReaders(Pipeline& pipeline, KeyRing& keys, Analytics& analytics) {
  std::promise<void> loaded;
  pipeline.Query(
      [&keys, &analytics](const State& s) {
        keys.Load(s);
        analytics.Load(s);
        return std::string();
      },
      [&loaded](absl::StatusOr<std::string>) { loaded.set_value(); });
  loaded.get_future().wait();
}

std::string ListenUrl(const std::string& host, uint16_t port) {
  const bool v6 = host.find(':') != std::string::npos;
  return absl::StrCat("http://", v6 ? "[" : "", host, v6 ? "]" : "", ":", port);
}

// The serving side, built on a running pipeline: the API's door onto it, the HTTP server, and
// the service between them. The server is built before the service, which reports its
// connections, and is handed the service when it starts.
class Front {
 public:
  Front(const Config& config, const std::pair<std::string, uint16_t>& address,
        Pipeline& pipeline, KeyRing& keys, Feed& feed, Analytics& analytics,
        std::shared_ptr<const Taxonomy> taxonomy)
      : feed_(feed),
        door_(pipeline),
        http_(HttpOptions(config, address)),
        service_(door_, keys, feed, analytics, std::move(taxonomy),
                 ServiceOptions(config, [this, &feed, start = UnixSeconds()](MetricsText& out) {
                   WriteServerMetrics(out, http_, feed, start);
                 })) {}

  // Listens, and answers /readyz with 200 from then on.
  bool Start() {
    if (absl::Status s = http_.Start(service_); !s.ok()) {
      Log(LogLevel::kError, "cannot listen", {{"error", std::string(s.message())}});
      return false;
    }
    service_.SetReady(true);
    return true;
  }

  // No new connections or requests; the ones read are answered, for up to `deadline`.
  void Drain(std::chrono::steady_clock::time_point deadline) {
    service_.SetReady(false);
    http_.Drain();
    feed_.Stop();  // Long polls answer now.
    if (!http_.WaitClosed(deadline)) {
      Log(LogLevel::kWarn, "connections still open after server.drain_timeout_ms; closing them",
          {{"open_connections", http_.open_connections()}});
    }
    http_.Stop();  // The I/O threads are gone.
  }

  const HttpServer& http() const { return http_; }

 private:
  static double UnixSeconds() {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  Feed& feed_;
  PipelineDoor door_;
  HttpServer http_;
  Service service_;
};

// Blocks until SIGTERM or SIGINT, and returns which.
int WaitForStopSignal(const sigset_t& signals) {
  int signal = 0;
  sigwait(&signals, &signal);
  return signal;
}

// Everything subexd runs, built in order, each part from the ones before it: the pipeline is
// recovered, the key ring, the analytics and the feed are built on it and listen to it from its
// first batch, and only then does it start.
int Serve(Config config, bool demo) {
  const std::pair<std::string, uint16_t> address =
      *ParseListenAddress(config.server.listen);  // Checked when the config was read.
  const std::filesystem::path dir = config.storage.data_dir;
  if (!CreateDataDir(dir)) return 1;
  std::optional<std::string> admin_hash = AdminKeyHash(dir);
  if (!admin_hash) return 1;
  // Signals are taken by sigwait below, so every thread started from here on blocks them.
  const sigset_t signals = StopSignals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto taxonomy = std::make_shared<const Taxonomy>(std::move(config.taxonomy));
  KeyRing keys(*admin_hash);
  Analytics analytics(taxonomy);
  std::unique_ptr<Pipeline> pipeline = RecoverPipeline(config, taxonomy, dir);
  if (pipeline == nullptr) return 1;
  std::unique_ptr<Feed> feed = MakeFeed(*pipeline, taxonomy, config.feed);
  pipeline->Start({[&keys](std::span<const Event> e) { keys.Observe(e); },
                   [&analytics](std::span<const Event> e) { analytics.Observe(e); },
                   [f = feed.get()](std::span<const Event> e) { f->OnDurable(e); }});
  const bool fresh = pipeline->durable_seq() == 0;
  // The demo's history is dated from kHistoryStart, and the exchange's time never runs back: the
  // keying of a journal the demo will fill is dated no later than the history's first step.
  if (!SetUpPublicIds(*pipeline, demo && fresh ? kHistoryStart : Now())) return 1;
  if (demo && fresh && !LoadDemo(*pipeline, dir, taxonomy, config.params)) return 1;
  LoadReaders(*pipeline, keys, analytics);

  const ServerSettings& sv = config.server;
  RaiseOpenFileLimit(static_cast<rlim_t>(sv.max_connections) + kOtherFiles);
  Front front(config, address, *pipeline, keys, *feed, analytics, taxonomy);
  if (!front.Start()) return 1;
  auto ticker = std::make_unique<Ticker>(*pipeline, std::chrono::milliseconds(sv.tick_ms));
  const std::string url = ListenUrl(address.first, front.http().port());
  Log(LogLevel::kInfo, "listening", {{"url", url}, {"io_threads", sv.io_threads}});
  std::printf("subexd: listening on %s\n", url.c_str());
  std::fflush(stdout);

  const int signal = WaitForStopSignal(signals);
  const auto stop_start = std::chrono::steady_clock::now();
  StartStopWatchdog(std::chrono::milliseconds(sv.shutdown_timeout_ms));
  Log(LogLevel::kInfo, "stopping",
      {{"signal", SignalName(signal)}, {"open_connections", front.http().open_connections()}});
  ticker.reset();
  front.Drain(stop_start + std::chrono::milliseconds(sv.drain_timeout_ms));
  pipeline.reset();  // Answers what is queued, writes the snapshot, closes the journal.
  feed.reset();      // Its last listener call is behind it.
  Log(LogLevel::kInfo, "stopped", {{"ms", MillisSince(stop_start)}});
  std::fflush(stdout);
  return 0;
}

// Reads the configuration: the file, then the environment, then the flags. With no file named
// (--config, $SUBEX_CONFIG) and none at the default path, the built-in defaults, and `path` is
// left empty; a named file that is missing is an error.
absl::StatusOr<Config> ReadConfig(const Flags& flags, std::string& path) {
  path = flags.config.value_or(DefaultConfigPath());
  absl::StatusOr<std::vector<Override>> overrides = OverridesFromEnvironment(environ);
  if (!overrides.ok()) return overrides.status();
  overrides->insert(overrides->end(), flags.settings.begin(), flags.settings.end());
  const char* named_by_env = std::getenv(kConfigEnvVar);
  const bool named = flags.config || (named_by_env != nullptr && *named_by_env != '\0');
  std::error_code ec;
  if (!named && !std::filesystem::exists(path, ec)) {
    path.clear();
    return BuiltInConfig(*overrides);
  }
  return LoadConfig(path, *overrides);
}

}  // namespace
}  // namespace subex

namespace subex {
namespace {

// The heap on transparent huge pages, grown 64 MB at a time: with a million open offers the
// fork for a snapshot copies a tenth of the page tables, and a restart fills the new heap with
// far fewer faults (BENCHMARKS.md). glibc reads its tunables once, before main, so subexd runs
// itself again once with them set, unless GLIBC_TUNABLES is already set or SUBEX_HUGE_PAGES=0.
// Returns only when it does not (or cannot) run itself again.
void ReexecWithHugePages(char** argv) {
  constexpr char kTunables[] = "glibc.malloc.hugetlb=1:glibc.malloc.top_pad=67108864";
  if (std::getenv("GLIBC_TUNABLES") != nullptr) return;
  if (const char* opt = std::getenv("SUBEX_HUGE_PAGES"); opt != nullptr && opt == std::string("0")) {
    return;
  }
  if (setenv("GLIBC_TUNABLES", kTunables, 1) != 0) return;
  execv("/proc/self/exe", argv);
  unsetenv("GLIBC_TUNABLES");  // Could not: go on as we are.
}

}  // namespace
}  // namespace subex

int main(int argc, char** argv) {
  subex::ReexecWithHugePages(argv);
  std::span<const char* const> args(const_cast<const char* const*>(argv) + 1,
                                    static_cast<size_t>(argc > 0 ? argc - 1 : 0));
  absl::StatusOr<subex::Flags> flags = subex::ParseFlags(args);
  if (!flags.ok()) {
    std::fprintf(stderr, "subexd: %s\n%s", std::string(flags.status().message()).c_str(),
                 subex::kUsage);
    return 2;
  }
  if (flags->help) {
    std::printf("subexd — the subcontracting exchange server\n\n%s", subex::kUsage);
    return 0;
  }
  std::string path;
  absl::StatusOr<subex::Config> config = subex::ReadConfig(*flags, path);
  if (!config.ok()) {
    std::fprintf(stderr, "subexd: %s\n", std::string(config.status().message()).c_str());
    return 2;
  }
  if (flags->demo_report) return subex::RunDemoReport(std::move(*config), path, flags->quiet);
  subex::SetLogLevel(*subex::ParseLogLevel(config->log.level));
  // Without a file, the one line that says so: no config/subex.toml here, the defaults instead.
  subex::Log(
      subex::LogLevel::kInfo,
      path.empty() ? "no configuration file: running on the built-in defaults" : "configured",
      {{"config", path.empty() ? std::string("none; no ") + subex::kDefaultConfigPath +
                                     " in the working directory"
                               : path},
       {"taxonomy", config->taxonomy_path},
       {"processes", static_cast<uint64_t>(config->taxonomy.size())}});
  return subex::Serve(*std::move(config), flags->demo);
}
