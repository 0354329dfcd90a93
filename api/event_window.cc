#include "api/event_window.h"

#include <algorithm>
#include <utility>
#include <variant>

#include "api/json_writer.h"
#include "api/views.h"

namespace subex {
namespace {

std::shared_ptr<const std::string> Render(const Taxonomy& taxonomy, const Event& e,
                                          EventView view) {
  JsonWriter w;
  WriteEvent(w, taxonomy, e, view);
  return std::make_shared<const std::string>(std::move(w).Take());
}

}  // namespace

EventWindow::EventWindow(Limits limits, uint64_t base) : limits_(limits), base_(base) {}

std::vector<MemberId> EventWindow::MembersOf(const EventBody& body) {
  std::vector<MemberId> out;
  const Parties p = PartiesOf(body);
  if (p.first.valid()) out.push_back(p.first);
  if (p.second.valid() && p.second != p.first) out.push_back(p.second);
  if (const auto* announced = std::get_if<OrderAnnounced>(&body)) {
    for (MemberId m : announced->suppliers) {
      if (m.valid() && std::find(out.begin(), out.end(), m) == out.end()) out.push_back(m);
    }
  }
  return out;
}

bool EventWindow::PublicCandidate(const EventBody& body) {
  // The platform's own authorisations are the only events that depend on which platform reads.
  if (std::holds_alternative<PlatformAuthorized>(body) ||
      std::holds_alternative<PlatformRevoked>(body)) {
    return true;
  }
  return ViewOf(body, Viewer{Viewer::Class::kPublic, {}}, nullptr) != EventView::kHidden;
}

EventWindow::Entry EventWindow::EncodeOne(Event e, const Taxonomy& taxonomy) {
  Entry entry;
  entry.full = Render(taxonomy, e, EventView::kFull);
  if (std::holds_alternative<BidPlaced>(e.body)) {
    entry.sealed = Render(taxonomy, e, EventView::kSealed);
  }
  entry.members = MembersOf(e.body);
  entry.public_candidate = PublicCandidate(e.body);
  entry.bytes = sizeof(Entry) + sizeof(Event) + entry.full->size() +
                (entry.sealed ? entry.sealed->size() : 0) +
                entry.members.size() * (sizeof(MemberId) + sizeof(uint64_t));
  entry.event = std::make_shared<const Event>(std::move(e));
  return entry;
}

std::vector<EventWindow::Entry> EventWindow::Encode(std::span<const Event> events,
                                                    const Taxonomy& taxonomy) {
  std::vector<Entry> out;
  out.reserve(events.size());
  for (const Event& e : events) out.push_back(EncodeOne(e, taxonomy));
  return out;
}

std::vector<EventWindow::Entry> EventWindow::Encode(std::vector<Event>&& events,
                                                    const Taxonomy& taxonomy) {
  std::vector<Entry> out;
  out.reserve(events.size());
  for (Event& e : events) out.push_back(EncodeOne(std::move(e), taxonomy));
  events.clear();
  return out;
}

void EventWindow::Append(std::vector<Entry> entries) {
  if (entries.empty()) return;
  const uint64_t first = entries.front().event->seq;
  // A gap (or a repeat): start again from these; what came before is in the journal.
  if (first != last() + 1) Restart(first - 1);
  for (Entry& e : entries) {
    const uint64_t seq = e.event->seq;
    for (MemberId m : e.members) by_member_[m].push_back(seq);
    if (e.public_candidate) public_.push_back(seq);
    bytes_ += e.bytes;
    entries_.push_back(std::move(e));
  }
  while (entries_.size() > 1 &&
         (entries_.size() > limits_.max_events || bytes_ > limits_.max_bytes)) {
    EvictOldest();
  }
}

void EventWindow::Restart(uint64_t base) {
  entries_.clear();
  by_member_.clear();
  public_.clear();
  bytes_ = 0;
  base_ = base;
}

void EventWindow::EvictOldest() {
  const Entry& e = entries_.front();
  const uint64_t seq = base_ + 1;
  for (MemberId m : e.members) {
    auto it = by_member_.find(m);
    if (it == by_member_.end()) continue;
    if (!it->second.empty() && it->second.front() == seq) it->second.pop_front();
    if (it->second.empty()) by_member_.erase(it);
  }
  if (!public_.empty() && public_.front() == seq) public_.pop_front();
  bytes_ -= e.bytes;
  entries_.pop_front();
  ++base_;
}

bool EventWindow::Take(const Viewer& viewer, uint64_t seq, size_t limit, size_t max_bytes,
                       size_t& bytes, Page& page) const {
  const Entry& e = At(seq);
  const EventView view = ViewOf(e.event->body, viewer, nullptr);
  if (view == EventView::kHidden) {
    page.next = seq;
    return true;
  }
  const std::string* json = view == EventView::kSealed ? e.sealed.get() : e.full.get();
  // A kAsk item may turn out full or sealed: count the larger.
  const size_t size = std::max(json->size(), e.sealed ? e.sealed->size() : 0);
  if (!page.items.empty() && bytes + size > max_bytes) {
    page.full = true;
    return false;
  }
  if (page.items.empty()) page.first_arrived = e.arrived;
  bytes += size;
  Item item{.seq = seq, .view = view, .event = nullptr, .full = e.full, .sealed = e.sealed};
  if (view == EventView::kAsk) {
    item.event = e.event;
    ++page.asks;
  }
  page.items.push_back(std::move(item));
  page.next = seq;
  page.full = page.items.size() >= limit;
  return !page.full;
}

EventWindow::Page EventWindow::Collect(const Viewer& viewer, uint64_t after, size_t limit,
                                       size_t max_bytes) const {
  Page page;
  page.next = std::max(after, base_);
  if (limit == 0 || after >= last()) return page;
  page.items.reserve(std::min<uint64_t>(limit, last() - page.next));
  size_t bytes = 0;
  const std::deque<uint64_t>* list = nullptr;
  switch (viewer.cls) {
    case Viewer::Class::kNone:
      page.next = last();
      return page;
    case Viewer::Class::kOperator:
      for (uint64_t seq = std::max(after, base_) + 1; seq <= last(); ++seq) {
        if (!Take(viewer, seq, limit, max_bytes, bytes, page)) return page;
      }
      return page;
    case Viewer::Class::kMember: {
      auto it = by_member_.find(viewer.member);
      if (it != by_member_.end()) list = &it->second;
      break;
    }
    case Viewer::Class::kPublic:
      list = &public_;
      break;
  }
  if (list != nullptr) {
    for (auto it = std::upper_bound(list->begin(), list->end(), after); it != list->end(); ++it) {
      if (!Take(viewer, *it, limit, max_bytes, bytes, page)) return page;
    }
  }
  page.next = last();  // Everything up to the newest has been looked at.
  return page;
}

}  // namespace subex
