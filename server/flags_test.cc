#include "server/flags.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace subex {
namespace {

using ::testing::HasSubstr;

absl::StatusOr<Flags> Parse(std::vector<const char*> args) { return ParseFlags(args); }

TEST(FlagsTest, TheServerFlagsKeepTheirMeaning) {
  absl::StatusOr<Flags> flags = Parse({"--config", "/etc/subex/subex.toml", "--listen=0.0.0.0:9000",
                                       "--data-dir", "/srv", "--demo", "--demo-report", "--quiet"});
  ASSERT_TRUE(flags.ok()) << flags.status();
  EXPECT_EQ(flags->config, "/etc/subex/subex.toml");
  ASSERT_EQ(flags->settings.size(), 2u);
  EXPECT_EQ(flags->settings[0].key, "server.listen");
  EXPECT_EQ(flags->settings[0].value, "0.0.0.0:9000");
  EXPECT_EQ(flags->settings[0].origin, "--listen");
  EXPECT_EQ(flags->settings[1].key, "storage.data_dir");
  EXPECT_EQ(flags->settings[1].value, "/srv");
  EXPECT_TRUE(flags->demo && flags->demo_report && flags->quiet);
  EXPECT_FALSE(flags->help);
}

TEST(FlagsTest, EverySettingIsAFlagNamedAfterIt) {
  absl::StatusOr<Flags> flags = Parse({"--log.level=debug", "--server.io_threads", "4"});
  ASSERT_TRUE(flags.ok()) << flags.status();
  ASSERT_EQ(flags->settings.size(), 2u);
  EXPECT_EQ(flags->settings[0].key, "log.level");
  EXPECT_EQ(flags->settings[0].value, "debug");
  EXPECT_EQ(flags->settings[0].origin, "--log.level");
  EXPECT_EQ(flags->settings[1].key, "server.io_threads");
  EXPECT_EQ(flags->settings[1].value, "4");
}

TEST(FlagsTest, WithoutConfigTheDefaultPathIsLeftToTheCaller) {
  absl::StatusOr<Flags> flags = Parse({});
  ASSERT_TRUE(flags.ok());
  EXPECT_FALSE(flags->config.has_value());
}

TEST(FlagsTest, MistakesNameTheArgument) {
  EXPECT_THAT(std::string(Parse({"--lisen", "x"}).status().message()),
              HasSubstr("unknown argument \"--lisen\""));
  EXPECT_THAT(std::string(Parse({"--listen"}).status().message()),
              HasSubstr("--listen needs a value"));
  EXPECT_THAT(std::string(Parse({"--config="}).status().message()),
              HasSubstr("--config needs a value"));
  EXPECT_THAT(std::string(Parse({"--server.listen"}).status().message()),
              HasSubstr("--server.listen needs a value"));
  EXPECT_THAT(std::string(Parse({"--demo=yes"}).status().message()),
              HasSubstr("--demo takes no value"));
}

}  // namespace
}  // namespace subex
