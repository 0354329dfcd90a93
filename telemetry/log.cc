#include "telemetry/log.h"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace subex {
namespace {

std::atomic<LogLevel> min_level{LogLevel::kInfo};
std::atomic<int> log_fd{2};

// The length of the valid UTF-8 sequence at the start of `s`, or 0 if it is not one.
size_t Utf8Length(std::string_view s) {
  const auto b = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char c = b(0);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
  if (n == 0 || n > s.size()) return 0;
  for (size_t i = 1; i < n; ++i) {
    if ((b(i) & 0xc0) != 0x80) return 0;
  }
  if (n == 2 && c < 0xc2) return 0;                   // Overlong.
  if (n == 3 && c == 0xe0 && b(1) < 0xa0) return 0;   // Overlong.
  if (n == 3 && c == 0xed && b(1) >= 0xa0) return 0;  // Surrogate.
  if (n == 4 && (c > 0xf4 || (c == 0xf0 && b(1) < 0x90) || (c == 0xf4 && b(1) >= 0x90))) return 0;
  return n;
}

// Appends `s` as a JSON string; bytes that are not UTF-8 become U+FFFD.
void AppendJsonString(std::string& out, std::string_view s) {
  out += '"';
  while (!s.empty()) {
    const unsigned char c = static_cast<unsigned char>(s[0]);
    const size_t n = Utf8Length(s);
    if (n == 0) {
      out += "\\ufffd";
      s.remove_prefix(1);
      continue;
    }
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
      out += escaped;
    } else {
      out.append(s.substr(0, n));
    }
    s.remove_prefix(n);
  }
  out += '"';
}

void AppendValue(std::string& out, const LogField& field) {
  if (const auto* s = std::get_if<std::string_view>(&field.value)) {
    AppendJsonString(out, *s);
  } else if (const auto* i = std::get_if<int64_t>(&field.value)) {
    out += std::to_string(*i);
  } else if (const auto* u = std::get_if<uint64_t>(&field.value)) {
    out += std::to_string(*u);
  } else if (const auto* d = std::get_if<double>(&field.value)) {
    if (!std::isfinite(*d)) {
      out += "null";
    } else {
      char buffer[32];
      std::snprintf(buffer, sizeof buffer, "%.6g", *d);
      out += buffer;
    }
  } else {
    out += std::get<bool>(field.value) ? "true" : "false";
  }
}

}  // namespace

std::string_view LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

std::optional<LogLevel> ParseLogLevel(std::string_view name) {
  for (LogLevel level : {LogLevel::kDebug, LogLevel::kInfo, LogLevel::kWarn, LogLevel::kError}) {
    if (name == LogLevelName(level)) return level;
  }
  return std::nullopt;
}

void SetLogLevel(LogLevel level) { min_level.store(level, std::memory_order_relaxed); }

bool LogEnabled(LogLevel level) { return level >= min_level.load(std::memory_order_relaxed); }

void SetLogFd(int fd) { log_fd.store(fd, std::memory_order_relaxed); }

std::string FormatLogLine(int64_t unix_ms, LogLevel level, std::string_view message,
                          std::initializer_list<LogField> fields) {
  const std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char ts[96];  // Room for any int the fields could hold, which -Wformat-truncation counts.
  std::snprintf(ts, sizeof ts, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(unix_ms % 1000));
  std::string line;
  line.reserve(128);
  line.append("{\"ts\":\"").append(ts).append("\",\"level\":\"");
  line.append(LogLevelName(level)).append("\",\"msg\":");
  AppendJsonString(line, message);
  for (const LogField& field : fields) {
    line += ',';
    AppendJsonString(line, field.key);
    line += ':';
    AppendValue(line, field);
  }
  line += '}';
  return line;
}

void Log(LogLevel level, std::string_view message, std::initializer_list<LogField> fields) {
  if (!LogEnabled(level)) return;
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  std::string line = FormatLogLine(now, level, message, fields);
  line += '\n';
  const int fd = log_fd.load(std::memory_order_relaxed);
  size_t written = 0;
  while (written < line.size()) {
    const ssize_t n = ::write(fd, line.data() + written, line.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // Nowhere to report a failing log.
    written += static_cast<size_t>(n);
  }
}

}  // namespace subex
