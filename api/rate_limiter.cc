#include "api/rate_limiter.h"

#include <algorithm>
#include <cmath>

#include "absl/hash/hash.h"

namespace subex {

RateLimiter::RateLimiter(Options options)
    : cost_us_(options.per_second > 0 ? std::max<int64_t>(1, std::llround(1e6 / options.per_second))
                                      : 0),
      tolerance_us_(cost_us_ * std::max<int64_t>(1, options.burst)),
      max_per_shard_(static_cast<size_t>(
          std::max<int64_t>(1, (options.max_clients + kShards - 1) / int64_t{kShards}))),
      shards_(std::make_unique<std::array<Shard, kShards>>()) {}

std::optional<int64_t> RateLimiter::Admit(std::string_view client, int64_t now_us) {
  if (!enabled()) return std::nullopt;
  const uint64_t hash = absl::HashOf(absl::string_view(client.data(), client.size()));
  Shard& shard = (*shards_)[hash % kShards];
  std::lock_guard lock(shard.mu);
  auto it = shard.full_at.find(hash);
  if (it == shard.full_at.end()) {
    if (shard.full_at.size() >= max_per_shard_) MakeRoom(shard, now_us);
    it = shard.full_at.emplace(hash, now_us).first;
  }
  const int64_t next = std::max(it->second, now_us) + cost_us_;
  if (next - now_us > tolerance_us_) return next - now_us - tolerance_us_;
  it->second = next;
  return std::nullopt;
}

void RateLimiter::MakeRoom(Shard& shard, int64_t now_us) {
  absl::erase_if(shard.full_at, [now_us](const auto& entry) { return entry.second <= now_us; });
  if (shard.full_at.size() >= max_per_shard_) shard.full_at.erase(shard.full_at.begin());
}

size_t RateLimiter::tracked() const {
  size_t n = 0;
  for (const Shard& shard : *shards_) {
    std::lock_guard lock(shard.mu);
    n += shard.full_at.size();
  }
  return n;
}

}  // namespace subex
