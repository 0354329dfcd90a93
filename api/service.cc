#include "api/service.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "api/crypto.h"
#include "api/json_writer.h"
#include "api/openapi.h"
#include "telemetry/log.h"

namespace subex {
namespace {

constexpr std::string_view kJson = "application/json; charset=utf-8";
constexpr std::string_view kProblemJson = "application/problem+json";
constexpr std::string_view kPrometheusText = "text/plain; version=0.0.4; charset=utf-8";
constexpr size_t kMaxIdempotencyKey = 255;
// Objects a /metrics census counts per engine read: about half a millisecond of the engine
// thread's time at a time.
constexpr size_t kCensusSlice = 32'768;

int64_t MonotonicMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Abseil's string functions here take absl::string_view, which is not std::string_view in the
// Debian build; these few are written out.
std::vector<std::string_view> SplitOn(std::string_view text, char sep, size_t max_parts = 0) {
  std::vector<std::string_view> out;
  for (;;) {
    const size_t at = text.find(sep);
    if (at == std::string_view::npos || (max_parts != 0 && out.size() + 1 == max_parts)) {
      out.push_back(text);
      return out;
    }
    out.push_back(text.substr(0, at));
    text = text.substr(at + 1);
  }
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Splits "/v1/offers/f_x" into {"v1", "offers", "f_x"}; nullopt for an empty segment.
std::optional<std::vector<std::string_view>> Segments(std::string_view path) {
  if (path.empty() || path[0] != '/') return std::nullopt;
  std::vector<std::string_view> out = SplitOn(path.substr(1), '/');
  for (std::string_view s : out) {
    if (s.empty()) return std::nullopt;
  }
  return out;
}

// Whether `path` fits `pattern`; the {…} segments go to `params`.
bool Matches(const std::vector<std::string_view>& path, std::string_view pattern,
             std::vector<std::string>& params) {
  std::optional<std::vector<std::string_view>> want = Segments(pattern);
  if (!want || want->size() != path.size()) return false;
  params.clear();
  for (size_t i = 0; i < path.size(); ++i) {
    if ((*want)[i].front() == '{') {
      params.emplace_back(path[i]);
    } else if ((*want)[i] != path[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string ListBody(std::string_view items_json_array, std::string_view next) {
  JsonWriter w;
  w.BeginObject().KeyRaw("items", items_json_array);
  if (next.empty()) {
    w.KeyNull("next");
  } else {
    w.KeyString("next", next);
  }
  w.EndObject();
  return std::move(w).Take();
}

const std::vector<Service::Route>& Service::Routes() {
  using A = Access;
  static const std::vector<Route> routes = {
      {"GET", "/healthz", A::kPublic, &Service::Healthz},
      {"GET", "/readyz", A::kPublic, &Service::Readyz},
      {"GET", "/metrics", A::kPublic, &Service::Metrics},
      {"GET", "/v1/openapi.json", A::kPublic, &Service::GetOpenApi},
      {"POST", "/v1/members", A::kAdmin, &Service::CreateMember},
      {"GET", "/v1/members", A::kAnyKey, &Service::ListMembers},
      {"GET", "/v1/members/{id}", A::kAnyKey, &Service::GetMember},
      {"PATCH", "/v1/members/{id}", A::kAnyKey, &Service::PatchMember},
      {"PUT", "/v1/members/{id}/blocks/{other}", A::kMember, &Service::PutBlock},
      {"DELETE", "/v1/members/{id}/blocks/{other}", A::kMember, &Service::DeleteBlock},
      {"PUT", "/v1/members/{id}/suspension", A::kAdmin, &Service::PutSuspension},
      {"DELETE", "/v1/members/{id}/suspension", A::kAdmin, &Service::DeleteSuspension},
      {"POST", "/v1/clusters", A::kAdmin, &Service::CreateCluster},
      {"GET", "/v1/clusters", A::kAnyKey, &Service::ListClusters},
      {"GET", "/v1/clusters/{id}", A::kAnyKey, &Service::GetCluster},
      {"PUT", "/v1/clusters/{id}/members/{member}", A::kAdmin, &Service::PutClusterMember},
      {"DELETE", "/v1/clusters/{id}/members/{member}", A::kAdmin, &Service::DeleteClusterMember},
      {"GET", "/v1/processes", A::kAnyKey, &Service::ListProcesses},
      {"POST", "/v1/offers", A::kMember, &Service::PostOffer},
      {"GET", "/v1/offers", A::kAnyKey, &Service::ListOffers},
      {"GET", "/v1/offers/{id}", A::kAnyKey, &Service::GetOffer},
      {"DELETE", "/v1/offers/{id}", A::kMember, &Service::WithdrawOffer},
      {"POST", "/v1/orders", A::kMember, &Service::PlaceOrder},
      {"GET", "/v1/orders", A::kAnyKey, &Service::ListOrders},
      {"GET", "/v1/orders/{id}", A::kAnyKey, &Service::GetOrder},
      {"POST", "/v1/orders/{id}/cancel", A::kMember, &Service::CancelOrder},
      {"GET", "/v1/contracts", A::kAnyKey, &Service::ListContracts},
      {"POST", "/v1/orders/{id}/bids", A::kMember, &Service::PlaceBid},
      {"GET", "/v1/orders/{id}/bids", A::kAnyKey, &Service::ListBids},
      {"GET", "/v1/orders/{id}/bids/{bid}", A::kAnyKey, &Service::GetBid},
      {"DELETE", "/v1/orders/{id}/bids/{bid}", A::kMember, &Service::WithdrawBid},
      {"POST", "/v1/orders/{id}/award", A::kMember, &Service::AwardBids},
      {"GET", "/v1/contracts/{id}", A::kAnyKey, &Service::GetContract},
      {"POST", "/v1/contracts/{id}/confirm", A::kMember, &Service::ContractConfirm},
      {"POST", "/v1/contracts/{id}/decline", A::kMember, &Service::ContractDecline},
      {"POST", "/v1/contracts/{id}/deliver", A::kMember, &Service::ContractDeliver},
      {"POST", "/v1/contracts/{id}/accept", A::kMember, &Service::ContractAccept},
      {"POST", "/v1/contracts/{id}/dispute", A::kMember, &Service::ContractDispute},
      {"POST", "/v1/contracts/{id}/cancel", A::kMember, &Service::ContractCancel},
      {"GET", "/v1/events", A::kAnyKey, &Service::GetEvents},
      {"GET", "/v1/events/stream", A::kAnyKey, &Service::StreamEvents},
      {"GET", "/v1/state", A::kAdmin, &Service::GetState},
      {"POST", "/v1/keys", A::kAdmin, &Service::IssueKey},
      {"GET", "/v1/keys", A::kAdmin, &Service::ListKeys},
      {"GET", "/v1/keys/{id}", A::kAdmin, &Service::GetKey},
      {"DELETE", "/v1/keys/{id}", A::kAnyKey, &Service::RevokeKey},
      {"PUT", "/v1/members/{id}/platforms/{platform}", A::kMember, &Service::PutPlatform},
      {"DELETE", "/v1/members/{id}/platforms/{platform}", A::kMember, &Service::DeletePlatform},
      {"GET", "/v1/clusters/{id}/stats", A::kAnalytics, &Service::GetClusterStats},
      {"POST", "/v1/analytics/did", A::kAnalyst, &Service::DifferenceInDifferences},
      {"GET", "/v1/analytics/fairness", A::kAnalyst, &Service::GetFairness},
  };
  return routes;
}

Service::Service(EngineDoor& engine, KeyRing& keys, Feed& feed, Analytics& analytics,
                 std::shared_ptr<const Taxonomy> taxonomy, Options options)
    : engine_(engine),
      keys_(keys),
      feed_(feed),
      analytics_(analytics),
      taxonomy_(std::move(taxonomy)),
      options_(std::move(options)),
      request_metrics_(Routes().size()),
      per_key_(options_.per_key),
      per_address_(options_.per_address) {}

HttpResponse Service::ToResponse(const Answer& a) {
  HttpResponse r;
  r.status = a.status;
  r.content_type = std::string(a.problem ? kProblemJson : kJson);
  r.body = a.body;
  if (!a.location.empty()) r.headers.emplace_back("Location", a.location);
  if (a.revision > 0) r.headers.emplace_back("ETag", absl::StrCat("\"", a.revision, "\""));
  return r;
}

Service::Answer Service::ProblemAnswer(const Problem& p) {
  return Answer{.status = static_cast<unsigned>(p.status),
                .body = RenderProblem(p),
                .location = {},
                .revision = 0,
                .problem = true};
}

void Service::Fail(Call& call, const Problem& problem) {
  HttpResponse r = ToResponse(ProblemAnswer(problem));
  if (problem.status == 401) r.headers.emplace_back("WWW-Authenticate", "Bearer");
  call.respond(std::move(r));
}

void Service::Handle(HttpRequest request, Respond respond) {
  const int64_t start_us = MonotonicMicros();
  auto [path, query] = SplitTarget(request.target);
  Call call{.request = {}, .respond = {}, .caller = {}, .params = {}, .query = {}};
  std::optional<std::vector<std::string_view>> segments = Segments(path);
  const std::vector<Route>& routes = Routes();
  const Route* route = nullptr;
  std::vector<std::string> allowed;
  if (segments) {
    for (const Route& r : routes) {
      if (!Matches(*segments, r.pattern, call.params)) continue;
      if (r.method == request.method) {
        route = &r;
        break;
      }
      allowed.emplace_back(r.method);
    }
  }
  call.respond =
      Measured(route != nullptr ? static_cast<size_t>(route - routes.data()) : routes.size(),
               start_us, request.method, path, request.remote, std::move(respond));
  // The operations routes are never limited; everything under /v1 is, matched or not.
  const bool limited = path.substr(0, 4) == "/v1/";
  if (limited && per_address_.enabled()) {
    if (std::optional<int64_t> wait = per_address_.Admit(request.remote, start_us)) {
      rate_limited_.Add(1);
      return TooMany(call, *wait, "this client address");
    }
  }
  if (route == nullptr && request.method == "OPTIONS" && !allowed.empty() &&
      !options_.cors_origins.empty() && !request.origin.empty()) {
    return Preflight(call, request.origin, allowed);
  }
  if (route == nullptr) {
    if (allowed.empty()) return Fail(call, NotFound("no such resource"));
    HttpResponse r = ToResponse(ProblemAnswer(MethodNotAllowed(absl::StrCat(
        request.method, " is not allowed here; allowed: ", absl::StrJoin(allowed, ", ")))));
    r.headers.emplace_back("Allow", absl::StrJoin(allowed, ", "));
    return call.respond(std::move(r));
  }
  // The route matched with a temporary params list; match again to keep them.
  Matches(*segments, route->pattern, call.params);

  if (route->access != Access::kPublic) {
    absl::StatusOr<Caller> caller =
        keys_.Authenticate(request.authorization, request.on_behalf_of);
    if (!caller.ok()) {
      if (absl::IsPermissionDenied(caller.status())) {
        return Fail(call, Forbidden(std::string(caller.status().message())));
      }
      return Fail(call, Unauthorized(request.authorization.empty()
                                         ? "send an API key as Authorization: Bearer <key>"
                                         : "the API key is not valid"));
    }
    // Only a valid key has a bucket: made-up keys cannot crowd the real ones out.
    if (limited && per_key_.enabled()) {
      if (std::optional<int64_t> wait = per_key_.Admit(request.authorization, start_us)) {
        rate_limited_.Add(0);
        return TooMany(call, *wait, "this API key");
      }
    }
    if (std::optional<Problem> p = CheckAccess(route->access, *caller)) return Fail(call, *p);
    call.caller = *caller;
  }
  call.request = std::move(request);
  if (!call.request.body.empty()) {
    if (std::optional<Problem> p = RequireJson(call)) return Fail(call, *p);
  }
  call.query = SplitTarget(call.request.target).second;
  (this->*(route->handler))(call);
}

Respond Service::Measured(size_t route, int64_t start_us, std::string_view method,
                          std::string_view path, const std::string& remote, Respond respond) {
  struct Access {
    std::string method, path, remote;
  };
  std::shared_ptr<const Access> access;
  if (options_.access_log && LogEnabled(LogLevel::kInfo)) {
    access = std::make_shared<const Access>(Access{std::string(method), std::string(path), remote});
  }
  return [this, route, access, start_us, respond = std::move(respond)](HttpResponse r) {
    const int64_t elapsed_us = std::max<int64_t>(0, MonotonicMicros() - start_us);
    request_metrics_.Record(route, r.status, static_cast<uint64_t>(elapsed_us));
    if (access != nullptr) {
      const std::vector<Route>& routes = Routes();
      Log(LogLevel::kInfo, "request",
          {{"method", access->method},
           {"path", access->path},
           {"route", route < routes.size() ? routes[route].pattern : std::string_view()},
           {"status", r.status},
           {"ms", static_cast<double>(elapsed_us) / 1000},
           {"bytes", static_cast<uint64_t>(r.body.size())},
           {"remote", access->remote}});
    }
    respond(std::move(r));
  };
}

void Service::Preflight(Call& call, const std::string& origin,
                        const std::vector<std::string>& methods) {
  const std::vector<std::string>& allowed = options_.cors_origins;
  if (std::find(allowed.begin(), allowed.end(), origin) == allowed.end()) {
    return Fail(call, Forbidden(absl::StrCat("the origin ", origin,
                                             " may not call this API: it is not among "
                                             "server.cors_origins")));
  }
  call.respond(
      {.status = 204,
       .content_type = {},
       .body = {},
       .headers = {{"Access-Control-Allow-Methods", absl::StrJoin(methods, ", ")},
                   {"Access-Control-Allow-Headers",
                    "Authorization, Content-Type, If-Match, Idempotency-Key, X-On-Behalf-Of, "
                    "Last-Event-ID"},
                   {"Access-Control-Max-Age", absl::StrCat(options_.cors_max_age_s)}}});
}

void Service::TooMany(Call& call, int64_t wait_us, std::string_view whose) {
  const int64_t seconds = std::max<int64_t>(1, (wait_us + 999'999) / 1'000'000);
  HttpResponse r = ToResponse(ProblemAnswer(
      TooManyRequests(absl::StrCat("too many requests from ", std::string(whose), "; retry in ",
                                   seconds, seconds == 1 ? " second" : " seconds"))));
  r.headers.emplace_back("Retry-After", absl::StrCat(seconds));
  call.respond(std::move(r));
}

std::optional<Problem> Service::CheckAccess(Access access, const Caller& caller) {
  using K = Caller::Kind;
  switch (access) {
    case Access::kPublic:
      return std::nullopt;
    case Access::kAdmin:
      if (caller.admin()) return std::nullopt;
      return Forbidden("only the operator's admin key may do this");
    case Access::kMember:
      if (caller.kind == K::kMember) return std::nullopt;
      if (caller.kind == K::kPlatform) {
        return Forbidden("a platform acts for a member: name it in X-On-Behalf-Of");
      }
      return Forbidden("only a member's key, or a platform acting for a member, may do this");
    case Access::kAnyKey:
      if (caller.kind != K::kAnalyst) return std::nullopt;
      return Forbidden("an analyst key reads analytics only");
    case Access::kAnalyst:
      if (caller.admin() || caller.kind == K::kAnalyst) return std::nullopt;
      return Forbidden("only analyst keys and the operator's admin key read this");
    case Access::kAnalytics:
      if (caller.kind != K::kPlatform) return std::nullopt;
      return Forbidden("a platform reads a member's statistics for it: name it in X-On-Behalf-Of");
  }
  return Forbidden("not allowed");
}

std::optional<Problem> Service::RequireJson(const Call& call) const {
  std::vector<std::string_view> parts = SplitOn(call.request.content_type, ';');
  const std::string media = Lower(Trim(parts[0]));
  bool ok = media == "application/json";
  for (size_t i = 1; ok && i < parts.size(); ++i) {
    const std::string param = Lower(Trim(parts[i]));
    if (param.rfind("charset=", 0) == 0) {
      ok = param == "charset=utf-8" || param == "charset=\"utf-8\"";
    }
  }
  if (ok) return std::nullopt;
  return UnsupportedMediaType("send the body as Content-Type: application/json; charset=utf-8");
}

std::optional<Problem> Service::IfMatch(const Call& call, std::optional<int64_t>& revision) const {
  revision.reset();
  if (!call.request.has_if_match) {
    if (options_.require_if_match) {
      return PreconditionRequired(
          "send If-Match with the object's revision (its ETag) to change it");
    }
    return std::nullopt;
  }
  std::string_view v = Trim(call.request.if_match);
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  int64_t n = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || end != v.data() + v.size() || n < 1) {
    return PreconditionFailed("If-Match must be a revision as the ETag gives it, e.g. \"3\"");
  }
  revision = n;
  return std::nullopt;
}

template <class IdT>
std::optional<Service::Page> Service::ReadPage(QueryParams& q) const {
  Page page;
  std::optional<int64_t> limit = q.Integer("limit", 1, options_.max_list_limit, 100);
  if (limit) page.limit = static_cast<size_t>(*limit);
  if (const std::string* cursor = q.Find("cursor")) {
    std::optional<IdT> after = ParsePublicId<IdT>(*cursor);
    if (!after) {
      q.Add("cursor", "is not a cursor this list gave");
    } else {
      page.start = after->value + 1;
    }
  }
  if (!q.ok()) return std::nullopt;
  return page;
}

template std::optional<Service::Page> Service::ReadPage<MemberId>(QueryParams&) const;
template std::optional<Service::Page> Service::ReadPage<ClusterId>(QueryParams&) const;
template std::optional<Service::Page> Service::ReadPage<OfferId>(QueryParams&) const;
template std::optional<Service::Page> Service::ReadPage<OrderId>(QueryParams&) const;
template std::optional<Service::Page> Service::ReadPage<ContractId>(QueryParams&) const;
template std::optional<Service::Page> Service::ReadPage<KeyId>(QueryParams&) const;

std::optional<Problem> Service::ReadIdempotency(const Call& call,
                                                EngineDoor::Idempotency& idempotency) {
  using Scope = EngineDoor::Idempotency::Scope;
  const std::string& k = call.request.idempotency_key;
  bool printable = !k.empty() && k.size() <= kMaxIdempotencyKey;
  for (char c : k) printable &= c > 0x20 && c < 0x7f;
  if (!printable) {
    return BadRequest("Idempotency-Key must be 1 to 255 visible ASCII characters",
                      {{"Idempotency-Key", "must be 1 to 255 visible ASCII characters"}});
  }
  const Caller& c = call.caller;
  idempotency = {.key = k,
                 .scope = c.admin()           ? Scope::kOperator
                          : c.member.valid() ? Scope::kMember
                                             : Scope::kPlatform,
                 .party = c.admin() ? MemberId{} : c.member.valid() ? c.member : c.platform,
                 .fingerprint = Sha256Hex(absl::StrCat(call.request.method, " ",
                                                       call.request.target, "\n",
                                                       call.request.body))};
  return std::nullopt;
}

HttpResponse Service::ToResponse(EngineDoor::Outcome outcome) {
  using Kind = EngineDoor::Outcome::Kind;
  switch (outcome.kind) {
    case Kind::kAnswered:
      return ToResponse(outcome.answer);
    case Kind::kReplayed: {
      HttpResponse out = ToResponse(outcome.answer);
      out.headers.emplace_back("Idempotent-Replayed", "true");
      return out;
    }
    case Kind::kKeyReused:
      return ToResponse(ProblemAnswer(
          Unprocessable({{"Idempotency-Key", "was already used for a different request"}},
                        "this Idempotency-Key was already used with another method, path or "
                        "body")));
    case Kind::kUnreadable:
      return ToResponse(ProblemAnswer(Internal("a stored answer cannot be read")));
    case Kind::kUnavailable:
      break;
  }
  HttpResponse out = ToResponse(ProblemAnswer(Unavailable(outcome.error)));
  out.headers.emplace_back("Retry-After", "5");
  return out;
}

void Service::Mutate(Call& call, Command command, View view, Hidden hidden) {
  EngineDoor::Submission submission{.command = std::move(command),
                                    .now = options_.clock(),
                                    .idempotency = {},
                                    .render = {},
                                    .reply = {}};
  if (call.request.has_idempotency_key) {
    if (std::optional<Problem> p = ReadIdempotency(call, submission.idempotency)) {
      return Fail(call, *p);
    }
  }
  submission.render = [view = std::move(view), hidden = std::move(hidden)](
                          const EngineDoor::Decision& d, const State& s) -> Answer {
    if (d.rejection == nullptr) return view(d, s);
    std::optional<Answer> missing = hidden ? hidden(s) : std::nullopt;
    return missing ? *std::move(missing) : ProblemAnswer(FromRejection(*d.rejection));
  };
  submission.reply = [respond = call.respond](EngineDoor::Outcome outcome) {
    respond(ToResponse(std::move(outcome)));
  };
  engine_.Submit(std::move(submission));
}

void Service::Read(Call& call, std::function<Answer(const State&)> read) {
  auto answer = std::make_shared<Answer>();
  engine_.Read([answer, read = std::move(read)](const State& s) { *answer = read(s); },
               [answer, respond = call.respond](absl::Status status) {
                 if (!status.ok()) {
                   return respond(
                       ToResponse(ProblemAnswer(Unavailable(std::string(status.message())))));
                 }
                 respond(ToResponse(*answer));
               });
}

void Service::Healthz(Call& call) {
  call.respond({.status = 200, .content_type = std::string(kJson), .body = R"({"status":"ok"})",
                .headers = {}});
}

void Service::Readyz(Call& call) {
  if (!ready_.load()) return Fail(call, Unavailable("recovering the journal; not ready yet"));
  if (engine_.failed()) {
    return Fail(call, Unavailable("the journal cannot write; nothing more is acknowledged"));
  }
  call.respond({.status = 200, .content_type = std::string(kJson),
                .body = R"({"status":"ready"})", .headers = {}});
}

void Service::GetState(Call& call) {
  QueryParams q;
  if (auto p = q.Parse(call.query, {})) return Fail(call, *p);
  Read(call, [](const State& s) {
    JsonWriter w;
    w.BeginObject();
    w.KeyInt("seq", static_cast<int64_t>(s.last_seq()));
    w.KeyString("hash", absl::StrCat(absl::Hex(s.Fingerprint(), absl::kZeroPad16)));
    w.KeyInt("members", static_cast<int64_t>(s.members().size()));
    w.KeyInt("clusters", static_cast<int64_t>(s.clusters().size()));
    w.KeyInt("offers", static_cast<int64_t>(s.offers().size()));
    w.KeyInt("orders", static_cast<int64_t>(s.orders().size()));
    w.KeyInt("contracts", static_cast<int64_t>(s.contracts().size()));
    w.EndObject();
    return Answer{.status = 200, .body = w.str(), .location = {}};
  });
}

void Service::GetOpenApi(Call& call) {
  call.respond({.status = 200, .content_type = std::string(kJson),
                .body = std::string(OpenApiDocument()), .headers = {}});
}

// What needs no engine state is written here, on the I/O thread; the counts of the state's
// objects are read on the engine thread, a slice at a time, and appended when they are all in.
void Service::TakeCensus(std::shared_ptr<StateCensus> census, std::function<void(bool)> done) {
  auto finished = std::make_shared<bool>(false);
  engine_.Read([census, finished](const State& s) { *finished = census->Advance(s, kCensusSlice); },
               [this, census, finished, done](absl::Status status) {
                 if (!status.ok()) return done(false);
                 if (*finished) return done(true);
                 TakeCensus(census, done);  // The next slice, behind what has queued meanwhile.
               });
}

void Service::Metrics(Call& call) {
  if (!options_.metrics_token.empty()) {
    const std::string& auth = call.request.authorization;
    constexpr std::string_view kBearer = "Bearer ";
    const bool bearer =
        auth.size() > kBearer.size() && auth.compare(0, kBearer.size(), kBearer) == 0;
    // The hashes are compared, so the time taken tells nothing of the token, its length included.
    if (!bearer || !ConstantTimeEquals(Sha256Hex(auth.substr(kBearer.size())),
                                       Sha256Hex(options_.metrics_token))) {
      return Fail(call, Unauthorized(auth.empty()
                                         ? "send the metrics token as Authorization: Bearer <token>"
                                         : "the metrics token is not valid"));
    }
  }
  MetricsText out;
  request_metrics_.Write(out, [](size_t i) {
    return RequestMetrics::RouteLabel{Routes()[i].method, Routes()[i].pattern};
  });
  out.Family("subex_http_rate_limited_total", "counter",
             "Requests answered 429 by a rate limit, by the limit (key or address).");
  out.Sample("subex_http_rate_limited_total", {{"limit", "key"}}, rate_limited_.Value(0));
  out.Sample("subex_http_rate_limited_total", {{"limit", "address"}}, rate_limited_.Value(1));
  out.Family("subex_ready", "gauge", "1 when the server answers /readyz with 200.");
  out.Sample("subex_ready", {}, uint64_t{ready_.load() && !engine_.failed() ? 1u : 0u});
  engine_.WriteMetrics(out);
  if (options_.more_metrics) options_.more_metrics(out);
  auto head = std::make_shared<std::string>(std::move(out).Take());
  auto census = std::make_shared<StateCensus>();
  TakeCensus(census, [head, census, respond = call.respond](bool counted) {
    // A journal that failed still has its metrics told, without the state's.
    if (counted) {
      MetricsText state;
      census->Write(state);
      head->append(std::move(state).Take());
    }
    respond({.status = 200,
             .content_type = std::string(kPrometheusText),
             .body = std::move(*head),
             .headers = {}});
  });
}

}  // namespace subex
