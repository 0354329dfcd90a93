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

// --- Taxonomy rejections name the process and the key ------------------------------------------

constexpr char kBranch[] = R"(
[[process]]
code = "machining"
name = "Machining"
unit = "machine_hour"
tariff = 0.08
)";

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
