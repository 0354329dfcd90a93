#include "bench/world.h"

#include <malloc.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "config/config.h"
#include "engine/civil_time.h"
#include "engine/inn.h"

namespace subex {
namespace {

struct City {
  const char* region;
  double lat, lon;
};

// Industrial cities of European Russia and the Urals, where subcontracting clusters are.
constexpr City kCities[] = {
    {"RU-LIP", 52.6031, 39.5708}, {"RU-LIP", 52.6208, 38.5035}, {"RU-MOW", 55.7558, 37.6173},
    {"RU-MOS", 55.9116, 37.8296}, {"RU-VOR", 51.6608, 39.2003}, {"RU-TUL", 54.1931, 37.6173},
    {"RU-TA", 55.7963, 49.1088},  {"RU-TA", 55.7436, 52.3958},  {"RU-TA", 55.6366, 51.8245},
    {"RU-NIZ", 56.2965, 43.9361}, {"RU-SAM", 53.1959, 50.1002}, {"RU-SAM", 53.5303, 49.3461},
    {"RU-SVE", 56.8389, 60.6057}, {"RU-PER", 58.0105, 56.2502}, {"RU-BEL", 50.5997, 36.5983},
    {"RU-YAR", 57.6261, 39.8845}, {"RU-VLA", 56.1290, 40.4070}, {"RU-KLU", 54.5293, 36.2754},
    {"RU-BRY", 53.2521, 34.3717}, {"RU-ORL", 52.9703, 36.0635}, {"RU-KRS", 51.7304, 36.1926},
    {"RU-TAM", 52.7212, 41.4523}, {"RU-RYA", 54.6269, 39.6916}, {"RU-PNZ", 53.1959, 45.0183},
    {"RU-ULY", 54.3142, 48.4031}, {"RU-SAR", 51.5336, 46.0343}, {"RU-VGG", 48.7080, 44.5133},
    {"RU-ROS", 47.2357, 39.7015}, {"RU-BA", 54.7388, 55.9721},  {"RU-UD", 56.8526, 53.2045},
    {"RU-CHE", 55.1644, 61.4368}, {"RU-ORE", 51.7682, 55.0970}, {"RU-SPE", 59.9311, 30.3609},
    {"RU-TVE", 56.8587, 35.9176}, {"RU-IVA", 57.0004, 40.9739}, {"RU-KOS", 57.7665, 40.9269},
    {"RU-KIR", 58.6036, 49.6680}, {"RU-CU", 56.1439, 47.2489},  {"RU-ME", 56.6344, 47.8999},
    {"RU-MO", 54.1838, 45.1749},
};

constexpr const char* kTags[] = {"steel", "stainless", "aluminium", "titanium", "cast_iron"};

// Typical price (kopecks per unit) and daily capacity for a branch, by its unit.
struct UnitFigures {
  const char* unit;
  Kopecks price;
  int32_t daily;
};
constexpr UnitFigures kUnits[] = {
    {"machine_hour", 300'000, 16}, {"kg", 30'000, 800}, {"m2", 120'000, 100},
    {"piece", 80'000, 200},
};

// A 10-digit company INN with valid check digit, from a serial number.
std::string SerialInn(uint64_t serial) {
  return subex::CompanyInn(std::to_string(480'000'000 + serial % 500'000'000));
}

int64_t HeapInUse() {
  struct mallinfo2 m = mallinfo2();
  return static_cast<int64_t>(m.uordblks + m.hblkhd);
}

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "bench world: %s\n", what.c_str());
  std::abort();
}

}  // namespace

BenchWorld::BenchWorld(std::shared_ptr<const Taxonomy> taxonomy, uint64_t seed)
    : taxonomy_(std::move(taxonomy)),
      engine_(std::make_unique<Engine>(taxonomy_, Params{})),
      rng_(seed),
      now_(*ParseInstant("2026-11-23T09:00:00Z")) {
  for (const ProcessNode& node : taxonomy_->nodes()) {
    Branch b{100'000, 16};
    for (const UnitFigures& u : kUnits) {
      if (node.unit == u.unit) b = Branch{u.price, u.daily};
    }
    branch_of_.push_back(b);
  }
}

std::unique_ptr<BenchWorld> BenchWorld::Build(size_t offers, uint64_t seed) {
  absl::StatusOr<Taxonomy> t = LoadTaxonomy(SUBEX_SOURCE_DIR "/config/processes.toml");
  if (!t.ok()) Die(std::string(t.status().message()));
  std::unique_ptr<BenchWorld> w(
      new BenchWorld(std::make_shared<const Taxonomy>(*std::move(t)), seed));
  size_t suppliers = std::max<size_t>(100, offers / 50);
  w->RegisterMembers(suppliers, suppliers / 4);
  int64_t before = HeapInUse();
  w->PostOffers(offers);
  w->offer_heap_bytes_ = HeapInUse() - before;
  for (const CapacityOffer& o : w->engine().state().offers()) {
    w->offer_calendar_days_ += o.to - o.from + 1;
  }
  return w;
}

void BenchWorld::RegisterMembers(size_t suppliers, size_t customers) {
  std::vector<ProcessId> branches;
  for (const ProcessNode& n : taxonomy_->nodes()) {
    if (n.depth == 0) branches.push_back(*taxonomy_->Find(n.code));
  }
  for (size_t i = 0; i < suppliers + customers; ++i) {
    const City& city = kCities[Uniform(0, std::size(kCities) - 1)];
    RegisterMember r;
    r.name = "Plant " + std::to_string(i);
    r.inn = SerialInn(i);
    r.region = city.region;
    r.location = {city.lat + Uniform(-300, 300) / 1000.0, city.lon + Uniform(-300, 300) / 1000.0};
    bool supplier = i < suppliers;
    r.roles = supplier ? (kRoleSupplier | (i % 5 == 0 ? kRoleCustomer : 0)) : kRoleCustomer;
    std::vector<ProcessId> nodes;
    if (supplier) {
      for (int k = 0; k < 2; ++k) {
        ProcessId b = branches[static_cast<size_t>(Uniform(0, int64_t(branches.size()) - 1))];
        if (std::find(r.processes.begin(), r.processes.end(), taxonomy_->node(b).code) !=
            r.processes.end()) {
          continue;
        }
        r.processes.push_back(taxonomy_->node(b).code);
        const auto& sub = taxonomy_->node(b).subtree;
        nodes.insert(nodes.end(), sub.begin(), sub.end());
      }
    }
    if (Uniform(0, 9) < 7) r.certifications.push_back("ISO9001");
    if (Uniform(0, 9) < 2) r.certifications.push_back("IATF16949");
    Engine::Outcome out = engine_->Execute(r, now_);
    if (out.rejection) Die("member rejected: " + out.rejection->message);
    MemberId id{static_cast<uint32_t>(engine_->state().members().size() - 1)};
    if (supplier) {
      suppliers_.push_back(id);
      supplier_nodes_.push_back(std::move(nodes));
    } else {
      customers_.push_back(id);
    }
  }
}

ProcessId BenchWorld::RandomNode(const std::vector<ProcessId>& within) {
  return within[static_cast<size_t>(Uniform(0, int64_t(within.size()) - 1))];
}

size_t BenchWorld::OffersFromEnvironment() {
  const char* env = std::getenv("SUBEX_BENCH_OFFERS");
  return env != nullptr ? static_cast<size_t>(std::strtoull(env, nullptr, 10)) : 1'000'000;
}

PostOffer BenchWorld::RandomOffer() {
  size_t s = static_cast<size_t>(Uniform(0, int64_t(suppliers_.size()) - 1));
  ProcessId node = RandomNode(supplier_nodes_[s]);
  const Branch& b = branch_of_[node.value];
  PostOffer o;
  o.by = suppliers_[s];
  o.process = taxonomy_->node(node).code;
  o.daily_capacity = static_cast<int32_t>(b.base_daily * Uniform(50, 150) / 100);
  o.from = DayOf(now_) + static_cast<int32_t>(Uniform(0, 30));
  o.to = o.from + static_cast<int32_t>(Uniform(13, 59));
  o.unit_price = b.base_price * Uniform(70, 130) / 100;
  o.min_lot = std::max<int64_t>(1, o.daily_capacity / 4 * Uniform(0, 2));
  o.tags.push_back(kTags[Uniform(0, 4)]);
  if (Uniform(0, 3) == 0) o.tags.push_back("certified_material");
  o.limits.push_back({"max_length_mm", double(Uniform(4, 30) * 100)});
  return o;
}

PlaceOrder BenchWorld::RandomOrder() {
  PlaceOrder o;
  o.by = customers_[static_cast<size_t>(Uniform(0, int64_t(customers_.size()) - 1))];
  // Orders name a leaf or an inner node alike.
  ProcessId node{static_cast<uint32_t>(Uniform(0, int64_t(taxonomy_->size()) - 1))};
  const Branch& b = branch_of_[node.value];
  o.title = "Bench order";
  o.process = taxonomy_->node(node).code;
  o.quantity = b.base_daily * Uniform(2, 12);
  o.start = DayOf(now_) + static_cast<int32_t>(Uniform(0, 20));
  o.due = o.start + static_cast<int32_t>(Uniform(10, 40));
  o.max_unit_price = b.base_price * Uniform(95, 120) / 100;
  if (Uniform(0, 1) == 0) o.max_distance_km = double(Uniform(5, 15) * 100);
  o.tags.push_back(kTags[Uniform(0, 4)]);
  if (Uniform(0, 2) == 0) o.needs.push_back({"max_length_mm", double(Uniform(4, 20) * 100)});
  if (Uniform(0, 3) == 0) o.certifications.push_back("ISO9001");
  o.min_lot = std::max<int64_t>(1, b.base_daily / 2 * Uniform(0, 2));
  return o;
}

void BenchWorld::PostOffers(size_t n) {
  for (size_t i = 0; i < n; ++i) {
    Engine::Outcome out = engine_->Execute(RandomOffer(), now_);
    if (out.rejection) {
      Die("offer rejected: " + out.rejection->message +
          (out.rejection->errors.empty() ? "" : " " + out.rejection->errors[0].field + " " +
                                                    out.rejection->errors[0].reason));
    }
  }
}

}  // namespace subex
