// StateHash — one 64-bit fingerprint of everything the engine holds: members, clusters, offers
// with their calendars, orders and contracts.
//
// Each object hashes its own fields with a fixed, portable mixing function (not std::hash, which
// may change between builds), and the object hashes are added, so the result does not depend on
// the order objects are visited in. Two states with equal hashes hold the same business facts;
// replay tests (same commands → same hash; journal → same hash) rely on it.
//
// Reads the state; O(size of the state). Safe wherever the state may be read.

#ifndef SUBEX_ENGINE_STATE_HASH_H_
#define SUBEX_ENGINE_STATE_HASH_H_

#include <cstdint>

#include "engine/state.h"

namespace subex {

uint64_t StateHash(const State& state);

}  // namespace subex

#endif  // SUBEX_ENGINE_STATE_HASH_H_
