// Specification of the event codec (storage/codec.h): every event comes back field for field; a
// live engine's journal decodes and replays to the same state; any damage is refused, with a
// message that names it; records stay compact.

#include "storage/codec.h"

#include <bit>
#include <cstdint>
#include <functional>
#include <iostream>
#include <iterator>
#include <limits>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "engine/civil_time.h"
#include "engine/engine.h"
#include "engine/state_hash.h"
#include "engine/taxonomy.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/binary.h"
#include "storage/crc32c.h"

namespace subex {
namespace {

using ::testing::HasSubstr;

// Every field of each event, for comparison.
auto Tie(const MemberRegistered& e) {
  return std::tie(e.member, e.name, e.inn, e.region, e.location, e.roles, e.processes,
                  e.certifications);
}
auto Tie(const MemberUpdated& e) {
  return std::tie(e.member, e.name, e.region, e.location, e.roles, e.processes, e.certifications);
}
auto Tie(const ClusterCreated& e) { return std::tie(e.cluster, e.name, e.region, e.kind); }
auto Tie(const ClusterMemberAdded& e) { return std::tie(e.cluster, e.member); }
auto Tie(const ClusterMemberRemoved& e) { return std::tie(e.cluster, e.member); }
auto Tie(const MemberBlocked& e) { return std::tie(e.member, e.other); }
auto Tie(const MemberUnblocked& e) { return std::tie(e.member, e.other); }
auto Tie(const MemberSuspended& e) { return std::tie(e.member, e.until); }
auto Tie(const OfferPosted& e) {
  return std::tie(e.offer, e.supplier, e.process, e.daily_capacity, e.from, e.to, e.unit_price,
                  e.min_lot, e.tags, e.limits, e.auto_accept);
}
auto Tie(const OfferWithdrawn& e) { return std::tie(e.offer, e.supplier); }
auto Tie(const OfferExpired& e) { return std::tie(e.offer, e.supplier); }
auto Tie(const OrderPlaced& e) {
  return std::tie(e.order, e.customer, e.title, e.process, e.quantity, e.start, e.due,
                  e.max_unit_price, e.location, e.max_distance_km, e.certifications, e.tags,
                  e.needs, e.min_lot, e.mode, e.visibility, e.visible_to_clusters, e.invited,
                  e.prefer_clusters, e.cluster_bonus, e.expires_at, e.bids_close_at, e.award,
                  e.award_by);
}
auto Tie(const OrderCancelled& e) { return std::tie(e.order, e.customer); }
auto Tie(const OrderExpired& e) { return std::tie(e.order, e.customer); }
auto Tie(const KeyIssued& e) { return std::tie(e.hash, e.kind, e.member, e.key, e.label); }
auto Tie(const KeyRevoked& e) { return std::tie(e.key, e.member); }
auto Tie(const PlatformAuthorized& e) { return std::tie(e.member, e.platform); }
auto Tie(const PlatformRevoked& e) { return std::tie(e.member, e.platform); }
auto Tie(const PublicIdsKeyed& e) { return std::tie(e.secret); }
auto Tie(const ContractCreated& e) {
  return std::tie(e.contract, e.order, e.offer, e.customer, e.supplier, e.quantity, e.unit_price,
                  e.days, e.score, e.state, e.confirm_by, e.bid);
}
auto Tie(const ContractConfirmed& e) { return std::tie(e.contract, e.customer, e.supplier); }
auto Tie(const ContractDeclined& e) {
  return std::tie(e.contract, e.customer, e.supplier, e.reason, e.reopen_offer, e.reopen_order);
}
auto Tie(const ContractLapsed& e) {
  return std::tie(e.contract, e.customer, e.supplier, e.reopen_offer, e.reopen_order);
}
auto Tie(const ContractDelivered& e) {
  return std::tie(e.contract, e.customer, e.supplier, e.delivered_on);
}
auto Tie(const ContractAccepted& e) {
  return std::tie(e.contract, e.customer, e.supplier, e.on_time, e.completes_order);
}
auto Tie(const ContractDisputed& e) {
  return std::tie(e.contract, e.customer, e.supplier, e.reason, e.completes_order);
}
auto Tie(const ContractCancelled& e) {
  return std::tie(e.contract, e.customer, e.supplier, e.by, e.reason, e.reopen_offer,
                  e.reopen_order);
}
auto Tie(const OrderAnnounced& e) { return std::tie(e.order, e.customer, e.suppliers); }
auto Tie(const BidPlaced& e) {
  return std::tie(e.bid, e.order, e.supplier, e.unit_price, e.quantity, e.lead_days, e.offer);
}
auto Tie(const BidWithdrawn& e) { return std::tie(e.bid, e.order, e.supplier); }
auto Tie(const BiddingClosed& e) { return std::tie(e.order, e.customer, e.bids); }
auto Tie(const AwardFailed& e) {
  return std::tie(e.order, e.bid, e.customer, e.supplier, e.reason);
}
auto Tie(const OrderAwarded& e) { return std::tie(e.order, e.customer, e.quantity); }
auto Tie(const OrderUnawarded& e) { return std::tie(e.order, e.customer); }

void ExpectSameEvent(const Event& want, const Event& got) {
  EXPECT_EQ(want.seq, got.seq);
  EXPECT_EQ(want.at, got.at);
  ASSERT_EQ(want.body.index(), got.body.index()) << EventType(want.body);
  std::visit(
      [&got](const auto& w) {
        const auto& g = std::get<std::decay_t<decltype(w)>>(got.body);
        EXPECT_TRUE(Tie(w) == Tie(g)) << EventType(got.body);
      },
      want.body);
}

template <typename A>
void ExpectDiffers(const A& set, const A& unset, const char* type, size_t field) {
  EXPECT_FALSE(set == unset) << type << " field #" << field << " is left at its default";
}
template <typename Tuple, size_t... I>
void ExpectEachDiffers(const Tuple& set, const Tuple& unset, const char* type,
                       std::index_sequence<I...>) {
  (ExpectDiffers(std::get<I>(set), std::get<I>(unset), type, I), ...);
}

// Every field differs from its default, so a field the codec dropped could not come back right.
template <typename T>
void ExpectEveryFieldSet(const T& e) {
  const T blank{};
  const auto set = Tie(e);
  ExpectEachDiffers(set, Tie(blank), EventType(EventBody(e)),
                    std::make_index_sequence<std::tuple_size_v<decltype(set)>>());
}

Day D(std::string_view text) { return ParseDay(text).value_or(Day{}); }
Instant At(std::string_view text) { return ParseInstant(text).value_or(Instant{}); }

// One event of each type with every field set, every optional present, every list non-empty.
std::vector<Event> FullEvents() {
  const Instant at = At("2026-11-23T08:00:00Z");
  const std::vector<EventBody> bodies = {
      MemberRegistered{{"ООО «Липецкий литейный завод»", "RU-LIP", GeoPoint{52.6031, 39.5708},
                        kRoleCustomer | kRoleSupplier},
                       MemberId{7},
                       "4824012345",
                       {ProcessId{0}, ProcessId{4}},
                       {"AS9100", "ISO9001"}},
      MemberUpdated{{"LLZ", "RU-VOR", GeoPoint{51.6608, 39.2003}, kRoleSupplier},
                    MemberId{7},
                    {ProcessId{1}},
                    {"ISO9001"}},
      ClusterCreated{ClusterId{2}, "Chernozemye cluster", "RU-LIP", ClusterKind::kInternational},
      ClusterMemberAdded{ClusterId{2}, MemberId{7}},
      ClusterMemberRemoved{ClusterId{2}, MemberId{7}},
      MemberBlocked{MemberId{7}, MemberId{9}},
      MemberUnblocked{MemberId{7}, MemberId{9}},
      MemberSuspended{MemberId{7}, D("2026-12-01")},
      OfferPosted{{16, D("2026-12-01"), D("2026-12-31"), 320'000, 8, false},
                  OfferId{250'000},
                  MemberId{12'000},
                  ProcessId{2},
                  {"stainless", "steel"},
                  {{"max_length_mm", 1200}}},
      OfferWithdrawn{OfferId{250'000}, MemberId{17}},
      OfferExpired{OfferId{250'001}, MemberId{18}},
      OrderPlaced{{"Hydraulic valve bodies",
                   240,
                   D("2026-12-01"),
                   D("2026-12-20"),
                   350'000,
                   800.0,
                   OrderMode::kRfq,
                   Visibility::kInvited,
                   {ClusterId{1}, ClusterId{2}},
                   {MemberId{3}, MemberId{12'000}},
                   {ClusterId{2}},
                   5'000,
                   AwardMode::kManual},
                  {GeoPoint{52.6031, 39.5708}, 40, At("2026-12-21T00:00:00Z"),
                   At("2026-11-25T12:00:00Z"), At("2026-11-28T12:00:00Z")},
                  OrderId{90'000},
                  MemberId{7},
                  ProcessId{1},
                  {"ISO9001"},
                  {"steel"},
                  {{"max_length_mm", 900}}},
      OrderCancelled{OrderId{90'000}, MemberId{19}},
      OrderExpired{OrderId{90'001}, MemberId{20}},
      ContractCreated{ContractId{31'000},
                      OrderId{90'000},
                      OfferId{250'000},
                      MemberId{7},
                      MemberId{12'000},
                      80,
                      320'000,
                      {{D("2026-12-14"), 16},
                       {D("2026-12-15"), 16},
                       {D("2026-12-16"), 16},
                       {D("2026-12-17"), 16},
                       {D("2026-12-18"), 16}},
                      Score{320000, 8496, 328496, 0.8, 1.05, 5000, 339920.8, 212.4},
                      ContractState::kPendingConfirmation,
                      At("2026-11-25T08:00:00Z"),
                      BidId{4'000}},
      OrderAnnounced{OrderId{90'000}, MemberId{7}, {MemberId{3}, MemberId{12'000}}},
      BidPlaced{
          {310'000, 80, 12}, BidId{4'000}, OrderId{90'000}, MemberId{12'000}, OfferId{250'000}},
      BidWithdrawn{BidId{4'000}, OrderId{90'000}, MemberId{12'000}},
      BiddingClosed{OrderId{90'000},
                    MemberId{7},
                    {{BidId{4'000}, MemberId{12'000},
                      Score{310000, 8496, 318496, 0.8, 1.05, 5000, 329420.8, 212.4}, ""},
                     {BidId{4'001}, MemberId{3}, Score{}, "blocked"}}},
      AwardFailed{OrderId{90'000}, BidId{4'001}, MemberId{7}, MemberId{3}, "capacity"},
      OrderAwarded{OrderId{90'000}, MemberId{7}, 80},
      OrderUnawarded{OrderId{90'001}, MemberId{20}},
      KeyIssued{std::string(64, 'a'), KeyKind::kPlatform, MemberId{12'000}, KeyId{7}, "ERP"},
      KeyRevoked{KeyId{7}, MemberId{12'000}},
      PlatformAuthorized{MemberId{3}, MemberId{12'000}},
      PlatformRevoked{MemberId{3}, MemberId{12'000}},
      ContractConfirmed{ContractId{31'000}, MemberId{7}, MemberId{12'000}},
      ContractDeclined{ContractId{31'000}, MemberId{7}, MemberId{12'000},
                       "Станок на ремонте до января", true, true},
      ContractLapsed{ContractId{31'001}, MemberId{7}, MemberId{12'000}, true, true},
      ContractDelivered{ContractId{31'002}, MemberId{7}, MemberId{12'000}, D("2026-12-19")},
      ContractAccepted{ContractId{31'002}, MemberId{7}, MemberId{12'000}, false, true},
      ContractDisputed{ContractId{31'003}, MemberId{7}, MemberId{12'000},
                       "Tolerance IT7 not met on 12 of 80 parts", true},
      ContractCancelled{ContractId{31'004}, MemberId{7}, MemberId{12'000}, MemberId{12'000},
                        "Furnace failure", true, true},
      PublicIdsKeyed{std::string("\x00\xff\x10 secret of thirty-two bytes\n\x7f", 32)},
  };
  std::vector<Event> events;
  for (const EventBody& body : bodies) events.push_back({1'234'567 + events.size(), at, body});
  return events;
}

// One event of each type at its defaults: optionals absent, lists and strings empty.
template <size_t... I>
std::vector<Event> SparseEvents(std::index_sequence<I...>) {
  return {Event{0, Instant{}, EventBody(std::in_place_index<I>)}...};
}
std::vector<Event> SparseEvents() {
  return SparseEvents(std::make_index_sequence<std::variant_size_v<EventBody>>());
}

std::string Encode(const Event& event) {
  std::string out;
  EncodeEvent(event, out);
  return out;
}

// Replaces a record's checksum with the right one for its (edited) contents.
std::string Reseal(std::string record) {
  record.resize(record.size() - 4);
  Writer(record).PutFixed32(Crc32c(record));
  return record;
}

// A record built field by field, with a valid checksum.
std::string Record(EventTag tag, const std::function<void(Writer&)>& fields) {
  std::string out;
  Writer w(out);
  w.PutU8(kEventFormatVersion);
  w.PutU8(static_cast<uint8_t>(tag));
  w.PutVarint(1);                  // seq
  w.PutZigzag(1'795'420'800'000);  // at
  fields(w);
  w.PutFixed32(Crc32c(out));
  return out;
}

const Event& FullOf(EventTag tag) {
  static const std::vector<Event>* const events = new std::vector<Event>(FullEvents());
  for (const Event& e : *events) {
    if (TagOf(e.body) == tag) return e;
  }
  return events->front();
}

TEST(CodecTest, FullSamplesSetEveryField) {
  for (const Event& e : FullEvents()) {
    std::visit([](const auto& body) { ExpectEveryFieldSet(body); }, e.body);
  }
}

TEST(CodecTest, EveryEventTypeRoundTripsWithOptionalsPresent) {
  std::set<EventTag> tags;
  for (const Event& e : FullEvents()) {
    absl::StatusOr<Event> back = DecodeEvent(Encode(e));
    ASSERT_TRUE(back.ok()) << back.status();
    ExpectSameEvent(e, *back);
    tags.insert(TagOf(e.body));
  }
  EXPECT_EQ(tags.size(), std::variant_size_v<EventBody>);
}

TEST(CodecTest, EveryEventTypeRoundTripsWithOptionalsAbsent) {
  for (const Event& e : SparseEvents()) {
    absl::StatusOr<Event> back = DecodeEvent(Encode(e));
    ASSERT_TRUE(back.ok()) << back.status();
    ExpectSameEvent(e, *back);
  }
}

TEST(CodecTest, ExtremeValuesRoundTrip) {
  constexpr int32_t kMin32 = std::numeric_limits<int32_t>::min();
  constexpr int32_t kMax32 = std::numeric_limits<int32_t>::max();
  constexpr int64_t kMin64 = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax64 = std::numeric_limits<int64_t>::max();
  OfferPosted offer;  // Ids stay kNone, the largest.
  offer.daily_capacity = kMax32;
  offer.from = Day{kMin32};
  offer.to = Day{kMax32};
  offer.unit_price = kMin64;
  offer.min_lot = kMax64;
  offer.tags = {std::string("\0\xFF", 2)};
  offer.limits = {{"", -0.0}};
  ContractCreated contract;
  contract.quantity = kMin64;
  contract.unit_price = kMax64;
  contract.days = {{Day{kMax32}, kMin32}, {Day{kMin32}, kMax32}, {Day{kMin32}, 0}};
  contract.state = ContractState::kCancelled;
  contract.confirm_by = Instant{kMin64};
  for (const EventBody& body : std::vector<EventBody>{offer, contract}) {
    const Event e{std::numeric_limits<uint64_t>::max(), Instant{kMax64}, body};
    absl::StatusOr<Event> back = DecodeEvent(Encode(e));
    ASSERT_TRUE(back.ok()) << back.status();
    ExpectSameEvent(e, *back);
  }
}

TEST(CodecTest, DoublesComeBackBitForBit) {
  const double values[] = {-0.0, std::numeric_limits<double>::quiet_NaN(),
                           std::numeric_limits<double>::infinity(),
                           std::numeric_limits<double>::denorm_min(), 0.1};
  OfferPosted offer;
  for (double v : values) offer.limits.push_back({"x", v});
  absl::StatusOr<Event> back = DecodeEvent(Encode(Event{1, Instant{}, offer}));
  ASSERT_TRUE(back.ok()) << back.status();
  const NamedValues& limits = std::get<OfferPosted>(back->body).limits;
  ASSERT_EQ(limits.size(), std::size(values));
  for (size_t i = 0; i < limits.size(); ++i) {
    EXPECT_EQ(std::bit_cast<uint64_t>(limits[i].second), std::bit_cast<uint64_t>(values[i]));
  }
}

TEST(CodecTest, EncodeAppends) {
  std::string out = "journal:";
  EncodeEvent(FullOf(EventTag::kOfferPosted), out);
  EXPECT_EQ(out, "journal:" + Encode(FullOf(EventTag::kOfferPosted)));
}

TEST(CodecTest, EveryChangedByteIsRefused) {
  for (EventTag tag : {EventTag::kOfferPosted, EventTag::kOrderPlaced, EventTag::kContractCreated,
                       EventTag::kMemberSuspended}) {
    const std::string record = Encode(FullOf(tag));
    for (size_t pos = 0; pos < record.size(); ++pos) {
      for (int delta = 1; delta < 256; ++delta) {
        std::string damaged = record;
        damaged[pos] = static_cast<char>(damaged[pos] ^ delta);
        ASSERT_FALSE(DecodeEvent(damaged).ok())
            << "tag " << static_cast<int>(tag) << ", byte " << pos << " ^ " << delta;
      }
    }
  }
}

TEST(CodecTest, EveryTruncationIsRefused) {
  for (const Event& e : FullEvents()) {
    const std::string record = Encode(e);
    for (size_t n = 0; n < record.size(); ++n) {
      absl::StatusOr<Event> back = DecodeEvent(std::string_view(record).substr(0, n));
      ASSERT_FALSE(back.ok()) << EventType(e.body) << " cut to " << n << " bytes";
      EXPECT_EQ(back.status().code(), absl::StatusCode::kDataLoss) << back.status();
    }
    EXPECT_FALSE(DecodeEvent(record + '\0').ok()) << "one byte too many";
  }
}

TEST(CodecTest, UnknownVersionIsRefusedByName) {
  for (uint8_t version : {0, 1, 2, 255}) {
    std::string record = Encode(FullOf(EventTag::kOfferPosted));
    record[0] = static_cast<char>(version);
    for (const std::string& r : {record, Reseal(record)}) {
      absl::StatusOr<Event> back = DecodeEvent(r);
      ASSERT_FALSE(back.ok());
      EXPECT_EQ(back.status().code(), absl::StatusCode::kInvalidArgument);
      EXPECT_THAT(std::string(back.status().message()), HasSubstr("version"));
    }
  }
}

TEST(CodecTest, UnknownTypeIsRefusedByName) {
  for (uint8_t tag : {0, 39, 200, 255}) {
    std::string record = Encode(FullOf(EventTag::kOfferWithdrawn));
    record[1] = static_cast<char>(tag);
    absl::StatusOr<Event> back = DecodeEvent(Reseal(record));
    ASSERT_FALSE(back.ok());
    EXPECT_EQ(back.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(back.status().message()), HasSubstr("type"));
  }
}

TEST(CodecTest, ChecksumMismatchIsDataLoss) {
  std::string record = Encode(FullOf(EventTag::kOrderPlaced));
  record[record.size() / 2] ^= 0x10;
  absl::StatusOr<Event> back = DecodeEvent(record);
  ASSERT_FALSE(back.ok());
  EXPECT_EQ(back.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(back.status().message()), HasSubstr("checksum"));
}

// Records that a writer never produces, sealed with a valid checksum: the decoder names the field.
void ExpectMalformed(const std::string& record, const std::string& words) {
  absl::StatusOr<Event> back = DecodeEvent(record);
  ASSERT_FALSE(back.ok());
  EXPECT_EQ(back.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(back.status().message()), HasSubstr(words));
}

// A place the engine would have refused cannot come back from the journal: applied, it would
// index the offer book out of its map (found by fuzz/snapshot_fuzz.cc).
TEST(CodecTest, APlaceOffTheMapIsRefused) {
  for (GeoPoint p : {GeoPoint{-5.6e63, 10}, GeoPoint{52, 181}, GeoPoint{NAN, 0}}) {
    Event e = FullOf(EventTag::kMemberRegistered);
    std::get<MemberRegistered>(e.body).location = p;
    ExpectMalformed(Encode(e), "'location' is not a place on the map");
  }
}

TEST(CodecTest, MalformedFieldsAreRefusedByName) {
  std::string trailing = Encode(FullOf(EventTag::kOfferWithdrawn));
  trailing.insert(trailing.size() - 4, "x");
  ExpectMalformed(Reseal(trailing), "1 bytes left over");

  ExpectMalformed(Record(EventTag::kOfferPosted,
                         [](Writer& w) {
                           for (int i = 0; i < 8; ++i) w.PutVarint(1);  // offer .. min_lot
                           w.PutVarint(1'000'000);                      // tags: a million
                           w.PutString("steel");
                         }),
                  "'tags' is truncated or malformed");

  std::string kind = Encode(FullOf(EventTag::kClusterCreated));
  kind[kind.size() - 5] = 9;  // The last field.
  ExpectMalformed(Reseal(kind), "'kind' holds 9, not a valid value");

  std::string accept = Encode(FullOf(EventTag::kOfferPosted));
  accept[accept.size() - 5] = 2;
  ExpectMalformed(Reseal(accept), "'auto_accept' is truncated or malformed");

  ExpectMalformed(Record(EventTag::kMemberSuspended,
                         [](Writer& w) {
                           w.PutVarint(1);
                           w.PutU8(2);  // Presence byte.
                           w.PutZigzag(20'000);
                         }),
                  "'until' is truncated or malformed");

  ExpectMalformed(Record(EventTag::kMemberSuspended,
                         [](Writer& w) {
                           w.PutVarint(1);
                           w.PutU8(1);
                           w.PutZigzag(int64_t{1} << 40);
                         }),
                  "'until' holds 1099511627776, out of range");

  ExpectMalformed(Record(EventTag::kOfferWithdrawn, [](Writer& w) { w.PutVarint(1ull << 32); }),
                  "'offer' holds 4294967296, out of range");

  std::string roles = Encode(Event{1, Instant{}, MemberUpdated{}});
  roles[roles.size() - 7] = 0x08;  // roles, then two empty lists, then the checksum.
  ExpectMalformed(Reseal(roles), "'roles' holds unknown role bits 0x08");

  ExpectMalformed(Record(EventTag::kContractCreated,
                         [](Writer& w) {
                           for (int i = 0; i < 7; ++i) w.PutVarint(1);  // contract .. unit_price
                           w.PutVarint(2);                              // two days
                           w.PutZigzag(std::numeric_limits<int32_t>::max());
                           w.PutZigzag(1);
                           w.PutZigzag(1);  // One past the largest day.
                           w.PutZigzag(1);
                         }),
                  "'days' holds 2147483648, out of range");
}

std::shared_ptr<const Taxonomy> Processes() {
  absl::StatusOr<Taxonomy> t = Taxonomy::Create({
      {"machining", "Machining", "machine_hour", 0.40},
      {"machining.milling", "Milling", ""},
      {"machining.milling.cnc_5axis", "5-axis CNC milling", ""},
      {"machining.turning", "Turning", ""},
      {"casting", "Casting", "kg", 0.01},
      {"casting.steel", "Steel casting", ""},
  });
  EXPECT_TRUE(t.ok()) << t.status();
  return std::make_shared<const Taxonomy>(t.ok() ? *std::move(t) : Taxonomy());
}

// A company INN: nine digits and their check digit.
std::string Inn(int n) {
  const std::string digits = absl::StrCat(482400000 + n);
  static constexpr int kWeights[] = {2, 4, 10, 3, 5, 9, 4, 6, 8};
  int sum = 0;
  for (size_t i = 0; i < 9; ++i) sum += (digits[i] - '0') * kWeights[i];
  return absl::StrCat(digits, sum % 11 % 10);
}

// A live engine driven through every kind of change, keeping its events as a journal would.
class EngineJournalTest : public ::testing::Test {
 protected:
  EngineJournalTest() : engine_(Processes(), Params{}) {}

  void Run(const Command& command) {
    Engine::Outcome out = engine_.Execute(command, now_);
    EXPECT_FALSE(out.rejection.has_value()) << out.rejection->message;
    events_.insert(events_.end(), out.events.begin(), out.events.end());
  }

  // A command with the fields `fill` sets, the rest at their defaults.
  template <typename C>
  static C Make(const std::function<void(C&)>& fill) {
    C command;
    fill(command);
    return command;
  }

  MemberId Register(std::string name, GeoPoint location, uint8_t roles,
                    std::vector<std::string> processes, std::vector<std::string> certifications) {
    const MemberId id{static_cast<uint32_t>(engine_.state().members().size())};
    Run(Make<RegisterMember>([&](RegisterMember& c) {
      c.name = std::move(name);
      c.inn = Inn(static_cast<int>(id.value));
      c.region = "RU-LIP";
      c.location = location;
      c.roles = roles;
      c.processes = std::move(processes);
      c.certifications = std::move(certifications);
      c.key_hash = std::string(63, 'a') + static_cast<char>('0' + id.value % 10);
    }));
    return id;
  }

  OfferId Post(MemberId supplier, std::string process, int32_t daily_capacity, Day to,
               Kopecks unit_price, const std::function<void(PostOffer&)>& more = {}) {
    const OfferId id{static_cast<uint32_t>(engine_.state().offers().size())};
    Run(Make<PostOffer>([&](PostOffer& c) {
      c.by = supplier;
      c.process = std::move(process);
      c.daily_capacity = daily_capacity;
      c.from = D("2026-12-01");
      c.to = to;
      c.unit_price = unit_price;
      if (more) more(c);
    }));
    return id;
  }

  OrderId Place(MemberId customer, std::string process, Quantity quantity, Day due,
                Kopecks max_unit_price, const std::function<void(PlaceOrder&)>& more = {}) {
    const OrderId id{static_cast<uint32_t>(engine_.state().orders().size())};
    Run(Make<PlaceOrder>([&](PlaceOrder& c) {
      c.by = customer;
      c.title = "Parts";
      c.process = std::move(process);
      c.quantity = quantity;
      c.start = D("2026-12-01");
      c.due = due;
      c.max_unit_price = max_unit_price;
      if (more) more(c);
    }));
    return id;
  }

  // Members, a cluster, a block, a suspension; offers, orders that match at once (one contract
  // awaiting confirmation), rest, are cancelled or expire; a withdrawal and the expiry timers.
  void RunScenario() {
    Run(KeyPublicIds{kOperator, std::string(kPublicIdSecretBytes, '\x5a')});
    const uint8_t both = kRoleCustomer | kRoleSupplier;
    const MemberId works =
        Register("Lipetsk Works", {52.6031, 39.5708}, both, {"machining", "casting"}, {"ISO9001"});
    const MemberId mill = Register("Voronezh Mill", {51.6608, 39.2003}, kRoleSupplier,
                                   {"machining"}, {"AS9100", "ISO9001"});
    const MemberId turning = Register("Kazan Turning", {55.7558, 37.6173}, both, {"machining"}, {});
    const MemberId pumps = Register("Moscow Pumps", {55.7558, 37.6173}, kRoleCustomer, {}, {});
    Run(Make<UpdateMember>([&](UpdateMember& c) {
      c.member = turning;
      c.location = GeoPoint{55.7963, 49.1088};
    }));
    // A platform, authorised and then revoked by a member; an analyst key issued and revoked.
    const MemberId portal = Register("Portal", {55.7558, 37.6173}, kRolePlatform, {}, {});
    Run(AuthorizePlatform{works, portal});
    Run(RevokePlatform{works, portal});
    Run(IssueKey{kOperator, KeyKind::kAnalyst, {}, "cluster centre", std::string(64, 'c')});
    Run(RevokeKey{kOperator, KeyId{static_cast<uint32_t>(engine_.state().key_list().size() - 1)}});
    Run(CreateCluster{kOperator, "Chernozemye", "RU-LIP", ClusterKind::kRegional});
    const ClusterId cluster{0};
    Run(JoinCluster{kOperator, cluster, works});
    Run(JoinCluster{kOperator, cluster, mill});
    Run(JoinCluster{kOperator, cluster, turning});
    Run(LeaveCluster{kOperator, cluster, turning});
    Run(BlockMember{pumps, turning});
    Run(UnblockMember{pumps, turning});
    Run(SuspendMember{kOperator, turning, D("2026-11-24")});
    Run(SuspendMember{kOperator, turning, std::nullopt});

    Post(mill, "machining.milling.cnc_5axis", 16, D("2026-12-10"), 300000, [](PostOffer& c) {
      c.tags = {"stainless", "steel"};
      c.limits = {{"max_length_mm", 1200}};
    });
    const OfferId turning_offer = Post(turning, "machining.milling", 8, D("2026-12-20"), 280000,
                                       [](PostOffer& c) { c.auto_accept = false; });
    const OfferId castings = Post(works, "casting.steel", 500, D("2026-12-31"), 2500);
    Place(pumps, "machining.milling", 100, D("2026-12-20"), 350000, [&](PlaceOrder& c) {
      c.max_distance_km = 1000.0;
      c.certifications = {"ISO9001"};
      c.tags = {"steel"};
      c.needs = {{"max_length_mm", 900}};
      c.min_lot = 8;
      c.prefer_clusters = {cluster};
      c.cluster_bonus = 5000;
    });
    Place(works, "machining", 100, D("2026-12-20"), 350000);
    const OrderId cancelled = Place(pumps, "casting", 8000, D("2026-12-20"), 2000);
    Run(CancelOrder{pumps, cancelled});
    Place(pumps, "machining.turning", 10, D("2026-12-05"), 100000, [&](PlaceOrder& c) {
      c.visibility = Visibility::kInvited;
      c.invited = {mill};
    });
    Run(WithdrawOffer{works, castings});
    RunContracts(works, pumps);

    // rfq: one order awarded at the close after a failed award, one whose manual award lapses.
    auto rfq = [](AwardMode award) {
      return [award](PlaceOrder& c) {
        c.mode = OrderMode::kRfq;
        c.bids_close_at = At("2026-11-25T12:00:00Z");
        c.award = award;
      };
    };
    const OrderId awarded =
        Place(pumps, "machining.milling", 16, D("2026-12-20"), 0, rfq(AwardMode::kAuto));
    const OrderId lapsing =
        Place(pumps, "machining", 8, D("2026-12-20"), 0, rfq(AwardMode::kManual));
    Run(PlaceBid{{250000, 16, 5}, turning, awarded, turning_offer});
    Run(PlaceBid{{300000, 16, 5}, mill, awarded, std::nullopt});
    Run(PlaceBid{{290000, 16, 5}, works, awarded, std::nullopt});
    Run(WithdrawBid{works, BidId{2}, std::nullopt});
    Run(PlaceBid{{300000, 8, 5}, mill, lapsing, std::nullopt});
    Run(WithdrawOffer{turning, turning_offer});
    Post(works, "casting.steel", 500, D("2026-12-15"), 2500);  // Expires at the last tick.
    now_ = At("2026-11-25T12:00:00Z");
    Run(Tick{});

    now_ = At("2026-12-21T00:00:00Z");
    Run(Tick{});
  }

  // Each step of a contract: confirmed, delivered and accepted; declined; cancelled by the
  // supplier; disputed; and one left to lapse at the scenario's last tick.
  void RunContracts(MemberId supplier, MemberId customer) {
    Post(supplier, "casting.steel", 100, D("2026-12-31"), 2500,
         [](PostOffer& c) { c.auto_accept = false; });
    auto contract = [&] {
      const OrderId o = Place(customer, "casting", 50, D("2026-12-20"), 3000);
      return engine_.state().order(o)->contracts.at(0);
    };
    ContractId c = contract();
    Run(ConfirmContract{supplier, c, std::nullopt});
    Run(DeliverContract{supplier, c, std::nullopt});
    Run(AcceptContract{customer, c, std::nullopt});
    Run(DeclineContract{supplier, contract(), std::nullopt, "Booked"});
    c = contract();
    Run(ConfirmContract{supplier, c, std::nullopt});
    Run(CancelContract{supplier, c, std::nullopt, "Furnace failure"});
    c = contract();
    Run(ConfirmContract{supplier, c, std::nullopt});
    Run(DeliverContract{supplier, c, std::nullopt});
    Run(DisputeContract{customer, c, std::nullopt, "Porosity"});
    contract();
  }

  Engine engine_;
  Instant now_ = At("2026-11-23T08:00:00Z");
  std::vector<Event> events_;
};

TEST_F(EngineJournalTest, JournalDecodesAndReplaysToTheSameState) {
  RunScenario();
  Engine replayed(Processes(), Params{});
  std::set<EventTag> tags;
  size_t bytes = 0;
  bool pending = false;
  for (const Event& e : events_) {
    const std::string record = Encode(e);
    bytes += record.size();
    absl::StatusOr<Event> back = DecodeEvent(record);
    ASSERT_TRUE(back.ok()) << back.status();
    ExpectSameEvent(e, *back);
    EXPECT_EQ(Encode(*back), record);
    tags.insert(TagOf(back->body));
    if (const auto* c = std::get_if<ContractCreated>(&back->body))
      pending |= c->confirm_by.has_value();
    replayed.Replay(*back);
  }
  std::cout << "  " << events_.size() << " events, " << bytes << " bytes\n";
  EXPECT_EQ(tags.size(), std::variant_size_v<EventBody>) << "the scenario makes every event type";
  EXPECT_TRUE(pending) << "the scenario makes a contract awaiting confirmation";
  EXPECT_EQ(replayed.state().last_seq(), engine_.state().last_seq());
  EXPECT_EQ(replayed.state().now(), engine_.state().now());
  EXPECT_EQ(StateHash(replayed.state()), StateHash(engine_.state()));
}

// With realistic ids and times (seq past a million, ids in the tens of thousands): an offer with
// two tags and one limit, a contract of five days (64 of its bytes are the eight score doubles).
TEST(CodecTest, RecordsAreCompact) {
  size_t total = 0;
  for (const Event& e : FullEvents()) {
    const size_t size = Encode(e).size();
    total += size;
    std::cout << "  " << EventType(e.body) << ": " << size << " bytes\n";
  }
  std::cout << "  all " << std::variant_size_v<EventBody> << " types: " << total << " bytes\n";
  EXPECT_LE(Encode(FullOf(EventTag::kOfferPosted)).size(), 90u);
  EXPECT_LE(Encode(FullOf(EventTag::kContractCreated)).size(), 120u);
  EXPECT_LE(Encode(FullOf(EventTag::kOrderPlaced)).size(), 150u);
  EXPECT_LE(Encode(FullOf(EventTag::kOfferWithdrawn)).size(), 20u);
}

}  // namespace
}  // namespace subex
