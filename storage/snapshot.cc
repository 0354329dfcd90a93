#include "storage/snapshot.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/base/attributes.h"
#include "absl/base/optimization.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "engine/invariants.h"
#include "storage/binary.h"
#include "storage/crc32c.h"
#include "storage/fields.h"

namespace subex {
namespace {

constexpr std::string_view kMagic = "SXSN";
constexpr size_t kHeaderBytes = 4 + 1;  // Magic and version.
constexpr size_t kCrcBytes = 4;
// No calendar is longer (an offer spans a year or so); a longer one is damage.
constexpr int64_t kMaxCalendarDays = int64_t{1} << 16;

uint32_t TaxonomyPrint(const Taxonomy& taxonomy) {
  uint32_t crc = 0;
  for (const ProcessNode& node : taxonomy.nodes()) crc = Crc32c(node.code + "\n", crc);
  return crc;
}

// Steps between instants wrap around, so that any two values round-trip exactly.
int64_t Step(Instant from, Instant to) {
  return static_cast<int64_t>(static_cast<uint64_t>(to.unix_ms) -
                              static_cast<uint64_t>(from.unix_ms));
}
Instant After(Instant base, int64_t step) {
  return Instant{
      static_cast<int64_t>(static_cast<uint64_t>(base.unix_ms) + static_cast<uint64_t>(step))};
}

bool Untouched(const CapacityOffer& o) {
  std::span<const int32_t> free = o.calendar.free_days();
  return o.calendar.from() == o.from &&
         static_cast<int64_t>(free.size()) == int64_t{o.to - o.from} + 1 &&
         std::all_of(free.begin(), free.end(), [&](int32_t f) { return f == o.daily_capacity; });
}

// The fields of each record, in their wire order; the encoder and the decoder both walk these
// lists. Ids and the lists State::Restore rebuilds are not among them.
template <typename F>
void Fields(F& f, Is<Member> auto& m) {
  f.Created(m.created_at);
  f("name", m.name);
  f("inn", m.inn);
  f("region", m.region);
  f("location", m.location);
  f.Roles("roles", m.roles);
  f("processes", m.processes);
  f("certifications", m.certifications);
  f("clusters", m.clusters);
  f("suspended_until", m.suspended_until);
  f("blocked", m.blocked);
  f("outcomes", m.outcomes);
  f("revision", m.revision);
  f("rfq_awarded", m.rfq_awarded);
  f("rfq_unawarded", m.rfq_unawarded);
  f("platforms", m.platforms);
}
template <typename F>
void Fields(F& f, Is<Cluster> auto& c) {
  f.Created(c.created_at);
  f("name", c.name);
  f("region", c.region);
  f("kind", c.kind);
  f("revision", c.revision);
}
template <typename F>
void Fields(F& f, Is<CapacityOffer> auto& o) {
  f.Created(o.created_at);
  f("supplier", o.supplier);
  f("process", o.process);
  f("daily_capacity", o.daily_capacity);
  f.DayAfter("from", DayOf(o.created_at), o.from);
  f.DayAfter("to", o.from, o.to);
  f("unit_price", o.unit_price);
  f("min_lot", o.min_lot);
  f("tags", o.tags);
  f("limits", o.limits);
  f("auto_accept", o.auto_accept);
  f("status", o.status);
  f.Calendar("calendar", o);
  f("revision", o.revision);
}
template <typename F>
void Fields(F& f, Is<Order> auto& o) {
  f.Created(o.created_at);
  f("customer", o.customer);
  f("title", o.title);
  f("process", o.process);
  f("quantity", o.quantity);
  f("allocated", o.allocated);
  f("withdrawn", o.withdrawn);
  f.DayAfter("start", DayOf(o.created_at), o.start);
  f.DayAfter("due", o.start, o.due);
  f("max_unit_price", o.max_unit_price);
  f("location", o.location);
  f("max_distance_km", o.max_distance_km);
  f("certifications", o.certifications);
  f("tags", o.tags);
  f("needs", o.needs);
  f("min_lot", o.min_lot);
  f("mode", o.mode);
  f("visibility", o.visibility);
  f("visible_to_clusters", o.visible_to_clusters);
  f("invited", o.invited);
  f("prefer_clusters", o.prefer_clusters);
  f("cluster_bonus", o.cluster_bonus);
  f.TimeAfter("expires_at", o.created_at, o.expires_at);
  f("status", o.status);
  f("revision", o.revision);
  f.TimeAfter("bids_close_at", o.created_at, o.bids_close_at);
  f("award", o.award);
  f.TimeAfter("award_by", o.bids_close_at, o.award_by);
}
template <typename F>
void Fields(F& f, Is<Contract> auto& c) {
  f.Created(c.created_at);
  f("order", c.order);
  f("offer", c.offer);
  f("customer", c.customer);
  f("supplier", c.supplier);
  f("quantity", c.quantity);
  f("unit_price", c.unit_price);
  f("days", c.days);
  f("score", c.score);
  f("state", c.state);
  f.TimeAfter("confirm_by", c.created_at, c.confirm_by);
  f("delivered_on", c.delivered_on);
  f("cancelled_by", c.cancelled_by);
  f("reason", c.reason);
  f("revision", c.revision);
  f("bid", c.bid);
}
template <typename F>
void Fields(F& f, Is<Bid> auto& b) {
  f.Created(b.created_at);
  f("order", b.order);
  f("supplier", b.supplier);
  f("unit_price", b.unit_price);
  f("quantity", b.quantity);
  f("lead_days", b.lead_days);
  f("offer", b.offer);
  f("status", b.status);
  f("score", b.score);
  f("reason", b.reason);
  f("contract", b.contract);
  f("revision", b.revision);
}

// The shared fields, and what only a snapshot writes: sections, each record's creation instant as
// the step from the previous record's, instants after a related one, and calendars.
class SnapshotFieldWriter : public FieldWriter {
 public:
  using FieldWriter::FieldWriter;

  // Starts a section of records of one kind.
  void Section(size_t count) {
    w().PutVarint(count);
    created_ = Instant{};
  }

  void Created(Instant t) {
    w().PutZigzag(Step(created_, t));
    created_ = t;
  }
  void TimeAfter(const char*, Instant base, Instant t) { w().PutZigzag(Step(base, t)); }
  void TimeAfter(const char* field, Instant base, const std::optional<Instant>& t) {
    w().PutBool(t.has_value());
    if (t) TimeAfter(field, base, *t);
  }
  // 0 for an untouched calendar; else 1, the first day, the length and each day's free capacity.
  void Calendar(const char*, const CapacityOffer& o) {
    if (Untouched(o)) {
      w().PutU8(0);
      return;
    }
    w().PutU8(1);
    w().PutZigzag(int64_t{o.calendar.from().value} - o.from.value);
    std::span<const int32_t> free = o.calendar.free_days();
    w().PutVarint(free.size());
    for (int32_t f : free) w().PutZigzag(f);
  }

 private:
  Instant created_;
};

// The shared fields and what only a snapshot reads; reads until the first failure, which it keeps
// (with the record and field) for `status`.
class SnapshotFieldReader : public FieldReader {
 public:
  using FieldReader::FieldReader;

  // Starts a section of records of one kind and reads their count.
  bool Section(const char* kind, size_t* count) {
    kind_ = kind;
    record_ = kNoRecord;
    created_ = Instant{};
    return Read("count", r().GetCount(count)) &&
           InRange<uint64_t>("count", *count, 0, std::numeric_limits<uint32_t>::max() - 1);
  }
  void Record(size_t index) { record_ = index; }

  void Created(Instant& t) {
    int64_t step = 0;
    if (!Read("created_at", r().GetZigzag(&step))) return;
    t = created_ = After(created_, step);
  }
  void TimeAfter(const char* field, Instant base, Instant& t) {
    int64_t step = 0;
    if (Read(field, r().GetZigzag(&step))) t = After(base, step);
  }
  void TimeAfter(const char* field, Instant base, std::optional<Instant>& t) {
    bool present = false;
    if (!Read(field, r().GetBool(&present))) return;
    t.reset();
    if (present) TimeAfter(field, base, t.emplace());
  }
  void Calendar(const char* field, CapacityOffer& o) {
    uint8_t mode = 0;
    if (!Read(field, r().GetU8(&mode))) return;
    if (mode == 0) {
      if (!InRange<int64_t>(field, int64_t{o.to.value} - o.from.value, 0, kMaxCalendarDays - 1)) {
        return;
      }
      o.calendar = CapacityCalendar(o.from, o.to, o.daily_capacity);
      whole_calendars_.resize(o.id.value + size_t{1});
      whole_calendars_[o.id.value] = true;
      return;
    }
    if (!InRange<uint8_t>(field, mode, 0, 1)) return;
    Day from;
    size_t n = 0;
    if (!ReadInt32(field, o.from.value, from.value) || !Read(field, r().GetCount(&n)) ||
        !InRange<int64_t>(field, static_cast<int64_t>(n), 0, kMaxCalendarDays) ||
        !InRange<int64_t>(field, from.value + static_cast<int64_t>(n) - 1,
                          std::numeric_limits<int32_t>::min(),
                          std::numeric_limits<int32_t>::max())) {
      return;
    }
    std::vector<DayQuantity> days(n);
    for (size_t i = 0; i < n; ++i) {
      days[i].day = from + static_cast<int32_t>(i);
      if (!ReadInt32(field, 0, days[i].quantity)) return;
    }
    o.calendar = CapacityCalendar(from, Day{static_cast<int32_t>(from.value + int64_t(n) - 1)}, 0);
    o.calendar.Give(days);
  }

  // By offer id: whether the offer's calendar was built here as wholly free (mode 0).
  const std::vector<bool>& whole_calendars() const { return whole_calendars_; }

  // The first failure, as DataLoss naming the record and field.
  absl::Status status() const {
    if (ok()) return absl::OkStatus();
    std::string where = absl::StrCat("snapshot ", kind_);
    if (record_ != kNoRecord) absl::StrAppend(&where, " record ", record_);
    return Failure(where);
  }

 private:
  static constexpr size_t kNoRecord = std::numeric_limits<size_t>::max();

  const char* kind_ = "header";
  size_t record_ = kNoRecord;
  Instant created_;
  std::vector<bool> whole_calendars_;
};

template <typename T>
void WriteSection(SnapshotFieldWriter& f, const ChunkedVector<T>& records) {
  f.Section(records.size());
  for (const T& r : records) Fields(f, r);
}

template <typename T>
bool ReadSection(SnapshotFieldReader& f, const char* kind, ChunkedVector<T>& records) {
  size_t n = 0;
  if (!f.Section(kind, &n)) return false;
  for (size_t i = 0; i < n && f.ok(); ++i) {
    f.Record(i);
    T& r = records.emplace_back();
    r.id.value = static_cast<uint32_t>(i);
    Fields(f, r);
  }
  return f.ok();
}

// API keys by id, each with its hash.
void WriteKeys(SnapshotFieldWriter& f, const State& state) {
  f.Section(state.key_list().size());
  for (const ApiKey& k : state.key_list()) {
    f("hash", state.key_hashes()[k.id.value]);
    f("kind", k.kind);
    f("member", k.member);
    f("label", k.label);
    f("revoked", k.revoked);
  }
}

bool ReadKeys(SnapshotFieldReader& f, StateImage& image) {
  size_t n = 0;
  if (!f.Section("keys", &n)) return false;
  for (size_t i = 0; i < n && f.ok(); ++i) {
    f.Record(i);
    auto& [hash, key] = image.keys.emplace_back();
    key.id = KeyId{static_cast<uint32_t>(i)};
    f("hash", hash);
    f("kind", key.kind);
    f("member", key.member);
    f("label", key.label);
    f("revoked", key.revoked);
  }
  return f.ok();
}

// The references State::Restore follows, and the uniqueness its tables need; keeps the first
// problem found.
class ReferenceCheck {
 public:
  void At(const char* kind, size_t record) {
    kind_ = kind;
    record_ = record;
  }
  void Ref(const char* field, uint64_t value, size_t count) {
    if (ABSL_PREDICT_TRUE(value < count)) return;
    Fail(absl::StrCat("field '", field, "' refers to ", value, " of ", count));
  }
  template <typename List>
  void Refs(const char* field, const List& list, size_t count) {
    for (const auto& item : list) Ref(field, Value(item), count);
  }
  void Unique(const char* field, absl::flat_hash_set<std::string_view>& seen,
              std::string_view value) {
    if (!seen.insert(value).second) {
      Fail(absl::StrCat("field '", field, "' repeats \"", std::string(value), "\""));
    }
  }
  absl::Status status() const {
    return problem_.empty() ? absl::OkStatus() : absl::DataLossError(problem_);
  }

 private:
  template <typename Tag>
  static uint64_t Value(Id<Tag> id) {
    return id.value;
  }
  static uint64_t Value(uint32_t v) { return v; }
  static uint64_t Value(const Limit& l) { return l.name; }
  ABSL_ATTRIBUTE_NOINLINE void Fail(std::string problem) {
    if (problem_.empty()) {
      problem_ = absl::StrCat("snapshot ", kind_, " record ", record_, ": ", problem);
    }
  }

  const char* kind_ = "";
  size_t record_ = 0;
  std::string problem_;
};

absl::Status CheckReferences(const StateImage& im, const Taxonomy& taxonomy) {
  const size_t names = im.names.size(), members = im.members.size();
  const size_t clusters = im.clusters.size(), processes = taxonomy.size();
  ReferenceCheck c;
  absl::flat_hash_set<std::string_view> seen;
  for (size_t i = 0; i < names; ++i) {
    c.At("names", i);
    c.Unique("name", seen, im.names[i]);
  }
  seen.clear();
  for (const Member& m : im.members) {
    c.At("members", m.id.value);
    c.Unique("inn", seen, m.inn);
    c.Refs("processes", m.processes, processes);
    c.Refs("certifications", m.certifications, names);
    c.Refs("clusters", m.clusters, clusters);
    c.Refs("blocked", m.blocked, members);
    c.Refs("platforms", m.platforms, members);
  }
  for (const CapacityOffer& o : im.offers) {
    c.At("offers", o.id.value);
    c.Ref("supplier", o.supplier.value, members);
    c.Ref("process", o.process.value, processes);
    c.Refs("tags", o.tags, names);
    c.Refs("limits", o.limits, names);
  }
  for (const Order& o : im.orders) {
    c.At("orders", o.id.value);
    c.Ref("customer", o.customer.value, members);
    c.Ref("process", o.process.value, processes);
    c.Refs("certifications", o.certifications, names);
    c.Refs("tags", o.tags, names);
    c.Refs("needs", o.needs, names);
    c.Refs("visible_to_clusters", o.visible_to_clusters, clusters);
    c.Refs("invited", o.invited, members);
    c.Refs("prefer_clusters", o.prefer_clusters, clusters);
  }
  for (const Contract& k : im.contracts) {
    c.At("contracts", k.id.value);
    c.Ref("order", k.order.value, im.orders.size());
    if (k.offer.valid() || !k.bid.valid()) c.Ref("offer", k.offer.value, im.offers.size());
    if (k.bid.valid()) c.Ref("bid", k.bid.value, im.bids.size());
    c.Ref("customer", k.customer.value, members);
    c.Ref("supplier", k.supplier.value, members);
    if (k.cancelled_by.valid()) c.Ref("cancelled_by", k.cancelled_by.value, members);
  }
  for (const Bid& b : im.bids) {
    c.At("bids", b.id.value);
    c.Ref("order", b.order.value, im.orders.size());
    c.Ref("supplier", b.supplier.value, members);
    if (b.offer.valid()) c.Ref("offer", b.offer.value, im.offers.size());
    if (b.contract.valid()) c.Ref("contract", b.contract.value, im.contracts.size());
  }
  seen.clear();
  for (size_t i = 0; i < im.keys.size(); ++i) {
    c.At("keys", i);
    c.Unique("hash", seen, im.keys[i].first);
    if (im.keys[i].second.kind != KeyKind::kAnalyst) {
      c.Ref("member", im.keys[i].second.member.value, members);
    }
  }
  return c.status();
}

}  // namespace

void EncodeSnapshot(const State& state, std::string& out) {
  const size_t start = out.size();
  out.reserve(start + 64 * (state.offers().size() + state.orders().size()) + 4096);
  out.append(kMagic);
  Writer w(out);
  w.PutU8(kSnapshotFormatVersion);
  w.PutFixed32(TaxonomyPrint(state.taxonomy()));
  w.PutVarint(state.last_seq());
  w.PutZigzag(state.now().unix_ms);
  w.PutDouble(state.max_reliability());
  const NameTable& names = state.names();
  w.PutVarint(names.size());
  for (NameId id = 0; id < names.size(); ++id) w.PutString(names.name(id));
  SnapshotFieldWriter f(out);
  WriteSection(f, state.members());
  WriteSection(f, state.clusters());
  WriteSection(f, state.offers());
  WriteSection(f, state.orders());
  WriteSection(f, state.contracts());
  WriteKeys(f, state);
  WriteSection(f, state.bids());
  f("public_id_secret", state.public_id_secret());
  w.PutFixed32(Crc32c(std::string_view(out).substr(start)));
}

absl::StatusOr<std::unique_ptr<State>> DecodeSnapshot(std::string_view bytes,
                                                      std::shared_ptr<const Taxonomy> taxonomy,
                                                      Params params) {
  if (bytes.size() < kHeaderBytes + kCrcBytes) {
    return absl::DataLossError(absl::StrCat("snapshot is truncated: ", bytes.size(), " bytes"));
  }
  if (bytes.substr(0, kMagic.size()) != kMagic) {
    return absl::DataLossError("not a snapshot: the first bytes are not \"SXSN\"");
  }
  const uint8_t version = static_cast<uint8_t>(bytes[kMagic.size()]);
  if (version != kSnapshotFormatVersion && version != 3) {
    return absl::InvalidArgumentError(absl::StrCat(
        "snapshot has format version ", version,
        "; this build reads version 3 (without a public id secret) or version ",
        kSnapshotFormatVersion));
  }
  const std::string_view covered = bytes.substr(0, bytes.size() - kCrcBytes);
  uint32_t stored = 0;
  Reader(bytes.substr(covered.size())).GetFixed32(&stored);
  if (const uint32_t computed = Crc32c(covered); computed != stored) {
    return absl::DataLossError(absl::StrFormat(
        "snapshot checksum mismatch (stored %08x, computed %08x): the snapshot is truncated or "
        "corrupted",
        stored, computed));
  }

  Reader header(covered.substr(kHeaderBytes));
  uint32_t print = 0;
  if (!header.GetFixed32(&print)) return absl::DataLossError("snapshot header is truncated");
  if (print != TaxonomyPrint(*taxonomy)) {
    return absl::FailedPreconditionError(
        "snapshot was taken with another process taxonomy than the one configured");
  }
  SnapshotFieldReader f(covered.substr(kHeaderBytes + 4));
  StateImage image;
  f("last_seq", image.last_seq);
  f("now", image.now);
  f("max_reliability", image.max_reliability);
  size_t names = 0;
  if (f.Section("names", &names)) {
    image.names.resize(names);
    for (size_t i = 0; i < names && f.ok(); ++i) {
      f.Record(i);
      f("name", image.names[i]);
    }
  }
  if (f.ok() && ReadSection(f, "members", image.members) &&
      ReadSection(f, "clusters", image.clusters) && ReadSection(f, "offers", image.offers) &&
      ReadSection(f, "orders", image.orders) && ReadSection(f, "contracts", image.contracts) &&
      ReadKeys(f, image) && ReadSection(f, "bids", image.bids) &&
      (version < 4 ? true : (f("public_id_secret", image.public_id_secret), f.ok())) &&
      !f.empty()) {
    return absl::DataLossError("snapshot has bytes left over after the last record");
  }
  if (absl::Status s = f.status(); !s.ok()) return s;
  if (!image.public_id_secret.empty() && image.public_id_secret.size() != kPublicIdSecretBytes) {
    return absl::DataLossError("snapshot's public id secret is not 32 bytes");
  }
  if (absl::Status s = CheckReferences(image, *taxonomy); !s.ok()) return s;
  // The checksum guards against the disk; this against a snapshot whose records, each valid,
  // disagree with each other (an order's allocation and its contracts, a calendar and the days
  // drawn on it): restoring it would let the engine double-allocate.
  std::unique_ptr<State> state = State::Restore(std::move(taxonomy), params, std::move(image));
  if (std::vector<std::string> broken = CheckRecordInvariants(*state, &f.whole_calendars());
      !broken.empty()) {
    return absl::DataLossError(absl::StrCat("snapshot breaks an invariant: ", broken.front()));
  }
  return state;
}

}  // namespace subex
