#include "telemetry/metrics.h"

#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace subex {
namespace {

using ::testing::ElementsAre;

TEST(CounterArrayTest, SumsWhatEveryThreadAdded) {
  CounterArray counters(3);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&counters] {
      for (int i = 0; i < 1000; ++i) counters.Add(1);
      counters.Add(2, 5);
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(counters.Value(0), 0u);
  EXPECT_EQ(counters.Value(1), 8000u);
  EXPECT_EQ(counters.Value(2), 40u);
}

TEST(HistogramTest, ABoundIsItsBucketsInclusiveUpperEnd) {
  Histogram h({10, 100});
  for (uint64_t v : {0, 10, 11, 100, 101, 5000}) h.Observe(v);
  Histogram::Snapshot s = h.Read();
  EXPECT_THAT(s.counts, ElementsAre(2, 2, 2));
  EXPECT_EQ(s.count, 6u);
  EXPECT_EQ(s.sum, 0u + 10 + 11 + 100 + 101 + 5000);
}

TEST(HistogramTest, ExponentialBoundsGrowByTheFactorUpToTheLast) {
  EXPECT_THAT(Histogram::ExponentialBounds(1, 2, 20), ElementsAre(1, 2, 4, 8, 16));
  EXPECT_THAT(Histogram::ExponentialBounds(100, 2.5, 1000), ElementsAre(100, 250, 625));
}

TEST(MetricsTextTest, WritesFamiliesAndLabelledSamples) {
  MetricsText out;
  out.Family("subex_requests_total", "counter", "Requests answered.");
  out.Sample("subex_requests_total", {{"route", "/v1/orders"}, {"status", "201"}}, uint64_t{7});
  out.Family("subex_queue_depth", "gauge", "Requests waiting.");
  out.Sample("subex_queue_depth", {}, 2.5);
  EXPECT_EQ(std::move(out).Take(),
            "# HELP subex_requests_total Requests answered.\n"
            "# TYPE subex_requests_total counter\n"
            "subex_requests_total{route=\"/v1/orders\",status=\"201\"} 7\n"
            "# HELP subex_queue_depth Requests waiting.\n"
            "# TYPE subex_queue_depth gauge\n"
            "subex_queue_depth 2.5\n");
}

TEST(MetricsTextTest, HistogramBucketsAreCumulativeInTheExposedUnit) {
  Histogram h({1'000, 10'000});
  h.Observe(500);
  h.Observe(2'000);
  h.Observe(20'000);
  MetricsText out;
  out.Histogram("subex_sync_seconds", {{"kind", "x"}}, h.Read(), 1e-6);
  EXPECT_EQ(std::move(out).Take(),
            "subex_sync_seconds_bucket{kind=\"x\",le=\"0.001\"} 1\n"
            "subex_sync_seconds_bucket{kind=\"x\",le=\"0.01\"} 2\n"
            "subex_sync_seconds_bucket{kind=\"x\",le=\"+Inf\"} 3\n"
            "subex_sync_seconds_sum{kind=\"x\"} 0.0225\n"
            "subex_sync_seconds_count{kind=\"x\"} 3\n");
}

TEST(MetricsTextTest, LabelValuesAreEscaped) {
  EXPECT_EQ(EscapeLabelValue("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
}

TEST(MetricsTextTest, SampleValuesAreExactForIntegersAndNamedForInfinities) {
  EXPECT_EQ(FormatSampleValue(3), "3");
  EXPECT_EQ(FormatSampleValue(123456789012.0), "123456789012");
  EXPECT_EQ(FormatSampleValue(0.25), "0.25");
  EXPECT_EQ(FormatSampleValue(1795448693.125), "1795448693.125");
  EXPECT_EQ(FormatSampleValue(100 * 1e-6), "0.0001");
  EXPECT_EQ(FormatSampleValue(1.0 / 0.0), "+Inf");
}

}  // namespace
}  // namespace subex
