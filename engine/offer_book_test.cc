// Specification of OfferBook's price buckets: every price lies at or above its bucket's floor and
// within one step of it, and a cell's NextBucket finds exactly the buckets that hold entries,
// across words of its bitmap and after the range grows downwards.

#include "engine/offer_book.h"

#include <cmath>
#include <cstdint>
#include <random>
#include <set>
#include <vector>

#include "gtest/gtest.h"

namespace subex {
namespace {

TEST(OfferBookTest, EveryPriceIsAtOrAboveItsBucketsFloorAndWithinOneStep) {
  const double step = std::exp2(1.0 / 48);
  auto check = [&](Kopecks price) {
    const int32_t b = OfferBook::BucketOf(price);
    const double floor = OfferBook::BucketFloor(b);
    ASSERT_LE(floor, static_cast<double>(price)) << price;
    ASSERT_LT(static_cast<double>(price), floor * step * (1 + 1e-6)) << price;
    ASSERT_LE(OfferBook::BucketFloor(b - 1), floor) << price;
  };
  for (Kopecks price = 1; price <= 2'000'000; ++price) check(price);
  std::mt19937_64 rng(7);
  for (int i = 0; i < 1'000'000; ++i) check(static_cast<Kopecks>(rng() % (Kopecks{1} << 50)) + 1);
  // The exact powers of two, where a bucket starts, and the prices just below them.
  for (int k = 1; k < 60; ++k) {
    check(Kopecks{1} << k);
    check((Kopecks{1} << k) - 1);
  }
}

TEST(OfferBookTest, FloorsRiseStepByStepBelowPriceOneToo) {
  // A cell's range can start below the bucket of a price of one kopeck (it grows downwards with
  // room to spare), so floors of negative buckets are read too.
  for (int32_t b = -200; b < 3000; ++b) {
    const double floor = OfferBook::BucketFloor(b);
    const double expected = std::exp2(b / 48.0);
    ASSERT_NEAR(floor / expected, 1.0, 1e-8) << b;
    ASSERT_LT(floor, OfferBook::BucketFloor(b + 1)) << b;
  }
}

// The non-empty buckets of the single cell of `process` in `book`, as price buckets.
std::vector<int32_t> NonEmptyBuckets(const OfferBook& book, ProcessId process) {
  std::vector<int32_t> found;
  for (const OfferBook::Cell& cell : book.cells(process)) {
    for (size_t i = cell.NextBucket(0); i < cell.bucket_count(); i = cell.NextBucket(i + 1)) {
      EXPECT_FALSE(cell.bucket(i).empty());
      found.push_back(cell.first_bucket() + static_cast<int32_t>(i));
    }
  }
  return found;
}

TEST(OfferBookTest, NextBucketFindsExactlyTheBucketsThatHoldEntries) {
  OfferBook book(1);
  const ProcessId node{0};
  const std::vector<ProcessId> ancestors = {node};
  const GeoPoint lipetsk{52.6, 39.6};
  std::set<int32_t> expected;
  // Prices spread over several 64-bucket words, then one far below the first, which makes the
  // cell's range grow downwards.
  std::vector<Kopecks> prices = {100'000, 100'500, 180'000, 900'000, 5'000'000, 40'000'000, 1'000};
  uint32_t id = 0;
  for (Kopecks price : prices) {
    book.Add(ancestors, lipetsk, {price, id++, ToUnitVector(lipetsk), 0, Day{0}, Day{10}});
    expected.insert(OfferBook::BucketOf(price));
    EXPECT_EQ(NonEmptyBuckets(book, node), std::vector<int32_t>(expected.begin(), expected.end()));
  }
  EXPECT_EQ(book.size(), prices.size());
  // Removing empties buckets one by one; a bucket with another entry left stays.
  book.Add(ancestors, lipetsk, {900'001, id++, ToUnitVector(lipetsk), 0, Day{0}, Day{10}});
  book.Remove(ancestors, lipetsk, 900'000, OfferId{3});
  EXPECT_EQ(NonEmptyBuckets(book, node), std::vector<int32_t>(expected.begin(), expected.end()));
  book.Remove(ancestors, lipetsk, 40'000'000, OfferId{5});
  expected.erase(OfferBook::BucketOf(40'000'000));
  book.Remove(ancestors, lipetsk, 1'000, OfferId{6});
  expected.erase(OfferBook::BucketOf(1'000));
  EXPECT_EQ(NonEmptyBuckets(book, node), std::vector<int32_t>(expected.begin(), expected.end()));
  EXPECT_NE(book.Find(node, lipetsk, 900'001, OfferId{7}), nullptr);
  EXPECT_EQ(book.Find(node, lipetsk, 900'000, OfferId{3}), nullptr);
}

TEST(OfferBookTest, NextBucketJumpsAcrossEmptyWordsOverTheWholePriceRange) {
  OfferBook book(1);
  const ProcessId node{0};
  const std::vector<ProcessId> ancestors = {node};
  const GeoPoint kazan{55.8, 49.1};
  std::set<int32_t> expected;
  uint32_t id = 0;
  // From a kopeck to 2^62 kopecks, added from the top down so that the range grows downwards
  // again and again, with empty words between most prices.
  for (int k = 62; k >= 0; k -= 7) {
    const Kopecks price = Kopecks{1} << k;
    book.Add(ancestors, kazan, {price, id++, ToUnitVector(kazan), 0, Day{0}, Day{10}});
    expected.insert(OfferBook::BucketOf(price));
    ASSERT_EQ(NonEmptyBuckets(book, node), std::vector<int32_t>(expected.begin(), expected.end()));
  }
  for (int k = 62; k >= 0; k -= 14) {
    const Kopecks price = Kopecks{1} << k;
    book.Remove(ancestors, kazan, price, OfferId{static_cast<uint32_t>((62 - k) / 7)});
    expected.erase(OfferBook::BucketOf(price));
    ASSERT_EQ(NonEmptyBuckets(book, node), std::vector<int32_t>(expected.begin(), expected.end()));
  }
}

}  // namespace
}  // namespace subex
