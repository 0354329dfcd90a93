#include "api/requests.h"

#include <cassert>
#include <limits>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "api/ids.h"
#include "api/json_reader.h"

namespace subex {
namespace {

constexpr std::string_view kLocationKeys[] = {"lat", "lon"};

const BodyField* FindField(std::span<const BodyField> table, std::string_view name) {
  for (const BodyField& f : table) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

// The 400 checks of a body against its table: every key, and every key of a location object,
// must be one the body has.
std::optional<Problem> CheckKnownKeys(const JsonValue& root, std::span<const BodyField> table) {
  std::vector<FieldError> unknown;
  for (size_t i = 0; i < root.keys.size(); ++i) {
    const BodyField* field = FindField(table, root.keys[i]);
    if (field == nullptr) {
      unknown.push_back({root.keys[i].substr(0, 64), "unknown field"});
    } else if (field->kind == FieldKind::kLocation &&
               root.items[i].type == JsonValue::Type::kObject) {
      for (const std::string& key : root.items[i].keys) {
        if (key != kLocationKeys[0] && key != kLocationKeys[1]) {
          unknown.push_back({JoinPath(field->name, key.substr(0, 64)), "unknown field"});
        }
      }
    }
  }
  if (unknown.empty()) return std::nullopt;
  return BadRequest("the body has fields this request does not take", std::move(unknown));
}

// The enum value whose name (ToString) is the field's text.
template <class E, size_t N>
std::optional<E> ReadEnum(FieldReader& r, const JsonValue& v, std::string_view path,
                          const E (&values)[N]) {
  std::vector<std::string_view> names;
  for (E e : values) names.push_back(ToString(e));
  std::optional<size_t> index = r.Enum(v, path, names);
  if (!index) return std::nullopt;
  return values[*index];
}

constexpr ClusterKind kClusterKinds[] = {ClusterKind::kLocal, ClusterKind::kRegional,
                                         ClusterKind::kVirtual, ClusterKind::kInternational};
constexpr OrderMode kOrderModes[] = {OrderMode::kAuto, OrderMode::kRfq};
constexpr AwardMode kAwardModes[] = {AwardMode::kAuto, AwardMode::kManual};
constexpr Visibility kVisibilities[] = {Visibility::kPublic, Visibility::kClusters,
                                        Visibility::kInvited};

template <class IdT>
std::string IdError(std::string_view what) {
  return absl::StrCat("must be a ", std::string(what), " id (",
                      std::string(PublicIdKind<IdT>::kPrefix), "...)");
}

// One body being read: the parsed tree, its table and the errors so far. Each Read* converts
// the field when it is present (absent fields keep the command's default) and names it in an
// error when it does not convert.
class Body {
 public:
  // The body's tree, or the 400 problem; missing required fields are already recorded.
  static std::variant<Body, Problem> Open(std::string_view text, std::span<const BodyField> table) {
    std::variant<JsonValue, Problem> parsed = ParseJsonObject(text);
    if (auto* problem = std::get_if<Problem>(&parsed)) return std::move(*problem);
    Body body(std::get<JsonValue>(std::move(parsed)), table);
    if (std::optional<Problem> p = CheckKnownKeys(body.root_, table)) return std::move(*p);
    for (const BodyField& f : table) {
      if (f.required && body.root_.Find(f.name) == nullptr) {
        body.r_.Add(std::string(f.name), "is required");
      }
    }
    return body;
  }

  bool empty() const { return root_.keys.empty(); }

  template <class Out>
  void ReadString(std::string_view name, Out& out) {
    Read(name, FieldKind::kString, out,
         [](FieldReader& r, const JsonValue& v, std::string_view p) { return r.String(v, p); });
  }
  template <class Out>
  void ReadStrings(std::string_view name, Out& out) {
    Read(name, FieldKind::kStringList, out,
         [](FieldReader& r, const JsonValue& v, std::string_view p) { return r.Strings(v, p); });
  }
  template <class Out>
  void ReadInteger(std::string_view name, Out& out) {
    using T = std::remove_cvref_t<decltype(Value(out))>;
    Read(name, FieldKind::kInteger, out,
         [](FieldReader& r, const JsonValue& v, std::string_view p) -> std::optional<T> {
           std::optional<int64_t> n =
               r.Integer(v, p, std::numeric_limits<T>::min(), std::numeric_limits<T>::max());
           if (!n) return std::nullopt;
           return static_cast<T>(*n);
         });
  }
  template <class Out>
  void ReadNumber(std::string_view name, Out& out) {
    Read(name, FieldKind::kNumber, out,
         [](FieldReader& r, const JsonValue& v, std::string_view p) { return r.Number(v, p); });
  }
  template <class Out>
  void ReadMoney(std::string_view name, Out& out) {
    Read(name, FieldKind::kMoney, out,
         [](FieldReader& r, const JsonValue& v, std::string_view p) { return r.Money(v, p); });
  }
  void ReadBool(std::string_view name, bool& out) {
    Read(name, FieldKind::kBoolean, out,
         [](FieldReader& r, const JsonValue& v, std::string_view p) { return r.Bool(v, p); });
  }
  void ReadDate(std::string_view name, Day& out) {
    Read(name, FieldKind::kDate, out,
         [](FieldReader& r, const JsonValue& v, std::string_view p) { return r.Date(v, p); });
  }
  template <class Out>
  void ReadInstant(std::string_view name, Out& out) {
    Read(name, FieldKind::kInstant, out,
         [](FieldReader& r, const JsonValue& v, std::string_view p) { return r.Time(v, p); });
  }
  void ReadNamedNumbers(std::string_view name, NamedValues& out) {
    Read(name, FieldKind::kNamedNumbers, out,
         [](FieldReader& r, const JsonValue& v, std::string_view p) {
           return r.NamedNumbers(v, p);
         });
  }
  template <class Out>
  void ReadLocation(std::string_view name, Out& out) {
    Read(name, FieldKind::kLocation, out,
         [](FieldReader& r, const JsonValue& v, std::string_view p) { return r.Location(v, p); });
  }
  template <class E, size_t N, class Out>
  void ReadEnum(std::string_view name, const E (&values)[N], Out& out) {
    Read(name, FieldKind::kEnum, out,
         [&values](FieldReader& r, const JsonValue& v, std::string_view p) {
           return subex::ReadEnum(r, v, p, values);
         });
  }
  // ["customer", "supplier"] or ["platform"] as role bits.
  template <class Out>
  void ReadRoles(std::string_view name, Out& out) {
    Read(name, FieldKind::kEnumList, out,
         [](FieldReader& r, const JsonValue& v, std::string_view p) -> std::optional<uint8_t> {
           std::optional<std::vector<std::string>> roles = r.Strings(v, p);
           if (!roles) return std::nullopt;
           uint8_t bits = 0;
           bool ok = true;
           for (size_t i = 0; i < roles->size(); ++i) {
             const std::string& role = (*roles)[i];
             const uint8_t bit = role == "customer"   ? kRoleCustomer
                                 : role == "supplier" ? kRoleSupplier
                                 : role == "platform" ? kRolePlatform
                                                      : 0;
             if (bit == 0) {
               r.Add(IndexPath(p, i), "must be customer, supplier or platform");
               ok = false;
             } else if ((bits & bit) != 0) {
               // The document declares the list's items unique.
               r.Add(IndexPath(p, i), "repeats a role listed before");
               ok = false;
             }
             bits |= bit;
           }
           if (!ok) return std::nullopt;
           return bits;
         });
  }
  void ReadMonth(std::string_view name, Month& out) {
    Read(name, FieldKind::kMonth, out,
         [](FieldReader& r, const JsonValue& v, std::string_view p) -> std::optional<Month> {
           std::optional<std::string> text = r.String(v, p);
           if (!text) return std::nullopt;
           std::optional<Month> month = ParseMonth(*text);
           if (!month) r.Add(std::string(p), "must be a month, YYYY-MM");
           return month;
         });
  }
  // A public id of one kind; `what` names the kind in errors ("offer").
  template <class IdT, class Out>
  void ReadId(std::string_view name, std::string_view what, Out& out) {
    Read(name, FieldKind::kId, out,
         [what](FieldReader& r, const JsonValue& v, std::string_view p) -> std::optional<IdT> {
           std::optional<std::string> text = r.String(v, p);
           if (!text) return std::nullopt;
           std::optional<IdT> id = ParsePublicId<IdT>(*text);
           if (!id) r.Add(std::string(p), IdError<IdT>(what));
           return id;
         });
  }
  // Public ids of one kind; `what` names the kind in errors ("cluster").
  template <class IdT>
  void ReadIds(std::string_view name, std::string_view what, std::vector<IdT>& out) {
    Read(name, FieldKind::kIdList, out,
         [what](FieldReader& r, const JsonValue& v,
                std::string_view p) -> std::optional<std::vector<IdT>> {
           std::optional<std::vector<std::string>> texts = r.Strings(v, p);
           if (!texts) return std::nullopt;
           std::vector<IdT> ids;
           for (size_t i = 0; i < texts->size(); ++i) {
             if (std::optional<IdT> id = ParsePublicId<IdT>((*texts)[i])) {
               ids.push_back(*id);
             } else {
               r.Add(IndexPath(p, i), IdError<IdT>(what));
             }
           }
           if (ids.size() != texts->size()) return std::nullopt;
           return ids;
         });
  }

  // The command, or the 422 naming every field that did not convert.
  template <class T>
  Parsed<T> Finish(T command) && {
    if (!r_.ok()) return Unprocessable(std::move(r_).Take());
    return command;
  }

 private:
  Body(JsonValue root, std::span<const BodyField> table) : root_(std::move(root)), table_(table) {}

  template <class T>
  static const T& Value(const std::optional<T>& out) {
    return *out;
  }
  template <class T>
  static const T& Value(const T& out) {
    return out;
  }

  template <class Out, class Convert>
  void Read(std::string_view name, [[maybe_unused]] FieldKind kind, Out& out, Convert convert) {
    assert(FindField(table_, name) != nullptr && FindField(table_, name)->kind == kind);
    const JsonValue* v = root_.Find(name);
    if (v == nullptr) return;
    auto value = convert(r_, *v, name);
    if (value) out = std::move(*value);
  }

  JsonValue root_;
  std::span<const BodyField> table_;
  FieldReader r_;
};

// Reads `text` as a body of `table`: `read` converts its fields into `command`; answers the
// command, or the problem naming every field that did not convert.
template <class T, class ReadFields>
Parsed<T> ParseBody(std::string_view text, std::span<const BodyField> table, T command,
                    ReadFields read) {
  std::variant<Body, Problem> opened = Body::Open(text, table);
  if (auto* p = std::get_if<Problem>(&opened)) return std::move(*p);
  Body& body = std::get<Body>(opened);
  read(body, command);
  return std::move(body).Finish(std::move(command));
}

}  // namespace

Parsed<RegisterMember> ParseRegisterMember(std::string_view text) {
  RegisterMember c;
  c.by = kOperator;
  return ParseBody(text, kRegisterMemberBody, std::move(c), [](Body& body, RegisterMember& c) {
    body.ReadString("name", c.name);
    body.ReadString("inn", c.inn);
    body.ReadString("region", c.region);
    body.ReadLocation("location", c.location);
    body.ReadRoles("roles", c.roles);
    body.ReadStrings("processes", c.processes);
    body.ReadStrings("certifications", c.certifications);
  });
}

Parsed<UpdateMember> ParseUpdateMember(std::string_view text, MemberId by, MemberId target) {
  std::variant<Body, Problem> opened = Body::Open(text, kUpdateMemberBody);
  if (auto* p = std::get_if<Problem>(&opened)) return std::move(*p);
  Body& body = std::get<Body>(opened);
  if (body.empty()) {
    return Unprocessable({}, "the patch changes nothing: name at least one field to change");
  }
  UpdateMember c;
  c.by = by;
  c.member = target;
  body.ReadString("name", c.name);
  body.ReadString("region", c.region);
  body.ReadLocation("location", c.location);
  body.ReadRoles("roles", c.roles);
  body.ReadStrings("processes", c.processes);
  body.ReadStrings("certifications", c.certifications);
  return std::move(body).Finish(std::move(c));
}

Parsed<CreateCluster> ParseCreateCluster(std::string_view text) {
  CreateCluster c;
  c.by = kOperator;
  return ParseBody(text, kCreateClusterBody, std::move(c), [](Body& body, CreateCluster& c) {
    body.ReadString("name", c.name);
    body.ReadString("region", c.region);
    body.ReadEnum("kind", kClusterKinds, c.kind);
  });
}

Parsed<PostOffer> ParsePostOffer(std::string_view text, MemberId by) {
  PostOffer c;
  c.by = by;
  return ParseBody(text, kPostOfferBody, std::move(c), [](Body& body, PostOffer& c) {
    body.ReadString("process", c.process);
    body.ReadInteger("daily_capacity", c.daily_capacity);
    body.ReadDate("from", c.from);
    body.ReadDate("to", c.to);
    body.ReadMoney("unit_price", c.unit_price);
    body.ReadInteger("min_lot", c.min_lot);
    body.ReadStrings("tags", c.tags);
    body.ReadNamedNumbers("limits", c.limits);
    body.ReadBool("auto_accept", c.auto_accept);
  });
}

Parsed<PlaceOrder> ParsePlaceOrder(std::string_view text, MemberId by) {
  PlaceOrder c;
  c.by = by;
  return ParseBody(text, kPlaceOrderBody, std::move(c), [](Body& body, PlaceOrder& c) {
    body.ReadString("title", c.title);
    body.ReadString("process", c.process);
    body.ReadInteger("quantity", c.quantity);
    body.ReadDate("start", c.start);
    body.ReadDate("due", c.due);
    body.ReadMoney("max_unit_price", c.max_unit_price);
    body.ReadLocation("location", c.location);
    body.ReadNumber("max_distance_km", c.max_distance_km);
    body.ReadStrings("certifications", c.certifications);
    body.ReadStrings("tags", c.tags);
    body.ReadNamedNumbers("needs", c.needs);
    body.ReadInteger("min_lot", c.min_lot);
    body.ReadEnum("mode", kOrderModes, c.mode);
    body.ReadEnum("visibility", kVisibilities, c.visibility);
    body.ReadIds("clusters", "cluster", c.visible_to_clusters);
    body.ReadIds("invited", "member", c.invited);
    body.ReadIds("prefer_clusters", "cluster", c.prefer_clusters);
    body.ReadMoney("cluster_bonus", c.cluster_bonus);
    body.ReadInstant("expires_at", c.expires_at);
    body.ReadInstant("bids_close_at", c.bids_close_at);
    body.ReadEnum("award", kAwardModes, c.award);
    body.ReadInstant("award_by", c.award_by);
  });
}

Parsed<PlaceBid> ParsePlaceBid(std::string_view text, MemberId by, OrderId order) {
  PlaceBid c;
  c.by = by;
  c.order = order;
  return ParseBody(text, kPlaceBidBody, std::move(c), [](Body& body, PlaceBid& c) {
    body.ReadMoney("unit_price", c.unit_price);
    body.ReadInteger("quantity", c.quantity);
    body.ReadInteger("lead_days", c.lead_days);
    body.ReadId<OfferId>("offer", "offer", c.offer);
  });
}

Parsed<AwardBids> ParseAwardBids(std::string_view text, MemberId by, OrderId order) {
  AwardBids c;
  c.by = by;
  c.order = order;
  return ParseBody(text, kAwardBidsBody, std::move(c), [](Body& body, AwardBids& c) {
    body.ReadIds("bids", "bid", c.bids);
  });
}

Parsed<std::string> ParseContractStep(std::string_view text) {
  if (text.empty()) return std::string();
  std::string reason;
  return ParseBody(text, kContractStepBody, std::move(reason), [](Body& body, std::string& reason) {
    body.ReadString("reason", reason);
  });
}

Parsed<DidDesign> ParseDidRequest(std::string_view text) {
  DidDesign d;
  return ParseBody(text, kDidBody, std::move(d), [](Body& body, DidDesign& d) {
    body.ReadId<ClusterId>("cluster", "cluster", d.cluster);
    body.ReadEnum("metric", kDidMetrics, d.metric);
    body.ReadMonth("before_from", d.before_from);
    body.ReadMonth("before_to", d.before_to);
    body.ReadMonth("after_from", d.after_from);
    body.ReadMonth("after_to", d.after_to);
    body.ReadEnum("control", kDidControls, d.control);
  });
}

}  // namespace subex
