// Metrics — counters and histograms cheap enough for the request path, and their exposition in
// the Prometheus text format (version 0.0.4) for the operator's `GET /metrics`.
//
// A recording is one relaxed atomic add on a cache line of the calling thread's shard: threads
// are spread over `kMetricShards` shards in the order they first record, so the I/O threads do not
// bounce one line between their cores, and no lock is taken. Reading sums the shards; a reader
// may see a recording in one series before another (a histogram's count before its sum), which
// Prometheus tolerates.
//
//   CounterArray by_status(3);
//   by_status.Add(1);
//   Histogram latency({100, 1'000, 10'000});  // Upper bounds in µs; +Inf is implied.
//   latency.Observe(250);
//
//   MetricsText out;
//   out.Family("subex_sync_seconds", "histogram", "Time to sync one batch.");
//   out.Histogram("subex_sync_seconds", {}, latency.Read(), /*unit=*/1e-6);
//   std::string body = std::move(out).Take();
//
// Thread-safety: recording and reading are safe from any thread at once; a MetricsText is for
// one thread.

#ifndef SUBEX_TELEMETRY_METRICS_H_
#define SUBEX_TELEMETRY_METRICS_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace subex {

inline constexpr size_t kMetricShards = 16;

// The calling thread's shard, fixed for the thread's life.
size_t MetricShard();

// `n` counters that only go up, each readable on its own.
class CounterArray {
 public:
  explicit CounterArray(size_t n);
  CounterArray(const CounterArray&) = delete;
  CounterArray& operator=(const CounterArray&) = delete;

  void Add(size_t i, uint64_t delta = 1) {
    cells_[MetricShard() * stride_ + i].fetch_add(delta, std::memory_order_relaxed);
  }
  uint64_t Value(size_t i) const;
  size_t size() const { return n_; }

 private:
  struct alignas(64) Line {
    std::atomic<uint64_t> cells[8];
  };

  size_t n_;
  size_t stride_;  // Cells per shard, rounded up to whole cache lines.
  std::unique_ptr<Line[]> lines_;
  std::atomic<uint64_t>* cells_;  // The lines' cells, end to end.
};

// Counts of observed values (non-negative integers in some unit: µs, requests) by bucket, with
// their sum.
class Histogram {
 public:
  // `bounds` are the buckets' inclusive upper bounds, ascending; a last bucket (+Inf) takes the
  // rest.
  explicit Histogram(std::vector<uint64_t> bounds);
  Histogram(const Histogram&) = delete;
  Histogram& operator=(const Histogram&) = delete;

  void Observe(uint64_t value);

  struct Snapshot {
    std::vector<uint64_t> bounds;
    std::vector<uint64_t> counts;  // Per bucket (not cumulative); one more than `bounds`.
    uint64_t sum = 0;
    uint64_t count = 0;
  };
  Snapshot Read() const;

  // Bounds growing by `factor` from `first` up to `last`: {first, first·factor, …, ≤ last}.
  static std::vector<uint64_t> ExponentialBounds(uint64_t first, double factor, uint64_t last);

 private:
  std::vector<uint64_t> bounds_;
  CounterArray cells_;  // The buckets, then the sum.
};

// Writes the Prometheus text exposition format: a family (HELP and TYPE lines) and its samples.
class MetricsText {
 public:
  using Labels = std::initializer_list<std::pair<std::string_view, std::string_view>>;

  // `type` is "counter", "gauge" or "histogram".
  void Family(std::string_view name, std::string_view type, std::string_view help);
  void Sample(std::string_view name, Labels labels, double value);
  void Sample(std::string_view name, Labels labels, uint64_t value);
  // The _bucket (cumulative, `le` in the exposed unit), _sum and _count samples of `h`, whose
  // values are multiplied by `unit` (1e-6 to expose µs as seconds).
  void Histogram(std::string_view name, Labels labels, const Histogram::Snapshot& h,
                 double unit = 1);

  std::string Take() && { return std::move(out_); }

 private:
  void Series(std::string_view name, std::string_view suffix, Labels labels,
              std::string_view le = {});

  std::string out_;
};

// A label value escaped as the text format needs: backslash, double quote and newline.
std::string EscapeLabelValue(std::string_view value);

// A sample value as the text format writes it: integers exactly, NaN and infinities by name.
std::string FormatSampleValue(double value);

}  // namespace subex

#endif  // SUBEX_TELEMETRY_METRICS_H_
