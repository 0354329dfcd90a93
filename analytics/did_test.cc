#include "analytics/did.h"

#include <cmath>
#include <random>
#include <vector>

#include "gtest/gtest.h"

namespace subex {
namespace {

void Add(std::vector<DidObservation>& obs, bool treated, bool after, std::vector<double> ys) {
  for (double y : ys) obs.push_back({.treated = treated, .after = after, .y = y});
}

// Two observations per cell, each one off its cell's mean: treated 6 → 11, control 5 → 7.
//   d = (11 − 6) − (7 − 5) = 3;  a = 5, b = 2, c = 1.
// Every residual is ±1: SSR = 8 on 8 − 4 = 4 degrees of freedom, s² = 2. With two observations
// per cell, (X'X)⁻¹ gives Var(a) = s²/2 = 1, Var(b) = Var(c) = s²(1/2 + 1/2) = 2 and
// Var(d) = s²(4 · 1/2) = 4: standard errors 1, √2, √2 and 2, t statistics 5, √2, 1/√2 and 1.5.
TEST(DidTest, HandComputedFixture) {
  std::vector<DidObservation> obs;
  Add(obs, true, true, {10, 12});
  Add(obs, true, false, {5, 7});
  Add(obs, false, true, {6, 8});
  Add(obs, false, false, {4, 6});
  absl::StatusOr<DidEstimate> est = EstimateDid(obs);
  ASSERT_TRUE(est.ok()) << est.status();
  EXPECT_DOUBLE_EQ(est->treated_after.mean, 11);
  EXPECT_DOUBLE_EQ(est->treated_before.mean, 6);
  EXPECT_DOUBLE_EQ(est->control_after.mean, 7);
  EXPECT_DOUBLE_EQ(est->control_before.mean, 5);
  EXPECT_EQ(est->treated_after.observations, 2);
  EXPECT_DOUBLE_EQ(est->estimate, 3);
  const OlsFit& fit = est->regression;
  ASSERT_EQ(fit.coefficients.size(), 4u);
  const double want[4][3] = {{5, 1, 5},
                             {2, std::sqrt(2.0), std::sqrt(2.0)},
                             {1, std::sqrt(2.0), 1 / std::sqrt(2.0)},
                             {3, 2, 1.5}};
  for (int i = 0; i < 4; ++i) {
    EXPECT_NEAR(fit.coefficients[i].estimate, want[i][0], 1e-12) << kDidTerms[i];
    EXPECT_NEAR(fit.coefficients[i].std_error, want[i][1], 1e-12) << kDidTerms[i];
    EXPECT_NEAR(fit.coefficients[i].t, want[i][2], 1e-12) << kDidTerms[i];
  }
  EXPECT_EQ(fit.observations, 8);
  EXPECT_EQ(fit.degrees_of_freedom, 4);
  EXPECT_NEAR(fit.residual_sum_of_squares, 8, 1e-12);
}

// d = (y11 − y12) − (y21 − y22), with 1 = treated / after and 2 = control / before, for cells of
// any sizes; and the other coefficients are the matching differences of cell means.
TEST(DidTest, RegressionCoefficientIsTheDifferenceOfDifferences) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> noise(-50, 50);
  for (int trial = 0; trial < 20; ++trial) {
    std::vector<DidObservation> obs;
    for (int cell = 0; cell < 4; ++cell) {
      const int n = 1 + static_cast<int>(rng() % 40);
      for (int i = 0; i < n; ++i) {
        obs.push_back(
            {.treated = cell / 2 == 1, .after = cell % 2 == 1, .y = 100 * cell + noise(rng)});
      }
    }
    absl::StatusOr<DidEstimate> est = EstimateDid(obs);
    ASSERT_TRUE(est.ok()) << est.status();
    const double y11 = est->treated_after.mean, y12 = est->treated_before.mean;
    const double y21 = est->control_after.mean, y22 = est->control_before.mean;
    EXPECT_NEAR(est->estimate, (y11 - y12) - (y21 - y22), 1e-9);
    const OlsFit& fit = est->regression;
    EXPECT_NEAR(fit.coefficients[3].estimate, (y11 - y12) - (y21 - y22), 1e-9) << trial;
    EXPECT_NEAR(fit.coefficients[0].estimate, y22, 1e-9);
    EXPECT_NEAR(fit.coefficients[1].estimate, y21 - y22, 1e-9);
    EXPECT_NEAR(fit.coefficients[2].estimate, y12 - y22, 1e-9);
  }
}

// Data generated with a known effect: y = 100 + 10·after + 20·treated + 7.5·after·treated + e.
// With noise that sums to zero in every cell the estimate is exactly 7.5; with Gaussian noise
// (σ = 4, 400 observations a cell) it lies within three standard errors of it, and the standard
// error is near its theoretical value σ·√(4/400) = 0.4.
TEST(DidTest, RecoversAKnownEffect) {
  auto generate = [](bool balanced) {
    std::mt19937_64 rng(2026);
    std::normal_distribution<double> noise(0, 4);
    std::vector<DidObservation> obs;
    for (int cell = 0; cell < 4; ++cell) {
      const bool treated = cell / 2 == 1, after = cell % 2 == 1;
      const double mean = 100 + 10 * after + 20 * treated + 7.5 * (after && treated);
      for (int i = 0; i < 200; ++i) {
        const double e = noise(rng);
        obs.push_back({treated, after, mean + e});
        obs.push_back({treated, after, mean + (balanced ? -e : noise(rng))});
      }
    }
    return obs;
  };
  absl::StatusOr<DidEstimate> exact = EstimateDid(generate(true));
  ASSERT_TRUE(exact.ok()) << exact.status();
  EXPECT_NEAR(exact->estimate, 7.5, 1e-9);
  EXPECT_NEAR(exact->regression.coefficients[3].estimate, 7.5, 1e-9);
  EXPECT_NEAR(exact->regression.coefficients[0].estimate, 100, 1e-9);
  EXPECT_NEAR(exact->regression.coefficients[1].estimate, 10, 1e-9);
  EXPECT_NEAR(exact->regression.coefficients[2].estimate, 20, 1e-9);

  absl::StatusOr<DidEstimate> noisy = EstimateDid(generate(false));
  ASSERT_TRUE(noisy.ok()) << noisy.status();
  const OlsCoefficient& d = noisy->regression.coefficients[3];
  EXPECT_LT(std::fabs(d.estimate - 7.5), 3 * d.std_error);
  EXPECT_NEAR(d.std_error, 0.4, 0.05);
  EXPECT_LT(d.p_value, 1e-9);
  EXPECT_EQ(noisy->regression.degrees_of_freedom, 1600 - 4);
}

// The published example: Card and Krueger (1994), full-time-equivalent employment per fast-food
// restaurant before and after New Jersey's minimum wage rise, with Pennsylvania as the control
// (Table 3 means: NJ 20.44 → 21.03, PA 23.33 → 21.17). The difference in differences of these
// means is 2.75 (the paper's 2.76 comes from unrounded means). Each cell is given as two
// restaurants one FTE either side of its mean.
TEST(DidTest, CardAndKruegerMinimumWageMeans) {
  std::vector<DidObservation> obs;
  Add(obs, true, false, {19.44, 21.44});
  Add(obs, true, true, {20.03, 22.03});
  Add(obs, false, false, {22.33, 24.33});
  Add(obs, false, true, {20.17, 22.17});
  absl::StatusOr<DidEstimate> est = EstimateDid(obs);
  ASSERT_TRUE(est.ok()) << est.status();
  EXPECT_NEAR(est->estimate, 2.75, 1e-9);
  EXPECT_NEAR(est->regression.coefficients[0].estimate, 23.33, 1e-9);  // PA before.
  EXPECT_NEAR(est->regression.coefficients[1].estimate, -2.16, 1e-9);  // PA's change.
  EXPECT_NEAR(est->regression.coefficients[2].estimate, -2.89, 1e-9);  // NJ − PA before.
  EXPECT_NEAR(est->regression.coefficients[3].estimate, 2.75, 1e-9);
}

TEST(DidTest, AnEmptyCellIsAFailedPreconditionThatNamesIt) {
  std::vector<DidObservation> obs;
  Add(obs, true, true, {1});
  Add(obs, true, false, {1});
  Add(obs, false, false, {1});
  absl::StatusOr<DidEstimate> est = EstimateDid(obs);
  EXPECT_EQ(est.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(est.status().message().find("control members after"), absl::string_view::npos);
}

}  // namespace
}  // namespace subex
