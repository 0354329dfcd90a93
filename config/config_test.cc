#include "config/config.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace subex {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

const std::string kConfigDir = std::string(SUBEX_SOURCE_DIR) + "/config";

std::string Message(const absl::Status& status) { return std::string(status.message()); }

void ExpectParamsEq(const Params& a, const Params& b) {
  EXPECT_EQ(a.matching.risk_weight, b.matching.risk_weight);
  EXPECT_EQ(a.matching.transit_km_per_day, b.matching.transit_km_per_day);
  EXPECT_EQ(a.reliability.prior, b.reliability.prior);
  EXPECT_EQ(a.reliability.prior_weight, b.reliability.prior_weight);
  EXPECT_EQ(a.reliability.window_days, b.reliability.window_days);
  EXPECT_EQ(a.contracts.confirm_within_hours, b.contracts.confirm_within_hours);
  EXPECT_EQ(a.limits.max_offer_days, b.limits.max_offer_days);
  EXPECT_EQ(a.limits.max_order_days, b.limits.max_order_days);
  EXPECT_EQ(a.limits.max_list_items, b.limits.max_list_items);
  EXPECT_EQ(a.limits.max_invited, b.limits.max_invited);
  EXPECT_EQ(a.limits.max_name_length, b.limits.max_name_length);
  EXPECT_EQ(a.limits.max_text_length, b.limits.max_text_length);
  EXPECT_EQ(a.limits.max_quantity, b.limits.max_quantity);
  EXPECT_EQ(a.limits.max_daily_capacity, b.limits.max_daily_capacity);
  EXPECT_EQ(a.limits.max_unit_price, b.limits.max_unit_price);
  EXPECT_EQ(a.limits.max_distance_km, b.limits.max_distance_km);
  EXPECT_EQ(a.limits.max_contracts_per_match, b.limits.max_contracts_per_match);
}

// The message of parsing `text` as subex.toml, which must fail as InvalidArgument.
std::string Rejection(std::string_view text) {
  absl::StatusOr<Config> config = ParseConfig(text, kConfigDir);
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument) << config.status();
  return Message(config.status());
}

// The message of parsing `text` as a taxonomy, which must fail as InvalidArgument.
std::string TaxonomyRejection(std::string_view text) {
  absl::StatusOr<std::vector<ProcessSpec>> specs = ParseTaxonomy(text, "processes.toml");
  EXPECT_EQ(specs.status().code(), absl::StatusCode::kInvalidArgument) << specs.status();
  return Message(specs.status());
}

// --- The shipped files -----------------------------------------------------------------------

TEST(ConfigTest, ShippedConfigLoadsWithTheShippedTaxonomy) {
  absl::StatusOr<Config> config = LoadConfig(kConfigDir + "/subex.toml");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->taxonomy_path, kConfigDir + "/processes.toml");
  EXPECT_GE(config->taxonomy.size(), 40u);
  EXPECT_LE(config->taxonomy.size(), 80u);
}

TEST(ConfigTest, ShippedConfigStatesTheParamsDefaults) {
  absl::StatusOr<Config> config = LoadConfig(kConfigDir + "/subex.toml");
  ASSERT_TRUE(config.ok()) << config.status();
  ExpectParamsEq(config->params, Params{});
}

TEST(ConfigTaxonomyTest, ShippedTaxonomyGivesEveryBranchAUnitAndTariff) {
  absl::StatusOr<Taxonomy> taxonomy = LoadTaxonomy(kConfigDir + "/processes.toml");
  ASSERT_TRUE(taxonomy.ok()) << taxonomy.status();
  int branches = 0;
  for (const ProcessNode& node : taxonomy->nodes()) {
    if (node.depth != 0) continue;
    ++branches;
    EXPECT_FALSE(node.unit.empty()) << node.code;
    EXPECT_GT(node.tariff_kopecks_per_unit_km, 0) << node.code;
  }
  EXPECT_GE(branches, 8);
  std::optional<ProcessId> five_axis = taxonomy->Find("machining.milling.cnc_5axis");
  std::optional<ProcessId> milling = taxonomy->Find("machining.milling");
  ASSERT_TRUE(five_axis && milling);
  EXPECT_TRUE(taxonomy->Serves(*five_axis, *milling));
  EXPECT_EQ(taxonomy->node(*five_axis).unit, "machine_hour");
}

// --- Defaults, values and the file's location --------------------------------------------------

TEST(ConfigTest, MissingKeysKeepTheirDefaults) {
  absl::StatusOr<Config> config = ParseConfig("[matching]\nrisk_weight = 0.5\n", kConfigDir);
  ASSERT_TRUE(config.ok()) << config.status();
  Params expected;
  expected.matching.risk_weight = 0.5;
  ExpectParamsEq(config->params, expected);
  EXPECT_EQ(config->taxonomy_path, kConfigDir + "/processes.toml");
}

TEST(ConfigTest, ReadsEveryKey) {
  absl::StatusOr<Config> config = ParseConfig(R"(
    [matching]
    risk_weight = 1
    transit_km_per_day = 650.5
    [reliability]
    prior = 0.7
    prior_weight = 3
    window_days = 90
    [contracts]
    confirm_within_hours = 24
    [limits]
    max_offer_days = 100
    max_order_days = 200
    max_list_items = 8
    max_invited = 50
    max_name_length = 32
    max_text_length = 120
    max_quantity = 5_000_000_000
    max_daily_capacity = 7_000
    max_unit_price_rub = 1500.29
    max_distance_km = 3000
    max_contracts_per_match = 10
  )",
                                              kConfigDir);
  ASSERT_TRUE(config.ok()) << config.status();
  const Params& p = config->params;
  EXPECT_EQ(p.matching.risk_weight, 1.0);
  EXPECT_EQ(p.matching.transit_km_per_day, 650.5);
  EXPECT_EQ(p.reliability.prior, 0.7);
  EXPECT_EQ(p.reliability.prior_weight, 3.0);
  EXPECT_EQ(p.reliability.window_days, 90);
  EXPECT_EQ(p.contracts.confirm_within_hours, 24);
  EXPECT_EQ(p.limits.max_offer_days, 100);
  EXPECT_EQ(p.limits.max_order_days, 200);
  EXPECT_EQ(p.limits.max_list_items, 8);
  EXPECT_EQ(p.limits.max_invited, 50);
  EXPECT_EQ(p.limits.max_name_length, 32);
  EXPECT_EQ(p.limits.max_text_length, 120);
  EXPECT_EQ(p.limits.max_quantity, 5'000'000'000);
  EXPECT_EQ(p.limits.max_daily_capacity, 7'000);
  EXPECT_EQ(p.limits.max_unit_price, 150'029);
  EXPECT_EQ(p.limits.max_distance_km, 3000.0);
  EXPECT_EQ(p.limits.max_contracts_per_match, 10);
}

TEST(ConfigTest, MoneyInWholeRublesConvertsToKopecks) {
  absl::StatusOr<Config> config = ParseConfig("limits.max_unit_price_rub = 7", kConfigDir);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->params.limits.max_unit_price, 700);
}

TEST(ConfigTest, AbsoluteTaxonomyPathIgnoresTheBaseDirectory) {
  std::string text = "[taxonomy]\nfile = \"" + kConfigDir + "/processes.toml\"\n";
  absl::StatusOr<Config> config = ParseConfig(text, "/nonexistent");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->taxonomy_path, kConfigDir + "/processes.toml");
}

TEST(ConfigTest, MissingConfigFileIsNotFound) {
  absl::StatusOr<Config> config = LoadConfig(kConfigDir + "/no_such_file.toml");
  EXPECT_EQ(config.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(Message(config.status()), HasSubstr("no_such_file.toml"));
}

TEST(ConfigTest, DefaultPathIsTheEnvironmentVariableElseConfigSubexToml) {
  const char* saved = std::getenv(kConfigEnvVar);
  std::string restore = saved != nullptr ? saved : "";
  unsetenv(kConfigEnvVar);
  EXPECT_EQ(DefaultConfigPath(), "config/subex.toml");
  setenv(kConfigEnvVar, "", 1);
  EXPECT_EQ(DefaultConfigPath(), "config/subex.toml");
  setenv(kConfigEnvVar, "/etc/subex/subex.toml", 1);
  EXPECT_EQ(DefaultConfigPath(), "/etc/subex/subex.toml");
  if (saved != nullptr) {
    setenv(kConfigEnvVar, restore.c_str(), 1);
  } else {
    unsetenv(kConfigEnvVar);
  }
}

// --- Rejections name the key ---------------------------------------------------------------------

TEST(ConfigTest, WrongTypeNamesKeyFileAndLine) {
  EXPECT_THAT(Rejection("[matching]\nrisk_weight = \"abc\"\n"),
              AllOf(HasSubstr("subex.toml:2:15: "),
                    HasSubstr("matching.risk_weight: expected a number between 0 and 10, "
                              "got \"abc\"")));
  EXPECT_THAT(
      Rejection("[reliability]\nwindow_days = 1.5\n"),
      HasSubstr("reliability.window_days: expected an integer between 1 and 3660, got 1.5"));
  EXPECT_THAT(Rejection("[contracts]\nconfirm_within_hours = true\n"),
              HasSubstr("contracts.confirm_within_hours: expected an integer"));
  EXPECT_THAT(Rejection("[taxonomy]\nfile = 3\n"),
              HasSubstr("taxonomy.file: expected a non-empty"));
}

TEST(ConfigTest, OutOfRangeNamesKey) {
  EXPECT_THAT(Rejection("matching.risk_weight = -0.1"), HasSubstr("matching.risk_weight"));
  EXPECT_THAT(Rejection("matching.risk_weight = nan"), HasSubstr("matching.risk_weight"));
  EXPECT_THAT(Rejection("matching.transit_km_per_day = 0"),
              HasSubstr("matching.transit_km_per_day: expected a number greater than 0"));
  EXPECT_THAT(Rejection("reliability.prior = 1.01"), HasSubstr("reliability.prior"));
  EXPECT_THAT(Rejection("reliability.prior_weight = -1"), HasSubstr("reliability.prior_weight"));
  EXPECT_THAT(Rejection("reliability.window_days = 0"), HasSubstr("reliability.window_days"));
  EXPECT_THAT(Rejection("contracts.confirm_within_hours = 0"),
              HasSubstr("contracts.confirm_within_hours"));
  EXPECT_THAT(Rejection("limits.max_list_items = 0"), HasSubstr("limits.max_list_items"));
  EXPECT_THAT(Rejection("limits.max_daily_capacity = 3_000_000_000"),
              HasSubstr("limits.max_daily_capacity"));
  EXPECT_THAT(Rejection("limits.max_quantity = -5"), HasSubstr("limits.max_quantity"));
  EXPECT_THAT(Rejection("limits.max_unit_price_rub = 0"), HasSubstr("limits.max_unit_price_rub"));
  EXPECT_THAT(Rejection("limits.max_distance_km = 30000"), HasSubstr("limits.max_distance_km"));
}

TEST(ConfigTest, MoneyWithThreeDecimalsIsRejected) {
  EXPECT_THAT(Rejection("[limits]\nmax_unit_price_rub = 10.005\n"),
              HasSubstr("limits.max_unit_price_rub: expected an amount in RUB with at most 2 "
                        "decimals"));
}

TEST(ConfigTest, UnknownKeyIsRejected) {
  EXPECT_THAT(Rejection("[matching]\nrisk_wieght = 0.3\n"),
              AllOf(HasSubstr("subex.toml:2:1: matching.risk_wieght: unknown key"),
                    HasSubstr("risk_weight")));
}

TEST(ConfigTest, UnknownSectionIsRejected) {
  EXPECT_THAT(Rejection("[storge]\ndata_dir = \"data\"\n"), HasSubstr("storge: unknown section"));
  EXPECT_THAT(Rejection("matching = 3\n"), HasSubstr("matching: expected a section, got 3"));
}

TEST(ConfigTest, ServerAndStorageSettingsAreRead) {
  absl::StatusOr<Config> config = ParseConfig(
      "[server]\nlisten = \"0.0.0.0:9000\"\nio_threads = 4\nmax_body_bytes = 4096\n"
      "require_if_match = true\n[storage]\ndata_dir = \"/var/lib/subex\"\nmax_batch = 64\n",
      kConfigDir);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->server.listen, "0.0.0.0:9000");
  EXPECT_EQ(config->server.io_threads, 4);
  EXPECT_EQ(config->server.max_body_bytes, 4096);
  EXPECT_TRUE(config->server.require_if_match);
  EXPECT_EQ(config->server.max_header_bytes, 8192);  // The default stays.
  EXPECT_EQ(config->storage.data_dir, "/var/lib/subex");
  EXPECT_EQ(config->storage.max_batch, 64);
}

TEST(ConfigTest, AnalyticsLimitsAreRead) {
  absl::StatusOr<Config> config =
      ParseConfig("[analytics]\nmax_period_days = 400\nmax_did_months = 24\n", kConfigDir);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->analytics.max_period_days, 400);
  EXPECT_EQ(config->analytics.max_did_months, 24);
  EXPECT_THAT(Rejection("[analytics]\nmax_did_months = 1\n"),
              HasSubstr("analytics.max_did_months: expected an integer between 2 and 1200, got 1"));
}

TEST(ConfigTest, BadServerSettingsNameTheKeyAndTheExpectedForm) {
  EXPECT_THAT(Rejection("[server]\nio_threads = 0\n"),
              HasSubstr("server.io_threads: expected an integer between 1 and 256, got 0"));
  EXPECT_THAT(Rejection("[server]\nrequire_if_match = 1\n"),
              HasSubstr("server.require_if_match: expected true or false, got 1"));
  EXPECT_THAT(Rejection("[server]\nmax_body_bytes = 100\n"),
              HasSubstr("server.max_body_bytes: expected an integer between 1024"));
  EXPECT_THAT(Rejection("[storage]\ndata_dir = \"\"\n"),
              HasSubstr("storage.data_dir: expected a non-empty string"));
}

TEST(ConfigTest, SyntaxErrorNamesFileAndLine) {
  EXPECT_THAT(Rejection("[matching]\nrisk_weight = = 1\n"), HasSubstr("subex.toml:2:"));
}

TEST(ConfigTest, MissingTaxonomyFileNamesKey) {
  absl::StatusOr<Config> config = ParseConfig("[taxonomy]\nfile = \"nope.toml\"\n", kConfigDir);
  EXPECT_EQ(config.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(Message(config.status()),
              AllOf(HasSubstr("subex.toml:2:8: taxonomy.file"), HasSubstr("nope.toml")));
}

// --- Operations settings, and settings given outside the file -----------------------------------

TEST(ConfigTest, ShippedConfigStatesTheServerDefaults) {
  absl::StatusOr<Config> config = LoadConfig(kConfigDir + "/subex.toml");
  ASSERT_TRUE(config.ok()) << config.status();
  const Config defaults;
  EXPECT_EQ(config->server.listen, defaults.server.listen);
  EXPECT_EQ(config->server.io_threads, defaults.server.io_threads);
  EXPECT_EQ(config->server.drain_timeout_ms, defaults.server.drain_timeout_ms);
  EXPECT_EQ(config->server.shutdown_timeout_ms, defaults.server.shutdown_timeout_ms);
  EXPECT_EQ(config->storage.data_dir, defaults.storage.data_dir);
  EXPECT_EQ(config->storage.snapshot_every_events, defaults.storage.snapshot_every_events);
  EXPECT_EQ(config->storage.snapshot_on_stop, defaults.storage.snapshot_on_stop);
  EXPECT_EQ(config->log.level, defaults.log.level);
  EXPECT_EQ(config->log.access, defaults.log.access);
  EXPECT_EQ(config->rate_limits.per_key_per_second, 0);  // Off: benchmarks are not throttled.
  EXPECT_EQ(config->rate_limits.per_address_per_second, 0);
  EXPECT_EQ(config->rate_limits.per_key_burst, defaults.rate_limits.per_key_burst);
  EXPECT_EQ(config->rate_limits.max_clients, defaults.rate_limits.max_clients);
}

// Each setting is written out in the shipped file, under its section, with its comment above.
TEST(ConfigTest, ShippedConfigDocumentsEverySetting) {
  std::ifstream in(kConfigDir + "/subex.toml");
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  for (const std::string& name : SettingNames()) {
    const std::string section = "[" + name.substr(0, name.find('.')) + "]";
    const std::string key = name.substr(name.find('.') + 1) + " = ";
    bool in_section = false, found = false;
    for (size_t i = 0; i < lines.size() && !found; ++i) {
      if (!lines[i].empty() && lines[i][0] == '[') in_section = lines[i] == section;
      if (in_section && lines[i].rfind(key, 0) == 0) {
        found = true;
        EXPECT_TRUE(i > 0 && lines[i - 1].rfind("# ", 0) == 0) << name << " has no comment";
      }
    }
    EXPECT_TRUE(found) << name << " is not in config/subex.toml";
  }
}

TEST(ConfigTest, LogRateLimitAndShutdownSettingsAreRead) {
  absl::StatusOr<Config> config = ParseConfig(R"(
    [server]
    drain_timeout_ms = 2_000
    shutdown_timeout_ms = 5_000
    [storage]
    snapshot_on_stop = false
    [log]
    level = "debug"
    access = true
    [rate_limits]
    per_key_per_second = 0.5
    per_key_burst = 10
    per_address_per_second = 200
    per_address_burst = 400
    max_clients = 1_000
  )",
                                              kConfigDir);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->server.drain_timeout_ms, 2'000);
  EXPECT_EQ(config->server.shutdown_timeout_ms, 5'000);
  EXPECT_FALSE(config->storage.snapshot_on_stop);
  EXPECT_EQ(config->log.level, "debug");
  EXPECT_TRUE(config->log.access);
  EXPECT_EQ(config->rate_limits.per_key_per_second, 0.5);
  EXPECT_EQ(config->rate_limits.per_key_burst, 10);
  EXPECT_EQ(config->rate_limits.per_address_per_second, 200);
  EXPECT_EQ(config->rate_limits.per_address_burst, 400);
  EXPECT_EQ(config->rate_limits.max_clients, 1'000);
}

TEST(ConfigTest, BadOperationsSettingsNameTheKeyAndTheExpectedForm) {
  EXPECT_THAT(Rejection("[log]\nlevel = \"loud\"\n"),
              AllOf(HasSubstr("subex.toml:2:9: "),
                    HasSubstr("log.level: expected one of debug, info, warn, error, got "
                              "\"loud\"")));
  EXPECT_THAT(Rejection("[server]\nlisten = \"8080\"\n"),
              HasSubstr("server.listen: expected HOST:PORT, e.g. \"127.0.0.1:8080\""));
  EXPECT_THAT(Rejection("[server]\nlisten = \"127.0.0.1:99999\"\n"),
              HasSubstr("server.listen: expected HOST:PORT"));
  EXPECT_THAT(Rejection("[rate_limits]\nper_key_burst = 0\n"),
              HasSubstr("rate_limits.per_key_burst: expected an integer between 1 and 1000000"));
  EXPECT_THAT(Rejection("[rate_limits]\nper_address_per_second = -1\n"),
              HasSubstr("rate_limits.per_address_per_second: expected a number between 0 and"));
  EXPECT_THAT(Rejection("[server]\nshutdown_timeout_ms = 50\n"),
              HasSubstr("server.shutdown_timeout_ms: expected an integer between 100"));
  EXPECT_THAT(Rejection("[log]\naccess = \"yes\"\n"),
              HasSubstr("log.access: expected true or false, got \"yes\""));
}

TEST(ConfigTest, ListenAddressIsHostColonPort) {
  EXPECT_EQ(ParseListenAddress("127.0.0.1:8080"),
            std::make_pair(std::string("127.0.0.1"), uint16_t{8080}));
  EXPECT_EQ(ParseListenAddress("[::1]:0"), std::make_pair(std::string("::1"), uint16_t{0}));
  EXPECT_EQ(ParseListenAddress("8080"), std::nullopt);
  EXPECT_EQ(ParseListenAddress(":8080"), std::nullopt);
  EXPECT_EQ(ParseListenAddress("::1:8080"), std::nullopt);
  EXPECT_EQ(ParseListenAddress("host:"), std::nullopt);
  EXPECT_EQ(ParseListenAddress("host:65536"), std::nullopt);
  EXPECT_EQ(ParseListenAddress("host:80a"), std::nullopt);
}

TEST(ConfigTest, EverySettingHasAnEnvironmentVariableNamedAfterIt) {
  EXPECT_EQ(EnvironmentVariable("server.io_threads"), "SUBEX_SERVER_IO_THREADS");
  EXPECT_EQ(EnvironmentVariable("rate_limits.per_key_burst"), "SUBEX_RATE_LIMITS_PER_KEY_BURST");
  std::vector<std::string> names = SettingNames();
  EXPECT_GE(names.size(), 40u);
  EXPECT_EQ(names.front(), "matching.risk_weight");
  for (const std::string& name : names) {
    const std::string var = EnvironmentVariable(name) + "=1";
    const char* env[] = {var.c_str(), nullptr};
    absl::StatusOr<std::vector<Override>> overrides = OverridesFromEnvironment(env);
    ASSERT_TRUE(overrides.ok()) << name << ": " << overrides.status();
    ASSERT_EQ(overrides->size(), 1u) << name;
    EXPECT_EQ((*overrides)[0].key, name);
  }
}

// flag > environment > file > default: the server passes the environment's overrides first and
// the flags' after them, and the later wins.
TEST(ConfigTest, FlagBeatsEnvironmentBeatsFileBeatsDefault) {
  const std::string file = "[server]\nio_threads = 3\nmax_wait_ms = 7\n";
  const char* env_vars[] = {"SUBEX_SERVER_IO_THREADS=5", "SUBEX_SERVER_MAX_PIPELINED=9", nullptr};
  absl::StatusOr<std::vector<Override>> env = OverridesFromEnvironment(env_vars);
  ASSERT_TRUE(env.ok()) << env.status();
  std::vector<Override> overrides = *env;
  overrides.push_back({"server.io_threads", "8", "--server.io_threads"});
  absl::StatusOr<Config> config = ParseConfig(file, kConfigDir, "subex.toml", overrides);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->server.io_threads, 8);          // Flag, over environment and file.
  EXPECT_EQ(config->server.max_pipelined, 9);       // Environment, over the default.
  EXPECT_EQ(config->server.max_wait_ms, 7);         // File, over the default.
  EXPECT_EQ(config->server.max_list_limit, 1'000);  // Default.

  config = ParseConfig(file, kConfigDir, "subex.toml", *env);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->server.io_threads, 5);  // Environment, over the file.
}

TEST(ConfigTest, OverridesReadValuesAsTheFileWritesThem) {
  const std::vector<Override> overrides = {
      {"limits.max_quantity", "5_000", "--limits.max_quantity"},
      {"matching.risk_weight", "0.5", "--matching.risk_weight"},
      {"limits.max_unit_price_rub", "12.34", "--limits.max_unit_price_rub"},
      {"server.require_if_match", "true", "--server.require_if_match"},
      {"server.listen", "[::1]:9000", "--listen"},
      {"storage.data_dir", "/var/lib/subex", "--data-dir"},
      {"log.level", "warn", "$SUBEX_LOG_LEVEL"},
      {"rate_limits.per_address_per_second", "20", "$SUBEX_RATE_LIMITS_PER_ADDRESS_PER_SECOND"}};
  absl::StatusOr<Config> config = ParseConfig("", kConfigDir, "subex.toml", overrides);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->params.limits.max_quantity, 5'000);
  EXPECT_EQ(config->params.matching.risk_weight, 0.5);
  EXPECT_EQ(config->params.limits.max_unit_price, 1'234);
  EXPECT_TRUE(config->server.require_if_match);
  EXPECT_EQ(config->server.listen, "[::1]:9000");
  EXPECT_EQ(config->storage.data_dir, "/var/lib/subex");
  EXPECT_EQ(config->log.level, "warn");
  EXPECT_EQ(config->rate_limits.per_address_per_second, 20);
}

// The message of applying one override to an empty file, which must fail as InvalidArgument.
std::string OverrideRejection(const std::string& key, const std::string& value,
                              const std::string& origin) {
  const std::vector<Override> overrides = {{key, value, origin}};
  absl::StatusOr<Config> config = ParseConfig("", kConfigDir, "subex.toml", overrides);
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument) << config.status();
  return Message(config.status());
}

TEST(ConfigTest, BadOverridesNameTheirOriginKeyAndExpectedForm) {
  EXPECT_EQ(OverrideRejection("server.io_threads", "many", "$SUBEX_SERVER_IO_THREADS"),
            "$SUBEX_SERVER_IO_THREADS: server.io_threads: expected an integer between 1 and 256, "
            "got \"many\"");
  EXPECT_EQ(OverrideRejection("server.io_threads", "0", "--server.io_threads"),
            "--server.io_threads: server.io_threads: expected an integer between 1 and 256, "
            "got \"0\"");
  EXPECT_EQ(OverrideRejection("server.listen", "localhost", "--listen"),
            "--listen: server.listen: expected HOST:PORT, e.g. \"127.0.0.1:8080\" or "
            "\"[::1]:8080\", got \"localhost\"");
  EXPECT_EQ(OverrideRejection("log.level", "loud", "--log.level"),
            "--log.level: log.level: expected one of debug, info, warn, error, got \"loud\"");
  EXPECT_EQ(OverrideRejection("log.access", "yes", "--log.access"),
            "--log.access: log.access: expected true or false, got \"yes\"");
  EXPECT_THAT(OverrideRejection("limits.max_unit_price_rub", "1.005", "--x"),
              HasSubstr("expected an amount in RUB with at most 2 decimals"));
  EXPECT_THAT(OverrideRejection("storage.data_dir", "", "--data-dir"),
              HasSubstr("--data-dir: storage.data_dir: expected a non-empty string"));
  // One value only: nothing else may ride along into the parsed text.
  EXPECT_THAT(OverrideRejection("server.io_threads", "4\nmax_batch = 1", "--server.io_threads"),
              HasSubstr("server.io_threads: expected an integer"));
  EXPECT_THAT(OverrideRejection("server.io_threads", "4 # comment", "--server.io_threads"),
              HasSubstr("server.io_threads: expected an integer"));
}

TEST(ConfigTest, UnknownOverridesNameTheSettingAndWhatExists) {
  EXPECT_THAT(OverrideRejection("server.io_thread", "4", "--server.io_thread"),
              AllOf(HasSubstr("--server.io_thread: unknown setting server.io_thread; [server] "
                              "has listen, io_threads"),
                    HasSubstr("shutdown_timeout_ms")));
  EXPECT_THAT(OverrideRejection("sever.listen", "x", "--sever.listen"),
              HasSubstr("--sever.listen: unknown setting sever.listen; expected section.key with "
                        "a section of matching, reliability"));
}

TEST(ConfigTest, EnvironmentOverridesAreOnlyTheSettingsVariables) {
  const char* env[] = {"PATH=/usr/bin",
                       "SUBEX_CONFIG=/etc/subex/subex.toml",
                       "SUBEX_ADMIN_KEY=sx_secret",
                       "SUBEX_JOBS=4",
                       "SUBEX_LOG_LEVEL=debug",
                       "SUBEX_STORAGE_DATA_DIR=/srv/subex",
                       "SUBEX_RATE_LIMITS_PER_KEY_PER_SECOND=5",
                       nullptr};
  absl::StatusOr<std::vector<Override>> overrides = OverridesFromEnvironment(env);
  ASSERT_TRUE(overrides.ok()) << overrides.status();
  ASSERT_EQ(overrides->size(), 3u);
  EXPECT_EQ((*overrides)[0].key, "log.level");
  EXPECT_EQ((*overrides)[0].value, "debug");
  EXPECT_EQ((*overrides)[0].origin, "$SUBEX_LOG_LEVEL");
  EXPECT_EQ((*overrides)[1].key, "storage.data_dir");
  EXPECT_EQ((*overrides)[1].value, "/srv/subex");
  EXPECT_EQ((*overrides)[2].key, "rate_limits.per_key_per_second");
}

TEST(ConfigTest, AMisspeltEnvironmentSettingIsAnError) {
  const char* typo[] = {"SUBEX_SERVER_IO_THREDS=4", nullptr};
  EXPECT_THAT(Message(OverridesFromEnvironment(typo).status()),
              HasSubstr("$SUBEX_SERVER_IO_THREDS: unknown setting server.io_threds; [server] has "
                        "listen, io_threads"));
  const char* lower[] = {"SUBEX_SERVER_io_threads=4", nullptr};
  EXPECT_THAT(Message(OverridesFromEnvironment(lower).status()),
              AllOf(HasSubstr("$SUBEX_SERVER_io_threads: not a setting; [server] has listen, "
                              "io_threads"),
                    HasSubstr("each as SUBEX_SERVER_<KEY> in capitals")));
}

TEST(ConfigTest, ATaxonomyGivenOutsideTheFileIsRelativeToTheWorkingDirectory) {
  const std::vector<Override> absolute = {
      {"taxonomy.file", kConfigDir + "/processes.toml", "--taxonomy.file"}};
  absl::StatusOr<Config> config = ParseConfig("", "/nonexistent", "subex.toml", absolute);
  ASSERT_TRUE(config.ok()) << config.status();
  const std::vector<Override> relative = {{"taxonomy.file", "processes.toml", "--taxonomy.file"}};
  config = ParseConfig("", kConfigDir, "subex.toml", relative);
  EXPECT_EQ(config.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(Message(config.status()),
              AllOf(HasSubstr("--taxonomy.file: taxonomy.file: "), HasSubstr("processes.toml")));
}

// --- Taxonomy rejections name the process and the key ------------------------------------------

constexpr char kBranch[] = R"(
[[process]]
code = "machining"
name = "Machining"
unit = "machine_hour"
tariff = 0.08
)";

// --- Edge settings: the lingering close, CORS, the metrics token ------------------------------

TEST(ConfigTest, EdgeSettingsAreReadFromTheFileAndFromOverrides) {
  absl::StatusOr<Config> config = ParseConfig(R"(
    [server]
    close_drain_bytes = 65_536
    close_drain_ms = 250
    cors_origins = ["https://portal.example", "http://localhost:3000"]
    cors_max_age_s = 120
    metrics_token = "scrape-Me_1"
  )",
                                              kConfigDir);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->server.close_drain_bytes, 65'536);
  EXPECT_EQ(config->server.close_drain_ms, 250);
  EXPECT_EQ(config->server.cors_origins,
            (std::vector<std::string>{"https://portal.example", "http://localhost:3000"}));
  EXPECT_EQ(config->server.cors_max_age_s, 120);
  EXPECT_EQ(config->server.metrics_token, "scrape-Me_1");

  const std::vector<Override> overrides = {
      {"server.cors_origins", "https://a.example,https://b.example:8443", "--server.cors_origins"},
      {"server.metrics_token", "t0ken", "$SUBEX_SERVER_METRICS_TOKEN"}};
  config = ParseConfig("", kConfigDir, "subex.toml", overrides);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->server.cors_origins,
            (std::vector<std::string>{"https://a.example", "https://b.example:8443"}));
  EXPECT_EQ(config->server.metrics_token, "t0ken");
  // An empty flag turns CORS off again.
  const std::vector<Override> off = {{"server.cors_origins", "", "--server.cors_origins"}};
  config = ParseConfig("[server]\ncors_origins = [\"https://a.example\"]\n", kConfigDir,
                       "subex.toml", off);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_TRUE(config->server.cors_origins.empty());
}

TEST(ConfigTest, EdgeSettingsAreOffOrBoundedByDefault) {
  const Config defaults;
  EXPECT_TRUE(defaults.server.cors_origins.empty());
  EXPECT_TRUE(defaults.server.metrics_token.empty());
  EXPECT_GT(defaults.server.close_drain_bytes, defaults.server.max_body_bytes);
  EXPECT_GT(defaults.server.close_drain_ms, 0);
}

TEST(ConfigTest, BadEdgeSettingsNameTheKeyAndTheExpectedForm) {
  for (const char* bad :
       {R"(["https://portal.example/"])", R"(["portal.example"])", R"(["ftp://portal.example"])",
        R"(["https://Portal.example"])", R"(["*"])", R"("https://portal.example")", "[1]"}) {
    EXPECT_THAT(Rejection(std::string("[server]\ncors_origins = ") + bad + "\n"),
                HasSubstr("server.cors_origins: expected a list of origins"))
        << bad;
  }
  EXPECT_THAT(Rejection("[server]\nmetrics_token = \"two words\"\n"),
              HasSubstr("server.metrics_token: expected a string of visible ASCII characters"));
  EXPECT_THAT(Rejection("[server]\nclose_drain_bytes = -1\n"),
              HasSubstr("server.close_drain_bytes: expected an integer between 0 and 1073741824"));
  EXPECT_THAT(Rejection("[server]\ncors_max_age_s = 86401\n"),
              HasSubstr("server.cors_max_age_s: expected an integer between 0 and 86400"));
  EXPECT_THAT(OverrideRejection("server.cors_origins", "https://a.example,,https://b.example",
                                "--server.cors_origins"),
              HasSubstr("--server.cors_origins: server.cors_origins: expected a list of origins"));
}

// --- Built-in defaults -------------------------------------------------------------------------

TEST(ConfigTest, BuiltInConfigIsTheDefaultsWithTheShippedTaxonomy) {
  absl::StatusOr<Config> built_in = BuiltInConfig();
  ASSERT_TRUE(built_in.ok()) << built_in.status();
  const Config defaults;
  ExpectParamsEq(built_in->params, defaults.params);
  EXPECT_EQ(built_in->server.listen, defaults.server.listen);
  EXPECT_EQ(built_in->storage.data_dir, defaults.storage.data_dir);
  EXPECT_EQ(built_in->taxonomy_path, kBuiltInTaxonomy);
  // The same tree as the file in the repository.
  absl::StatusOr<Taxonomy> shipped = LoadTaxonomy(kConfigDir + "/processes.toml");
  ASSERT_TRUE(shipped.ok()) << shipped.status();
  ASSERT_EQ(built_in->taxonomy.size(), shipped->size());
  for (uint32_t i = 0; i < shipped->size(); ++i) {
    const ProcessNode& a = built_in->taxonomy.node(ProcessId{i});
    const ProcessNode& b = shipped->node(ProcessId{i});
    EXPECT_EQ(a.code, b.code);
    EXPECT_EQ(a.unit, b.unit);
  }
}

TEST(ConfigTest, BuiltInConfigTakesOverridesAndATaxonomyFile) {
  std::string path = testing::TempDir() + "/config_test_small_processes.toml";
  std::ofstream(path) << "[[process]]\ncode = \"casting\"\nname = \"Casting\"\n"
                         "unit = \"kg\"\ntariff = 0.5\n";
  const std::vector<Override> overrides = {{"server.io_threads", "3", "--server.io_threads"},
                                           {"taxonomy.file", path, "--taxonomy.file"}};
  absl::StatusOr<Config> config = BuiltInConfig(overrides);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->server.io_threads, 3);
  EXPECT_NE(config->taxonomy_path, kBuiltInTaxonomy);
  EXPECT_EQ(config->taxonomy.size(), 1u);
  std::remove(path.c_str());
  const std::vector<Override> bad = {{"server.io_threads", "0", "--server.io_threads"}};
  EXPECT_EQ(BuiltInConfig(bad).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ConfigTaxonomyTest, ParsesBranchesAndChildren) {
  std::string text =
      std::string(kBranch) + "[[process]]\ncode = \"machining.milling\"\n" + "name = \"Milling\"\n";
  absl::StatusOr<std::vector<ProcessSpec>> specs = ParseTaxonomy(text, "processes.toml");
  ASSERT_TRUE(specs.ok()) << specs.status();
  ASSERT_EQ(specs->size(), 2u);
  EXPECT_EQ((*specs)[0].code, "machining");
  EXPECT_EQ((*specs)[0].unit, "machine_hour");
  EXPECT_EQ((*specs)[0].tariff_rub_per_unit_km, 0.08);
  EXPECT_EQ((*specs)[1].name, "Milling");
  EXPECT_TRUE((*specs)[1].unit.empty());
  EXPECT_LT((*specs)[1].tariff_rub_per_unit_km, 0);
}

TEST(ConfigTaxonomyTest, ChildWithTariffIsRejected) {
  std::string text = std::string(kBranch) + "[[process]]\ncode = \"machining.milling\"\n" +
                     "name = \"Milling\"\ntariff = 0.1\n";
  EXPECT_THAT(TaxonomyRejection(text),
              AllOf(HasSubstr("processes.toml:10:1: "),
                    HasSubstr("process 'machining.milling': tariff: only a top-level branch")));
}

TEST(ConfigTaxonomyTest, ChildWithUnitIsRejected) {
  std::string text = std::string(kBranch) + "[[process]]\ncode = \"machining.milling\"\n" +
                     "name = \"Milling\"\nunit = \"kg\"\n";
  EXPECT_THAT(TaxonomyRejection(text), HasSubstr("process 'machining.milling': unit"));
}

TEST(ConfigTaxonomyTest, DuplicateCodeIsRejected) {
  std::string text = std::string(kBranch) + kBranch;
  EXPECT_THAT(TaxonomyRejection(text),
              HasSubstr("process 'machining': code: repeats the process defined on line 3"));
}

TEST(ConfigTaxonomyTest, BranchNeedsUnitAndTariff) {
  EXPECT_THAT(TaxonomyRejection("[[process]]\ncode = \"casting\"\nname = \"Casting\"\n"
                                "tariff = 0.006\n"),
              HasSubstr("process 'casting': unit: missing"));
  EXPECT_THAT(TaxonomyRejection("[[process]]\ncode = \"casting\"\nname = \"Casting\"\n"
                                "unit = \"kg\"\n"),
              HasSubstr("process 'casting': tariff: missing"));
}

TEST(ConfigTaxonomyTest, BadValuesNameProcessAndKey) {
  EXPECT_THAT(TaxonomyRejection("[[process]]\ncode = \"casting\"\nname = \"Casting\"\n"
                                "unit = \"litre\"\ntariff = 0.006\n"),
              HasSubstr("process 'casting': unit: expected one of machine_hour, kg, piece, m2, "
                        "got \"litre\""));
  EXPECT_THAT(TaxonomyRejection("[[process]]\ncode = \"casting\"\nname = \"Casting\"\n"
                                "unit = \"kg\"\ntariff = -0.5\n"),
              HasSubstr("process 'casting': tariff: expected RUB per unit per km"));
  EXPECT_THAT(TaxonomyRejection("[[process]]\ncode = \"casting\"\nname = \"Casting\"\n"
                                "unit = \"kg\"\ntariff = \"cheap\"\n"),
              HasSubstr("process 'casting': tariff"));
  EXPECT_THAT(TaxonomyRejection("[[process]]\ncode = \"casting\"\nunit = \"kg\"\n"
                                "tariff = 0.006\n"),
              HasSubstr("process 'casting': name: missing"));
  EXPECT_THAT(TaxonomyRejection("[[process]]\nname = \"Casting\"\n"),
              HasSubstr("process #1: code: expected a dotted code"));
}

TEST(ConfigTaxonomyTest, UnknownKeysAreRejected) {
  EXPECT_THAT(TaxonomyRejection(std::string(kBranch) + "colour = \"red\"\n"),
              HasSubstr("process 'machining': colour: unknown key"));
  EXPECT_THAT(TaxonomyRejection(std::string(kBranch) + "[units]\nkg = 1\n"),
              HasSubstr("units: unknown key"));
  EXPECT_THAT(TaxonomyRejection(""), HasSubstr("process: expected [[process]] tables"));
}

TEST(ConfigTaxonomyTest, TreeErrorsNameTheFile) {
  std::string path = testing::TempDir() + "/config_test_orphan_processes.toml";
  std::ofstream(path) << kBranch << "[[process]]\ncode = \"casting.steel\"\nname = \"Steel\"\n";
  absl::StatusOr<Taxonomy> taxonomy = LoadTaxonomy(path);
  EXPECT_EQ(taxonomy.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(taxonomy.status()),
              AllOf(HasSubstr(path), HasSubstr("'casting.steel' has no parent")));
  std::remove(path.c_str());
}

}  // namespace
}  // namespace subex
