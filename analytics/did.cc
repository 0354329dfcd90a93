#include "analytics/did.h"

#include <string>
#include <vector>

namespace subex {
namespace {

struct Sum {
  int64_t n = 0;
  double total = 0;
  DidCell Cell() const { return {n, n > 0 ? total / static_cast<double>(n) : 0}; }
};

}  // namespace

absl::StatusOr<DidEstimate> EstimateDid(std::span<const DidObservation> observations) {
  Sum sums[2][2];  // [treated][after]
  std::vector<double> x, y;
  x.reserve(observations.size() * 4);
  y.reserve(observations.size());
  for (const DidObservation& o : observations) {
    Sum& s = sums[o.treated][o.after];
    ++s.n;
    s.total += o.y;
    const double after = o.after ? 1 : 0, treated = o.treated ? 1 : 0;
    x.insert(x.end(), {1.0, after, treated, after * treated});
    y.push_back(o.y);
  }
  const char* missing = nullptr;
  if (sums[1][0].n == 0) missing = "treated members before the split";
  if (sums[1][1].n == 0) missing = "treated members after the split";
  if (sums[0][0].n == 0) missing = "control members before the split";
  if (sums[0][1].n == 0) missing = "control members after the split";
  if (missing != nullptr) {
    return absl::FailedPreconditionError(std::string("there are no observations of ") + missing);
  }
  DidEstimate est;
  est.treated_before = sums[1][0].Cell();
  est.treated_after = sums[1][1].Cell();
  est.control_before = sums[0][0].Cell();
  est.control_after = sums[0][1].Cell();
  est.estimate = (est.treated_after.mean - est.treated_before.mean) -
                 (est.control_after.mean - est.control_before.mean);
  absl::StatusOr<OlsFit> fit = FitOls(x, 4, y);
  if (!fit.ok()) return fit.status();
  est.regression = *std::move(fit);
  return est;
}

}  // namespace subex
