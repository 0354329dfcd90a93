// Feed — the event feed of PRODUCT §5: `GET /v1/events?after=&limit=&wait_ms=`, built for many
// followers (issue 21).
//
// A page holds the durable events after `after` that the caller may see, each in the view the
// one visibility rule gives it (api/visibility.h `ViewOf`): the operator sees every event but a
// sealed bid's terms, a member the events about its own objects and the announcements of orders
// it may read, a platform without X-On-Behalf-Of the events a member with no relationships could
// read, an analyst nothing. `next` is the last seq looked at, to pass as the next `after`. A
// page stops at `limit` events or before `max_page_bytes` of them (never empty for that).
//
// Where pages come from:
//
// - The window (api/event_window.h): the recent durable events, encoded once per view and
//   indexed by party. The journal thread's listener (`OnDurable`) only copies each batch into an
//   inbox under a short lock of its own and wakes the feed thread; the feed thread encodes the
//   batch, appends it to the window and answers the parked requests it concerns — a member's
//   when the batch names it, the operator's and the public class's every time — in one pass.
//   New polls (and a stream's next page) come the same way, queued by the I/O thread under that
//   short lock and served in the next pass. So only the feed's own threads take the window's
//   lock: the engine, journal and I/O threads never wait on it.
// - The journal, for a request whose `after` is older than the window: on a catch-up thread of
//   its own, at most `max_scan` events per request, `max_catch_up` requests queued at once.
//
// The few events whose view depends on the state at the moment of reading (`?` rows: a
// bid.placed before or after its order's close, an order's events for a platform, an
// announcement for a supplier the order may since have been hidden from) are judged then, all
// those of one pass together in one engine-thread read (`Judge`); the engine thread never waits
// for the feed.
//
// When the page is empty and the caller asked to wait, the request is parked until an event it
// may see is durable or its wait runs out. A page that is not full and whose first event came
// less than `linger` ago waits too, until it fills or that event is `linger` old: a busy
// follower then gets a page of many events per request (or per stream write) instead of one
// request per batch, at the cost of at most `linger` of delay; a request without `wait_ms`
// never lingers. At most `max_parked` requests are parked at once, and
// `max_parked_per_key` per API key; past either, and past a full catch-up queue, the request is
// answered 429 with Retry-After (`retry_after_s`) — a request with events to return gets them.
//
// Thread-safety: safe for concurrent use. `Stop` (and the destructor) answers every parked
// request with what it has, and parks no more; the destructor waits for pages being judged.

#ifndef SUBEX_API_FEED_H_
#define SUBEX_API_FEED_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <queue>
#include <span>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "api/caller.h"
#include "api/event_window.h"
#include "api/http.h"
#include "api/visibility.h"
#include "engine/events.h"
#include "engine/state.h"
#include "engine/taxonomy.h"
#include "telemetry/metrics.h"

namespace subex {

class Feed {
 public:
  // Reads up to `limit` durable events after `after` (the pipeline's journal reader).
  using Reader = std::function<absl::StatusOr<std::vector<Event>>(uint64_t after, size_t limit)>;
  // Runs `judge` on the engine thread with the state as it is, then `done` on another thread,
  // with an error when the engine could not run it (the pipeline's Query). Neither may block.
  using Judge = std::function<void(std::function<void(const State&)> judge,
                                   std::function<void(absl::Status)> done)>;

  struct Options {
    EventWindow::Limits window;
    size_t max_scan = 10'000;  // Journal events read for one request behind the window.
    size_t max_catch_up = 64;  // Requests queued for the journal at once.
    size_t max_parked = 10'000;
    size_t max_parked_per_key = 64;
    size_t max_page_bytes = 1 << 20;
    int retry_after_s = 1;
    std::chrono::milliseconds heartbeat{15'000};  // An idle stream's comment.
    std::chrono::milliseconds linger{5};          // How long a page that is not full waits.
  };

  Feed(Reader reader, Judge judge, std::shared_ptr<const Taxonomy> taxonomy, uint64_t durable_seq,
       Options options);
  ~Feed();

  Feed(const Feed&) = delete;
  Feed& operator=(const Feed&) = delete;

  // A batch of events has become durable (the journal thread's listener). Copies and returns.
  void OnDurable(std::span<const Event> events);
  // Events up to `seq` are durable, perhaps without passing OnDurable (those before the feed was
  // listening): the window then starts after them, and they are read from the journal.
  void Notify(uint64_t seq);

  // Answers the parked requests now, and every later one at once: for a server that is stopping
  // and waits for its connections to finish. Idempotent.
  void Stop();

  // Answers with the caller's next page, waiting up to `wait` for one that is not empty. `key`
  // names the caller's API key for the per-key limit.
  void Get(const Caller& caller, std::string key, uint64_t after, size_t limit,
           std::chrono::milliseconds wait, Respond respond);

  // Server-Sent Events (`GET /v1/events/stream`): answers with a stream of the caller's events
  // after `after`, each as `id: <seq>` and `data: <the event's JSON>`, and a comment line when
  // `heartbeat` passes without one. Same pages, visibility and limits as Get (an open stream
  // counts as a parked request for as long as it is open); a stream has at most one page being
  // written at a time, so a slow client falls behind (onto the journal) instead of piling up.
  void Stream(const Caller& caller, std::string key, uint64_t after, Respond respond);

  // For /metrics and tests.
  struct Counts {
    size_t parked = 0;
    uint64_t window_base = 0, window_last = 0;
    size_t window_bytes = 0;
    uint64_t journal_pages = 0;  // Pages read from the journal (behind the window).
    uint64_t refused = 0;        // 429s for being past a limit.
    uint64_t pages = 0;          // Pages answered (polls and stream writes), and their events.
    uint64_t page_events = 0;
  };
  Counts counts() const;
  // subex_feed_*: the counts above, in the Prometheus text format (GET /metrics).
  void WriteMetrics(MetricsText& out) const;

 private:
  using Clock = std::chrono::steady_clock;
  struct Waiter {
    Viewer viewer;
    std::string key;
    uint64_t after = 0;
    size_t limit = 0;
    Clock::time_point deadline;
    Respond respond;
    // A stream's: takes the page instead of `respond` (and the limits were checked at its open).
    std::function<void(EventWindow::Page, absl::Status)> on_page;
    bool held = false;  // Counted by `holding_` until answered.
    // While its page (from `after`, kept) waits to fill: when it is answered regardless.
    Clock::time_point linger_until{};
  };
  struct StreamState;
  // A page with events to judge with the state, and the request it answers.
  struct Pending {
    Waiter waiter;
    EventWindow::Page page;
    absl::Status status;
  };

  // An answer to send once no lock is held: a page, or a ready response.
  struct Answer {
    Respond respond;
    std::function<void(EventWindow::Page, absl::Status)> on_page;
    EventWindow::Page page;
    absl::Status status;
    std::optional<HttpResponse> response;
  };
  enum class Served { kAnswered, kParked, kJudge, kCatchUp, kBehind };

  static HttpResponse Render(const EventWindow::Page& page, const absl::Status& status);
  HttpResponse TooMany(std::string_view what) const;
  void Send(std::vector<Answer>& answers);
  // Under mu_: answers `w` from the window, parks it, queues it for judging or for the journal.
  // `admitted`: it was queued before, and is not refused for a full catch-up queue now. The
  // parking limits are checked when a request first parks (`Waiter::held`).
  Served ServeLocked(Waiter& w, bool admitted, Clock::time_point now, std::vector<Answer>& out);
  // Under mu_: `p` back from judging (or judged as hidden when stopping).
  void SettleLocked(Pending p, Clock::time_point now, std::vector<Answer>& out);
  // Parks `w` until an event it may see, or `wake`.
  void ParkLocked(Waiter w, Clock::time_point wake);
  // Under mu_: when the feed thread must next wake for a deadline (max when none).
  Clock::time_point EarliestLocked() const;
  Waiter UnparkLocked(uint64_t id);
  // A request for the feed thread: a poll, or a stream's next page (`admitted`: not refused for
  // a full catch-up queue).
  struct Request {
    Waiter waiter;
    bool admitted = false;
  };
  void Enqueue(Waiter w, bool admitted);
  void JudgeAll(std::vector<Pending> pages);
  void Kick();
  // One pass of the feed thread: the new batch, the expired and the judged requests.
  void Pass(std::vector<EventWindow::Entry> entries, uint64_t notified,
            std::vector<Request> requests);
  void Run();
  void CatchUp();
  void NextPage(std::shared_ptr<StreamState> st);
  void OnStreamPage(const std::shared_ptr<StreamState>& st, const EventWindow::Page& page,
                    const absl::Status& status);
  EventWindow::Page Scan(const Viewer& viewer, uint64_t after, size_t limit,
                         absl::Status& status) const;

  const Reader reader_;
  const Judge judge_;
  const std::shared_ptr<const Taxonomy> taxonomy_;
  const Options options_;

  // The journal thread's inbox: its own short lock, never held while encoding.
  // Every wake-up of the feed thread goes through it (`kick_`), so it sleeps on it.
  std::mutex in_mu_;
  std::condition_variable in_wake_;
  std::vector<Event> inbox_;
  std::vector<Request> requests_;  // Polls and streams' next pages, served by the feed thread.
  uint64_t notified_ = 0;
  bool kick_ = false;
  bool closed_ = false;  // The feed thread has ended.

  mutable std::mutex mu_;
  std::condition_variable catch_up_wake_;
  EventWindow window_;
  uint64_t next_id_ = 1;
  absl::flat_hash_map<uint64_t, Waiter> parked_;
  absl::flat_hash_map<MemberId, std::vector<uint64_t>> parked_by_member_;
  std::vector<uint64_t> parked_broadcast_;  // Operator and public class.
  // Parked long polls and open streams, in all and per key: what the limits count. Shared with
  // the streams, which may outlive the feed in a stopped server's queues.
  struct Holding {
    std::mutex mu;
    size_t total = 0;
    absl::flat_hash_map<std::string, size_t> per_key;
    bool Admit(const std::string& key, const Options& o);
    void Release(const std::string& key);
  };
  const std::shared_ptr<Holding> holding_ = std::make_shared<Holding>();
  std::priority_queue<std::pair<Clock::time_point, uint64_t>,
                      std::vector<std::pair<Clock::time_point, uint64_t>>, std::greater<>>
      deadlines_;
  std::vector<Pending> to_judge_;
  // Requests that found nothing while the window had not yet taken in every durable event:
  // served again once it has, so that whoever learned of an event from a reply can read it.
  std::vector<Waiter> behind_;
  std::atomic<uint64_t> durable_{0};  // The newest durable seq OnDurable or Notify told of.
  std::vector<Pending> judged_;
  std::deque<Waiter> catch_up_;
  size_t judging_ = 0;  // Batches sent to the engine thread and not yet back.
  bool stopping_ = false;
  uint64_t journal_pages_ = 0;
  uint64_t refused_ = 0;
  std::atomic<uint64_t> pages_{0}, page_events_{0};
  std::thread thread_;
  std::thread catch_up_thread_;
};

}  // namespace subex

#endif  // SUBEX_API_FEED_H_
