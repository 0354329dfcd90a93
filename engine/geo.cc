#include "engine/geo.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace subex {
namespace {
constexpr double kRadPerDeg = std::numbers::pi / 180.0;
}

double DistanceKm(GeoPoint a, GeoPoint b) {
  double lat1 = a.lat * kRadPerDeg, lat2 = b.lat * kRadPerDeg;
  double dlat = lat2 - lat1, dlon = (b.lon - a.lon) * kRadPerDeg;
  double h = std::sin(dlat / 2) * std::sin(dlat / 2) +
             std::cos(lat1) * std::cos(lat2) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kEarthRadiusKm * std::asin(std::min(1.0, std::sqrt(h)));
}

UnitVector ToUnitVector(GeoPoint p) {
  double lat = p.lat * kRadPerDeg, lon = p.lon * kRadPerDeg;
  return UnitVector{static_cast<float>(std::cos(lat) * std::cos(lon)),
                    static_cast<float>(std::cos(lat) * std::sin(lon)),
                    static_cast<float>(std::sin(lat))};
}

double ChordSquaredFor(double km) {
  double angle = std::min(km / kEarthRadiusKm, std::numbers::pi);
  double chord = 2 * std::sin(angle / 2);
  return chord * chord;
}

bool IsValidLocation(GeoPoint p) {
  return std::isfinite(p.lat) && std::isfinite(p.lon) && p.lat >= -90 && p.lat <= 90 &&
         p.lon >= -180 && p.lon <= 180;
}

}  // namespace subex
