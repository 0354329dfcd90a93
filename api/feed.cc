#include "api/feed.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "api/json_writer.h"
#include "api/problem.h"
#include "api/views.h"

namespace subex {

Feed::Feed(Reader reader, std::shared_ptr<const Taxonomy> taxonomy, uint64_t durable_seq,
           size_t max_scan)
    : reader_(std::move(reader)),
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

Feed::Page Feed::Read(const Caller& caller, uint64_t after, size_t limit) const {
  Page page;
  page.next = after;
  JsonWriter items;
  items.BeginArray();
  size_t scanned = 0;
  while (page.count < limit && scanned < max_scan_) {
    const size_t chunk = std::min<size_t>(std::max<size_t>(limit, 256), max_scan_ - scanned);
    absl::StatusOr<std::vector<Event>> events = reader_(page.next, chunk);
    if (!events.ok()) {
      page.status = events.status();
      return page;
    }
    for (const Event& e : *events) {
      ++scanned;
      page.next = e.seq;
      if (caller.reads_whole_feed() || MaySee(e.body, caller.member)) {
        WriteEvent(items, *taxonomy_, e);
        if (++page.count == limit) break;
      }
    }
    if (events->size() < chunk) break;  // Nothing more is durable yet.
  }
  items.EndArray();
  page.items = std::move(items).Take();
  return page;
}

HttpResponse Feed::Answer(const Page& page) {
  HttpResponse response;
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
  JsonWriter w;
  w.BeginObject().KeyRaw("items", page.items).KeyString("next", std::to_string(page.next));
  w.EndObject();
  response.body = std::move(w).Take();
  return response;
}

void Feed::Get(const Caller& caller, uint64_t after, size_t limit, std::chrono::milliseconds wait,
               Respond respond) {
  Page page = Read(caller, after, limit);
  if (!page.status.ok() || page.count > 0 || wait.count() <= 0) {
    return respond(Answer(page));
  }
  {
    std::lock_guard lock(mu_);
    if (!stopping_) {
      waiters_.push_back({caller, page.next, limit, std::chrono::steady_clock::now() + wait,
                          std::move(respond)});
      ++parked_;
      wake_.notify_one();
      return;
    }
  }
  respond(Answer(page));
}

void Feed::Run() {
  std::unique_lock lock(mu_);
  uint64_t seen = durable_seq_;
  uint64_t parked = parked_;
  for (;;) {
    auto earliest = std::chrono::steady_clock::time_point::max();
    for (const Waiter& w : waiters_) earliest = std::min(earliest, w.deadline);
    // Wakes for a new durable event, a newly parked request (its deadline may be the earliest),
    // the earliest deadline, or stopping.
    wake_.wait_until(lock, earliest, [&] {
      return stopping_ || durable_seq_ != seen || parked_ != parked ||
             std::chrono::steady_clock::now() >= earliest;
    });
    seen = durable_seq_;
    parked = parked_;
    const auto now = std::chrono::steady_clock::now();
    // Take the waiters out, read for them without the lock, put back the ones still waiting.
    std::list<Waiter> batch;
    batch.splice(batch.end(), waiters_);
    const bool stopping = stopping_;
    lock.unlock();
    std::list<Waiter> still;
    for (Waiter& w : batch) {
      const bool expired = stopping || w.deadline <= now;
      if (w.after >= seen && !expired) {
        still.push_back(std::move(w));
        continue;
      }
      Page page = Read(w.caller, w.after, w.limit);
      if (page.status.ok() && page.count == 0 && !expired) {
        w.after = page.next;
        still.push_back(std::move(w));
        continue;
      }
      w.respond(Answer(page));
    }
    lock.lock();
    waiters_.splice(waiters_.begin(), still);
    if (stopping) return;
  }
}

}  // namespace subex
