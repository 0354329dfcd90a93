#include "analytics/ols.h"

#include <cmath>
#include <vector>

#include "gtest/gtest.h"

namespace subex {
namespace {

// Rows of (1, x) for a simple regression.
std::vector<double> WithIntercept(const std::vector<double>& x) {
  std::vector<double> design;
  for (double v : x) {
    design.push_back(1);
    design.push_back(v);
  }
  return design;
}

// The textbook example, by hand: x̄ = 3, ȳ = 4, Sxx = 10, Sxy = 6, so b = 0.6 and a = 2.2; the
// residuals are −0.8, 0.6, 1.0, −0.6, −0.2, SSR = 2.4 on 3 degrees of freedom, s² = 0.8;
// SE(b) = √(s²/Sxx) = √0.08, SE(a) = √(s² (1/n + x̄²/Sxx)) = √0.88; TSS = 6, R² = 0.6.
TEST(OlsTest, SimpleRegressionMatchesTheHandComputation) {
  absl::StatusOr<OlsFit> fit =
      FitOls(WithIntercept({1, 2, 3, 4, 5}), 2, std::vector<double>{2, 4, 5, 4, 5});
  ASSERT_TRUE(fit.ok()) << fit.status();
  ASSERT_EQ(fit->coefficients.size(), 2u);
  EXPECT_NEAR(fit->coefficients[0].estimate, 2.2, 1e-12);
  EXPECT_NEAR(fit->coefficients[1].estimate, 0.6, 1e-12);
  EXPECT_NEAR(fit->coefficients[0].std_error, std::sqrt(0.88), 1e-12);
  EXPECT_NEAR(fit->coefficients[1].std_error, std::sqrt(0.08), 1e-12);
  EXPECT_NEAR(fit->coefficients[1].t, 0.6 / std::sqrt(0.08), 1e-11);
  EXPECT_EQ(fit->observations, 5);
  EXPECT_EQ(fit->degrees_of_freedom, 3);
  EXPECT_NEAR(fit->residual_sum_of_squares, 2.4, 1e-12);
  EXPECT_NEAR(fit->residual_std_error, std::sqrt(0.8), 1e-12);
  EXPECT_NEAR(fit->r_squared, 0.6, 1e-12);
  // t = 2.1213 on 3 degrees of freedom: p from the closed form of t₃.
  const double u = fit->coefficients[1].t / std::sqrt(3.0);
  const double cdf = 0.5 + (u / (1 + u * u) + std::atan(u)) / 3.14159265358979323846;
  EXPECT_NEAR(fit->coefficients[1].p_value, 2 * (1 - cdf), 1e-12);
}

TEST(OlsTest, AnExactFitHasZeroErrorsAndNoTStatistics) {
  absl::StatusOr<OlsFit> fit = FitOls(WithIntercept({0, 1, 2}), 2, std::vector<double>{1, 3, 5});
  ASSERT_TRUE(fit.ok()) << fit.status();
  EXPECT_NEAR(fit->coefficients[0].estimate, 1, 1e-12);
  EXPECT_NEAR(fit->coefficients[1].estimate, 2, 1e-12);
  EXPECT_NEAR(fit->coefficients[1].std_error, 0, 1e-12);
  EXPECT_TRUE(std::isnan(fit->coefficients[1].t));
  EXPECT_NEAR(fit->r_squared, 1, 1e-12);
}

TEST(OlsTest, NoDegreesOfFreedomLeavesTheErrorsUndefined) {
  absl::StatusOr<OlsFit> fit = FitOls(WithIntercept({0, 1}), 2, std::vector<double>{1, 4});
  ASSERT_TRUE(fit.ok()) << fit.status();
  EXPECT_NEAR(fit->coefficients[1].estimate, 3, 1e-12);
  EXPECT_EQ(fit->degrees_of_freedom, 0);
  EXPECT_TRUE(std::isnan(fit->coefficients[1].std_error));
  EXPECT_TRUE(std::isnan(fit->residual_std_error));
}

TEST(OlsTest, ThreeRegressorsRecoverTheirCoefficients) {
  // y = 4 − 1.5 a + 0.25 b exactly, plus residuals orthogonal to every column (+1, −1 pattern
  // balanced within each a, b combination), so the estimates are exact.
  std::vector<double> x, y;
  for (int a = 0; a < 3; ++a) {
    for (int b = 0; b < 4; ++b) {
      for (int sign : {1, -1}) {
        x.insert(x.end(), {1.0, double(a), double(b)});
        y.push_back(4 - 1.5 * a + 0.25 * b + 0.5 * sign);
      }
    }
  }
  absl::StatusOr<OlsFit> fit = FitOls(x, 3, y);
  ASSERT_TRUE(fit.ok()) << fit.status();
  EXPECT_NEAR(fit->coefficients[0].estimate, 4, 1e-12);
  EXPECT_NEAR(fit->coefficients[1].estimate, -1.5, 1e-12);
  EXPECT_NEAR(fit->coefficients[2].estimate, 0.25, 1e-12);
  EXPECT_NEAR(fit->residual_sum_of_squares, 24 * 0.25, 1e-10);
  EXPECT_EQ(fit->degrees_of_freedom, 21);
}

TEST(OlsTest, DependentColumnsAreAFailedPrecondition) {
  // The second column is twice the first.
  absl::StatusOr<OlsFit> fit =
      FitOls(std::vector<double>{1, 2, 1, 2, 1, 2}, 2, std::vector<double>{1, 2, 3});
  EXPECT_EQ(fit.status().code(), absl::StatusCode::kFailedPrecondition);
  // A dummy that is never set.
  fit = FitOls(std::vector<double>{1, 0, 1, 0, 1, 0}, 2, std::vector<double>{1, 2, 3});
  EXPECT_EQ(fit.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(OlsTest, ShapesThatCannotBeFitAreInvalidArguments) {
  EXPECT_EQ(FitOls(std::vector<double>{1, 2, 3}, 2, std::vector<double>{1, 2}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FitOls(std::vector<double>{1, 2}, 2, std::vector<double>{1}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FitOls(std::vector<double>{}, 0, std::vector<double>{}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace subex
