// Geo — great-circle distance between members (haversine, Earth radius 6371.0 km, PRODUCT §6),
// and the unit-vector form the offer book uses to reject far offers without trigonometry.
// Pure; safe for concurrent use.

#ifndef SUBEX_ENGINE_GEO_H_
#define SUBEX_ENGINE_GEO_H_

#include "engine/units.h"

namespace subex {

inline constexpr double kEarthRadiusKm = 6371.0;

double DistanceKm(GeoPoint a, GeoPoint b);

// A point on the unit sphere. The squared chord between two such points grows monotonically with
// the great-circle distance, so `ChordSquaredFor(km)` turns a distance limit into a bound on
// `ChordSquared` that needs no trigonometry per candidate.
struct UnitVector {
  float x = 0, y = 0, z = 0;
};
UnitVector ToUnitVector(GeoPoint p);
inline float ChordSquared(UnitVector a, UnitVector b) {
  float dx = a.x - b.x, dy = a.y - b.y, dz = a.z - b.z;
  return dx * dx + dy * dy + dz * dz;
}
double ChordSquaredFor(double km);

bool IsValidLocation(GeoPoint p);

}  // namespace subex

#endif  // SUBEX_ENGINE_GEO_H_
