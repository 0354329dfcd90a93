// Config — the exchange's configuration file (`subex.toml`) and its process taxonomy
// (`processes.toml`), read into the engine's `Params`, the server's settings and the `Taxonomy`.
//
// `subex.toml` has the sections `[matching]`, `[reliability]`, `[contracts]`, `[limits]` (the
// fields of `Params`), `[taxonomy]` (whose `file` names the taxonomy relative to the config
// file's directory), `[server]`, `[storage]`, `[analytics]`, `[log]` and `[rate_limits]`. Every
// key is optional and keeps its documented default when missing. An unknown section or key, a
// value of the wrong type or a value out of range is an error: a typo must never fall back to a
// default silently.
// Error messages give the file, line and column, then the key and the expected form:
//
//   subex.toml:3:15: matching.risk_weight: expected a number between 0 and 10, got "abc"
//
// Every setting `section.key` can also be given outside the file, as an `Override`: by the
// environment variable SUBEX_SECTION_KEY (`OverridesFromEnvironment`) or by a command-line flag
// (`--section.key=value`, read by the server). Overrides apply after the file, in the order given,
// so the later wins: the server passes the environment's first and the flags' last, for
// flag > environment > file > default. Their errors name the variable or flag instead of a line:
//
//   $SUBEX_SERVER_IO_THREADS: server.io_threads: expected an integer between 1 and 256, got "x"
//
// Money is written in RUB with at most two decimals (`max_unit_price_rub = 1500.50`) and held in
// kopecks.
//
// The taxonomy file is an array of `[[process]]` tables. Top-level branches carry `code`, `name`,
// `unit` and `tariff` (RUB per unit per km); their descendants carry only `code` and `name`.
//
//   absl::StatusOr<Config> config = LoadConfig(DefaultConfigPath());
//   if (!config.ok()) return config.status();
//   double w = config->params.matching.risk_weight;
//
// The functions keep no state; they are safe to call from any thread. `DefaultConfigPath` reads
// the environment, so it must not race with a thread that modifies it.

#ifndef SUBEX_CONFIG_CONFIG_H_
#define SUBEX_CONFIG_CONFIG_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/params.h"
#include "engine/taxonomy.h"

namespace subex {

// How the server listens and what it allows (`[server]`). Every limit is explicit.
struct ServerSettings {
  std::string listen = "127.0.0.1:8080";  // HOST:PORT; port 0 picks a free one.
  int32_t io_threads = 2;
  int32_t max_header_bytes = 8 * 1024;
  int32_t max_body_bytes = 1024 * 1024;
  int32_t request_timeout_ms = 10'000;  // To read one whole request, or write one response.
  int32_t idle_timeout_ms = 60'000;     // A kept-alive connection with no request.
  int32_t max_connections = 10'000;     // Beyond it a new connection gets a fast 503.
  int32_t max_pipelined = 16;           // Requests of one connection in flight at once.
  int32_t max_wait_ms = 30'000;         // Longest long-poll of the event feed.
  int32_t max_list_limit = 1'000;       // Largest `limit` of a list.
  int32_t tick_ms = 1'000;              // How often time advances the engine's timers.
  bool require_if_match = false;        // Mutations without If-Match get 428.
  // On SIGTERM: how long requests already being answered (and long polls) get before their
  // connections are closed, and how long the whole stop (the snapshot too) may take before the
  // process exits at once with status 1.
  int32_t drain_timeout_ms = 10'000;
  int32_t shutdown_timeout_ms = 60'000;
  // After an answer that ends a connection (413, 431, 400, Connection: close): how much more the
  // client may send, and for how long, before the connection is closed (api/http_server.h).
  int32_t close_drain_bytes = 8 * 1024 * 1024;
  int32_t close_drain_ms = 5'000;
  // Origins whose pages may call the API (CORS), each "scheme://host[:port]"; empty: none.
  std::vector<std::string> cors_origins;
  int32_t cors_max_age_s = 600;  // How long a browser may keep a preflight's answer.
  std::string metrics_token;     // Bearer token GET /metrics requires; empty: open.
};

// Bounds on what one analytics request may ask for (`[analytics]`).
struct AnalyticsSettings {
  int32_t max_period_days = 3'660;  // Longest from..to of statistics and the fairness report.
  int32_t max_did_months = 120;     // Longest span of a difference-in-differences design.
};

// Where and how the journal keeps its data (`[storage]`).
struct StorageSettings {
  std::string data_dir = "data";
  int32_t max_batch = 1'024;
  int32_t decide_ahead = 1;  // Requests queued during a sync before they are decided early.
  int64_t snapshot_every_events = 1'000'000;  // 0: never.
  int64_t retain_events = 1'000'000;
  bool snapshot_on_stop = true;  // Write a snapshot on a clean stop, for a quick restart.
  // How long an Idempotency-Key's stored answer is replayed; after it, a new request.
  int32_t idempotency_retention_hours = 24;
};

// The structured log on stderr (`[log]`).
struct LogSettings {
  std::string level = "info";  // debug, info, warn or error.
  bool access = false;         // One line per request answered.
};

// Token buckets per API key and per client address (`[rate_limits]`); a rate of 0 is off.
struct RateLimitSettings {
  double per_key_per_second = 0;
  int32_t per_key_burst = 100;
  double per_address_per_second = 0;
  int32_t per_address_burst = 100;
  int32_t max_clients = 100'000;  // Keys or addresses tracked by each limit at once.
};

// The event feed's window of recent events and its limits (`[feed]`, api/feed.h).
struct FeedSettings {
  int64_t window_events = 100'000;      // Recent events held in memory, encoded.
  int64_t window_bytes = 64 << 20;      // And their bytes at most.
  int32_t max_parked = 10'000;          // Long polls (and streams) waiting at once.
  int32_t max_parked_per_key = 64;      // Of one API key.
  int32_t max_page_bytes = 1 << 20;     // Of the events of one page (or stream write).
  int32_t max_scan = 10'000;            // Journal events read for one request behind the window.
  int32_t max_catch_up = 64;            // Requests queued for the journal at once.
  int32_t retry_after_s = 1;            // Retry-After of a 429 past these limits.
  int32_t heartbeat_ms = 15'000;        // A comment on an idle event stream.
  int32_t linger_ms = 5;                // How long a page that is not full waits for more.
  int32_t stream_buffer_bytes = 1 << 20;  // Unsent bytes of one stream before it waits.
};

struct Config {
  Params params;
  ServerSettings server;
  StorageSettings storage;
  AnalyticsSettings analytics;
  LogSettings log;
  RateLimitSettings rate_limits;
  FeedSettings feed;
  Taxonomy taxonomy;
  std::string taxonomy_path;  // The taxonomy file actually read.
};

// The environment variable that names the config file when no path is given explicitly.
inline constexpr char kConfigEnvVar[] = "SUBEX_CONFIG";
// The config file used when neither a path nor the environment variable is given; relative to the
// working directory.
inline constexpr char kDefaultConfigPath[] = "config/subex.toml";

// Where the server finds its config when `--config` is not given: the value of $SUBEX_CONFIG when
// it is set and not empty, otherwise `config/subex.toml` relative to the working directory.
std::string DefaultConfigPath();

// A setting given outside the file.
struct Override {
  std::string key;     // "section.key", e.g. "server.listen".
  std::string value;   // As written: "0.0.0.0:8080", "4", "true", "1_000".
  std::string origin;  // What an error names: "$SUBEX_SERVER_LISTEN", "--listen".
};

// Every setting's name, "section.key", in the order of the file's sections.
std::vector<std::string> SettingNames();

// The environment variable of a setting: "server.io_threads" → "SUBEX_SERVER_IO_THREADS".
std::string EnvironmentVariable(std::string_view key);

// The overrides among `env` ("NAME=value" strings, ending with nullptr, as `environ`): every
// SUBEX_<SECTION>_<KEY>, in the order found. A variable that begins as a section's do
// (SUBEX_SERVER_...) but names none of its keys is InvalidArgument naming it; other variables,
// SUBEX_CONFIG and SUBEX_ADMIN_KEY among them, are not settings and are left alone.
absl::StatusOr<std::vector<Override>> OverridesFromEnvironment(const char* const* env);

// The configuration subexd runs on when no file is named and none is at the default path: every
// setting at its default, the taxonomy built into the binary (config/processes.toml as it was
// when built), then `overrides` in order. A taxonomy.file override is read from that path,
// relative to the working directory. `taxonomy_path` is kBuiltInTaxonomy unless overridden.
absl::StatusOr<Config> BuiltInConfig(std::span<const Override> overrides = {});
inline constexpr char kBuiltInTaxonomy[] = "(built in)";
// The text of config/processes.toml as it was when the binary was built
// (cmake/embed_text.cmake).
std::string_view BuiltInTaxonomyText();

// Reads the config file at `path` and the taxonomy it names, then applies `overrides` in order. A
// missing file is NotFound; anything wrong inside either file is InvalidArgument naming the file,
// line and key; a bad override is InvalidArgument naming its origin and key. A taxonomy file
// given by an override is relative to the working directory.
absl::StatusOr<Config> LoadConfig(const std::string& path,
                                  std::span<const Override> overrides = {});

// As LoadConfig, from text: the taxonomy path is resolved against `base_dir` (the working
// directory when empty); `source_name` is the file name errors report.
absl::StatusOr<Config> ParseConfig(std::string_view toml_text, const std::string& base_dir,
                                   std::string_view source_name = "subex.toml",
                                   std::span<const Override> overrides = {});

// "HOST:PORT" (an IPv6 host in brackets) as host and port; nullopt when malformed. `listen` is
// checked with it when read.
std::optional<std::pair<std::string, uint16_t>> ParseListenAddress(std::string_view listen);

// Parses a taxonomy file's text into specs, checking its shape: known keys, a unit and tariff on
// every top-level branch and on no other node, no code twice. The tree itself (well-formed codes,
// every parent present) is checked by Taxonomy::Create.
absl::StatusOr<std::vector<ProcessSpec>> ParseTaxonomy(std::string_view toml_text,
                                                       std::string_view source_name);

// Reads, parses and builds the taxonomy at `path`.
absl::StatusOr<Taxonomy> LoadTaxonomy(const std::string& path);

}  // namespace subex

#endif  // SUBEX_CONFIG_CONFIG_H_
