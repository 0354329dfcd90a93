#include "telemetry/metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace subex {
namespace {

constexpr size_t kCellsPerLine = 64 / sizeof(std::atomic<uint64_t>);

std::atomic<size_t> next_shard{0};

}  // namespace

size_t MetricShard() {
  thread_local const size_t shard =
      next_shard.fetch_add(1, std::memory_order_relaxed) % kMetricShards;
  return shard;
}

CounterArray::CounterArray(size_t n)
    : n_(n),
      stride_(std::max<size_t>(1, (n + kCellsPerLine - 1) / kCellsPerLine) * kCellsPerLine),
      lines_(new Line[stride_ / kCellsPerLine * kMetricShards]),
      cells_(lines_[0].cells) {
  static_assert(sizeof(Line) == 64);
  for (size_t i = 0; i < stride_ * kMetricShards; ++i) {
    cells_[i].store(0, std::memory_order_relaxed);
  }
}

uint64_t CounterArray::Value(size_t i) const {
  uint64_t sum = 0;
  for (size_t s = 0; s < kMetricShards; ++s) {
    sum += cells_[s * stride_ + i].load(std::memory_order_relaxed);
  }
  return sum;
}

Histogram::Histogram(std::vector<uint64_t> bounds)
    : bounds_(std::move(bounds)), cells_(bounds_.size() + 2) {}

void Histogram::Observe(uint64_t value) {
  const size_t bucket = static_cast<size_t>(
      std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin());
  cells_.Add(bucket);
  cells_.Add(bounds_.size() + 1, value);
}

Histogram::Snapshot Histogram::Read() const {
  Snapshot s;
  s.bounds = bounds_;
  s.counts.resize(bounds_.size() + 1);
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    s.counts[i] = cells_.Value(i);
    s.count += s.counts[i];
  }
  s.sum = cells_.Value(bounds_.size() + 1);
  return s;
}

std::vector<uint64_t> Histogram::ExponentialBounds(uint64_t first, double factor, uint64_t last) {
  std::vector<uint64_t> bounds;
  for (double b = static_cast<double>(first); b <= static_cast<double>(last); b *= factor) {
    const uint64_t bound = static_cast<uint64_t>(std::llround(b));
    if (bounds.empty() || bound > bounds.back()) bounds.push_back(bound);
  }
  return bounds;
}

std::string EscapeLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string FormatSampleValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buffer[32];
  if (value == std::trunc(value) && std::abs(value) < 1e15) {
    std::snprintf(buffer, sizeof buffer, "%.0f", value);
  } else {
    std::snprintf(buffer, sizeof buffer, "%.15g", value);
  }
  return buffer;
}

void MetricsText::Family(std::string_view name, std::string_view type, std::string_view help) {
  out_.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out_.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

void MetricsText::Series(std::string_view name, std::string_view suffix, Labels labels,
                         std::string_view le) {
  out_.append(name).append(suffix);
  if (labels.size() == 0 && le.empty()) {
    out_ += ' ';
    return;
  }
  out_ += '{';
  bool first = true;
  for (const auto& [label, value] : labels) {
    if (!first) out_ += ',';
    first = false;
    out_.append(label).append("=\"").append(EscapeLabelValue(value)).append("\"");
  }
  if (!le.empty()) {
    if (!first) out_ += ',';
    out_.append("le=\"").append(le).append("\"");
  }
  out_.append("} ");
}

void MetricsText::Sample(std::string_view name, Labels labels, double value) {
  Series(name, "", labels);
  out_.append(FormatSampleValue(value)).append("\n");
}

void MetricsText::Sample(std::string_view name, Labels labels, uint64_t value) {
  Series(name, "", labels);
  out_.append(std::to_string(value)).append("\n");
}

void MetricsText::Histogram(std::string_view name, Labels labels, const Histogram::Snapshot& h,
                            double unit) {
  uint64_t cumulative = 0;
  for (size_t i = 0; i < h.counts.size(); ++i) {
    cumulative += h.counts[i];
    const std::string le = i < h.bounds.size()
                               ? FormatSampleValue(static_cast<double>(h.bounds[i]) * unit)
                               : std::string("+Inf");
    Series(name, "_bucket", labels, le);
    out_.append(std::to_string(cumulative)).append("\n");
  }
  Series(name, "_sum", labels);
  out_.append(FormatSampleValue(static_cast<double>(h.sum) * unit)).append("\n");
  Series(name, "_count", labels);
  out_.append(std::to_string(cumulative)).append("\n");
}

}  // namespace subex
