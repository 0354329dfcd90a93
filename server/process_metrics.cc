#include "server/process_metrics.h"

#include <sys/resource.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>

namespace subex {
namespace {

// Resident pages from /proc/self/statm, in bytes; 0 when it cannot be read.
uint64_t ResidentBytes() {
  std::FILE* statm = std::fopen("/proc/self/statm", "r");
  if (statm == nullptr) return 0;
  unsigned long long size = 0, resident = 0;
  const int read = std::fscanf(statm, "%llu %llu", &size, &resident);
  std::fclose(statm);
  if (read != 2) return 0;
  return resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

uint64_t OpenFds() {
  std::error_code ec;
  uint64_t n = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end;
       it.increment(ec)) {
    ++n;
  }
  return n;
}

double CpuSeconds() {
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) != 0) return 0;
  auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

}  // namespace

void WriteProcessMetrics(MetricsText& out, double start_unix_seconds) {
  out.Family("process_start_time_seconds", "gauge",
             "Start time of the process since the Unix epoch, in seconds.");
  out.Sample("process_start_time_seconds", {}, start_unix_seconds);
  out.Family("process_cpu_seconds_total", "counter", "User and system CPU time, in seconds.");
  out.Sample("process_cpu_seconds_total", {}, CpuSeconds());
  out.Family("process_resident_memory_bytes", "gauge", "Resident memory, in bytes.");
  out.Sample("process_resident_memory_bytes", {}, ResidentBytes());
  out.Family("process_open_fds", "gauge", "Open file descriptors.");
  out.Sample("process_open_fds", {}, OpenFds());
}

}  // namespace subex
