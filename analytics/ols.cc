#include "analytics/ols.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/strings/str_cat.h"
#include "analytics/student_t.h"

namespace subex {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// A k×k symmetric matrix, row-major.
using Matrix = std::vector<double>;

// The lower-triangular L with L L' = a, or false when `a` is not positive definite (to a relative
// tolerance): the columns it came from are linearly dependent.
bool Cholesky(const Matrix& a, size_t k, Matrix& l) {
  l.assign(k * k, 0);
  double largest = 0;
  for (size_t i = 0; i < k; ++i) largest = std::max(largest, a[i * k + i]);
  const double tolerance = largest * 1e-12;
  for (size_t j = 0; j < k; ++j) {
    double diagonal = a[j * k + j];
    for (size_t p = 0; p < j; ++p) diagonal -= l[j * k + p] * l[j * k + p];
    if (!(diagonal > tolerance)) return false;
    l[j * k + j] = std::sqrt(diagonal);
    for (size_t i = j + 1; i < k; ++i) {
      double v = a[i * k + j];
      for (size_t p = 0; p < j; ++p) v -= l[i * k + p] * l[j * k + p];
      l[i * k + j] = v / l[j * k + j];
    }
  }
  return true;
}

// Solves L L' z = b for z.
std::vector<double> SolveCholesky(const Matrix& l, size_t k, std::vector<double> b) {
  for (size_t i = 0; i < k; ++i) {  // L w = b.
    for (size_t p = 0; p < i; ++p) b[i] -= l[i * k + p] * b[p];
    b[i] /= l[i * k + i];
  }
  for (size_t i = k; i-- > 0;) {  // L' z = w.
    for (size_t p = i + 1; p < k; ++p) b[i] -= l[p * k + i] * b[p];
    b[i] /= l[i * k + i];
  }
  return b;
}

}  // namespace

absl::StatusOr<OlsFit> FitOls(std::span<const double> x, size_t columns,
                              std::span<const double> y) {
  const size_t n = y.size(), k = columns;
  if (k == 0 || x.size() != n * k) {
    return absl::InvalidArgumentError(
        absl::StrCat("the design has ", x.size(), " values, not ", n, " rows of ", k));
  }
  if (n < k) {
    return absl::InvalidArgumentError(
        absl::StrCat(n, " observations cannot determine ", k, " coefficients"));
  }
  Matrix xtx(k * k, 0);
  std::vector<double> xty(k, 0);
  double y_sum = 0;
  for (size_t r = 0; r < n; ++r) {
    const double* row = &x[r * k];
    for (size_t i = 0; i < k; ++i) {
      xty[i] += row[i] * y[r];
      for (size_t j = 0; j <= i; ++j) xtx[i * k + j] += row[i] * row[j];
    }
    y_sum += y[r];
  }
  for (size_t i = 0; i < k; ++i) {
    for (size_t j = 0; j < i; ++j) xtx[j * k + i] = xtx[i * k + j];
  }
  Matrix l;
  if (!Cholesky(xtx, k, l)) {
    return absl::FailedPreconditionError(
        "the regressors are linearly dependent: one is constant or a combination of the others");
  }
  const std::vector<double> b = SolveCholesky(l, k, xty);

  const double y_mean = y_sum / static_cast<double>(n);
  double ssr = 0, tss = 0, y_max = 0;
  for (size_t r = 0; r < n; ++r) {
    double fitted = 0;
    for (size_t i = 0; i < k; ++i) fitted += x[r * k + i] * b[i];
    ssr += (y[r] - fitted) * (y[r] - fitted);
    tss += (y[r] - y_mean) * (y[r] - y_mean);
    y_max = std::max(y_max, std::fabs(y[r]));
  }
  // Residuals at the level of rounding are a perfect fit, not a tiny error with a huge t.
  if (ssr <= static_cast<double>(n) * (1e-13 * y_max) * (1e-13 * y_max)) ssr = 0;

  OlsFit fit;
  fit.observations = static_cast<int64_t>(n);
  fit.degrees_of_freedom = static_cast<int64_t>(n - k);
  fit.residual_sum_of_squares = ssr;
  fit.r_squared = tss > 0 ? 1 - ssr / tss : kNaN;
  const double df = static_cast<double>(fit.degrees_of_freedom);
  const double s2 = fit.degrees_of_freedom > 0 ? ssr / df : kNaN;
  fit.residual_std_error = std::sqrt(s2);
  for (size_t i = 0; i < k; ++i) {
    // The i-th diagonal element of (X'X)⁻¹: solve for the i-th unit vector.
    std::vector<double> unit(k, 0);
    unit[i] = 1;
    const double inverse_ii = SolveCholesky(l, k, std::move(unit))[i];
    OlsCoefficient c;
    c.estimate = b[i];
    c.std_error = std::sqrt(s2 * inverse_ii);
    c.t = c.std_error > 0 ? c.estimate / c.std_error : kNaN;
    c.p_value = StudentTTwoSidedP(c.t, df);
    fit.coefficients.push_back(c);
  }
  return fit;
}

}  // namespace subex
