// ProcessMetrics — the standard process_* families of a Prometheus exporter for subexd: start
// time, CPU time, resident memory and open file descriptors, read from the kernel when asked.
//
//   WriteProcessMetrics(out, start_unix_seconds);
//
// Thread-safety: safe from any thread.

#ifndef SUBEX_SERVER_PROCESS_METRICS_H_
#define SUBEX_SERVER_PROCESS_METRICS_H_

#include "telemetry/metrics.h"

namespace subex {

void WriteProcessMetrics(MetricsText& out, double start_unix_seconds);

}  // namespace subex

#endif  // SUBEX_SERVER_PROCESS_METRICS_H_
