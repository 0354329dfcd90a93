#include "telemetry/log.h"

#include <unistd.h>

#include <string>

#include "gtest/gtest.h"

namespace subex {
namespace {

constexpr int64_t kNoon = 1'796'212'800'123;  // 2026-12-02T12:00:00.123Z.

TEST(LogTest, ALineIsOneJsonObjectWithTimeLevelMessageAndFields) {
  EXPECT_EQ(FormatLogLine(kNoon, LogLevel::kWarn, "drain timed out",
                          {{"open", 3}, {"path", "/v1/orders"}, {"ok", false}, {"s", 0.5}}),
            R"({"ts":"2026-12-02T12:00:00.123Z","level":"warn","msg":"drain timed out",)"
            R"("open":3,"path":"/v1/orders","ok":false,"s":0.5})");
}

TEST(LogTest, StringsAreEscapedAndInvalidUtf8IsReplaced) {
  EXPECT_EQ(FormatLogLine(kNoon, LogLevel::kInfo, "a\"b\\c\n\x01", {{"p", "\xff/\xd0\xb8"}}),
            R"({"ts":"2026-12-02T12:00:00.123Z","level":"info","msg":"a\"b\\c\n\u0001",)"
            "\"p\":\"\\ufffd/\xd0\xb8\"}");
}

TEST(LogTest, LevelsParseByNameOnly) {
  EXPECT_EQ(ParseLogLevel("debug"), LogLevel::kDebug);
  EXPECT_EQ(ParseLogLevel("error"), LogLevel::kError);
  EXPECT_EQ(ParseLogLevel("ERROR"), std::nullopt);
  EXPECT_EQ(ParseLogLevel("verbose"), std::nullopt);
}

TEST(LogTest, LinesBelowTheLevelAreNotWritten) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  SetLogFd(fds[1]);
  SetLogLevel(LogLevel::kWarn);
  Log(LogLevel::kInfo, "dropped");
  Log(LogLevel::kError, "kept", {{"n", 1}});
  SetLogFd(2);
  SetLogLevel(LogLevel::kInfo);
  ::close(fds[1]);
  std::string out;
  char buffer[512];
  ssize_t n;
  while ((n = ::read(fds[0], buffer, sizeof buffer)) > 0) out.append(buffer, size_t(n));
  ::close(fds[0]);
  EXPECT_EQ(out.find("dropped"), std::string::npos);
  EXPECT_NE(out.find(R"("level":"error","msg":"kept","n":1})"), std::string::npos) << out;
  EXPECT_EQ(out.back(), '\n');
}

}  // namespace
}  // namespace subex
