#include "analytics/student_t.h"

#include <cmath>

#include "gtest/gtest.h"

namespace subex {
namespace {

constexpr double kPi = 3.14159265358979323846;

TEST(IncompleteBetaTest, MatchesClosedForms) {
  for (double x : {0.0, 0.1, 0.37, 0.5, 0.9, 1.0}) {
    EXPECT_NEAR(RegularizedIncompleteBeta(1, 1, x), x, 1e-13) << x;          // Uniform.
    EXPECT_NEAR(RegularizedIncompleteBeta(3, 1, x), x * x * x, 1e-13) << x;  // x^a.
    EXPECT_NEAR(RegularizedIncompleteBeta(1, 2, x), 1 - (1 - x) * (1 - x), 1e-13) << x;
  }
  EXPECT_NEAR(RegularizedIncompleteBeta(7.5, 7.5, 0.5), 0.5, 1e-13);  // Symmetry.
}

TEST(IncompleteBetaTest, OutsideTheDomainIsNaN) {
  EXPECT_TRUE(std::isnan(RegularizedIncompleteBeta(0, 1, 0.5)));
  EXPECT_TRUE(std::isnan(RegularizedIncompleteBeta(1, 1, 1.5)));
  EXPECT_TRUE(std::isnan(RegularizedIncompleteBeta(1, 1, -0.1)));
}

// Student's t with 1 degree of freedom is the Cauchy distribution; with 2 and 3 its tails have
// closed forms too.
TEST(StudentTTest, TwoSidedPMatchesClosedForms) {
  for (double t : {0.1, 0.5, 1.0, 2.0, 4.5, 30.0}) {
    EXPECT_NEAR(StudentTTwoSidedP(t, 1), 1 - 2 * std::atan(t) / kPi, 1e-12) << t;
    EXPECT_NEAR(StudentTTwoSidedP(t, 2), 1 - t / std::sqrt(t * t + 2), 1e-12) << t;
    const double u = t / std::sqrt(3.0);
    const double cdf3 = 0.5 + (u / (1 + u * u) + std::atan(u)) / kPi;
    EXPECT_NEAR(StudentTTwoSidedP(t, 3), 2 * (1 - cdf3), 1e-12) << t;
  }
}

TEST(StudentTTest, MatchesTheTablesCriticalValues) {
  EXPECT_NEAR(StudentTTwoSidedP(2.228138852, 10), 0.05, 1e-8);
  EXPECT_NEAR(StudentTTwoSidedP(2.085963447, 20), 0.05, 1e-8);
  EXPECT_NEAR(StudentTTwoSidedP(2.845339707, 20), 0.01, 1e-8);
  EXPECT_NEAR(StudentTTwoSidedP(1.959963985, 1e9), 0.05, 1e-7);  // The normal limit.
}

TEST(StudentTTest, IsSymmetricAndBounded) {
  EXPECT_DOUBLE_EQ(StudentTTwoSidedP(0, 5), 1);
  EXPECT_DOUBLE_EQ(StudentTTwoSidedP(-1.7, 12), StudentTTwoSidedP(1.7, 12));
  EXPECT_EQ(StudentTTwoSidedP(INFINITY, 12), 0);
  EXPECT_TRUE(std::isnan(StudentTTwoSidedP(1, 0)));
  EXPECT_TRUE(std::isnan(StudentTTwoSidedP(NAN, 4)));
}

}  // namespace
}  // namespace subex
