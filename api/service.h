// Service — the HTTP/JSON API v1 of PRODUCT §6 over the durable engine.
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
// - bodies must be `application/json` (415), and errors are RFC 9457 problem documents.
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

#include "api/caller.h"
#include "api/feed.h"
#include "api/http.h"
#include "api/key_ring.h"
#include "api/problem.h"
#include "api/query.h"
#include "engine/engine.h"
#include "storage/durable_engine.h"

namespace subex {

class Service : public HttpHandler {
 public:
  struct Options {
    int max_list_limit = 1'000;
    int max_wait_ms = 30'000;
    bool require_if_match = false;
    std::function<Instant()> clock;  // The time commands are decided at.
  };

  // Everything passed in must outlive the service.
  Service(DurableEngine& engine, KeyRing& keys, Feed& feed,
          std::shared_ptr<const Taxonomy> taxonomy, Options options);

  // /readyz answers 200 once set (after recovery and the key ring's load).
  void SetReady(bool ready) { ready_.store(ready); }

  void Handle(HttpRequest request, Respond respond) override;

  // What a route answers, before it becomes an HttpResponse.
  struct Answer {
    unsigned status = 200;
    std::string body;
    std::string location;  // For 201.
    int64_t revision = 0;  // ETag when positive.
    bool problem = false;
    // What an idempotent replay answers instead of `body`, when that holds a secret shown once
    // (a new API key): the secret is never stored.
    std::optional<std::string> replay_body;
  };

  // One request on its way through a route.
  struct Call {
    HttpRequest request;
    Respond respond;
    Caller caller;
    std::vector<std::string> params;  // The path's {…} segments, in order.
    std::string_view query;
  };

  using Handler = void (Service::*)(Call&);
  enum class Access : uint8_t { kPublic, kAnyKey, kAdmin, kMember };
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

  // Keys and platform authorisations (api/routes_keys.cc).
  void IssueKey(Call& call);
  void ListKeys(Call& call);
  void GetKey(Call& call);
  void RevokeKey(Call& call);
  void PutPlatform(Call& call);
  void DeletePlatform(Call& call);
  void ChangePlatform(Call& call, bool authorize);

  // Operations (api/service.cc).
  void Healthz(Call& call);
  void Readyz(Call& call);
  void GetOpenApi(Call& call);

  // Runs `command` on the engine thread; `view` renders an accepted outcome (with the state as
  // the command left it). Handles idempotency, rejections and an unavailable journal.
  using View = std::function<Answer(const DurableEngine::Result&, const State&)>;
  void Mutate(Call& call, Command command, View view);
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

  DurableEngine& engine_;
  KeyRing& keys_;
  Feed& feed_;
  std::shared_ptr<const Taxonomy> taxonomy_;
  Options options_;
  std::atomic<bool> ready_{false};
};

// Renders a list body: {"items":[…],"next":…}; `next` empty renders null.
std::string ListBody(std::string_view items_json_array, std::string_view next);

}  // namespace subex

#endif  // SUBEX_API_SERVICE_H_
