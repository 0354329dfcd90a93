// RateLimiter — token buckets per client (an API key, a client address), for 429 Too Many
// Requests with Retry-After (PRODUCT §6).
//
// Each client may send `burst` requests at once and `per_second` requests a second sustained.
// The bucket is kept as the time it will next be full (GCRA, the generic cell rate algorithm),
// one integer per client: a request is allowed when that time, after adding the request's cost,
// is at most `burst` costs ahead of now. A client whose bucket is full holds no information, so
// when `max_clients` are tracked those are forgotten first; if none is, one tracked client is
// forgotten at random, which at worst gives it a fresh bucket.
//
// Clients are spread over shards by the hash of their name, each with its own small lock, so
// two I/O threads rarely meet; a limiter with `per_second` 0 is off and takes no lock at all.
// Time is an argument (µs on a monotonic clock), which keeps the limiter deterministic to test.
//
//   RateLimiter per_key({.per_second = 50, .burst = 100});
//   if (auto wait = per_key.Admit(key_hash, now_us)) return TooManyRequests(*wait);
//
// Thread-safety: safe for concurrent use.

#ifndef SUBEX_API_RATE_LIMITER_H_
#define SUBEX_API_RATE_LIMITER_H_

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>

#include "absl/container/flat_hash_map.h"

namespace subex {

class RateLimiter {
 public:
  struct Options {
    double per_second = 0;  // 0: off, every request is admitted.
    int64_t burst = 100;
    int64_t max_clients = 100'000;
  };

  explicit RateLimiter(Options options);

  bool enabled() const { return cost_us_ > 0; }

  // Admits one request of `client` at `now_us`, or answers how many µs until it would be.
  std::optional<int64_t> Admit(std::string_view client, int64_t now_us);

  // Clients tracked now (for tests).
  size_t tracked() const;

 private:
  static constexpr size_t kShards = 64;
  struct Shard {
    mutable std::mutex mu;
    absl::flat_hash_map<uint64_t, int64_t> full_at;  // Client hash → when its bucket is full.
  };

  void MakeRoom(Shard& shard, int64_t now_us);

  const int64_t cost_us_;       // One request's share of a second: 1e6 / per_second.
  const int64_t tolerance_us_;  // How far ahead of now the bucket may be: burst × cost.
  const size_t max_per_shard_;
  std::unique_ptr<std::array<Shard, kShards>> shards_;
};

}  // namespace subex

#endif  // SUBEX_API_RATE_LIMITER_H_
