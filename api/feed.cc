#include "api/feed.h"

#include <algorithm>
#include <future>
#include <utility>

#include "absl/strings/str_cat.h"
#include "api/problem.h"

namespace subex {

Feed::Feed(Reader reader, Judge judge, std::shared_ptr<const Taxonomy> taxonomy,
           uint64_t durable_seq, Options options)
    : reader_(std::move(reader)),
      judge_(std::move(judge)),
      taxonomy_(std::move(taxonomy)),
      options_(options),
      notified_(durable_seq),
      window_(options.window, durable_seq) {
  thread_ = std::thread([this] { Run(); });
  catch_up_thread_ = std::thread([this] { CatchUp(); });
}

Feed::~Feed() {
  Stop();
  thread_.join();
  catch_up_thread_.join();
}

void Feed::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  catch_up_wake_.notify_all();
  Kick();
}

void Feed::Kick() {
  {
    std::lock_guard lock(in_mu_);
    kick_ = true;
  }
  in_wake_.notify_one();
}

void Feed::OnDurable(std::span<const Event> events) {
  if (events.empty()) return;
  {
    std::lock_guard lock(in_mu_);
    inbox_.insert(inbox_.end(), events.begin(), events.end());
    notified_ = std::max(notified_, events.back().seq);
    durable_.store(notified_);
  }
  in_wake_.notify_one();
}

void Feed::Notify(uint64_t seq) {
  {
    std::lock_guard lock(in_mu_);
    if (seq <= notified_) return;
    notified_ = seq;
    durable_.store(seq);
    kick_ = true;
  }
  in_wake_.notify_one();
}

Feed::Counts Feed::counts() const {
  std::lock_guard lock(mu_);
  return {.parked = parked_.size(),
          .window_base = window_.base(),
          .window_last = window_.last(),
          .window_bytes = window_.bytes(),
          .journal_pages = journal_pages_,
          .refused = refused_,
          .pages = pages_.load(std::memory_order_relaxed),
          .page_events = page_events_.load(std::memory_order_relaxed)};
}

void Feed::WriteMetrics(MetricsText& out) const {
  const Counts c = counts();
  out.Family("subex_feed_parked", "gauge", "Long polls and streams of the feed waiting now.");
  out.Sample("subex_feed_parked", {}, static_cast<uint64_t>(c.parked));
  out.Family("subex_feed_window_events", "gauge", "Recent events the feed holds in memory.");
  out.Sample("subex_feed_window_events", {}, c.window_last - c.window_base);
  out.Family("subex_feed_window_bytes", "gauge", "Bytes of the events the feed holds.");
  out.Sample("subex_feed_window_bytes", {}, static_cast<uint64_t>(c.window_bytes));
  out.Family("subex_feed_journal_pages_total", "counter",
             "Pages read from the journal for requests older than the window.");
  out.Sample("subex_feed_journal_pages_total", {}, c.journal_pages);
  out.Family("subex_feed_refused_total", "counter",
             "Feed requests answered 429 for being past feed.max_parked, max_parked_per_key or "
             "max_catch_up.");
  out.Sample("subex_feed_refused_total", {}, c.refused);
  out.Family("subex_feed_pages_total", "counter",
             "Pages of events answered: long polls and writes to streams.");
  out.Sample("subex_feed_pages_total", {}, c.pages);
  out.Family("subex_feed_page_events_total", "counter", "Events in those pages.");
  out.Sample("subex_feed_page_events_total", {}, c.page_events);
}

HttpResponse Feed::Render(const EventWindow::Page& page, const absl::Status& status) {
  HttpResponse response;
  if (!status.ok()) {
    Problem p = Unavailable(std::string(status.message()));
    if (absl::IsOutOfRange(status)) {
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
  size_t size = 40;
  for (const EventWindow::Item& item : page.items) {
    if (const std::string* json = item.Json()) size += json->size() + 1;
  }
  std::string& body = response.body;
  body.reserve(size);
  body += R"({"items":[)";
  bool first = true;
  for (const EventWindow::Item& item : page.items) {
    const std::string* json = item.Json();
    if (json == nullptr) continue;
    if (!first) body += ',';
    first = false;
    body += *json;
  }
  absl::StrAppend(&body, R"(],"next":")", page.next, R"("})");
  return response;
}

HttpResponse Feed::TooMany(std::string_view what) const {
  HttpResponse r;
  const Problem p = TooManyRequests(absl::StrCat(
      "too many ", std::string(what), "; retry in ", options_.retry_after_s,
      options_.retry_after_s == 1 ? " second" : " seconds"));
  r.status = static_cast<unsigned>(p.status);
  r.content_type = "application/problem+json";
  r.body = RenderProblem(p);
  r.headers.emplace_back("Retry-After", std::to_string(options_.retry_after_s));
  return r;
}

void Feed::Send(std::vector<Answer>& answers) {
  for (Answer& a : answers) {
    if (!a.response) {
      pages_.fetch_add(1, std::memory_order_relaxed);
      page_events_.fetch_add(a.page.items.size(), std::memory_order_relaxed);
    }
    if (a.on_page) {
      a.on_page(std::move(a.page), a.status);
    } else {
      a.respond(a.response ? std::move(*a.response) : Render(a.page, a.status));
    }
  }
  answers.clear();
}

bool Feed::Holding::Admit(const std::string& key, const Options& o) {
  std::lock_guard lock(mu);
  auto it = per_key.find(key);
  if (total >= o.max_parked || (it != per_key.end() && it->second >= o.max_parked_per_key)) {
    return false;
  }
  ++total;
  ++per_key[key];
  return true;
}

void Feed::Holding::Release(const std::string& key) {
  std::lock_guard lock(mu);
  --total;
  auto it = per_key.find(key);
  if (--it->second == 0) per_key.erase(it);
}

void Feed::Get(const Caller& caller, std::string key, uint64_t after, size_t limit,
               std::chrono::milliseconds wait, Respond respond) {
  Enqueue(Waiter{Viewer::Of(caller), std::move(key), after, limit,
                 Clock::now() + std::max(wait, {}), std::move(respond)},
          /*admitted=*/false);
}

void Feed::Enqueue(Waiter w, bool admitted) {
  {
    std::lock_guard lock(in_mu_);
    if (!closed_) {
      requests_.push_back({std::move(w), admitted});
      in_wake_.notify_one();
      return;
    }
  }
  // The feed has stopped and its threads have ended: a stream ends (dropping its page's
  // callback), a poll is answered here with what the window has, as Stop answers the parked.
  if (w.on_page) return;
  std::vector<Answer> out;
  {
    std::lock_guard lock(mu_);
    switch (ServeLocked(w, admitted, Clock::now(), out)) {
      case Served::kJudge: {
        // What only the state could tell stays hidden.
        Pending p = std::move(to_judge_.back());
        to_judge_.pop_back();
        SettleLocked(std::move(p), Clock::now(), out);
        break;
      }
      case Served::kCatchUp: {
        Waiter behind = std::move(catch_up_.back());
        catch_up_.pop_back();
        out.push_back({std::move(behind.respond), {}, {}, absl::UnavailableError("the server is stopping"), std::nullopt});
        break;
      }
      case Served::kBehind: {
        Waiter behind = std::move(behind_.back());
        behind_.pop_back();
        EventWindow::Page empty;
        empty.next = behind.after;
        out.push_back({std::move(behind.respond), {}, std::move(empty), {}, std::nullopt});
        break;
      }
      default:
        break;
    }
  }
  Send(out);
}

Feed::Served Feed::ServeLocked(Waiter& w, bool admitted, Clock::time_point now,
                               std::vector<Answer>& out) {
  const bool expired = stopping_ || w.deadline <= now;
  if (!window_.Covers(w.after)) {
    if (!admitted && catch_up_.size() >= options_.max_catch_up) {
      ++refused_;
      out.push_back({std::move(w.respond), {}, {}, {}, TooMany("requests behind the feed's window")});
      return Served::kAnswered;
    }
    catch_up_.push_back(std::move(w));
    return Served::kCatchUp;
  }
  EventWindow::Page page = window_.Collect(w.viewer, w.after, w.limit, options_.max_page_bytes);
  if (page.asks > 0) {
    to_judge_.push_back({std::move(w), std::move(page), {}});
    return Served::kJudge;
  }
  if (page.items.empty() && window_.last() < durable_.load()) {
    behind_.push_back(std::move(w));
    return Served::kBehind;
  }
  // A page that is not full waits up to `linger` from its first event's arrival for more.
  const bool linger = !page.items.empty() && !expired && !page.full &&
                      page.first_arrived + options_.linger > now;
  auto answer = [&] {
    if (w.held) holding_->Release(w.key);
    out.push_back(
        {std::move(w.respond), std::move(w.on_page), std::move(page), {}, std::nullopt});
    return Served::kAnswered;
  };
  if ((!page.items.empty() && !linger) || expired) return answer();
  // A stream's waiter is counted by its stream.
  if (!w.held && !w.on_page && !holding_->Admit(w.key, options_)) {
    if (!page.items.empty()) return answer();
    ++refused_;
    out.push_back({std::move(w.respond), {}, {}, {}, TooMany("waiting requests")});
    return Served::kAnswered;
  }
  w.held = !w.on_page;
  Clock::time_point wake = w.deadline;
  if (linger) {
    // `after` stays: the page is collected again when it is answered.
    w.linger_until = page.first_arrived + options_.linger;
    wake = std::min(wake, w.linger_until);
  } else {
    w.linger_until = {};
    w.after = page.next;
  }
  ParkLocked(std::move(w), wake);
  return Served::kParked;
}

Feed::Clock::time_point Feed::EarliestLocked() const {
  return deadlines_.empty() ? Clock::time_point::max() : deadlines_.top().first;
}

void Feed::ParkLocked(Waiter w, Clock::time_point wake) {
  const uint64_t id = next_id_++;
  deadlines_.push({wake, id});
  if (w.viewer.cls == Viewer::Class::kMember) {
    parked_by_member_[w.viewer.member].push_back(id);
  } else {
    parked_broadcast_.push_back(id);
  }
  parked_.emplace(id, std::move(w));
}

Feed::Waiter Feed::UnparkLocked(uint64_t id) {
  auto it = parked_.find(id);
  Waiter w = std::move(it->second);
  parked_.erase(it);
  auto erase_from = [id](std::vector<uint64_t>& ids) {
    auto at = std::find(ids.begin(), ids.end(), id);
    if (at != ids.end()) ids.erase(at);
  };
  if (w.viewer.cls == Viewer::Class::kMember) {
    auto list = parked_by_member_.find(w.viewer.member);
    if (list != parked_by_member_.end()) {
      erase_from(list->second);
      if (list->second.empty()) parked_by_member_.erase(list);
    }
  } else {
    erase_from(parked_broadcast_);
  }
  return w;
}

void Feed::SettleLocked(Pending p, Clock::time_point now, std::vector<Answer>& out) {
  std::vector<EventWindow::Item>& items = p.page.items;
  items.erase(std::remove_if(items.begin(), items.end(),
                             [](const EventWindow::Item& i) {
                               return i.view != EventView::kFull && i.view != EventView::kSealed;
                             }),
              items.end());
  p.page.asks = 0;
  const bool expired = stopping_ || p.waiter.deadline <= now;
  if (!p.status.ok() || !items.empty() || expired) {
    if (p.waiter.held) holding_->Release(p.waiter.key);
    out.push_back({std::move(p.waiter.respond), std::move(p.waiter.on_page), std::move(p.page),
                   p.status, std::nullopt});
    return;
  }
  p.waiter.after = p.page.next;
  if (ServeLocked(p.waiter, /*admitted=*/true, now, out) == Served::kCatchUp) {
    catch_up_wake_.notify_one();
  }
}

void Feed::JudgeAll(std::vector<Pending> pages) {
  if (pages.empty()) return;
  auto batch = std::make_shared<std::vector<Pending>>(std::move(pages));
  judge_(
      [batch](const State& s) {
        for (Pending& p : *batch) {
          for (EventWindow::Item& item : p.page.items) {
            if (item.view == EventView::kAsk) {
              item.view = ViewOf(item.event->body, p.waiter.viewer, &s);
            }
          }
        }
      },
      [this, batch](absl::Status status) {
        {
          std::lock_guard lock(mu_);
          for (Pending& p : *batch) {
            if (!status.ok()) p.status = status;
            judged_.push_back(std::move(p));
          }
          --judging_;
        }
        Kick();
      });
}

void Feed::Pass(std::vector<EventWindow::Entry> entries, uint64_t notified,
                std::vector<Request> requests) {
  std::vector<Answer> out;
  std::vector<Pending> judge;
  bool catch_up = false;
  {
    std::lock_guard lock(mu_);
    const Clock::time_point now = Clock::now();
    std::vector<uint64_t> woken;
    auto wake_member = [&](MemberId m) {
      auto it = parked_by_member_.find(m);
      if (it == parked_by_member_.end()) return;
      woken.insert(woken.end(), it->second.begin(), it->second.end());
    };
    const uint64_t base = window_.base();
    if (!entries.empty()) {
      for (EventWindow::Entry& e : entries) {
        for (MemberId m : e.members) wake_member(m);
        e.arrived = now;
      }
      woken.insert(woken.end(), parked_broadcast_.begin(), parked_broadcast_.end());
      window_.Append(std::move(entries));
    }
    // Events that never passed OnDurable: the window starts after them.
    if (notified > window_.last()) window_.Restart(notified);
    while (!deadlines_.empty() && (stopping_ || deadlines_.top().first <= now)) {
      woken.push_back(deadlines_.top().second);
      deadlines_.pop();
    }
    // Requests parked before what the window now holds read the journal.
    if (window_.base() != base) {
      for (const auto& [id, w] : parked_) {
        if (w.after < window_.base()) woken.push_back(id);
      }
    }
    std::sort(woken.begin(), woken.end());
    woken.erase(std::unique(woken.begin(), woken.end()), woken.end());
    for (uint64_t id : woken) {
      auto it = parked_.find(id);
      if (it == parked_.end()) continue;
      const Waiter& lingering = it->second;
      // A lingering page that cannot be full yet waits on (for its wake-up, or more events).
      if (!stopping_ && lingering.linger_until > now && lingering.deadline > now &&
          window_.Covers(lingering.after) &&
          window_.last() - lingering.after < lingering.limit) {
        continue;
      }
      Waiter w = UnparkLocked(id);
      catch_up |= ServeLocked(w, /*admitted=*/true, now, out) == Served::kCatchUp;
    }
    for (Request& r : requests) {
      catch_up |= ServeLocked(r.waiter, r.admitted, now, out) == Served::kCatchUp;
    }
    std::vector<Waiter> behind;
    behind.swap(behind_);
    for (Waiter& w : behind) {
      catch_up |= ServeLocked(w, /*admitted=*/true, now, out) == Served::kCatchUp;
    }
    std::vector<Pending> back;
    back.swap(judged_);
    for (Pending& p : back) SettleLocked(std::move(p), now, out);
    judge.swap(to_judge_);
    if (stopping_) {
      // What only the state could tell stays hidden.
      for (Pending& p : judge) SettleLocked(std::move(p), now, out);
      judge.clear();
    } else if (!judge.empty()) {
      ++judging_;
    }
  }
  if (catch_up) catch_up_wake_.notify_one();
  JudgeAll(std::move(judge));
  Send(out);
}

void Feed::Run() {
  for (;;) {
    Clock::time_point earliest = Clock::time_point::max();
    bool done = false;
    {
      std::lock_guard lock(mu_);
      done = stopping_ && judging_ == 0 && judged_.empty() && to_judge_.empty() &&
             parked_.empty() && behind_.empty();
      earliest = EarliestLocked();
    }
    std::vector<Event> batch;
    std::vector<Request> requests;
    uint64_t notified;
    {
      std::unique_lock lock(in_mu_);
      if (done && requests_.empty()) {
        closed_ = true;  // Later requests are answered by their callers' threads.
        return;
      }
      in_wake_.wait_until(lock, earliest,
                          [&] { return kick_ || !inbox_.empty() || !requests_.empty(); });
      kick_ = false;
      batch.swap(inbox_);
      requests.swap(requests_);
      notified = notified_;
    }
    Pass(EventWindow::Encode(std::move(batch), *taxonomy_), notified, std::move(requests));
  }
}

EventWindow::Page Feed::Scan(const Viewer& viewer, uint64_t after, size_t limit,
                             absl::Status& status) const {
  EventWindow::Page page;
  page.next = after;
  size_t scanned = 0;
  size_t bytes = 0;
  while (page.items.size() < limit && scanned < options_.max_scan) {
    const size_t chunk =
        std::min<size_t>(std::max<size_t>(limit, 256), options_.max_scan - scanned);
    absl::StatusOr<std::vector<Event>> events = reader_(page.next, chunk);
    if (!events.ok()) {
      status = events.status();
      return page;
    }
    for (const Event& e : *events) {
      const EventView view = ViewOf(e.body, viewer, nullptr);
      if (view != EventView::kHidden) {
        EventWindow::Entry entry =
            std::move(EventWindow::Encode(std::span<const Event>(&e, 1), *taxonomy_).front());
        const size_t size = std::max(entry.full->size(), entry.sealed ? entry.sealed->size() : 0);
        if (!page.items.empty() && bytes + size > options_.max_page_bytes) return page;
        bytes += size;
        page.items.push_back({.seq = e.seq,
                              .view = view,
                              .event = view == EventView::kAsk ? entry.event : nullptr,
                              .full = entry.full,
                              .sealed = entry.sealed});
        page.asks += view == EventView::kAsk ? 1 : 0;
      }
      ++scanned;
      page.next = e.seq;
      if (page.items.size() == limit) return page;
    }
    if (events->size() < chunk) break;  // Nothing more is durable yet.
  }
  return page;
}

void Feed::CatchUp() {
  for (;;) {
    Waiter w;
    {
      std::unique_lock lock(mu_);
      catch_up_wake_.wait(lock, [this] { return stopping_ || !catch_up_.empty(); });
      if (catch_up_.empty()) return;
      w = std::move(catch_up_.front());
      catch_up_.pop_front();
      ++journal_pages_;
    }
    absl::Status status;
    EventWindow::Page page = Scan(w.viewer, w.after, w.limit, status);
    bool stopping;
    {
      std::lock_guard lock(mu_);
      stopping = stopping_;
    }
    if (status.ok() && page.asks > 0 && !stopping) {
      // This thread may wait: it holds nothing the engine or the other followers need.
      std::promise<absl::Status> judged;
      judge_(
          [&page, &w](const State& s) {
            for (EventWindow::Item& item : page.items) {
              if (item.view == EventView::kAsk) item.view = ViewOf(item.event->body, w.viewer, &s);
            }
          },
          [&judged](absl::Status s) { judged.set_value(s); });
      status = judged.get_future().get();
    }
    std::vector<Answer> out;
    {
      std::lock_guard lock(mu_);
      SettleLocked({std::move(w), std::move(page), status}, Clock::now(), out);
    }
    // It may have parked (with a deadline the feed thread has not seen) or be judged.
    Kick();
    Send(out);
  }
}

// One open stream: where it is, and the connection it writes to.
struct Feed::StreamState {
  Viewer viewer;
  std::string key;
  uint64_t after = 0;
  std::shared_ptr<HttpStream> sink;
  std::shared_ptr<Holding> holding;
  ~StreamState() {
    if (sink) sink->Close();
    holding->Release(key);
  }
};

void Feed::Stream(const Caller& caller, std::string key, uint64_t after, Respond respond) {
  bool stopping;
  {
    std::lock_guard lock(mu_);
    stopping = stopping_;
    if (!stopping && !holding_->Admit(key, options_)) {
      ++refused_;
      respond(TooMany("waiting requests and streams"));
      return;
    }
  }
  if (stopping) {
    HttpResponse r;
    const Problem p = Unavailable("the server is stopping");
    r.status = static_cast<unsigned>(p.status);
    r.content_type = "application/problem+json";
    r.body = RenderProblem(p);
    return respond(std::move(r));
  }
  auto st = std::make_shared<StreamState>();
  st->viewer = Viewer::Of(caller);
  st->key = std::move(key);
  st->after = after;
  st->holding = holding_;
  HttpResponse r;
  r.content_type = "text/event-stream";
  r.headers.emplace_back("Cache-Control", "no-cache");
  r.stream = [this, st](std::shared_ptr<HttpStream> sink) {
    st->sink = std::move(sink);
    NextPage(st);
  };
  respond(std::move(r));
}

void Feed::NextPage(std::shared_ptr<StreamState> st) {
  if (st->sink->closed()) return;
  Waiter w{st->viewer, st->key, st->after, 1'000, Clock::now() + options_.heartbeat, {}, {}, false};
  w.on_page = [this, st](EventWindow::Page page, absl::Status status) {
    OnStreamPage(st, page, status);
  };
  Enqueue(std::move(w), /*admitted=*/true);
}

void Feed::OnStreamPage(const std::shared_ptr<StreamState>& st, const EventWindow::Page& page,
                        const absl::Status& status) {
  std::string chunk;
  if (!status.ok()) {
    // The stream ends with the problem, as the poll would answer it.
    absl::StrAppend(&chunk, "event: error\ndata: ", Render(page, status).body, "\n\n");
    st->sink->Send(std::move(chunk), [](bool) {});
    return;
  }
  for (const EventWindow::Item& item : page.items) {
    if (const std::string* json = item.Json()) {
      absl::StrAppend(&chunk, "id: ", item.seq, "\ndata: ", *json, "\n\n");
    }
  }
  if (chunk.empty()) chunk = ":\n\n";  // The heartbeat.
  st->after = page.next;
  st->sink->Send(std::move(chunk), [this, st](bool written) {
    if (written) NextPage(st);
  });
}

}  // namespace subex
