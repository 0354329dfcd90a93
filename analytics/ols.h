// OLS — ordinary least squares with classical standard errors, for the difference-in-differences
// regression of the analytics (PRODUCT §7) and anything else that needs a small linear model.
//
// The design matrix holds one row per observation and one column per regressor; a model with an
// intercept has a column of ones. The fit solves the normal equations (X'X) b = X'y by Cholesky,
// computes the residuals in a second pass (so the residual sum of squares does not suffer the
// cancellation of y'y − b'X'y), and reports for each coefficient its standard error from
// s² (X'X)⁻¹ with s² = SSR / (n − k), its t statistic and the two-sided p-value of Student's t
// with n − k degrees of freedom. Errors are assumed homoskedastic and independent; the numbers are
// the ones a textbook regression table (or R's `lm`) prints for the same data.
//
//   std::vector<double> x = {1, 0,  1, 1,  1, 2};  // Three rows: intercept and one regressor.
//   std::vector<double> y = {1, 3, 5};
//   absl::StatusOr<OlsFit> fit = FitOls(x, 2, y);   // y = 1 + 2x exactly.
//
// With no degrees of freedom left (n = k) the coefficients are exact and every standard error, t
// and p is NaN; with a perfect fit (s² = 0) the standard errors are 0 and t and p are NaN.
//
// Pure functions; safe for concurrent use.

#ifndef SUBEX_ANALYTICS_OLS_H_
#define SUBEX_ANALYTICS_OLS_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "absl/status/statusor.h"

namespace subex {

struct OlsCoefficient {
  double estimate = 0;
  double std_error = 0;
  double t = 0;
  double p_value = 0;  // Two-sided, Student's t with the fit's degrees of freedom.
};

struct OlsFit {
  std::vector<OlsCoefficient> coefficients;  // In the order of the design's columns.
  int64_t observations = 0;
  int64_t degrees_of_freedom = 0;  // Observations minus columns.
  double residual_sum_of_squares = 0;
  double residual_std_error = 0;  // √(SSR / df); NaN with no degrees of freedom.
  double r_squared = 0;           // 1 − SSR / TSS (about the mean of y); NaN when y is constant.
};

// Fits y = X b + e. `x` is row-major: `y.size()` rows of `columns` values. InvalidArgument when
// the sizes disagree or there are fewer rows than columns; FailedPrecondition when the columns are
// linearly dependent (the message says so: a regressor is constant or copies others).
absl::StatusOr<OlsFit> FitOls(std::span<const double> x, size_t columns, std::span<const double> y);

}  // namespace subex

#endif  // SUBEX_ANALYTICS_OLS_H_
