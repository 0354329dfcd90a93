// The engine demo as a report for a person to read: runs server/demo_data.h through a fresh
// in-memory engine and prints every order with its contracts and score terms, then a summary.

#include "server/demo_report.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "config/config.h"
#include "engine/civil_time.h"
#include "engine/eligibility.h"
#include "engine/engine.h"
#include "engine/invariants.h"
#include "engine/state_hash.h"
#include "server/demo_data.h"

namespace subex {
namespace {

// --- Formatting ----------------------------------------------------------------------------------

// 1234567 → "1,234,567".
std::string Grouped(int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return n < 0 ? "-" + out : out;
}

// Kopecks as RUB with two decimals: 310000 → "3,100.00".
std::string Rub(Kopecks k) {
  std::string sign = k < 0 ? "-" : "";
  if (k < 0) k = -k;
  return absl::StrFormat("%s%s.%02d", sign, Grouped(k / 100), static_cast<int>(k % 100));
}

// A score term, kopecks per unit as a double, in RUB.
std::string Rub(double kopecks) { return Rub(static_cast<Kopecks>(std::llround(kopecks))); }

// The short form of a taxonomy unit, for columns.
std::string UnitAbbrev(std::string_view unit) {
  if (unit == "machine_hour") return "h";
  if (unit == "piece") return "pcs";
  return std::string(unit);
}

std::string UnitName(std::string_view unit) {
  if (unit == "machine_hour") return "machine hours";
  if (unit == "piece") return "pieces";
  return std::string(unit);
}

// Contract days as runs of consecutive days with one quantity:
// "2026-12-14..2026-12-16 ×16, 2026-12-17 ×8".
std::string DayRuns(std::span<const DayQuantity> days) {
  std::vector<std::string> runs;
  for (size_t i = 0; i < days.size();) {
    size_t j = i;
    while (j + 1 < days.size() && days[j + 1].day == days[j].day + 1 &&
           days[j + 1].quantity == days[i].quantity) {
      ++j;
    }
    std::string span = FormatDay(days[i].day);
    if (j > i) absl::StrAppend(&span, "..", FormatDay(days[j].day));
    runs.push_back(absl::StrCat(span, " \u00d7", Grouped(days[i].quantity)));
    i = j + 1;
  }
  return absl::StrJoin(runs, ", ");
}

std::string Time(Instant t) {
  std::string s = FormatInstant(t);  // 2026-11-23T09:00:00.000Z
  return absl::StrCat(s.substr(0, 10), " ", s.substr(11, 5), " UTC");
}

// The demo's commands by name; any other kind by its place in the Command variant.
std::string CommandName(const Command& c) {
  // clang-format off
  static constexpr const char* kNames[] = {
      "RegisterMember",  "UpdateMember",    "CreateCluster",     "JoinCluster",
      "LeaveCluster",    "BlockMember",     "UnblockMember",     "SuspendMember",
      "PostOffer",       "WithdrawOffer",   "PlaceOrder",        "CancelOrder",
      "Tick",            "PlaceBid",        "WithdrawBid",       "AwardBids",
      "IssueKey",        "RevokeKey",       "AuthorizePlatform", "RevokePlatform",
      "ConfirmContract", "DeclineContract", "DeliverContract",   "AcceptContract",
      "DisputeContract", "CancelContract"};
  // clang-format on
  if (c.index() < std::size(kNames)) return kNames[c.index()];
  return absl::StrCat("command #", c.index());
}

std::string Describe(const Rejection& r) {
  std::string out = absl::StrCat(ToString(r.code), ": ", r.message);
  for (const FieldError& e : r.errors) absl::StrAppend(&out, "; ", e.field, " ", e.reason);
  return out;
}

// --- The report ----------------------------------------------------------------------------------

class Report {
 public:
  Report(const State& state, const Demo& demo) : s_(state), demo_(demo) {}

  void PrintOrders() const {
    std::printf(
        "ORDERS OF THE WEEK AND THEIR CONTRACTS\n"
        "Each order placed since %s shows its terms, its status and its contracts:\n"
        "supplier, town, quantity, unit price, distance and the production days (day "
        "\u00d7quantity).\n"
        "Prices and score terms are in RUB per unit of the process; the score ranks the offers,\n"
        "lower is better:\n"
        "  score = (price + transport) \u00d7 risk \u2212 cluster bonus, "
        "risk = 1 + risk weight \u00d7 (1 \u2212 reliability)\n",
        Time(kDemoStart).c_str());
    for (const Order& o : s_.orders()) {
      if (o.created_at >= kDemoStart) PrintOrder(o);
    }
  }

  void PrintSummary(uint64_t commands, uint64_t hash) const {
    std::printf("\nSUMMARY\n");
    PrintLine("Market time", absl::StrCat(Time(kHistoryStart), " .. ", Time(s_.now())));
    PrintLine("Commands", absl::StrCat(Grouped(static_cast<int64_t>(commands)), " accepted, ",
                                       Grouped(static_cast<int64_t>(s_.last_seq())), " events"));
    std::vector<std::string> clusters;
    for (const Cluster& c : s_.clusters()) {
      clusters.push_back(absl::StrCat(c.members.size(), " in ", c.name));
    }
    PrintLine("Members",
              absl::StrCat(s_.members().size(), " (", absl::StrJoin(clusters, ", "), ")"));
    PrintLine("Offers", Counted(s_.offers().size(), OfferCounts()));
    PrintLine("History", History());
    PrintLine("Week's orders", Counted(WeekOrders().size(), OrderCounts()));
    Kopecks value = 0;
    int64_t week = 0;
    for (const Contract& c : s_.contracts()) {
      if (c.created_at < kDemoStart) continue;
      value += c.quantity * c.unit_price;
      ++week;
    }
    PrintLine("Week's contracts", absl::StrCat(Grouped(week), ", worth ", Rub(value), " RUB"));
    PrintLine("Fill rate", FillRate());
    for (const Member& blocker : s_.members()) {
      std::vector<uint32_t> blocked(blocker.blocked.begin(), blocker.blocked.end());
      std::sort(blocked.begin(), blocked.end());
      for (uint32_t other : blocked) {
        PrintLine("Block", absl::StrCat(blocker.name, " does not trade with ",
                                        member(MemberId{other}).name));
      }
    }
    PrintLine("State hash", absl::StrFormat("%016x", hash));
  }

 private:
  const Member& member(MemberId id) const { return *s_.member(id); }
  const std::string& town(MemberId id) const { return demo_.towns[id.value]; }

  void PrintOrder(const Order& o) const {
    const ProcessNode& process = s_.taxonomy().node(o.process);
    const std::string unit = UnitAbbrev(process.unit);
    const Member& customer = member(o.customer);
    std::printf("\n#%-3u %-46s %s, %s\n", o.id.value + 1, o.title.c_str(), customer.name.c_str(),
                town(o.customer).c_str());
    std::printf("     %s \u00b7 %s %s \u00b7 %s..%s \u00b7 max %s RUB/%s\n", process.code.c_str(),
                Grouped(o.quantity).c_str(), UnitName(process.unit).c_str(),
                FormatDay(o.start).c_str(), FormatDay(o.due).c_str(), Rub(o.max_unit_price).c_str(),
                unit.c_str());
    std::vector<std::string> needs;
    if (o.max_distance_km) needs.push_back(absl::StrFormat("within %.0f km", *o.max_distance_km));
    for (NameId n : o.certifications) needs.push_back(s_.names().name(n));
    for (NameId n : o.tags) needs.push_back(s_.names().name(n));
    for (const Limit& l : o.needs) {
      needs.push_back(absl::StrFormat("%s \u2265 %g", s_.names().name(l.name), l.value));
    }
    if (o.min_lot > 1) needs.push_back(absl::StrCat("lots of ", Grouped(o.min_lot), "+ ", unit));
    if (!needs.empty()) {
      std::printf("     requires %s\n", absl::StrJoin(needs, " \u00b7 ").c_str());
    }
    if (o.visibility == Visibility::kClusters) {
      std::vector<std::string> names;
      for (ClusterId c : o.visible_to_clusters) names.push_back(s_.cluster(c)->name);
      std::printf("     visible only to %s\n", absl::StrJoin(names, ", ").c_str());
    } else if (o.visibility == Visibility::kInvited) {
      std::vector<std::string> names;
      for (MemberId m : o.invited) names.push_back(member(m).name);
      std::printf("     by invitation: %s\n", absl::StrJoin(names, ", ").c_str());
    }
    for (ClusterId c : o.prefer_clusters) {
      std::printf("     prefers %s: bonus %s RUB/%s\n", s_.cluster(c)->name.c_str(),
                  Rub(o.cluster_bonus).c_str(), unit.c_str());
    }
    std::string status =
        absl::StrCat(Status(o), "  ", Grouped(o.allocated), " of ", Grouped(o.quantity), " ", unit);
    if (o.resting()) {
      absl::StrAppend(&status, "; the rest stays on the book until ", Time(o.expires_at));
    } else if (o.status == OrderStatus::kExpired) {
      absl::StrAppend(&status, "; the order lapsed at ", Time(o.expires_at));
    }
    std::printf("     %s\n", status.c_str());
    for (ContractId id : o.contracts) PrintContract(o, *s_.contract(id), unit);
    if (o.remaining() > 0) std::printf("       %s\n", WhyNotFilled(o).c_str());
  }

  // Why the open offers that could serve the order's process leave the rest of it unfilled, by
  // the first rule each one fails.
  std::string WhyNotFilled(const Order& o) const {
    std::vector<std::pair<std::string, int>> reasons;
    auto count = [&reasons](std::string reason) {
      for (auto& [r, n] : reasons) {
        if (r == reason) return static_cast<void>(++n);
      }
      reasons.emplace_back(std::move(reason), 1);
    };
    int offers = 0;
    for (const CapacityOffer& offer : s_.offers()) {
      if (offer.status != OfferStatus::kOpen) continue;
      if (!s_.taxonomy().Serves(offer.process, o.process)) continue;
      ++offers;
      Fit fit = CheckEligibility(s_, o, offer, member(offer.supplier), s_.now());
      if (!fit.ok()) {
        count(Reason(fit.reason));
        continue;
      }
      int64_t free = offer.calendar.FreeIn(fit.window.from, fit.window.to);
      if (free < std::min(o.min_lot, o.remaining())) {
        count("booked up in time");
      } else {
        count("remainder below the offer's minimum lot");
      }
    }
    if (offers == 0) return "no open offer for this process";
    std::sort(reasons.begin(), reasons.end(),
              [](const auto& a, const auto& b) { return a.second > b.second; });
    std::vector<std::string> parts;
    for (const auto& [r, n] : reasons) parts.push_back(absl::StrCat(n, " ", r));
    return absl::StrCat("not filled: of ", offers, " open offers for the process, ",
                        absl::StrJoin(parts, ", "));
  }

  static const char* Reason(Ineligible r) {
    switch (r) {
      case Ineligible::kNone:
        return "eligible";
      case Ineligible::kProcess:
        return "another process";
      case Ineligible::kPrice:
        return "above the price limit";
      case Ineligible::kDistance:
        return "too far";
      case Ineligible::kCertification:
        return "lack a certification";
      case Ineligible::kTags:
        return "lack the material";
      case Ineligible::kNeeds:
        return "too small (limits)";
      case Ineligible::kSameMember:
        return "own offer";
      case Ineligible::kBlocked:
        return "blocked";
      case Ineligible::kSuspended:
        return "supplier suspended";
      case Ineligible::kVisibility:
        return "not visible to the supplier";
      case Ineligible::kExpired:
        return "order expired";
      case Ineligible::kWindow:
        return "no days before the due date";
    }
    return "other";
  }

  // "partially_allocated" → "PARTIALLY ALLOCATED".
  static std::string Status(const Order& o) {
    std::string s = ToString(o.status);
    for (char& c : s) c = c == '_' ? ' ' : static_cast<char>(c - 'a' + 'A');
    return s;
  }

  void PrintContract(const Order& o, const Contract& c, const std::string& unit) const {
    const Score& sc = c.score;
    std::printf("     \u2022 %-33s %-18s %9s %-3s %10s RUB %6.0f km   %s\n",
                member(c.supplier).name.c_str(), town(c.supplier).c_str(),
                Grouped(c.quantity).c_str(), unit.c_str(), Rub(c.unit_price).c_str(),
                sc.distance_km, DayRuns(c.days).c_str());
    std::printf("         score %s = (%s + %s transport) \u00d7 %.3f risk (reliability %.2f)",
                Rub(sc.total).c_str(), Rub(sc.unit_price).c_str(), Rub(sc.transport).c_str(),
                sc.risk_factor, sc.reliability);
    if (sc.cluster_bonus > 0) {
      std::printf(" \u2212 %s cluster bonus", Rub(sc.cluster_bonus).c_str());
    }
    std::printf("; landed %s\n", Rub(sc.landed).c_str());
    if (c.created_at > o.created_at) {
      std::printf("         matched at %s, when the supplier posted new capacity\n",
                  Time(c.created_at).c_str());
    }
  }

  static void PrintLine(std::string_view label, const std::string& text) {
    std::printf("  %-16s %s\n", std::string(label).c_str(), text.c_str());
  }

  static std::string Counted(size_t total,
                             const std::vector<std::pair<std::string, int64_t>>& counts) {
    std::vector<std::string> parts;
    for (const auto& [name, n] : counts) {
      if (n > 0) parts.push_back(absl::StrCat(n, " ", name));
    }
    return absl::StrCat(Grouped(static_cast<int64_t>(total)), ": ", absl::StrJoin(parts, ", "));
  }

  std::vector<std::pair<std::string, int64_t>> OfferCounts() const {
    std::vector<std::pair<std::string, int64_t>> counts;
    for (OfferStatus st : {OfferStatus::kOpen, OfferStatus::kExhausted, OfferStatus::kWithdrawn,
                           OfferStatus::kExpired}) {
      int64_t n = 0;
      for (const CapacityOffer& o : s_.offers()) n += o.status == st;
      counts.emplace_back(ToString(st), n);
    }
    return counts;
  }

  // The orders placed since the week began.
  std::vector<const Order*> WeekOrders() const {
    std::vector<const Order*> week;
    for (const Order& o : s_.orders()) {
      if (o.created_at >= kDemoStart) week.push_back(&o);
    }
    return week;
  }

  // The year before the week: its orders, and how its contracts ended.
  std::string History() const {
    int64_t orders = 0, contracts = 0;
    Kopecks value = 0;
    std::vector<std::pair<std::string, int64_t>> states;
    for (const Order& o : s_.orders()) orders += o.created_at < kDemoStart;
    for (ContractState st :
         {ContractState::kAccepted, ContractState::kDisputed, ContractState::kDelivered,
          ContractState::kActive, ContractState::kDeclined, ContractState::kLapsed,
          ContractState::kCancelled}) {
      int64_t n = 0;
      for (const Contract& c : s_.contracts()) {
        if (c.created_at >= kDemoStart || c.state != st) continue;
        ++n;
        ++contracts;
        value += c.quantity * c.unit_price;
      }
      states.emplace_back(ToString(st), n);
    }
    return absl::StrCat(Grouped(orders), " orders before ", Time(kDemoStart), "; ",
                        Counted(static_cast<size_t>(contracts), states), " contracts, worth ",
                        Rub(value), " RUB");
  }

  std::vector<std::pair<std::string, int64_t>> OrderCounts() const {
    std::vector<std::pair<std::string, int64_t>> counts;
    for (OrderStatus st :
         {OrderStatus::kAllocated, OrderStatus::kPartiallyAllocated, OrderStatus::kOpen,
          OrderStatus::kExpired, OrderStatus::kCancelled, OrderStatus::kCompleted}) {
      int64_t n = 0;
      for (const Order* o : WeekOrders()) n += o->status == st;
      std::string name = ToString(st);
      for (char& ch : name) ch = ch == '_' ? ' ' : ch;
      counts.emplace_back(st == OrderStatus::kOpen ? "resting unfilled" : name, n);
    }
    return counts;
  }

  // Quantities in different units do not add up, so the fill rate is given per unit, with the
  // share of orders filled completely.
  std::string FillRate() const {
    std::vector<std::string> units;
    std::vector<std::pair<Quantity, Quantity>> sums;  // Ordered, allocated.
    int64_t full = 0;
    const std::vector<const Order*> week = WeekOrders();
    for (const Order* order : week) {
      const Order& o = *order;
      full += o.allocated == o.quantity;
      const std::string& unit = s_.taxonomy().node(o.process).unit;
      size_t i = std::find(units.begin(), units.end(), unit) - units.begin();
      if (i == units.size()) {
        units.push_back(unit);
        sums.emplace_back(0, 0);
      }
      sums[i].first += o.quantity;
      sums[i].second += o.allocated;
    }
    std::vector<std::string> parts;
    for (size_t i = 0; i < units.size(); ++i) {
      parts.push_back(absl::StrFormat(
          "%s %.1f%%", UnitName(units[i]),
          100.0 * static_cast<double>(sums[i].second) / static_cast<double>(sums[i].first)));
    }
    size_t orders = week.size();
    return absl::StrFormat("%d of %d orders filled completely (%.1f%%); by quantity: %s", full,
                           orders, orders ? 100.0 * static_cast<double>(full) / orders : 0.0,
                           absl::StrJoin(parts, ", "));
  }

  const State& s_;
  const Demo& demo_;
};

}  // namespace

int RunDemoReport(Config config, const std::string& config_path, bool quiet) {
  std::printf("subexd: config %s, taxonomy %s (%zu processes)\n\n",
              config_path.empty() ? "(built-in defaults)" : config_path.c_str(),
              config.taxonomy_path.c_str(), config.taxonomy.size());

  auto taxonomy = std::make_shared<const Taxonomy>(std::move(config.taxonomy));
  Engine engine(taxonomy, config.params);
  Demo demo = BuildDemo(taxonomy, config.params);
  for (size_t i = 0; i < demo.steps.size(); ++i) {
    const DemoStep& step = demo.steps[i];
    Engine::Outcome out = engine.Execute(step.command, step.now);
    if (out.rejection) {
      std::fprintf(stderr, "subexd: demo step %zu (%s at %s) was rejected: %s\n", i + 1,
                   CommandName(step.command).c_str(), FormatInstant(step.now).c_str(),
                   Describe(*out.rejection).c_str());
      return 1;
    }
  }
  std::vector<std::string> violations = CheckInvariants(engine.state());
  for (const std::string& v : violations) {
    std::fprintf(stderr, "subexd: invariant broken: %s\n", v.c_str());
  }

  Report report(engine.state(), demo);
  if (!quiet) report.PrintOrders();
  report.PrintSummary(demo.steps.size(), StateHash(engine.state()));
  if (!violations.empty()) return 1;
  return 0;
}

}  // namespace subex
