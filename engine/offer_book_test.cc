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

// One node's book with every offer in one map cell, and the price buckets that should hold them.
class OfferBookCellTest : public ::testing::Test {
 protected:
  static constexpr GeoPoint kWhere{52.6, 39.6};  // Lipetsk.

  // Posts an offer at `price` (ids count up from 0) and expects its bucket to hold something.
  void Add(Kopecks price) {
    book_.Add(ancestors_, kWhere, {price, next_id_++, ToUnitVector(kWhere), 0, Day{0}, Day{10}});
    expected_.insert(OfferBook::BucketOf(price));
  }
  // Removes offer `id`, priced `price`; `emptied` says whether that empties its bucket.
  void Remove(Kopecks price, uint32_t id, bool emptied) {
    book_.Remove(ancestors_, kWhere, price, OfferId{id});
    if (emptied) expected_.erase(OfferBook::BucketOf(price));
  }
  // The non-empty buckets that NextBucket finds in the cell, as price buckets.
  std::vector<int32_t> Found() const {
    std::vector<int32_t> found;
    for (const OfferBook::Cell& cell : book_.cells(kNode)) {
      for (size_t i = cell.NextBucket(0); i < cell.bucket_count(); i = cell.NextBucket(i + 1)) {
        EXPECT_FALSE(cell.bucket(i).empty());
        found.push_back(cell.first_bucket() + static_cast<int32_t>(i));
      }
    }
    return found;
  }
  std::vector<int32_t> Expected() const { return {expected_.begin(), expected_.end()}; }

  static constexpr ProcessId kNode{0};
  const std::vector<ProcessId> ancestors_ = {kNode};
  OfferBook book_{1};
  std::set<int32_t> expected_;
  uint32_t next_id_ = 0;
};

TEST_F(OfferBookCellTest, NextBucketFindsExactlyTheBucketsThatHoldEntries) {
  // Prices spread over several 64-bucket words, then one far below the first, which makes the
  // cell's range grow downwards.
  std::vector<Kopecks> prices = {100'000, 100'500, 180'000, 900'000, 5'000'000, 40'000'000, 1'000};
  for (Kopecks price : prices) {
    Add(price);
    EXPECT_EQ(Found(), Expected());
  }
  EXPECT_EQ(book_.size(), prices.size());
  // Removing empties buckets one by one; a bucket with another entry left stays.
  Add(900'001);
  Remove(900'000, 3, /*emptied=*/false);
  EXPECT_EQ(Found(), Expected());
  Remove(40'000'000, 5, /*emptied=*/true);
  Remove(1'000, 6, /*emptied=*/true);
  EXPECT_EQ(Found(), Expected());
  EXPECT_NE(book_.Find(kNode, kWhere, 900'001, OfferId{7}), nullptr);
  EXPECT_EQ(book_.Find(kNode, kWhere, 900'000, OfferId{3}), nullptr);
}

TEST_F(OfferBookCellTest, NextBucketJumpsAcrossEmptyWordsOverTheWholePriceRange) {
  // From a kopeck to 2^62 kopecks, added from the top down so that the range grows downwards
  // again and again, with empty words between most prices.
  for (int k = 62; k >= 0; k -= 7) {
    Add(Kopecks{1} << k);
    ASSERT_EQ(Found(), Expected());
  }
  for (int k = 62; k >= 0; k -= 14) {
    Remove(Kopecks{1} << k, static_cast<uint32_t>((62 - k) / 7), /*emptied=*/true);
    ASSERT_EQ(Found(), Expected());
  }
}

}  // namespace
}  // namespace subex
