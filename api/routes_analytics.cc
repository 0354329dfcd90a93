// Routes of the cluster analytics (PRODUCT §7): a cluster's statistics, a difference-in-
// differences estimate and the fairness report. They read the market history (api/analytics.h)
// on the calling I/O thread, never the engine thread, and change nothing.

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "analytics/cluster_stats.h"
#include "analytics/did.h"
#include "analytics/did_panel.h"
#include "analytics/fairness.h"
#include "api/analytics.h"
#include "api/analytics_views.h"
#include "api/answers.h"
#include "api/ids.h"
#include "api/requests.h"
#include "api/service.h"

namespace subex {
namespace {

Service::Answer JsonAnswer(JsonWriter&& w) {
  return {
      .status = 200, .body = std::move(w).Take(), .location = {}, .revision = 0, .problem = false};
}

}  // namespace

std::optional<Service::Period> Service::ReadPeriod(QueryParams& q) const {
  const Day today = DayOf(options_.clock());
  std::optional<Day> to = q.Date("to");
  std::optional<Day> from = q.Date("from");
  if (!q.ok()) return std::nullopt;
  Period p;
  p.to = to.value_or(today);
  // The default period never starts before the first day a query may name.
  p.from = from.value_or(std::max(p.to - 364, kFirstQueryDay));
  if (p.from > p.to) {
    q.Add("from", "must not be after to");
  } else if (p.to - p.from + 1 > options_.max_period_days) {
    q.Add("to", absl::StrCat("the period may span at most ", options_.max_period_days, " days"));
  }
  if (!q.ok()) return std::nullopt;
  return p;
}

void Service::GetClusterStats(Call& call) {
  std::optional<ClusterId> id = ParsePublicId<ClusterId>(call.params[0]);
  if (!id) return Fail(call, NotFound("cluster not found"));
  QueryParams q;
  if (auto p = q.Parse(call.query, {"from", "to"})) return Fail(call, *p);
  std::optional<Period> period = ReadPeriod(q);
  if (!period) return Fail(call, q.problem());
  const Caller caller = call.caller;
  Answer answer = analytics_.Read([&](const MarketHistory& h) -> Answer {
    if (h.cluster(*id) == nullptr) return Missing("cluster");
    if (caller.kind == Caller::Kind::kMember) {
      const MarketHistory::Member* m = h.member(caller.member);
      if (m == nullptr || !m->InCluster(*id)) {
        return ProblemAnswer(
            Forbidden("a member reads the statistics of the clusters it belongs to only"));
      }
    }
    JsonWriter w;
    WriteClusterStats(w, h, ComputeClusterStats(h, *id, period->from, period->to));
    return JsonAnswer(std::move(w));
  });
  call.respond(ToResponse(answer));
}

void Service::GetFairness(Call& call) {
  QueryParams q;
  if (auto p = q.Parse(call.query, {"from", "to"})) return Fail(call, *p);
  std::optional<Period> period = ReadPeriod(q);
  if (!period) return Fail(call, q.problem());
  Answer answer = analytics_.Read([&](const MarketHistory& h) {
    JsonWriter w;
    WriteFairness(w, h, ComputeFairness(h, period->from, period->to));
    return JsonAnswer(std::move(w));
  });
  call.respond(ToResponse(answer));
}

void Service::DifferenceInDifferences(Call& call) {
  Parsed<DidDesign> parsed = ParseDidRequest(call.request.body);
  if (auto* p = std::get_if<Problem>(&parsed)) return Fail(call, *p);
  const DidDesign design = std::get<DidDesign>(parsed);
  std::vector<FieldError> errors;
  if (design.before_to < design.before_from) {
    errors.push_back({"before_to", "must not be before before_from"});
  }
  if (design.after_from <= design.before_to) {
    errors.push_back({"after_from", "must be after before_to"});
  }
  if (design.after_to < design.after_from) {
    errors.push_back({"after_to", "must not be before after_from"});
  }
  if (errors.empty() && design.after_to - design.before_from + 1 > options_.max_did_months) {
    errors.push_back({"after_to", absl::StrCat("the design may span at most ",
                                               options_.max_did_months, " months")});
  }
  if (!errors.empty()) return Fail(call, Unprocessable(std::move(errors)));

  Answer answer = analytics_.Read([&](const MarketHistory& h) -> Answer {
    if (h.cluster(design.cluster) == nullptr) {
      return ProblemAnswer(Unprocessable({{"cluster", "is not a cluster"}}));
    }
    const DidPanel panel = BuildDidPanel(h, design);
    int64_t cells[2][2] = {};  // [treated][after]
    for (const DidObservation& o : panel.observations) ++cells[o.treated][o.after];
    std::vector<FieldError> empty;
    for (int after = 0; after < 2; ++after) {
      const char* period = after ? "after" : "before";
      if (cells[1][after] == 0) {
        empty.push_back(
            {"cluster", absl::StrCat("has no members with a value of ", ToString(design.metric),
                                     " in the ", period, " period")});
      }
      if (cells[0][after] == 0) {
        empty.push_back(
            {"control", absl::StrCat("leaves no members with a value of ", ToString(design.metric),
                                     " in the ", period, " period")});
      }
    }
    if (!empty.empty()) {
      return ProblemAnswer(Unprocessable(
          std::move(empty), "a difference in differences needs observations in all four cells"));
    }
    absl::StatusOr<DidEstimate> estimate = EstimateDid(panel.observations);
    if (!estimate.ok()) {
      return ProblemAnswer(Unprocessable({{"metric", std::string(estimate.status().message())}}));
    }
    JsonWriter w;
    WriteDidEstimate(w, design, panel, *estimate);
    return JsonAnswer(std::move(w));
  });
  call.respond(ToResponse(answer));
}

}  // namespace subex
