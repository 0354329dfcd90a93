// MicrosSince — microseconds of the steady clock since `start`, for the pipeline's timings
// (a sync's, a fork's) in its metrics and logs.

#ifndef SUBEX_PIPELINE_ELAPSED_H_
#define SUBEX_PIPELINE_ELAPSED_H_

#include <chrono>
#include <cstdint>

namespace subex {

inline uint64_t MicrosSince(std::chrono::steady_clock::time_point start) {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                   std::chrono::steady_clock::now() - start)
                                   .count());
}

}  // namespace subex

#endif  // SUBEX_PIPELINE_ELAPSED_H_
