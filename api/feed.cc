#include "api/feed.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "api/json_writer.h"
#include "api/problem.h"
#include "api/views.h"
#include "api/visibility.h"

namespace subex {

Feed::Feed(Reader reader, Judge judge, std::shared_ptr<const Taxonomy> taxonomy,
           uint64_t durable_seq, size_t max_scan)
    : reader_(std::move(reader)),
      judge_(std::move(judge)),
      taxonomy_(std::move(taxonomy)),
      max_scan_(max_scan),
      durable_seq_(durable_seq) {
  thread_ = std::thread([this] { Run(); });
}

Feed::~Feed() {
  Stop();
  thread_.join();
}

void Feed::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_one();
}

void Feed::Notify(uint64_t seq) {
  {
    std::lock_guard lock(mu_);
    if (seq <= durable_seq_) return;
    durable_seq_ = seq;
    if (waiters_.empty()) return;
  }
  wake_.notify_one();
}

Feed::Page Feed::Scan(const Viewer& viewer, uint64_t after, size_t limit) const {
  Page page;
  page.next = after;
  size_t scanned = 0;
  while (page.events.size() < limit && scanned < max_scan_) {
    const size_t chunk = std::min<size_t>(std::max<size_t>(limit, 256), max_scan_ - scanned);
    absl::StatusOr<std::vector<Event>> events = reader_(page.next, chunk);
    if (!events.ok()) {
      page.status = events.status();
      return page;
    }
    for (Event& e : *events) {
      ++scanned;
      page.next = e.seq;
      const EventView view = ViewOf(e.body, viewer, nullptr);
      if (view == EventView::kHidden) continue;
      page.asks += view == EventView::kAsk ? 1 : 0;
      page.views.push_back(view);
      page.events.push_back(std::move(e));
      if (page.events.size() == limit) break;
    }
    if (events->size() < chunk) break;  // Nothing more is durable yet.
  }
  return page;
}

HttpResponse Feed::Answer(const Page& page, size_t& count) const {
  HttpResponse response;
  count = 0;
  if (!page.status.ok()) {
    Problem p = Unavailable(std::string(page.status.message()));
    if (absl::IsOutOfRange(page.status)) {
      p.status = 410;
      p.type = "gone";
      p.title = "Gone";
      p.errors.push_back({"after", "is older than the retained history"});
    }
    response.status = static_cast<unsigned>(p.status);
    response.content_type = "application/problem+json";
    response.body = RenderProblem(p);
    return response;
  }
  JsonWriter items;
  items.BeginArray();
  for (size_t i = 0; i < page.events.size(); ++i) {
    if (page.views[i] != EventView::kFull && page.views[i] != EventView::kSealed) continue;
    WriteEvent(items, *taxonomy_, page.events[i], page.views[i]);
    ++count;
  }
  items.EndArray();
  JsonWriter w;
  w.BeginObject().KeyRaw("items", items.str()).KeyString("next", std::to_string(page.next));
  w.EndObject();
  response.body = std::move(w).Take();
  return response;
}

void Feed::Get(const Caller& caller, uint64_t after, size_t limit, std::chrono::milliseconds wait,
               Respond respond) {
  Serve({Viewer::Of(caller), after, limit, std::chrono::steady_clock::now() + wait,
         std::move(respond)},
        wait.count() <= 0);
}

void Feed::Serve(Waiter waiter, bool expired) {
  Page scanned = Scan(waiter.viewer, waiter.after, waiter.limit);
  auto judged = std::make_shared<Judged>(Judged{std::move(waiter), std::move(scanned), expired});
  Page& page = judged->page;
  if (page.asks > 0) {
    std::unique_lock lock(mu_);
    if (!stopping_) {
      ++judging_;
      lock.unlock();
      judge_(
          [judged](const State& s) {
            Page& p = judged->page;
            for (size_t i = 0; i < p.events.size(); ++i) {
              if (p.views[i] == EventView::kAsk) {
                p.views[i] = ViewOf(p.events[i].body, judged->waiter.viewer, &s);
              }
            }
          },
          [this, judged](absl::Status status) {
            if (!status.ok()) judged->page.status = status;
            {
              std::lock_guard lock(mu_);
              judged_.push_back(std::move(*judged));
              --judging_;
            }
            wake_.notify_one();
          });
      return;
    }
    // Stopping: what only the state could tell stays hidden.
    for (EventView& v : page.views) v = v == EventView::kAsk ? EventView::kHidden : v;
  }
  Settle(std::move(judged->waiter), page, expired);
}

void Feed::Settle(Waiter waiter, const Page& page, bool expired) {
  size_t count = 0;
  HttpResponse response = Answer(page, count);
  if (!page.status.ok() || count > 0 || expired) return waiter.respond(std::move(response));
  {
    std::lock_guard lock(mu_);
    if (!stopping_) {
      waiter.after = page.next;
      waiters_.push_back(std::move(waiter));
      ++parked_;
      wake_.notify_one();
      return;
    }
  }
  waiter.respond(std::move(response));
}

void Feed::Run() {
  std::unique_lock lock(mu_);
  uint64_t seen = durable_seq_;
  uint64_t parked = parked_;
  for (;;) {
    auto earliest = std::chrono::steady_clock::time_point::max();
    for (const Waiter& w : waiters_) earliest = std::min(earliest, w.deadline);
    // Wakes for a new durable event, a newly parked request (its deadline may be the earliest),
    // a judged page, the earliest deadline, or stopping.
    wake_.wait_until(lock, earliest, [&] {
      return stopping_ || durable_seq_ != seen || parked_ != parked || !judged_.empty() ||
             std::chrono::steady_clock::now() >= earliest;
    });
    seen = durable_seq_;
    parked = parked_;
    const auto now = std::chrono::steady_clock::now();
    // Take the work out, read for it without the lock, put back the requests still waiting.
    std::list<Waiter> batch;
    batch.splice(batch.end(), waiters_);
    std::list<Judged> judged;
    judged.splice(judged.end(), judged_);
    const bool stopping = stopping_;
    lock.unlock();
    for (Judged& j : judged) Settle(std::move(j.waiter), j.page, j.expired || stopping);
    std::list<Waiter> still;
    for (Waiter& w : batch) {
      const bool expired = stopping || w.deadline <= now;
      if (w.after >= seen && !expired) {
        still.push_back(std::move(w));
        continue;
      }
      Serve(std::move(w), expired);
    }
    lock.lock();
    waiters_.splice(waiters_.begin(), still);
    // Once stopping, nothing parks again; pages still being judged are answered when back.
    if (stopping && judging_ == 0 && judged_.empty()) return;
  }
}

}  // namespace subex
