#include "config/config.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <utility>
#include <variant>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "engine/status_macros.h"

namespace subex {
namespace {

// This Abseil build's string_view is its own type.
absl::string_view Sv(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// "file:line:column: " for a place in a TOML document.
std::string Where(const toml::source_region& region) {
  std::string_view file = region.path ? std::string_view(*region.path) : "<input>";
  return absl::StrCat(Sv(file), ":", region.begin.line, ":", region.begin.column, ": ");
}

absl::Status Invalid(const toml::source_region& where, std::string_view subject,
                     std::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(Where(where), Sv(subject), ": ", Sv(problem)));
}

std::string Number(double v) { return absl::StrFormat("%.15g", v); }

// A value as the message quotes it back to the reader.
std::string Describe(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string:
      return absl::StrCat("\"", Sv(node.as_string()->get()), "\"");
    case toml::node_type::integer:
      return absl::StrCat(node.as_integer()->get());
    case toml::node_type::floating_point:
      return Number(node.as_floating_point()->get());
    case toml::node_type::boolean:
      return node.as_boolean()->get() ? "true" : "false";
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
    default:
      return "nothing";
  }
}

// toml++ as installed is built with exceptions; they stop here.
absl::StatusOr<toml::table> ParseToml(std::string_view text, std::string_view source_name) {
  try {
    return toml::parse(text, source_name);
  } catch (const toml::parse_error& e) {
    return absl::InvalidArgumentError(absl::StrCat(Where(e.source()), Sv(e.description())));
  }
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return absl::ErrnoToStatus(errno, absl::StrCat("cannot read ", path));
  std::string text;
  char buffer[8192];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), file)) > 0) text.append(buffer, n);
  int error = std::ferror(file) ? errno : 0;
  std::fclose(file);
  if (error != 0) return absl::ErrnoToStatus(error, absl::StrCat("cannot read ", path));
  return text;
}

// --- subex.toml -------------------------------------------------------------------------------

// kOrigins: a list of web origins; kSecret: a string of visible ASCII, possibly empty.
enum class Kind { kNumber, kInteger, kMoney, kPath, kBool, kAddress, kChoice, kOrigins, kSecret };

// One key of a section: its type, its inclusive range and where its value goes.
struct Field {
  std::string_view key;
  Kind kind;
  double min = 0;
  double max = 0;
  bool min_exclusive = false;  // The range is (min, max] rather than [min, max].
  std::variant<double*, int32_t*, int64_t*, std::string*, bool*, std::vector<std::string>*> out;
  std::vector<std::string_view> choices = {};  // For kChoice.
};

struct Section {
  std::string_view name;
  std::vector<Field> fields;
};

constexpr double kMaxInt32 = 2'147'483'647;

std::vector<Section> Sections(Config& c, std::string& taxonomy_file) {
  Params& p = c.params;
  ServerSettings& sv = c.server;
  StorageSettings& st = c.storage;
  AnalyticsSettings& an = c.analytics;
  LogSettings& lg = c.log;
  RateLimitSettings& rl = c.rate_limits;
  FeedSettings& fd = c.feed;
  MatchingParams& m = p.matching;
  ReliabilityParams& r = p.reliability;
  LimitParams& l = p.limits;
  return {
      {"matching",
       {{"risk_weight", Kind::kNumber, 0, 10, false, &m.risk_weight},
        {"transit_km_per_day", Kind::kNumber, 0, 40'000, true, &m.transit_km_per_day}}},
      {"reliability",
       {{"prior", Kind::kNumber, 0, 1, false, &r.prior},
        {"prior_weight", Kind::kNumber, 0, 10'000, false, &r.prior_weight},
        {"window_days", Kind::kInteger, 1, 3'660, false, &r.window_days}}},
      {"contracts",
       {{"confirm_within_hours", Kind::kInteger, 1, 8'760, false,
         &p.contracts.confirm_within_hours}}},
      {"limits",
       {{"max_offer_days", Kind::kInteger, 1, 3'660, false, &l.max_offer_days},
        {"max_order_days", Kind::kInteger, 1, 3'660, false, &l.max_order_days},
        {"max_list_items", Kind::kInteger, 1, 1'024, false, &l.max_list_items},
        {"max_invited", Kind::kInteger, 1, 100'000, false, &l.max_invited},
        {"max_name_length", Kind::kInteger, 1, 1'024, false, &l.max_name_length},
        {"max_text_length", Kind::kInteger, 1, 65'536, false, &l.max_text_length},
        {"max_reason_length", Kind::kInteger, 1, 65'536, false, &l.max_reason_length},
        {"max_quantity", Kind::kInteger, 1, 1e12, false, &l.max_quantity},
        {"max_daily_capacity", Kind::kInteger, 1, kMaxInt32, false, &l.max_daily_capacity},
        {"max_unit_price_rub", Kind::kMoney, 0, 1e13, true, &l.max_unit_price},
        {"max_distance_km", Kind::kNumber, 0, 20'037.5, true, &l.max_distance_km},
        {"max_contracts_per_match", Kind::kInteger, 1, 1'000'000, false,
         &l.max_contracts_per_match}}},
      {"taxonomy", {{"file", Kind::kPath, 0, 0, false, &taxonomy_file}}},
      {"server",
       {{"listen", Kind::kAddress, 0, 0, false, &sv.listen},
        {"io_threads", Kind::kInteger, 1, 256, false, &sv.io_threads},
        {"max_header_bytes", Kind::kInteger, 1'024, 1 << 20, false, &sv.max_header_bytes},
        {"max_body_bytes", Kind::kInteger, 1'024, 1 << 30, false, &sv.max_body_bytes},
        {"request_timeout_ms", Kind::kInteger, 10, 3'600'000, false, &sv.request_timeout_ms},
        {"idle_timeout_ms", Kind::kInteger, 10, 3'600'000, false, &sv.idle_timeout_ms},
        {"max_connections", Kind::kInteger, 1, 1'000'000, false, &sv.max_connections},
        {"max_pipelined", Kind::kInteger, 1, 1'024, false, &sv.max_pipelined},
        {"max_wait_ms", Kind::kInteger, 0, 600'000, false, &sv.max_wait_ms},
        {"max_list_limit", Kind::kInteger, 1, 1'000, false, &sv.max_list_limit},
        {"tick_ms", Kind::kInteger, 10, 3'600'000, false, &sv.tick_ms},
        {"require_if_match", Kind::kBool, 0, 0, false, &sv.require_if_match},
        {"drain_timeout_ms", Kind::kInteger, 0, 3'600'000, false, &sv.drain_timeout_ms},
        {"shutdown_timeout_ms", Kind::kInteger, 100, 3'600'000, false, &sv.shutdown_timeout_ms},
        {"close_drain_bytes", Kind::kInteger, 0, 1 << 30, false, &sv.close_drain_bytes},
        {"close_drain_ms", Kind::kInteger, 0, 600'000, false, &sv.close_drain_ms},
        {"cors_origins", Kind::kOrigins, 0, 0, false, &sv.cors_origins},
        {"cors_max_age_s", Kind::kInteger, 0, 86'400, false, &sv.cors_max_age_s},
        {"metrics_token", Kind::kSecret, 0, 0, false, &sv.metrics_token}}},
      {"storage",
       {{"data_dir", Kind::kPath, 0, 0, false, &st.data_dir},
        {"max_batch", Kind::kInteger, 1, 1'000'000, false, &st.max_batch},
        {"decide_ahead", Kind::kInteger, 1, 1'000'000, false, &st.decide_ahead},
        {"snapshot_every_events", Kind::kInteger, 0, 1e12, false, &st.snapshot_every_events},
        {"retain_events", Kind::kInteger, 0, 1e12, false, &st.retain_events},
        {"snapshot_on_stop", Kind::kBool, 0, 0, false, &st.snapshot_on_stop},
        {"idempotency_retention_hours", Kind::kInteger, 1, 87'600, false,
         &st.idempotency_retention_hours}}},
      {"log",
       {{"level", Kind::kChoice, 0, 0, false, &lg.level, {"debug", "info", "warn", "error"}},
        {"access", Kind::kBool, 0, 0, false, &lg.access}}},
      {"rate_limits",
       {{"per_key_per_second", Kind::kNumber, 0, 1e6, false, &rl.per_key_per_second},
        {"per_key_burst", Kind::kInteger, 1, 1'000'000, false, &rl.per_key_burst},
        {"per_address_per_second", Kind::kNumber, 0, 1e6, false, &rl.per_address_per_second},
        {"per_address_burst", Kind::kInteger, 1, 1'000'000, false, &rl.per_address_burst},
        {"max_clients", Kind::kInteger, 1, 10'000'000, false, &rl.max_clients}}},
      {"analytics",
       {{"max_period_days", Kind::kInteger, 1, 36'600, false, &an.max_period_days},
        {"max_did_months", Kind::kInteger, 2, 1'200, false, &an.max_did_months}}},
      {"feed",
       {{"window_events", Kind::kInteger, 1, 1e9, false, &fd.window_events},
        {"window_bytes", Kind::kInteger, 1'024, 1e12, false, &fd.window_bytes},
        {"max_parked", Kind::kInteger, 0, 10'000'000, false, &fd.max_parked},
        {"max_parked_per_key", Kind::kInteger, 0, 10'000'000, false, &fd.max_parked_per_key},
        {"max_page_bytes", Kind::kInteger, 1'024, 1 << 30, false, &fd.max_page_bytes},
        {"max_scan", Kind::kInteger, 1, 10'000'000, false, &fd.max_scan},
        {"max_catch_up", Kind::kInteger, 1, 1'000'000, false, &fd.max_catch_up},
        {"retry_after_s", Kind::kInteger, 1, 3'600, false, &fd.retry_after_s},
        {"heartbeat_ms", Kind::kInteger, 10, 3'600'000, false, &fd.heartbeat_ms},
        {"linger_ms", Kind::kInteger, 0, 10'000, false, &fd.linger_ms},
        {"stream_buffer_bytes", Kind::kInteger, 1'024, 1 << 30, false,
         &fd.stream_buffer_bytes}}},
  };
}

std::string Expected(const Field& f) {
  std::string range = f.min_exclusive
                          ? absl::StrCat("greater than ", Number(f.min), " and at most ")
                          : absl::StrCat("between ", Number(f.min), " and ");
  absl::StrAppend(&range, Number(f.max));
  switch (f.kind) {
    case Kind::kNumber:
      return absl::StrCat("expected a number ", range);
    case Kind::kInteger:
      return absl::StrCat("expected an integer ", range);
    case Kind::kMoney:
      return absl::StrCat("expected an amount in RUB with at most 2 decimals, ", range);
    case Kind::kPath:
      break;
    case Kind::kBool:
      return "expected true or false";
    case Kind::kAddress:
      return "expected HOST:PORT, e.g. \"127.0.0.1:8080\" or \"[::1]:8080\"";
    case Kind::kOrigins:
      return "expected a list of origins \"scheme://host[:port]\" (http or https, no path), "
             "e.g. [\"https://portal.example\"]";
    case Kind::kSecret:
      return "expected a string of visible ASCII characters, no spaces";
    case Kind::kChoice: {
      std::vector<absl::string_view> choices;
      for (std::string_view c : f.choices) choices.push_back(Sv(c));
      return absl::StrCat("expected one of ", absl::StrJoin(choices, ", "));
    }
  }
  return "expected a non-empty string";
}

bool InRange(double v, const Field& f) {
  bool above_min = f.min_exclusive ? v > f.min : v >= f.min;
  return above_min && v <= f.max;  // False for NaN.
}

// Kopecks for a RUB amount, unless it has a third decimal. The tolerance only absorbs the binary
// representation of two-decimal values; a third decimal is at least 0.1 kopeck off.
std::optional<Kopecks> ToKopecks(double rub) {
  double kopecks = rub * 100;
  double rounded = std::round(kopecks);
  if (std::abs(kopecks - rounded) > 1e-3) return std::nullopt;
  return static_cast<Kopecks>(rounded);
}

bool IsText(Kind kind) {
  return kind == Kind::kPath || kind == Kind::kAddress || kind == Kind::kChoice ||
         kind == Kind::kSecret;
}

// "https://portal.example" or "http://localhost:3000": what a browser sends as Origin.
bool IsOrigin(std::string_view s) {
  const size_t scheme_end = s.find("://");
  if (scheme_end == std::string_view::npos) return false;
  const std::string_view scheme = s.substr(0, scheme_end);
  const std::string_view host = s.substr(scheme_end + 3);
  if ((scheme != "http" && scheme != "https") || host.empty()) return false;
  for (char c : host) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
                    c == ':' || c == '[' || c == ']';
    if (!ok) return false;  // No path, user, query, upper case or space.
  }
  return true;
}

bool IsVisibleAscii(std::string_view s) {
  for (char c : s) {
    if (c <= 0x20 || c >= 0x7f) return false;
  }
  return true;
}

bool ReadOrigins(const Field& f, const toml::node& node) {
  const toml::array* list = node.as_array();
  if (list == nullptr) return false;
  std::vector<std::string> origins;
  for (const toml::node& entry : *list) {
    const toml::value<std::string>* s = entry.as_string();
    if (s == nullptr || !IsOrigin(s->get())) return false;
    origins.push_back(s->get());
  }
  *std::get<std::vector<std::string>*>(f.out) = std::move(origins);
  return true;
}

// Stores `node` into the field when it is a value of the field's form; false otherwise.
bool ReadValue(const Field& f, const toml::node& node) {
  if (f.kind == Kind::kBool) {
    const toml::value<bool>* b = node.as_boolean();
    if (b == nullptr) return false;
    *std::get<bool*>(f.out) = b->get();
    return true;
  }
  if (f.kind == Kind::kOrigins) return ReadOrigins(f, node);
  if (f.kind == Kind::kSecret) {
    const toml::value<std::string>* s = node.as_string();
    if (s == nullptr || !IsVisibleAscii(s->get())) return false;
    *std::get<std::string*>(f.out) = s->get();
    return true;
  }
  if (IsText(f.kind)) {
    const toml::value<std::string>* s = node.as_string();
    if (s == nullptr || s->get().empty()) return false;
    if (f.kind == Kind::kAddress && !ParseListenAddress(s->get())) return false;
    if (f.kind == Kind::kChoice &&
        std::find(f.choices.begin(), f.choices.end(), s->get()) == f.choices.end()) {
      return false;
    }
    *std::get<std::string*>(f.out) = s->get();
    return true;
  }
  const toml::value<int64_t>* integer = node.as_integer();
  const toml::value<double>* real = node.as_floating_point();
  if (f.kind == Kind::kInteger) real = nullptr;
  if (integer == nullptr && real == nullptr) return false;
  double v = integer != nullptr ? static_cast<double>(integer->get()) : real->get();
  if (!InRange(v, f)) return false;
  switch (f.kind) {
    case Kind::kNumber:
      *std::get<double*>(f.out) = v;
      break;
    case Kind::kInteger:
      if (int32_t* const* out = std::get_if<int32_t*>(&f.out)) {
        **out = static_cast<int32_t>(integer->get());
      } else {
        *std::get<int64_t*>(f.out) = integer->get();
      }
      break;
    case Kind::kMoney: {
      std::optional<Kopecks> kopecks = ToKopecks(v);
      if (!kopecks) return false;
      *std::get<int64_t*>(f.out) = *kopecks;
      break;
    }
    default:
      break;
  }
  return true;
}

absl::Status ReadField(const Field& f, const toml::node& node, std::string_view section) {
  if (ReadValue(f, node)) return absl::OkStatus();
  return Invalid(node.source(), absl::StrCat(Sv(section), ".", Sv(f.key)),
                 absl::StrCat(Expected(f), ", got ", Describe(node)));
}

std::string KnownKeys(const Section& section) {
  std::vector<absl::string_view> known;
  for (const Field& f : section.fields) known.push_back(Sv(f.key));
  return absl::StrJoin(known, ", ");
}

absl::Status ReadSection(const Section& section, const toml::table& table) {
  for (auto&& [key, node] : table) {
    const Field* field = nullptr;
    for (const Field& f : section.fields) {
      if (f.key == key.str()) field = &f;
    }
    if (field == nullptr) {
      return Invalid(key.source(), absl::StrCat(Sv(section.name), ".", Sv(key.str())),
                     absl::StrCat("unknown key; expected one of ", KnownKeys(section)));
    }
    SUBEX_RETURN_IF_ERROR(ReadField(*field, node, section.name));
  }
  return absl::OkStatus();
}

// The section and field an override's "section.key" names, or an error naming its origin.
absl::StatusOr<std::pair<const Section*, const Field*>> FindSetting(
    const std::vector<Section>& sections, const Override& o) {
  const size_t dot = o.key.find('.');
  const std::string_view section_name =
      dot == std::string::npos ? std::string_view(o.key) : std::string_view(o.key).substr(0, dot);
  const std::string_view key =
      dot == std::string::npos ? std::string_view() : std::string_view(o.key).substr(dot + 1);
  for (const Section& s : sections) {
    if (s.name != section_name) continue;
    for (const Field& f : s.fields) {
      if (f.key == key) return std::make_pair(&s, &f);
    }
    return absl::InvalidArgumentError(absl::StrCat(o.origin, ": unknown setting ", o.key, "; [",
                                                   Sv(s.name), "] has ", KnownKeys(s)));
  }
  std::vector<absl::string_view> names;
  for (const Section& s : sections) names.push_back(Sv(s.name));
  return absl::InvalidArgumentError(absl::StrCat(o.origin, ": unknown setting ", o.key,
                                                 "; expected section.key with a section of ",
                                                 absl::StrJoin(names, ", ")));
}

// Applies one override: text settings take the value as written, the others read it as a TOML
// value (so `1_000`, `0.5` and `true` mean what they mean in the file).
absl::Status ApplyOverride(const std::vector<Section>& sections, const Override& o) {
  SUBEX_ASSIGN_OR_RETURN(auto setting, FindSetting(sections, o));
  const auto [section, field] = setting;
  auto fail = [&] {
    return absl::InvalidArgumentError(
        absl::StrCat(o.origin, ": ", o.key, ": ", Expected(*field), ", got \"", o.value, "\""));
  };
  if (IsText(field->kind)) {
    if (!ReadValue(*field, toml::value<std::string>(o.value))) return fail();
    return absl::OkStatus();
  }
  if (field->kind == Kind::kOrigins) {  // Comma-separated: "https://a.example,https://b.example".
    toml::array list;
    for (size_t start = 0; start < o.value.size();) {
      size_t end = o.value.find(',', start);
      if (end == std::string::npos) end = o.value.size();
      list.push_back(o.value.substr(start, end - start));
      start = end + 1;
    }
    if (!ReadValue(*field, list)) return fail();
    return absl::OkStatus();
  }
  if (o.value.find_first_of("\n\r#=") != std::string::npos) return fail();
  absl::StatusOr<toml::table> parsed = ParseToml(absl::StrCat("v = ", o.value), o.origin);
  if (!parsed.ok() || parsed->size() != 1 || parsed->get("v") == nullptr) return fail();
  if (!ReadValue(*field, *parsed->get("v"))) return fail();
  return absl::OkStatus();
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

absl::StatusOr<Taxonomy> BuildTaxonomy(std::string_view text, const std::string& source_name) {
  SUBEX_ASSIGN_OR_RETURN(std::vector<ProcessSpec> specs, ParseTaxonomy(text, source_name));
  absl::StatusOr<Taxonomy> taxonomy = Taxonomy::Create(std::move(specs));
  if (!taxonomy.ok()) {
    return absl::Status(taxonomy.status().code(),
                        absl::StrCat(source_name, ": ", taxonomy.status().message()));
  }
  return taxonomy;
}

// --- processes.toml ---------------------------------------------------------------------------

constexpr absl::string_view kUnits[] = {"machine_hour", "kg", "piece", "m2"};
constexpr double kMaxTariff = 1'000;  // RUB per unit per km.

absl::StatusOr<std::string> ReadUnit(const toml::node& node, std::string_view subject) {
  const toml::value<std::string>* unit = node.as_string();
  for (absl::string_view known : kUnits) {
    if (unit != nullptr && unit->get() == known) return unit->get();
  }
  return Invalid(
      node.source(), subject,
      absl::StrCat("expected one of ", absl::StrJoin(kUnits, ", "), ", got ", Describe(node)));
}

absl::StatusOr<double> ReadTariff(const toml::node& node, std::string_view subject) {
  std::optional<double> tariff = node.value<double>();  // An integer converts too.
  if (tariff && *tariff >= 0 && *tariff <= kMaxTariff) return *tariff;
  return Invalid(node.source(), subject,
                 absl::StrCat("expected RUB per unit per km, a number between 0 and ",
                              Number(kMaxTariff), ", got ", Describe(node)));
}

absl::StatusOr<ProcessSpec> ParseProcess(const toml::table& table, size_t index) {
  ProcessSpec spec;
  const toml::node* code = table.get("code");
  if (code == nullptr || code->as_string() == nullptr || code->as_string()->get().empty()) {
    return Invalid(code != nullptr ? code->source() : table.source(),
                   absl::StrCat("process #", index + 1, ": code"),
                   absl::StrCat("expected a dotted code such as \"machining.milling\", got ",
                                code != nullptr ? Describe(*code) : "nothing"));
  }
  spec.code = code->as_string()->get();
  const bool branch = spec.code.find('.') == std::string::npos;
  auto subject = [&](std::string_view key) {
    return absl::StrCat("process '", spec.code, "': ", Sv(key));
  };
  for (auto&& [key, node] : table) {
    std::string_view k = key.str();
    if (k == "code") continue;
    if (k == "name") {
      if (node.as_string() == nullptr || node.as_string()->get().empty()) {
        return Invalid(node.source(), subject(k),
                       absl::StrCat("expected a non-empty string, got ", Describe(node)));
      }
      spec.name = node.as_string()->get();
    } else if (k == "unit" || k == "tariff") {
      if (!branch) {
        return Invalid(key.source(), subject(k),
                       "only a top-level branch has one; the nodes below it inherit it");
      }
      if (k == "unit") {
        SUBEX_ASSIGN_OR_RETURN(spec.unit, ReadUnit(node, subject(k)));
      } else {
        SUBEX_ASSIGN_OR_RETURN(spec.tariff_rub_per_unit_km, ReadTariff(node, subject(k)));
      }
    } else {
      return Invalid(key.source(), subject(k),
                     "unknown key; expected one of code, name, unit, tariff");
    }
  }
  if (spec.name.empty()) return Invalid(table.source(), subject("name"), "missing");
  if (branch && spec.unit.empty()) {
    return Invalid(table.source(), subject("unit"), "missing; a top-level branch needs a unit");
  }
  if (branch && spec.tariff_rub_per_unit_km < 0) {
    return Invalid(table.source(), subject("tariff"), "missing; a top-level branch needs a tariff");
  }
  return spec;
}

}  // namespace

std::vector<std::string> SettingNames() {
  Config config;
  std::string taxonomy_file;
  std::vector<std::string> names;
  for (const Section& s : Sections(config, taxonomy_file)) {
    for (const Field& f : s.fields) names.push_back(absl::StrCat(Sv(s.name), ".", Sv(f.key)));
  }
  return names;
}

std::string EnvironmentVariable(std::string_view key) {
  std::string name = absl::StrCat("SUBEX_", Upper(key));
  std::replace(name.begin(), name.end(), '.', '_');
  return name;
}

absl::StatusOr<std::vector<Override>> OverridesFromEnvironment(const char* const* env) {
  Config config;
  std::string taxonomy_file;
  const std::vector<Section> sections = Sections(config, taxonomy_file);
  std::vector<Override> overrides;
  for (; env != nullptr && *env != nullptr; ++env) {
    const std::string_view entry = *env;
    const size_t equals = entry.find('=');
    if (equals == std::string_view::npos) continue;
    const std::string_view name = entry.substr(0, equals);
    for (const Section& s : sections) {
      const std::string prefix = absl::StrCat("SUBEX_", Upper(s.name), "_");
      if (name.size() <= prefix.size() || name.substr(0, prefix.size()) != prefix) continue;
      Override o{absl::StrCat(Sv(s.name), ".", Lower(name.substr(prefix.size()))),
                 std::string(entry.substr(equals + 1)), absl::StrCat("$", Sv(name))};
      // The name must be exactly the setting's: SUBEX_SERVER_io_threads is not.
      if (EnvironmentVariable(o.key) != name) {
        return absl::InvalidArgumentError(absl::StrCat(o.origin, ": not a setting; [", Sv(s.name),
                                                       "] has ", KnownKeys(s), ", each as SUBEX_",
                                                       Upper(s.name), "_<KEY> in capitals"));
      }
      SUBEX_RETURN_IF_ERROR(FindSetting(sections, o).status());
      overrides.push_back(std::move(o));
      break;
    }
  }
  return overrides;
}

std::optional<std::pair<std::string, uint16_t>> ParseListenAddress(std::string_view listen) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  std::string host(listen.substr(0, colon));
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string::npos) {
    return std::nullopt;  // An IPv6 host needs its brackets.
  }
  const std::string_view port = listen.substr(colon + 1);
  if (port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  int p = 0;
  for (char c : port) p = p * 10 + (c - '0');
  if (p > 65535) return std::nullopt;
  return std::make_pair(std::move(host), static_cast<uint16_t>(p));
}

std::string DefaultConfigPath() {
  const char* env = std::getenv(kConfigEnvVar);
  if (env != nullptr && env[0] != '\0') return env;
  return kDefaultConfigPath;
}

absl::StatusOr<Config> LoadConfig(const std::string& path, std::span<const Override> overrides) {
  SUBEX_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  return ParseConfig(text, std::filesystem::path(path).parent_path().string(), path, overrides);
}

namespace {

// ParseConfig, or with `built_in_taxonomy` BuiltInConfig: the taxonomy is the embedded one
// unless an override names a file.
absl::StatusOr<Config> ReadConfigText(std::string_view toml_text, const std::string& base_dir,
                                      std::string_view source_name,
                                      std::span<const Override> overrides, bool built_in_taxonomy) {
  SUBEX_ASSIGN_OR_RETURN(toml::table root, ParseToml(toml_text, source_name));
  Config config;
  std::string taxonomy_file = "processes.toml";
  const std::vector<Section> sections = Sections(config, taxonomy_file);
  for (auto&& [name, node] : root) {
    const Section* section = nullptr;
    for (const Section& s : sections) {
      if (s.name == name.str()) section = &s;
    }
    if (section == nullptr) {
      std::vector<absl::string_view> known;
      for (const Section& s : sections) known.push_back(Sv(s.name));
      return Invalid(name.source(), name.str(),
                     absl::StrCat("unknown section; expected one of ", absl::StrJoin(known, ", ")));
    }
    const toml::table* table = node.as_table();
    if (table == nullptr) {
      return Invalid(node.source(), name.str(),
                     absl::StrCat("expected a section, got ", Describe(node)));
    }
    SUBEX_RETURN_IF_ERROR(ReadSection(*section, *table));
  }
  const Override* taxonomy_override = nullptr;
  for (const Override& o : overrides) {
    SUBEX_RETURN_IF_ERROR(ApplyOverride(sections, o));
    if (o.key == "taxonomy.file") taxonomy_override = &o;
  }
  if (built_in_taxonomy && taxonomy_override == nullptr) {
    config.taxonomy_path = kBuiltInTaxonomy;
    SUBEX_ASSIGN_OR_RETURN(config.taxonomy,
                           BuildTaxonomy(BuiltInTaxonomyText(), "processes.toml (built in)"));
    return config;
  }

  std::filesystem::path path(taxonomy_file);
  if (path.is_relative() && !base_dir.empty() && taxonomy_override == nullptr) {
    path = std::filesystem::path(base_dir) / path;
  }
  config.taxonomy_path = path.lexically_normal().string();
  absl::StatusOr<std::string> text = ReadFile(config.taxonomy_path);
  if (!text.ok()) {
    const toml::node* file = root.at_path("taxonomy.file").node();
    std::string where = taxonomy_override != nullptr ? absl::StrCat(taxonomy_override->origin, ": ")
                        : file != nullptr            ? Where(file->source())
                                                     : absl::StrCat(Sv(source_name), ": ");
    return absl::Status(text.status().code(),
                        absl::StrCat(where, "taxonomy.file: ", text.status().message()));
  }
  SUBEX_ASSIGN_OR_RETURN(config.taxonomy, BuildTaxonomy(*text, config.taxonomy_path));
  return config;
}

}  // namespace

absl::StatusOr<Config> ParseConfig(std::string_view toml_text, const std::string& base_dir,
                                   std::string_view source_name,
                                   std::span<const Override> overrides) {
  return ReadConfigText(toml_text, base_dir, source_name, overrides, false);
}

absl::StatusOr<Config> BuiltInConfig(std::span<const Override> overrides) {
  return ReadConfigText("", "", "built-in defaults", overrides, true);
}

absl::StatusOr<std::vector<ProcessSpec>> ParseTaxonomy(std::string_view toml_text,
                                                       std::string_view source_name) {
  SUBEX_ASSIGN_OR_RETURN(toml::table root, ParseToml(toml_text, source_name));
  for (auto&& [key, node] : root) {
    if (key.str() != "process") {
      return Invalid(key.source(), key.str(), "unknown key; expected [[process]] tables");
    }
  }
  const toml::array* list = root["process"].as_array();
  if (list == nullptr || list->empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(Sv(source_name), ": process: expected [[process]] tables"));
  }
  std::vector<ProcessSpec> specs;
  specs.reserve(list->size());
  absl::flat_hash_map<std::string, uint32_t> first_line;  // Code → line it was defined on.
  for (size_t i = 0; i < list->size(); ++i) {
    const toml::node& entry = *list->get(i);
    const toml::table* table = entry.as_table();
    if (table == nullptr) {
      return Invalid(entry.source(), absl::StrCat("process #", i + 1),
                     absl::StrCat("expected a table, got ", Describe(entry)));
    }
    SUBEX_ASSIGN_OR_RETURN(ProcessSpec spec, ParseProcess(*table, i));
    const toml::source_region& code = table->get("code")->source();
    auto [it, inserted] = first_line.emplace(spec.code, code.begin.line);
    if (!inserted) {
      return Invalid(code, absl::StrCat("process '", spec.code, "': code"),
                     absl::StrCat("repeats the process defined on line ", it->second));
    }
    specs.push_back(std::move(spec));
  }
  return specs;
}

absl::StatusOr<Taxonomy> LoadTaxonomy(const std::string& path) {
  SUBEX_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  return BuildTaxonomy(text, path);
}

}  // namespace subex
