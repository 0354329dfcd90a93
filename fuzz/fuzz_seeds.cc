// fuzz_seeds — writes the seed corpora of the fuzz targets (scripts/fuzz.sh) from a small real
// market: every kind of journal record the market makes, its snapshot (both without their
// trailing checksum, which the targets add), and request bodies for every reader.
//
//   fuzz_seeds DIR        (writes DIR/event, DIR/snapshot, DIR/body, DIR/engine)

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "engine/civil_time.h"
#include "engine/engine.h"
#include "fuzz/fuzz_support.h"
#include "storage/codec.h"
#include "storage/snapshot.h"

namespace subex {
namespace {

namespace fs = std::filesystem;

void Write(const fs::path& file, std::string_view bytes) {
  fs::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string Unsealed(std::string bytes) { return bytes.substr(0, bytes.size() - 4); }

int Main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: fuzz_seeds DIR\n");
    return 2;
  }
  const fs::path dir = argv[1];
  Engine engine(fuzz::SmallTaxonomy(), Params{});
  Instant now{StartOf(*ParseDay("2026-11-23")).unix_ms + 9 * 3'600'000};
  std::vector<Event> events;
  auto run = [&](const Command& c) {
    Engine::Outcome out = engine.Execute(c, now);
    events.insert(events.end(), out.events.begin(), out.events.end());
    return out;
  };
  run(KeyPublicIds{kOperator, std::string(kPublicIdSecretBytes, 's')});  // ids.keyed first.
  for (int i = 0; i < 6; ++i) run(fuzz::MarketMember(i));
  run(CreateCluster{.name = "Cluster", .region = "RU-LIP"});
  run(JoinCluster{kOperator, ClusterId{0}, MemberId{1}});
  run(BlockMember{MemberId{4}, MemberId{5}});
  run(SuspendMember{kOperator, MemberId{5}, DayOf(now) + 1});
  const Day from = *ParseDay("2026-12-01");
  for (int i = 0; i < 4; ++i) {
    PostOffer o;
    o.by = MemberId{static_cast<uint32_t>(1 + i % 3)};
    o.process = i % 2 ? "machining.milling.cnc_5axis" : "machining.turning";
    o.daily_capacity = 8;
    o.from = from;
    o.to = from + 20;
    o.unit_price = 300'000 + 10'000 * i;
    o.tags = {"steel"};
    o.auto_accept = i % 2 == 0;
    run(o);
  }
  PlaceOrder order;
  order.by = MemberId{0};
  order.title = "Valve bodies";
  order.process = "machining";
  order.quantity = 60;
  order.start = from;
  order.due = from + 19;
  order.max_unit_price = 400'000;
  order.tags = {"steel"};
  run(order);
  PlaceOrder rfq = order;
  rfq.mode = OrderMode::kRfq;
  rfq.max_unit_price = 0;
  rfq.bids_close_at = Instant{now.unix_ms + 86'400'000};
  run(rfq);
  run(PlaceBid{{.unit_price = 280'000, .quantity = 60, .lead_days = 5}, MemberId{2}, OrderId{1}});
  const State& s = engine.state();
  for (const Contract& c : s.contracts()) {
    if (c.state == ContractState::kPendingConfirmation) {
      run(ConfirmContract{c.supplier, c.id, {}});
      run(DeliverContract{c.supplier, c.id, {}});
      run(DisputeContract{c.customer, c.id, {}, "late"});
    } else {
      run(CancelContract{c.customer, c.id, {}, "changed"});
    }
  }
  now.unix_ms += 2 * 86'400'000;
  run(Tick{});
  run(CancelOrder{MemberId{0}, OrderId{0}, {}});
  run(WithdrawOffer{MemberId{1}, OfferId{0}, {}});

  std::set<std::string> seen;
  for (const Event& e : events) {
    const std::string type = EventType(e.body);
    if (!seen.insert(type).second) continue;
    std::string record;
    EncodeEvent(e, record);
    Write(dir / "event" / type, Unsealed(record));
  }
  std::string snapshot;
  EncodeSnapshot(engine.state(), snapshot);
  Write(dir / "snapshot" / "market", Unsealed(snapshot));

  const char* bodies[][2] = {
      {"0", R"({"title":"Hydraulic valve bodies","process":"machining.milling","quantity":240,)"
            R"("start":"2026-12-01","due":"2026-12-20","max_unit_price":3500.00,)"
            R"("max_distance_km":800,"certifications":["ISO9001"],"tags":["steel"],)"
            R"("needs":{"max_length_mm":900},"min_lot":40,"mode":"auto","visibility":"public"})"},
      {"1", R"({"process":"machining.milling.cnc_5axis","daily_capacity":16,"from":"2026-12-01",)"
            R"("to":"2026-12-31","unit_price":3200.00,"min_lot":8,"tags":["steel"],)"
            R"("limits":{"max_length_mm":1200},"auto_accept":true})"},
      {"2", R"({"name":"Yelets Gear Works","inn":"4821000047","region":"RU-LIP",)"
            R"("location":{"lat":52.62,"lon":38.50},"roles":["supplier"],)"
            R"("processes":["machining.milling"],"certifications":["ISO9001"]})"},
      {"3", R"({"name":"Новое имя","location":{"lat":52.0,"lon":39.0}})"},
      {"4", R"({"name":"Lipetsk cluster","region":"RU-LIP","kind":"regional"})"},
      {"5", R"({"unit_price":2100.00,"quantity":40,"lead_days":10,"offer":"f_3f9a2kq"})"},
      {"6", R"({"bids":["b_3f9a2kq","b_0000000"]})"},
      {"7", R"({"reason":"machine down"})"},
      {"0", R"({"title":"rfq","process":"casting","quantity":10,"start":"2026-12-01",)"
            R"("due":"2026-12-20","mode":"rfq","award":"manual",)"
            R"("bids_close_at":"2026-11-25T12:00:00Z","award_by":"2026-11-26T12:00:00Z"})"},
  };
  int n = 0;
  for (const auto& [selector, body] : bodies) {
    Write(dir / "body" / ("seed-" + std::to_string(n++)), std::string(selector) + body);
  }
  std::mt19937_64 rng(7);
  for (int i = 0; i < 4; ++i) {
    std::string bytes(512, '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    Write(dir / "engine" / ("seed-" + std::to_string(i)), bytes);
  }
  std::printf("fuzz_seeds: %zu event types, a snapshot of %zu bytes, %d bodies\n", seen.size(),
              snapshot.size(), n);
  return 0;
}

}  // namespace
}  // namespace subex

int main(int argc, char** argv) { return subex::Main(argc, argv); }
