// Analytics views — the JSON of the analytics routes (PRODUCT §7): a cluster's statistics, a
// difference-in-differences estimate and the fairness report, rendered from what the analytics
// computed (analytics/). Ids are public ids, money is roubles with two decimals (from wide integer
// kopecks, exactly), days "YYYY-MM-DD", months "YYYY-MM"; the statistics' shares, rates and ratios
// have four decimals and the estimates every digit of a double; a ratio that is undefined (no
// orders, no capacity, no degrees of freedom) is null.
//
//   JsonWriter w;
//   WriteClusterStats(w, history, stats);
//
// Pure functions of their arguments; they read the history given (under the caller's lock).

#ifndef SUBEX_API_ANALYTICS_VIEWS_H_
#define SUBEX_API_ANALYTICS_VIEWS_H_

#include "absl/numeric/int128.h"
#include "analytics/cluster_stats.h"
#include "analytics/did.h"
#include "analytics/did_panel.h"
#include "analytics/fairness.h"
#include "analytics/history.h"
#include "api/json_writer.h"

namespace subex {

// {"cluster","name","from","to","members","orders":{…},"contracts":{…},"capacity":{…},
//  "by_process":[…],"releases":{…}}.
void WriteClusterStats(JsonWriter& w, const MarketHistory& history, const ClusterStats& stats);

// {"cluster","metric","unit","control","before":{from,to},"after":{from,to},
//  "groups":{"treated":{…},"control":{…}},"estimate","regression":{…}}.
void WriteDidEstimate(JsonWriter& w, const DidDesign& design, const DidPanel& panel,
                      const DidEstimate& estimate);

// {"from","to","branches":[{"process","unit","offered","allocated","groups":[…]}]}.
void WriteFairness(JsonWriter& w, const MarketHistory& history, const FairnessReport& report);

// Kopecks as roubles with exactly two fraction digits, for sums that may not fit in 64 bits.
std::string FormatWideMoney(absl::int128 kopecks);

}  // namespace subex

#endif  // SUBEX_API_ANALYTICS_VIEWS_H_
