#include "api/analytics_views.h"

#include <algorithm>
#include <limits>
#include <string>

#include "analytics/month.h"
#include "api/ids.h"

namespace subex {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double Share(double part, double whole) { return whole > 0 ? part / whole : kNaN; }

// Shares, rates and ratios to four decimals: exact enough for a dashboard and short to read.
void KeyRatio(JsonWriter& w, std::string_view key, double value) { w.KeyFixed(key, value, 4); }

void KeyMoney(JsonWriter& w, std::string_view key, absl::int128 kopecks) {
  w.KeyRaw(key, FormatWideMoney(kopecks));
}

void WriteTally(JsonWriter& w, std::string_view key, const ContractTally& t,
                const ContractTally& all) {
  w.Key(key).BeginObject();
  w.KeyInt("count", t.count);
  KeyMoney(w, "value", t.value);
  KeyRatio(w, "share", Share(static_cast<double>(t.count), static_cast<double>(all.count)));
  KeyRatio(w, "value_share", Share(static_cast<double>(t.value), static_cast<double>(all.value)));
  w.EndObject();
}

void WriteBranchName(JsonWriter& w, const Taxonomy& taxonomy, ProcessId branch) {
  const ProcessNode& node = taxonomy.node(branch);
  w.KeyString("process", node.code);
  w.KeyString("unit", node.unit);
}

void WriteCell(JsonWriter& w, std::string_view key, const DidCell& cell) {
  w.Key(key).BeginObject();
  w.KeyInt("observations", cell.observations);
  w.KeyDouble("mean", cell.mean);
  w.EndObject();
}

void WritePeriod(JsonWriter& w, std::string_view key, Month from, Month to) {
  w.Key(key).BeginObject();
  w.KeyString("from", FormatMonth(from));
  w.KeyString("to", FormatMonth(to));
  w.EndObject();
}

}  // namespace

std::string FormatWideMoney(absl::int128 kopecks) {
  const bool negative = kopecks < 0;
  absl::uint128 k = negative ? absl::uint128(-kopecks) : absl::uint128(kopecks);
  std::string digits;
  do {
    digits.push_back(static_cast<char>('0' + static_cast<int>(k % 10)));
    k /= 10;
  } while (k != 0);
  while (digits.size() < 3) digits.push_back('0');
  digits.insert(digits.begin() + 2, '.');
  if (negative) digits.push_back('-');
  std::reverse(digits.begin(), digits.end());
  return digits;
}

void WriteClusterStats(JsonWriter& w, const MarketHistory& h, const ClusterStats& s) {
  w.BeginObject();
  w.KeyString("cluster", PublicId(s.cluster));
  w.KeyString("name", h.cluster(s.cluster)->name);
  w.KeyDay("from", s.from);
  w.KeyDay("to", s.to);
  w.KeyInt("members", s.members);

  w.Key("orders").BeginObject();
  w.KeyInt("count", s.orders);
  w.KeyInt("fully_allocated", s.fully_allocated);
  KeyRatio(w, "fill_rate", s.fill_rate);
  w.KeyFixed("median_hours_to_full_allocation", s.median_hours_to_full_allocation, 2);
  w.EndObject();

  w.Key("contracts").BeginObject();
  w.KeyInt("count", s.contracts.count);
  KeyMoney(w, "value", s.contracts.value);
  WriteTally(w, "inside_cluster", s.inside_cluster, s.contracts);
  WriteTally(w, "with_other_clusters", s.with_other_clusters, s.contracts);
  WriteTally(w, "with_non_members", s.with_non_members, s.contracts);
  WriteTally(w, "inter_regional", s.inter_regional, s.contracts);
  w.EndObject();

  w.Key("capacity").BeginObject();
  w.KeyInt("offers", s.offers);
  KeyMoney(w, "offered_value", s.offered_value);
  KeyMoney(w, "used_value", s.used_value);
  KeyRatio(w, "utilisation", s.utilisation);
  w.EndObject();

  w.Key("by_process").BeginArray();
  for (const BranchFigures& b : s.by_process) {
    w.BeginObject();
    WriteBranchName(w, h.taxonomy(), b.branch);
    w.KeyInt("orders", b.orders);
    w.KeyInt("ordered", b.ordered);
    w.KeyInt("allocated", b.allocated);
    KeyRatio(w, "fill_rate",
             Share(static_cast<double>(b.allocated), static_cast<double>(b.ordered)));
    w.KeyInt("offered", b.offered);
    w.KeyInt("used", b.used);
    KeyRatio(w, "utilisation", Share(static_cast<double>(b.used), static_cast<double>(b.offered)));
    w.EndObject();
  }
  w.EndArray();

  w.Key("releases").BeginObject();
  w.KeyInt("declined", s.declined);
  w.KeyInt("lapsed", s.lapsed);
  w.KeyInt("cancelled_by_supplier", s.cancelled_by_supplier);
  w.KeyInt("cancelled_by_customer", s.cancelled_by_customer);
  w.EndObject();
  w.EndObject();
}

void WriteDidEstimate(JsonWriter& w, const DidDesign& d, const DidPanel& panel,
                      const DidEstimate& e) {
  w.BeginObject();
  w.KeyString("cluster", PublicId(d.cluster));
  w.KeyString("metric", ToString(d.metric));
  w.KeyString("unit", UnitOf(d.metric));
  w.KeyString("control", ToString(d.control));
  WritePeriod(w, "before", d.before_from, d.before_to);
  WritePeriod(w, "after", d.after_from, d.after_to);
  w.Key("groups").BeginObject();
  w.Key("treated").BeginObject();
  w.KeyInt("members", panel.treated_members);
  WriteCell(w, "before", e.treated_before);
  WriteCell(w, "after", e.treated_after);
  w.EndObject();
  w.Key("control").BeginObject();
  w.KeyInt("members", panel.control_members);
  WriteCell(w, "before", e.control_before);
  WriteCell(w, "after", e.control_after);
  w.EndObject();
  w.EndObject();
  w.KeyDouble("estimate", e.estimate);
  const OlsFit& fit = e.regression;
  w.Key("regression").BeginObject();
  w.KeyInt("observations", fit.observations);
  w.KeyInt("degrees_of_freedom", fit.degrees_of_freedom);
  w.KeyDouble("r_squared", fit.r_squared);
  w.KeyDouble("residual_std_error", fit.residual_std_error);
  w.Key("coefficients").BeginObject();
  for (size_t i = 0; i < fit.coefficients.size() && i < std::size(kDidTerms); ++i) {
    const OlsCoefficient& c = fit.coefficients[i];
    w.Key(kDidTerms[i]).BeginObject();
    w.KeyDouble("estimate", c.estimate);
    w.KeyDouble("std_error", c.std_error);
    w.KeyDouble("t", c.t);
    w.KeyDouble("p_value", c.p_value);
    w.EndObject();
  }
  w.EndObject();
  w.EndObject();
  w.EndObject();
}

void WriteFairness(JsonWriter& w, const MarketHistory& h, const FairnessReport& r) {
  w.BeginObject();
  w.KeyDay("from", r.from);
  w.KeyDay("to", r.to);
  w.Key("branches").BeginArray();
  for (const FairnessBranch& b : r.branches) {
    w.BeginObject();
    WriteBranchName(w, h.taxonomy(), b.branch);
    w.KeyInt("offered", b.offered);
    w.KeyInt("allocated", b.allocated);
    w.Key("groups").BeginArray();
    for (const FairnessGroup& g : b.groups) {
      w.BeginObject();
      if (g.cluster.valid()) {
        w.KeyString("cluster", PublicId(g.cluster));
        w.KeyString("name", h.cluster(g.cluster)->name);
      } else {
        w.KeyNull("cluster");
        w.KeyString("name", "no cluster");
      }
      const double offered_share =
          Share(static_cast<double>(g.offered), static_cast<double>(b.offered));
      const double allocated_share =
          Share(static_cast<double>(g.allocated), static_cast<double>(b.allocated));
      w.KeyInt("offered", g.offered);
      KeyRatio(w, "offered_share", offered_share);
      w.KeyInt("allocated", g.allocated);
      KeyRatio(w, "allocated_share", allocated_share);
      w.KeyInt("preferred", g.preferred);
      KeyRatio(w, "ratio", offered_share > 0 ? allocated_share / offered_share : kNaN);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

}  // namespace subex
