// Student's t distribution — the two-sided p-value of a t statistic, for the regression tables of
// the analytics (analytics/ols.h).
//
// P(|T| ≥ |t|) for T with `df` degrees of freedom is the regularized incomplete beta function
// I_x(df/2, 1/2) at x = df / (df + t²); the function is evaluated by its continued fraction
// (modified Lentz), accurate to about 1e-12 relative, which is far more than a p-value needs.
//
//   double p = StudentTTwoSidedP(2.228, 10);  // ≈ 0.05
//
// Pure functions; safe for concurrent use.

#ifndef SUBEX_ANALYTICS_STUDENT_T_H_
#define SUBEX_ANALYTICS_STUDENT_T_H_

namespace subex {

// The regularized incomplete beta function I_x(a, b) for a, b > 0 and 0 ≤ x ≤ 1; NaN outside.
double RegularizedIncompleteBeta(double a, double b, double x);

// P(|T| ≥ |t|) for Student's t with `df` > 0 degrees of freedom; NaN when df ≤ 0 or t is NaN.
// An infinite |t| gives 0.
double StudentTTwoSidedP(double t, double df);

}  // namespace subex

#endif  // SUBEX_ANALYTICS_STUDENT_T_H_
