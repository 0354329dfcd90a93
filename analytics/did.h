// Difference in differences — the effect of a treatment (a cluster's membership) on an outcome,
// from observations of a treated and a control group before and after a split (PRODUCT §7).
//
// The 2×2 estimate compares the change of the treated group's mean with the change of the
// control group's mean:
//
//   d = (ȳ_T,after − ȳ_T,before) − (ȳ_C,after − ȳ_C,before)
//
// and the regression form fits, by OLS over every observation,
//
//   y = a + b·after + c·treated + d·after·treated + e
//
// whose d is the same number (the model is saturated: its four cells are fitted exactly by their
// means), with a standard error, t statistic and p-value on n − 4 degrees of freedom
// (analytics/ols.h). The estimate is causal only under the parallel-trends assumption: without
// the treatment, both groups' means would have moved alike.
//
//   std::vector<DidObservation> obs = {{.treated = true, .after = false, .y = 5}, ...};
//   absl::StatusOr<DidEstimate> est = EstimateDid(obs);
//
// Pure functions; safe for concurrent use.

#ifndef SUBEX_ANALYTICS_DID_H_
#define SUBEX_ANALYTICS_DID_H_

#include <cstdint>
#include <span>

#include "absl/status/statusor.h"
#include "analytics/ols.h"

namespace subex {

struct DidObservation {
  bool treated = false;
  bool after = false;
  double y = 0;
};

struct DidCell {
  int64_t observations = 0;
  double mean = 0;
};

struct DidEstimate {
  DidCell treated_before, treated_after, control_before, control_after;
  double estimate = 0;  // The 2×2 difference in differences.
  // Columns: intercept, after, treated, after×treated (the last is the estimate again).
  OlsFit regression;
};

// The regression's columns, in order.
inline constexpr const char* kDidTerms[] = {"intercept", "after", "treated", "after_treated"};

// FailedPrecondition, naming the cell, when one of the four cells has no observation.
absl::StatusOr<DidEstimate> EstimateDid(std::span<const DidObservation> observations);

}  // namespace subex

#endif  // SUBEX_ANALYTICS_DID_H_
