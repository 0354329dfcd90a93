// Log — the server's structured log: one JSON object per line on stderr, with a time, a level, a
// message and fields.
//
//   {"ts":"2026-12-01T09:00:00.123Z","level":"info","msg":"listening","address":"http://..."}
//
// Lines below the process's level are dropped before anything is formatted. A line is written
// with one write(2), so lines of different threads never interleave.
//
// What a line may carry is up to its caller, and the rule is: never an API key, a token, a
// request body or a bid price. The access log (api/service.h) writes the method, path (no query),
// route, status, duration and peer address, and nothing of the request's headers or body.
//
//   Log(LogLevel::kWarn, "drain timed out", {{"open_connections", 3}});
//
// Thread-safety: safe for concurrent use; SetLogLevel and SetLogFd are for start-up and tests.

#ifndef SUBEX_TELEMETRY_LOG_H_
#define SUBEX_TELEMETRY_LOG_H_

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace subex {

enum class LogLevel : uint8_t { kDebug, kInfo, kWarn, kError };

// "debug", "info", "warn", "error".
std::string_view LogLevelName(LogLevel level);
// The level a name gives; nullopt for any other text.
std::optional<LogLevel> ParseLogLevel(std::string_view name);

void SetLogLevel(LogLevel level);
bool LogEnabled(LogLevel level);
// Where lines go: stderr (2) unless a test points them elsewhere.
void SetLogFd(int fd);

struct LogField {
  LogField(std::string_view k, std::string_view v) : key(k), value(v) {}
  LogField(std::string_view k, const char* v) : key(k), value(std::string_view(v)) {}
  LogField(std::string_view k, const std::string& v) : key(k), value(std::string_view(v)) {}
  LogField(std::string_view k, int64_t v) : key(k), value(v) {}
  LogField(std::string_view k, int v) : key(k), value(static_cast<int64_t>(v)) {}
  LogField(std::string_view k, uint64_t v) : key(k), value(v) {}
  LogField(std::string_view k, unsigned v) : key(k), value(static_cast<uint64_t>(v)) {}
  LogField(std::string_view k, double v) : key(k), value(v) {}
  LogField(std::string_view k, bool v) : key(k), value(v) {}

  std::string_view key;
  std::variant<std::string_view, int64_t, uint64_t, double, bool> value;
};

// Writes one line when `level` is enabled.
void Log(LogLevel level, std::string_view message, std::initializer_list<LogField> fields = {});

// The line Log writes, without its newline, at `unix_ms` (exposed for tests).
std::string FormatLogLine(int64_t unix_ms, LogLevel level, std::string_view message,
                          std::initializer_list<LogField> fields);

}  // namespace subex

#endif  // SUBEX_TELEMETRY_LOG_H_
