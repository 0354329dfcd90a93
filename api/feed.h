// Feed — the event feed of PRODUCT §5: `GET /v1/events?after=&limit=&wait_ms=`.
//
// A page holds the durable events after `after` that the caller may see, each in the view the
// one visibility rule gives it (api/visibility.h `ViewOf`): the operator sees every event but a
// sealed bid's terms, a member the events about its own objects and the announcements of orders
// it may read, a platform without X-On-Behalf-Of the events a member with no relationships could
// read (public orders, offers, profiles, clusters), an analyst nothing. Events are read from the
// journal on the caller's thread, never past what is durable, scanning at most `max_scan` events
// per request so that a member with little traffic cannot make one request read the whole
// journal; `next` is the last seq scanned, to pass as the next `after`.
//
// Most events are judged from the event alone. The few whose view depends on the state at the
// moment of reading (a bid.placed before or after its order's close, an order's events for a
// platform, an announcement for a supplier the order may since have been hidden from) are sent
// together, one engine-thread read per page (`Judge`), at most `limit` of them; the page is then
// rendered on the feed thread. A page may so hold fewer than `limit` events while more follow.
//
// When the page is empty and the caller asked to wait, the request is parked until a durable
// event arrives (`Notify`, from the engine thread's listener) or its wait runs out; a single
// feed thread re-reads for parked requests, so the engine thread never reads the journal.
//
// Thread-safety: safe for concurrent use. `Stop` (and the destructor) answers every parked
// request with what it has, and parks no more; the destructor waits for pages being judged.

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
#include "api/visibility.h"
#include "engine/events.h"
#include "engine/state.h"
#include "engine/taxonomy.h"

namespace subex {

class Feed {
 public:
  // Reads up to `limit` durable events after `after` (DurableEngine::ReadEvents).
  using Reader = std::function<absl::StatusOr<std::vector<Event>>(uint64_t after, size_t limit)>;
  // Runs `judge` on the engine thread with the state as it is, then `done` on another thread,
  // with an error when the engine could not run it (DurableEngine::Query). Neither may block.
  using Judge = std::function<void(std::function<void(const State&)> judge,
                                   std::function<void(absl::Status)> done)>;

  Feed(Reader reader, Judge judge, std::shared_ptr<const Taxonomy> taxonomy, uint64_t durable_seq,
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
  // The events of one page that the caller may see, or may see depending on the state.
  struct Page {
    absl::Status status;
    std::vector<Event> events;
    std::vector<EventView> views;  // One per event; kAsk until judged with the state.
    size_t asks = 0;
    uint64_t next = 0;
  };
  struct Waiter {
    Viewer viewer;
    uint64_t after;
    size_t limit;
    std::chrono::steady_clock::time_point deadline;
    Respond respond;
  };
  // A page judged on the engine thread, back for the feed thread to render.
  struct Judged {
    Waiter waiter;
    Page page;
    bool expired;
  };

  Page Scan(const Viewer& viewer, uint64_t after, size_t limit) const;
  // Reads the waiter's page and answers it (or parks it again when it is empty and not
  // `expired`), now or once the engine has judged it.
  void Serve(Waiter waiter, bool expired);
  void Settle(Waiter waiter, const Page& page, bool expired);
  HttpResponse Answer(const Page& page, size_t& count) const;
  void Run();

  const Reader reader_;
  const Judge judge_;
  const std::shared_ptr<const Taxonomy> taxonomy_;
  const size_t max_scan_;
  std::mutex mu_;
  std::condition_variable wake_;
  uint64_t durable_seq_;
  uint64_t parked_ = 0;  // Requests parked so far.
  std::list<Waiter> waiters_;
  std::list<Judged> judged_;
  size_t judging_ = 0;  // Pages sent to the engine thread and not yet back.
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace subex

#endif  // SUBEX_API_FEED_H_
