// Service — the HTTP/JSON API v1 of PRODUCT §6 over the single-writer pipeline, which it reaches
// through the door it declares (api/engine_door.h).
//
// An I/O thread hands each request to `Handle`, which finds its route, checks the key, reads the
// query and body, and then either queues a command on the engine thread (writes) or a read (the
// same queue, so no answer shows state that is not yet durable). The answer leaves when the
// engine thread releases it, after its batch is synced.
//
// Rules every route shares:
// - `Authorization: Bearer <key>` on everything but /healthz, /readyz and the OpenAPI document:
//   401 without a valid key, 403 for a route the key's kind may not use; a platform key acts
//   for the member named in `X-On-Behalf-Of` if that member authorised the platform;
// - another member's private object answers 404, exactly like a missing one, and changes nothing;
// - every POST accepts `Idempotency-Key` (scoped to the caller): the same key and request return
//   the first answer, even after a restart; the same key with another request is 422;
// - mutations of existing objects accept `If-Match: "<revision>"` (412 when stale; 428 when
//   missing and `require_if_match` is set); reads and writes of one object carry its `ETag`;
// - bodies must be `application/json` (415), and errors are RFC 9457 problem documents;
// - with `cors_origins` set, `OPTIONS` with an `Origin` header is a CORS preflight, answered
//   without a key: 204 with the path's methods, 403 for an origin not listed, 404 for a path
//   no route has;
// - with rate limits on, a /v1 request over its client address's bucket, or over its API key's
//   once the key is checked, is answered 429 with Retry-After (api/rate_limiter.h); /healthz,
//   /readyz and /metrics are never limited.
//
// Every answer is counted by route and status and timed (api/metrics.h), and with `access_log`
// written to the log as one line (method, path without its query, route, status, duration, peer;
// never a header or a body). `GET /metrics` answers those counts, the engine's and the state's;
// with `metrics_token` set, only to a request bearing it (401 otherwise).
//
// Thread-safety: Handle is safe from any number of I/O threads at once.

#ifndef SUBEX_API_SERVICE_H_
#define SUBEX_API_SERVICE_H_

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/analytics.h"
#include "api/caller.h"
#include "api/engine_door.h"
#include "api/feed.h"
#include "api/http.h"
#include "api/key_ring.h"
#include "api/metrics.h"
#include "api/problem.h"
#include "api/query.h"
#include "api/rate_limiter.h"
#include "engine/engine.h"
#include "telemetry/metrics.h"

namespace subex {

class Service : public HttpHandler {
 public:
  struct Options {
    int max_list_limit = 1'000;
    int max_wait_ms = 30'000;
    bool require_if_match = false;
    std::function<Instant()> clock;  // The time commands are decided at.
    int max_period_days = 3'660;     // Of the analytics' from..to.
    int max_did_months = 120;        // Of a difference-in-differences design.
    bool access_log = false;         // A log line per answered request.
    RateLimiter::Options per_key;    // A rate of 0 is off.
    RateLimiter::Options per_address;
    // Origins whose preflight requests (OPTIONS with Origin) are answered 204; empty: CORS off.
    // The CORS headers of the other answers are the HTTP server's (api/http_server.h).
    std::vector<std::string> cors_origins;
    int cors_max_age_s = 600;   // Access-Control-Max-Age of a preflight's answer.
    std::string metrics_token;  // GET /metrics needs `Authorization: Bearer <it>`; empty: open.
    // Appends the metric families the service does not own (the HTTP server's, the process's)
    // to GET /metrics; called on the requesting I/O thread.
    std::function<void(MetricsText&)> more_metrics;
  };

  // Everything passed in must outlive the service.
  Service(EngineDoor& engine, KeyRing& keys, Feed& feed, Analytics& analytics,
          std::shared_ptr<const Taxonomy> taxonomy, Options options);

  // /readyz answers 200 once set (after recovery and the key ring's load).
  void SetReady(bool ready) { ready_.store(ready); }

  void Handle(HttpRequest request, Respond respond) override;

  // What a route answers, before it becomes an HttpResponse (api/engine_door.h).
  using Answer = EngineDoor::Answer;

  // One request on its way through a route.
  struct Call {
    HttpRequest request;
    Respond respond;
    Caller caller;
    std::vector<std::string> params;  // The path's {…} segments, in order.
    std::string_view query;
  };

  using Handler = void (Service::*)(Call&);
  // kAnyKey: every key but an analyst's. kAnalyst: the operator's and analyst keys (analytics).
  // kAnalytics: those, and members (and platforms acting for one), whom the route itself limits
  // to what is theirs.
  enum class Access : uint8_t { kPublic, kAnyKey, kAdmin, kMember, kAnalyst, kAnalytics };
  struct Route {
    std::string_view method;
    std::string_view pattern;  // e.g. "/v1/offers/{id}"
    Access access;
    Handler handler;
  };
  // Every route the service serves, for the OpenAPI check and the authorisation tests.
  static const std::vector<Route>& Routes();

 private:
  // Members, clusters and the taxonomy (api/routes_members.cc).
  void CreateMember(Call& call);
  void GetMember(Call& call);
  void ListMembers(Call& call);
  void PatchMember(Call& call);
  void PutBlock(Call& call);
  void DeleteBlock(Call& call);
  void PutSuspension(Call& call);
  void DeleteSuspension(Call& call);
  void CreateCluster(Call& call);
  void GetCluster(Call& call);
  void ListClusters(Call& call);
  void PutClusterMember(Call& call);
  void DeleteClusterMember(Call& call);
  void ListProcesses(Call& call);

  // Offers, orders, contracts and the feed (api/routes_trade.cc).
  void PostOffer(Call& call);
  void GetOffer(Call& call);
  void ListOffers(Call& call);
  void WithdrawOffer(Call& call);
  void PlaceOrder(Call& call);
  void GetOrder(Call& call);
  void ListOrders(Call& call);
  void CancelOrder(Call& call);
  void GetContract(Call& call);
  void ListContracts(Call& call);
  void GetEvents(Call& call);
  void StreamEvents(Call& call);  // Server-Sent Events.

  // rfq bids and awards (api/routes_rfq.cc).
  void PlaceBid(Call& call);
  void ListBids(Call& call);
  void GetBid(Call& call);
  void WithdrawBid(Call& call);
  void AwardBids(Call& call);

  // A contract's steps (api/routes_contracts.cc).
  enum class ContractStepKind { kConfirm, kDecline, kDeliver, kAccept, kDispute, kCancel };
  void ContractStep(Call& call, ContractStepKind step);
  void ContractConfirm(Call& call);
  void ContractDecline(Call& call);
  void ContractDeliver(Call& call);
  void ContractAccept(Call& call);
  void ContractDispute(Call& call);
  void ContractCancel(Call& call);

  // Keys and platform authorisations (api/routes_keys.cc).
  void IssueKey(Call& call);
  void ListKeys(Call& call);
  void GetKey(Call& call);
  void RevokeKey(Call& call);
  void PutPlatform(Call& call);
  void DeletePlatform(Call& call);
  void ChangePlatform(Call& call, bool authorize);

  // Analytics (api/routes_analytics.cc).
  void GetClusterStats(Call& call);
  void DifferenceInDifferences(Call& call);
  void GetFairness(Call& call);
  // The days an analytics query covers: `from` and `to` (both optional: the 365 days up to
  // today), checked against each other and max_period_days.
  struct Period {
    Day from, to;
  };
  std::optional<Period> ReadPeriod(QueryParams& q) const;

  // Operations (api/service.cc).
  void Healthz(Call& call);
  void Readyz(Call& call);
  void GetOpenApi(Call& call);
  // The newest applied seq and the state's fingerprint (engine/state_hash.h), for operators.
  void GetState(Call& call);
  void Metrics(Call& call);
  // Counts the state's objects into `census` on the engine thread, a slice per read, then calls
  // `done` (false when the engine could not answer).
  void TakeCensus(std::shared_ptr<StateCensus> census, std::function<void(bool)> done);

  // `respond`, wrapped to count the answer and time it from `start_us` (and log it with
  // `access_log`).
  Respond Measured(size_t route, int64_t start_us, std::string_view method, std::string_view path,
                   const std::string& remote, Respond respond);
  // The answer to a CORS preflight of a path whose routes take `methods`: 204 with what the
  // browser may send there, or 403 for an origin not in cors_origins.
  void Preflight(Call& call, const std::string& origin, const std::vector<std::string>& methods);
  // 429 for a client over its rate limit; `wait_us` until it may send again.
  void TooMany(Call& call, int64_t wait_us, std::string_view whose);

  // Runs `command` on the engine thread; `view` renders an accepted outcome (with the state as
  // the command left it). Handles idempotency, rejections and an unavailable journal.
  using View = std::function<Answer(const EngineDoor::Decision&, const State&)>;
  // For a command that names an object: the 404 a rejection turns into when the caller may not
  // see that object (api/answers.h HiddenOrder), judged on the engine thread with the state the
  // command was decided on; visibility comes before every role and state check.
  using Hidden = std::function<std::optional<Answer>(const State&)>;
  void Mutate(Call& call, Command command, View view, Hidden hidden = {});
  // The request's Idempotency-Key, scoped to its caller, with the request's fingerprint; a
  // problem when the key is malformed.
  static std::optional<Problem> ReadIdempotency(const Call& call,
                                                EngineDoor::Idempotency& idempotency);
  // The HTTP answer to what a command came to.
  static HttpResponse ToResponse(EngineDoor::Outcome outcome);
  // Runs `read` on the engine thread and answers what it returns.
  void Read(Call& call, std::function<Answer(const State&)> read);

  // The revision If-Match names: nullopt when absent; a problem when malformed or required.
  std::optional<Problem> IfMatch(const Call& call, std::optional<int64_t>& revision) const;
  // 403 unless `caller` may use a route of `access`.
  static std::optional<Problem> CheckAccess(Access access, const Caller& caller);
  // 415 unless the body is JSON.
  std::optional<Problem> RequireJson(const Call& call) const;
  // The list's `limit` and the id after the `cursor`.
  struct Page {
    size_t limit = 100;
    uint32_t start = 0;  // The first index to look at.
  };
  template <class IdT>
  std::optional<Page> ReadPage(QueryParams& q) const;

  static HttpResponse ToResponse(const Answer& answer);
  static Answer ProblemAnswer(const Problem& problem);
  static void Fail(Call& call, const Problem& problem);

  EngineDoor& engine_;
  KeyRing& keys_;
  Feed& feed_;
  Analytics& analytics_;
  std::shared_ptr<const Taxonomy> taxonomy_;
  Options options_;
  std::atomic<bool> ready_{false};
  RequestMetrics request_metrics_;
  RateLimiter per_key_;
  RateLimiter per_address_;
  CounterArray rate_limited_{2};  // By key, by address.
};

// Renders a list body: {"items":[…],"next":…}; `next` empty renders null.
std::string ListBody(std::string_view items_json_array, std::string_view next);

}  // namespace subex

#endif  // SUBEX_API_SERVICE_H_
