// Cluster analytics benchmarks (PRODUCT §7: a cluster's statistics fast enough for a dashboard,
// at most 50 ms with a year of history of a large portal).
//
// The portal: 10,000 members in 30 regions (four in ten suppliers only, three customers only,
// three both) and 20 clusters — the largest of 1,000 members, formed half-way through the year,
// the others of about 175. Over twelve months, suppliers post about 100,000 offers on the shipped
// taxonomy and customers about 250,000 orders, which make about 375,000 contracts of 5 to 15
// production days each on those offers; one contract in twenty is later declined or cancelled.
// These are fed as events to a MarketHistory, as the server's journal listener does.
//
//   BM_ClusterStats/<members>/<days>  GET /v1/clusters/{id}/stats for the largest cluster (1,000
//                                     members) or a typical one (~175), over a year or a month
//   BM_DifferenceInDifferences        POST /v1/analytics/did: contracted value per member-month,
//                                     six months either side, every member in the panel
//   BM_Fairness                       GET /v1/analytics/fairness over the year
//   BM_FoldEvents                     the whole year's events into a fresh history
//
//   build/release/bench/analytics_bench
//
// Deterministic (fixed seed). The history is built once.

#include <algorithm>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "analytics/cluster_stats.h"
#include "analytics/did.h"
#include "analytics/did_panel.h"
#include "analytics/fairness.h"
#include "analytics/history.h"
#include "analytics/month.h"
#include "benchmark/benchmark.h"
#include "config/config.h"
#include "engine/civil_time.h"

namespace subex {
namespace {

constexpr uint32_t kMembers = 10'000;
constexpr uint32_t kClusters = 20;
constexpr int kMonths = 12;
constexpr int kOffersPerSupplierMonth = 1;  // Plus one in five a second.
constexpr int kOrdersPerMonth = 21'000;
const Month kFirstMonth = *ParseMonth("2026-01");

struct Portal {
  std::shared_ptr<const Taxonomy> taxonomy;
  std::vector<Event> events;
  std::unique_ptr<MarketHistory> history;
};

class PortalBuilder {
 public:
  PortalBuilder() {
    absl::StatusOr<Taxonomy> t = LoadTaxonomy(SUBEX_SOURCE_DIR "/config/processes.toml");
    if (!t.ok()) {
      std::fprintf(stderr, "analytics_bench: %s\n", std::string(t.status().message()).c_str());
      std::abort();
    }
    portal_.taxonomy = std::make_shared<const Taxonomy>(*std::move(t));
    for (const ProcessNode& n : portal_.taxonomy->nodes()) {
      if (n.subtree.size() == 1) leaves_.push_back(*portal_.taxonomy->Find(n.code));
    }
  }

  Portal Build() {
    Instant now = StartOf(FirstDay(kFirstMonth) - 14);
    for (uint32_t i = 0; i < kMembers; ++i) {
      const uint32_t kind = i % 10;
      const uint8_t roles = kind < 4   ? kRoleSupplier
                            : kind < 7 ? kRoleCustomer
                                       : kRoleCustomer | kRoleSupplier;
      Add(now,
          MemberRegistered{{.name = "m", .region = "RU-" + std::to_string(i % 30), .roles = roles},
                           MemberId{i},
                           ""});
      if (roles & kRoleSupplier) suppliers_.push_back(MemberId{i});
      if (roles & kRoleCustomer) customers_.push_back(MemberId{i});
    }
    for (uint32_t k = 0; k < kClusters; ++k) {
      Add(now, ClusterCreated{.cluster = ClusterId{k}, .name = "Cluster " + std::to_string(k)});
    }
    for (uint32_t i = 0; i < kMembers; ++i) {
      if (i % 3 == 1)
        Add(now, ClusterMemberAdded{ClusterId{1 + (i / 7) % (kClusters - 1)}, MemberId{i}});
    }
    for (int m = 0; m < kMonths; ++m) {
      const Day first = FirstDay(kFirstMonth + m), last = LastDay(kFirstMonth + m);
      now = StartOf(first - 2);
      if (m == kMonths / 2) {
        for (uint32_t i = 0; i < kMembers; ++i) {
          if ((i * 2654435761u) % 10 == 3) Add(now, ClusterMemberAdded{ClusterId{0}, MemberId{i}});
        }
      }
      const size_t month_offers = offers_.size();
      for (MemberId s : suppliers_) {
        for (int n = 0; n < kOffersPerSupplierMonth + (Uniform(0, 4) == 0); ++n)
          Offer(now, s, first, last);
      }
      for (int n = 0; n < kOrdersPerMonth; ++n) {
        now.unix_ms = StartOf(first + static_cast<int32_t>(n * 20 / kOrdersPerMonth)).unix_ms +
                      Uniform(0, kMsPerDay - 1);
        Order(now, month_offers);
      }
    }
    portal_.history = std::make_unique<MarketHistory>(portal_.taxonomy);
    for (const Event& e : portal_.events) portal_.history->Apply(e);
    return std::move(portal_);
  }

 private:
  struct OfferInfo {
    OfferId id;
    MemberId supplier;
    ProcessId process;
    Day from, to;
    int32_t daily;
    Kopecks price;
  };

  int64_t Uniform(int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng_);
  }

  template <class Body>
  void Add(Instant at, Body body) {
    portal_.events.push_back(Event{portal_.events.size() + 1, at, EventBody(std::move(body))});
  }

  void Offer(Instant at, MemberId supplier, Day first, Day last) {
    OfferInfo o{OfferId{static_cast<uint32_t>(offers_.size())},
                supplier,
                leaves_[static_cast<size_t>(Uniform(0, static_cast<int64_t>(leaves_.size()) - 1))],
                first + static_cast<int32_t>(Uniform(0, 7)),
                last,
                static_cast<int32_t>(Uniform(1, 5) * 8),
                Uniform(500, 5000) * 100};
    offers_.push_back(o);
    Add(at,
        OfferPosted{{.daily_capacity = o.daily, .from = o.from, .to = o.to, .unit_price = o.price},
                    o.id,
                    o.supplier,
                    o.process});
  }

  // An order and the one or two contracts that fill it, on offers of this month.
  void Order(Instant at, size_t month_offers) {
    const MemberId customer =
        customers_[static_cast<size_t>(Uniform(0, static_cast<int64_t>(customers_.size()) - 1))];
    const OfferInfo& first = offers_[static_cast<size_t>(
        Uniform(static_cast<int64_t>(month_offers), static_cast<int64_t>(offers_.size()) - 1))];
    const int parts = Uniform(0, 1) == 0 ? 1 : 2;
    std::vector<ContractCreated> contracts;
    Quantity quantity = 0;
    for (int p = 0; p < parts; ++p) {
      const OfferInfo& o =
          p == 0 ? first
                 : offers_[static_cast<size_t>(Uniform(static_cast<int64_t>(month_offers),
                                                       static_cast<int64_t>(offers_.size()) - 1))];
      ContractCreated c{.contract = ContractId{next_contract_++},
                        .order = OrderId{next_order_},
                        .offer = o.id,
                        .customer = customer,
                        .supplier = o.supplier,
                        .unit_price = o.price};
      const int32_t days = static_cast<int32_t>(Uniform(5, 15));
      const Day end = o.to - static_cast<int32_t>(Uniform(0, 5));
      for (Day d = std::max(o.from, end - (days - 1)); d <= end; d = d + 1) {
        c.days.push_back({d, o.daily / 2});
        c.quantity += o.daily / 2;
      }
      quantity += c.quantity;
      contracts.push_back(std::move(c));
    }
    OrderPlaced placed;
    placed.quantity = quantity;
    placed.order = OrderId{next_order_++};
    placed.customer = customer;
    placed.process = first.process;
    Add(at, std::move(placed));
    for (ContractCreated& c : contracts) {
      const ContractId id = c.contract;
      const MemberId supplier = c.supplier;
      Add(at, std::move(c));
      if (Uniform(0, 19) == 0) {
        Add(at, ContractDeclined{.contract = id, .customer = customer, .supplier = supplier});
      }
    }
  }

  Portal portal_;
  std::mt19937_64 rng_{2026};
  std::vector<ProcessId> leaves_;
  std::vector<MemberId> suppliers_, customers_;
  std::vector<OfferInfo> offers_;
  uint32_t next_order_ = 0, next_contract_ = 0;
};

const Portal& ThePortal() {
  static const Portal* portal = new Portal(PortalBuilder().Build());
  return *portal;
}

void BM_ClusterStats(benchmark::State& bm) {
  const MarketHistory& h = *ThePortal().history;
  const ClusterId cluster{bm.range(0) == 1000 ? 0u : 1u};
  const Day to = LastDay(kFirstMonth + (kMonths - 1));
  const Day from = to - static_cast<int32_t>(bm.range(1)) + 1;
  ClusterStats s;
  for (auto _ : bm) {
    s = ComputeClusterStats(h, cluster, from, to);
    benchmark::DoNotOptimize(s.contracts.count);
  }
  bm.counters["members"] = static_cast<double>(s.members);
  bm.counters["orders"] = static_cast<double>(s.orders);
  bm.counters["contracts"] = static_cast<double>(s.contracts.count);
  bm.counters["offers"] = static_cast<double>(s.offers);
}
BENCHMARK(BM_ClusterStats)
    ->Args({1000, 365})
    ->Args({1000, 31})
    ->Args({175, 365})
    ->Unit(benchmark::kMillisecond);

void BM_DifferenceInDifferences(benchmark::State& bm) {
  const MarketHistory& h = *ThePortal().history;
  const DidDesign design{.cluster = ClusterId{0},
                         .metric = DidMetric::kContractedValue,
                         .before_from = kFirstMonth,
                         .before_to = kFirstMonth + 5,
                         .after_from = kFirstMonth + 6,
                         .after_to = kFirstMonth + 11};
  size_t observations = 0;
  for (auto _ : bm) {
    DidPanel panel = BuildDidPanel(h, design);
    absl::StatusOr<DidEstimate> est = EstimateDid(panel.observations);
    benchmark::DoNotOptimize(est.ok());
    observations = panel.observations.size();
  }
  bm.counters["observations"] = static_cast<double>(observations);
}
BENCHMARK(BM_DifferenceInDifferences)->Unit(benchmark::kMillisecond);

void BM_Fairness(benchmark::State& bm) {
  const MarketHistory& h = *ThePortal().history;
  for (auto _ : bm) {
    FairnessReport r = ComputeFairness(h, FirstDay(kFirstMonth), LastDay(kFirstMonth + 11));
    benchmark::DoNotOptimize(r.branches.size());
  }
}
BENCHMARK(BM_Fairness)->Unit(benchmark::kMillisecond);

void BM_FoldEvents(benchmark::State& bm) {
  const Portal& portal = ThePortal();
  for (auto _ : bm) {
    MarketHistory h(portal.taxonomy);
    for (const Event& e : portal.events) h.Apply(e);
    benchmark::DoNotOptimize(h.contracts().size());
  }
  bm.counters["events"] = static_cast<double>(portal.events.size());
  bm.counters["events_per_s"] = benchmark::Counter(static_cast<double>(portal.events.size()),
                                                   benchmark::Counter::kIsIterationInvariantRate);
  bm.counters["contracts"] = static_cast<double>(portal.history->contracts().size());
}
BENCHMARK(BM_FoldEvents)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
}  // namespace subex

BENCHMARK_MAIN();
