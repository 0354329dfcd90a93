// EventWindow — the feed's recent durable events in memory, each encoded for the wire once per
// view, with an index by party (issue 21).
//
// The window holds a gap-free run of durable events (base, last], at most `max_events` of them
// and about `max_bytes` of encoded JSON (the oldest leave first, never the newest). Each event is
// encoded once in full and, for a bid.placed, once sealed (api/visibility.h); followers share
// the strings (`shared_ptr<const std::string>`), so a page is a concatenation.
//
// Three ways in, so that a poll costs what it returns, not what the market did:
//
//   operator  every event;
//   member    its own list: the events whose parties include it, or whose order.announced names
//             it (engine/events.h `MaySee` — the only events the one rule lets a member see);
//   public    the events a platform without X-On-Behalf-Of may ever see (profiles, clusters,
//             offers, public orders' events, platform authorisations).
//
// Each candidate is then judged with `ViewOf(event, viewer, nullptr)`: a `?` row of the rule
// comes back as kAsk and keeps the decoded event, for the caller to judge with the state at the
// moment it reads (api/feed.h); nothing is decided at insertion that the state could change.
//
//   EventWindow w({.max_events = 100'000, .max_bytes = 64 << 20}, taxonomy, /*base=*/durable);
//   w.Append(EventWindow::Encode(events, taxonomy));        // in seq order
//   EventWindow::Page p = w.Collect(viewer, after, 100, 1 << 20);
//
// Not thread-safe: the feed guards it with its own lock (Encode needs none).

#ifndef SUBEX_API_EVENT_WINDOW_H_
#define SUBEX_API_EVENT_WINDOW_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "api/visibility.h"
#include "engine/events.h"
#include "engine/taxonomy.h"

namespace subex {

class EventWindow {
 public:
  struct Limits {
    size_t max_events = 100'000;
    size_t max_bytes = 64 << 20;
  };

  // One event as the window keeps it.
  struct Entry {
    std::shared_ptr<const Event> event;
    std::shared_ptr<const std::string> full;
    std::shared_ptr<const std::string> sealed;  // bid.placed only.
    std::vector<MemberId> members;              // Who may see it besides operator and public.
    bool public_candidate = false;
    size_t bytes = 0;  // Of the encodings and the event.
    // When the feed took it in (set by the feed; the window only keeps it): how long a page
    // that starts with it may still wait for more (api/feed.h, `linger`).
    std::chrono::steady_clock::time_point arrived{};
  };

  // One event of a page. kAsk items carry the event to be judged with the state.
  struct Item {
    uint64_t seq = 0;
    EventView view = EventView::kHidden;
    std::shared_ptr<const Event> event;
    std::shared_ptr<const std::string> full;
    std::shared_ptr<const std::string> sealed;
    const std::string* Json() const {
      return view == EventView::kSealed ? sealed.get() : view == EventView::kFull ? full.get()
                                                                                  : nullptr;
    }
  };
  struct Page {
    std::vector<Item> items;
    size_t asks = 0;
    uint64_t next = 0;  // The last seq looked at (or `after` when none): the next `after`.
    bool full = false;  // It stopped at `limit` events or before `max_bytes`.
    std::chrono::steady_clock::time_point first_arrived{};  // Of its first item, if any.
  };

  EventWindow(Limits limits, uint64_t base);

  // Encodes events for the window; needs no lock (the expensive part of Append).
  static std::vector<Entry> Encode(std::span<const Event> events, const Taxonomy& taxonomy);
  static std::vector<Entry> Encode(std::vector<Event>&& events, const Taxonomy& taxonomy);

  // Appends encoded events, oldest first. Events must follow `last()`; when they do not (the
  // window missed some), the window restarts at the first of them.
  void Append(std::vector<Entry> entries);
  // Empties the window; events after `base` are held from now on.
  void Restart(uint64_t base);

  // Whether every event after `after` is here or still to come (false: read the journal).
  bool Covers(uint64_t after) const { return after >= base_; }
  uint64_t base() const { return base_; }  // Events after it are held.
  uint64_t last() const { return base_ + entries_.size(); }
  size_t size() const { return entries_.size(); }
  size_t bytes() const { return bytes_; }

  // Up to `limit` events after `after` that `viewer` may see (or may see, kAsk), stopping before
  // `max_bytes` of JSON unless the page would be empty. Requires Covers(after).
  Page Collect(const Viewer& viewer, uint64_t after, size_t limit, size_t max_bytes) const;

  // The members whose list an event goes to, and whether the public class may ever see it.
  static std::vector<MemberId> MembersOf(const EventBody& body);
  static bool PublicCandidate(const EventBody& body);

 private:
  static Entry EncodeOne(Event e, const Taxonomy& taxonomy);
  const Entry& At(uint64_t seq) const { return entries_[seq - base_ - 1]; }
  // Adds the entry at `seq` to `page` if visible; false once the page is full.
  bool Take(const Viewer& viewer, uint64_t seq, size_t limit, size_t max_bytes, size_t& bytes,
            Page& page) const;
  void EvictOldest();

  Limits limits_;
  uint64_t base_;
  std::deque<Entry> entries_;
  size_t bytes_ = 0;
  absl::flat_hash_map<MemberId, std::deque<uint64_t>> by_member_;
  std::deque<uint64_t> public_;
};

}  // namespace subex

#endif  // SUBEX_API_EVENT_WINDOW_H_
