// Feed — the event feed of PRODUCT §5: `GET /v1/events?after=&limit=&wait_ms=`.
//
// A page holds the durable events after `after` that the caller may see: the operator sees every
// event, a member those whose parties include it (engine/events.h `PartiesOf`). Pages are read
// from the journal on the caller's thread, never past what is durable, scanning at most
// `max_scan` events per request so that a member with little traffic cannot make one request
// read the whole journal; `next` is the last seq scanned, to pass as the next `after`.
//
// When the page is empty and the caller asked to wait, the request is parked until a durable
// event arrives (`Notify`, from the engine thread's listener) or its wait runs out; a single
// feed thread re-reads for parked requests, so the engine thread never reads the journal.
//
// Thread-safety: safe for concurrent use. `Stop` (and the destructor) answers every parked
// request with what it has, and parks no more.

#ifndef SUBEX_API_FEED_H_
#define SUBEX_API_FEED_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "api/caller.h"
#include "api/http.h"
#include "engine/events.h"
#include "engine/taxonomy.h"

namespace subex {

class Feed {
 public:
  // Reads up to `limit` durable events after `after` (DurableEngine::ReadEvents).
  using Reader = std::function<absl::StatusOr<std::vector<Event>>(uint64_t after, size_t limit)>;

  Feed(Reader reader, std::shared_ptr<const Taxonomy> taxonomy, uint64_t durable_seq,
       size_t max_scan = 10'000);
  ~Feed();

  Feed(const Feed&) = delete;
  Feed& operator=(const Feed&) = delete;

  // Events up to `seq` are durable.
  void Notify(uint64_t seq);

  // Answers the parked requests now, and every later one at once: for a server that is stopping
  // and waits for its connections to finish. Idempotent.
  void Stop();

  // Answers with the caller's next page, waiting up to `wait` for one that is not empty.
  void Get(const Caller& caller, uint64_t after, size_t limit, std::chrono::milliseconds wait,
           Respond respond);

 private:
  struct Page {
    absl::Status status;
    std::string items;  // The rendered events, comma-separated.
    size_t count = 0;
    uint64_t next = 0;
  };
  struct Waiter {
    Caller caller;
    uint64_t after;
    size_t limit;
    std::chrono::steady_clock::time_point deadline;
    Respond respond;
  };

  Page Read(const Caller& caller, uint64_t after, size_t limit) const;
  static HttpResponse Answer(const Page& page);
  void Run();

  const Reader reader_;
  const std::shared_ptr<const Taxonomy> taxonomy_;
  const size_t max_scan_;
  std::mutex mu_;
  std::condition_variable wake_;
  uint64_t durable_seq_;
  uint64_t parked_ = 0;  // Requests parked so far.
  std::list<Waiter> waiters_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace subex

#endif  // SUBEX_API_FEED_H_
