// The demo's market as tables — towns, plants, what a typical offer for each process looks like,
// the orders — and the script that turns them into commands.

#include "server/demo_data.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_split.h"
#include "engine/engine.h"
#include "engine/inn.h"
#include "server/demo_history.h"
#include "server/demo_market.h"

namespace subex {
namespace {

// --- Time ----------------------------------------------------------------------------------------

// The week's days, counted from the day it opens: day `n` of the week, and day `d` (1..31) of the
// month that follows it. With the shipped opening, 2026-11-23, Week(1) is 2026-11-24 and Month(1)
// is 2026-12-01.
struct WeekDays {
  Day opens;
  Day Week(int n) const { return opens + n; }
  Day Month(int d) const { return opens + (7 + d); }
};

Instant At(Day day, int hour, int minute, int second = 0) {
  return Instant{StartOf(day).unix_ms + int64_t{(hour * 60 + minute) * 60 + second} * 1000};
}

// --- Places --------------------------------------------------------------------------------------

struct Town {
  const char* name;
  const char* region;
  GeoPoint centre;
  int tax_office;  // The first four digits of INNs issued there.
};

// clang-format off
enum TownId {
  kLipetsk, kYelets, kGryazi, kDankov,                   // RU-LIP
  kChelny, kKazan, kNizhnekamsk, kYelabuga,              // RU-TA
  kMoscow, kPodolsk, kKolomna, kElektrostal,             // RU-MOW, RU-MOS
  kVoronezh, kTula, kNovomoskovsk,                       // RU-VOR, RU-TUL
  kNizhny, kDzerzhinsk, kArzamas,                        // RU-NIZ
  kYekaterinburg, kKamensk, kSamara, kTolyatti, kPerm,   // RU-SVE, RU-SAM, RU-PER
  kBelgorod, kStaryOskol,                                // RU-BEL
};
// clang-format on

constexpr Town kTowns[] = {
    {"Lipetsk", "RU-LIP", {52.6031, 39.5708}, 4826},
    {"Yelets", "RU-LIP", {52.6236, 38.5033}, 4821},
    {"Gryazi", "RU-LIP", {52.4967, 39.9339}, 4802},
    {"Dankov", "RU-LIP", {53.2578, 39.1497}, 4803},
    {"Naberezhnye Chelny", "RU-TA", {55.7436, 52.3958}, 1650},
    {"Kazan", "RU-TA", {55.7963, 49.1088}, 1659},
    {"Nizhnekamsk", "RU-TA", {55.6367, 51.8196}, 1651},
    {"Yelabuga", "RU-TA", {55.7561, 52.0543}, 1646},
    {"Moscow", "RU-MOW", {55.7558, 37.6173}, 7722},
    {"Podolsk", "RU-MOS", {55.4242, 37.5547}, 5036},
    {"Kolomna", "RU-MOS", {55.0794, 38.7783}, 5022},
    {"Elektrostal", "RU-MOS", {55.7897, 38.4467}, 5053},
    {"Voronezh", "RU-VOR", {51.6720, 39.1843}, 3662},
    {"Tula", "RU-TUL", {54.1931, 37.6173}, 7104},
    {"Novomoskovsk", "RU-TUL", {54.0105, 38.2846}, 7116},
    {"Nizhny Novgorod", "RU-NIZ", {56.3269, 44.0059}, 5259},
    {"Dzerzhinsk", "RU-NIZ", {56.2389, 43.4631}, 5249},
    {"Arzamas", "RU-NIZ", {55.3949, 43.8399}, 5243},
    {"Yekaterinburg", "RU-SVE", {56.8389, 60.6057}, 6670},
    {"Kamensk-Uralsky", "RU-SVE", {56.4149, 61.9189}, 6612},
    {"Samara", "RU-SAM", {53.1959, 50.1002}, 6316},
    {"Tolyatti", "RU-SAM", {53.5303, 49.3461}, 6320},
    {"Perm", "RU-PER", {58.0105, 56.2502}, 5904},
    {"Belgorod", "RU-BEL", {50.5997, 36.5983}, 3123},
    {"Stary Oskol", "RU-BEL", {51.2967, 37.8350}, 3128},
};

// --- Members -------------------------------------------------------------------------------------

constexpr uint8_t kBuyer = kRoleCustomer;
constexpr uint8_t kSeller = kRoleSupplier;
constexpr uint8_t kBoth = kRoleCustomer | kRoleSupplier;

enum DemoCluster { kNoCluster = -1, kLipetskCluster = 0, kKamaCluster = 1 };

struct MemberRow {
  const char* name;
  TownId town;
  uint8_t roles;
  const char* processes;       // Codes of the taxonomy, space-separated.
  const char* certifications;  // Space-separated.
  const char* materials;       // Tags its offers carry, where the process takes them.
  DemoCluster cluster;
};

constexpr MemberRow kMembers[] = {
    // The Lipetsk machine-building cluster.
    {"Lipetsk Valve Plant", kLipetsk, kBoth,
     "machining.milling.cnc_3axis machining.turning.cnc casting.steel.sand", "ISO9001 ISO14001",
     "steel stainless", kLipetskCluster},
    {"Lipetsk Tractor Works", kLipetsk, kBuyer, "", "ISO9001 ISO14001", "", kLipetskCluster},
    {"Novolipetsk Machine Shop", kLipetsk, kBoth,
     "machining.milling.cnc_5axis machining.milling.cnc_3axis machining.grinding", "ISO9001",
     "steel stainless aluminium cast_iron", kLipetskCluster},
    {"Lipetsk Precision Mechanics", kLipetsk, kSeller,
     "machining.milling.cnc_5axis machining.edm.wire", "ISO9001 AS9100", "steel titanium aluminium",
     kLipetskCluster},
    {"Lipetsk Foundry", kLipetsk, kSeller, "casting.iron.sand casting.steel.sand",
     "ISO9001 ISO14001", "cast_iron steel", kLipetskCluster},
    {"Lipetsk Forge", kLipetsk, kBoth, "forging.hot.closed_die heat_treatment.hardening", "ISO9001",
     "steel", kLipetskCluster},
    {"Lipetsk Pipe Fittings", kLipetsk, kBoth, "machining.turning.cnc welding.mig", "ISO9001",
     "steel stainless", kLipetskCluster},
    {"Lipetsk Heat Treatment Centre", kLipetsk, kSeller,
     "heat_treatment.hardening.induction heat_treatment.carburizing heat_treatment.nitriding",
     "ISO9001", "steel", kLipetskCluster},
    {"Lipetsk Galvanic Works", kLipetsk, kSeller,
     "surface.galvanic.zinc surface.galvanic.nickel surface.powder_coating", "ISO9001 ISO14001",
     "steel aluminium", kLipetskCluster},
    {"Lipetsk Laser Centre", kLipetsk, kSeller, "sheet_metal.laser_cutting sheet_metal.bending",
     "ISO9001", "steel stainless aluminium", kLipetskCluster},
    {"Lipetsk Gearbox Plant", kLipetsk, kBoth, "machining.gear_cutting assembly.gearboxes",
     "ISO9001", "steel", kLipetskCluster},
    {"Lipetsk Refrigerator Components", kLipetsk, kBuyer, "", "ISO9001 ISO14001", "",
     kLipetskCluster},
    {"Lipetsk Electric Motor Plant", kLipetsk, kBoth,
     "assembly.electric_motors machining.turning.cnc", "ISO9001", "steel", kLipetskCluster},
    {"Lipetsk Agro Machinery", kLipetsk, kBuyer, "", "ISO9001", "", kLipetskCluster},
    {"Lipetsk Hydraulic Units", kLipetsk, kBoth, "assembly.hydraulics machining.grinding",
     "ISO9001", "steel", kLipetskCluster},
    {"Lipetsk Welded Structures", kLipetsk, kSeller,
     "welding.mig welding.robotic sheet_metal.bending", "ISO9001 ISO14001", "steel",
     kLipetskCluster},
    {"Lipetsk Polymer Parts", kLipetsk, kSeller, "plastics.injection_moulding plastics.extrusion",
     "ISO9001", "", kLipetskCluster},
    {"Lipetsk Tool Works", kLipetsk, kSeller,
     "machining.edm.sinker machining.grinding machining.milling.cnc_5axis", "ISO9001", "steel",
     kNoCluster},
    {"Lipetsk Cable Systems", kLipetsk, kSeller, "electronics.cable_harness", "ISO9001", "",
     kLipetskCluster},
    {"Yelets Hydraulics", kYelets, kBoth,
     "assembly.hydraulics machining.milling.cnc_3axis machining.turning.cnc", "ISO9001",
     "steel cast_iron", kLipetskCluster},
    {"Yelets Bearing Components", kYelets, kSeller,
     "machining.grinding machining.turning.cnc heat_treatment.hardening", "ISO9001", "steel",
     kLipetskCluster},
    {"Yelets Cast Iron Foundry", kYelets, kSeller, "casting.iron.sand", "ISO9001", "cast_iron",
     kLipetskCluster},
    {"Yelets Electrical Equipment", kYelets, kBoth,
     "electronics.tht electronics.cable_harness assembly.electric_motors", "ISO9001", "",
     kLipetskCluster},
    {"Yelets Metal Structures", kYelets, kSeller,
     "welding.mig sheet_metal.punching sheet_metal.bending", "ISO9001", "steel", kLipetskCluster},
    {"Yelets Mechanical Works", kYelets, kSeller, "machining.turning machining.milling.cnc_3axis",
     "", "steel cast_iron", kNoCluster},
    {"Gryazi Machine Works", kGryazi, kBoth, "machining.milling.cnc_3axis welding.mig", "ISO9001",
     "steel", kLipetskCluster},
    {"Gryazi Stamping Plant", kGryazi, kSeller, "sheet_metal.stamping sheet_metal.deep_drawing",
     "ISO9001 IATF16949", "steel", kLipetskCluster},
    {"Gryazi Galvanizing", kGryazi, kSeller, "surface.hot_dip_galvanizing", "ISO9001 ISO14001",
     "steel", kLipetskCluster},
    {"Dankov Forge and Press", kDankov, kSeller, "forging.hot.closed_die forging.cold", "ISO9001",
     "steel", kLipetskCluster},
    {"Dankov Steel Castings", kDankov, kSeller, "casting.steel.sand casting.steel.investment",
     "ISO9001", "steel stainless", kLipetskCluster},
    {"Dankov Agricultural Machinery", kDankov, kBuyer, "", "ISO9001", "", kLipetskCluster},

    // The Kama innovation cluster.
    {"Kama Truck Works", kChelny, kBuyer, "", "ISO9001 IATF16949 ISO14001", "", kKamaCluster},
    {"KamaPress", kChelny, kSeller,
     "sheet_metal.stamping sheet_metal.deep_drawing forging.hot.closed_die", "ISO9001 IATF16949",
     "steel", kKamaCluster},
    {"Kama Axle Components", kChelny, kBoth,
     "machining.turning.cnc machining.gear_cutting heat_treatment.carburizing", "ISO9001 IATF16949",
     "steel", kKamaCluster},
    {"Chelny Engine Parts", kChelny, kBoth, "machining.milling.cnc_5axis machining.grinding",
     "ISO9001 IATF16949", "steel cast_iron aluminium", kKamaCluster},
    {"Chelny Die Casting", kChelny, kSeller, "casting.aluminium.die", "ISO9001 IATF16949",
     "aluminium", kKamaCluster},
    {"Kama Foundry", kChelny, kSeller, "casting.iron.sand casting.steel.sand",
     "ISO9001 IATF16949 ISO14001", "cast_iron steel", kKamaCluster},
    {"Chelny Welding Systems", kChelny, kSeller, "welding.robotic welding.spot welding.mig",
     "ISO9001 IATF16949", "steel", kKamaCluster},
    {"Kama Plastics", kChelny, kSeller, "plastics.injection_moulding plastics.thermoforming",
     "ISO9001 IATF16949", "", kKamaCluster},
    {"Chelny Wiring Harness", kChelny, kSeller, "electronics.cable_harness", "ISO9001 IATF16949",
     "", kKamaCluster},
    {"Kama Coatings", kChelny, kSeller, "surface.powder_coating surface.galvanic.zinc",
     "ISO9001 ISO14001", "steel aluminium", kKamaCluster},
    {"Chelny Tool and Die", kChelny, kSeller,
     "machining.edm.wire machining.edm.sinker machining.milling.cnc_5axis", "ISO9001", "steel",
     kKamaCluster},
    {"Kama Heat Treat", kChelny, kSeller,
     "heat_treatment.carburizing heat_treatment.hardening.induction heat_treatment.annealing",
     "ISO9001 IATF16949", "steel", kKamaCluster},
    {"Chelny Gearbox Assembly", kChelny, kBoth, "assembly.gearboxes", "ISO9001 IATF16949", "",
     kKamaCluster},
    {"Kama Trailer Plant", kChelny, kBuyer, "", "ISO9001", "", kKamaCluster},
    {"Kazan Aero Components", kKazan, kBoth, "machining.milling.cnc_5axis composites.layup",
     "ISO9001 AS9100", "aluminium titanium", kKamaCluster},
    {"Kazan Compressor Works", kKazan, kBoth,
     "machining.milling.cnc_3axis machining.turning.cnc assembly.electric_motors", "ISO9001",
     "steel cast_iron", kKamaCluster},
    {"Kazan Instrument Plant", kKazan, kBoth, "electronics.smt electronics.tht", "ISO9001 AS9100",
     "", kKamaCluster},
    {"Kazan Additive Centre", kKazan, kSeller, "additive.metal.lpbf additive.polymer.sls",
     "ISO9001 AS9100", "titanium stainless aluminium", kKamaCluster},
    {"Kazan Composite Structures", kKazan, kSeller, "composites.layup composites.infusion",
     "ISO9001 AS9100", "", kKamaCluster},
    {"Kazan Electric Motors", kKazan, kBoth, "assembly.electric_motors", "ISO9001", "",
     kKamaCluster},
    {"Kazan Anodizing", kKazan, kSeller, "surface.anodizing surface.galvanic.nickel",
     "ISO9001 ISO14001 AS9100", "aluminium steel", kKamaCluster},
    {"Kazan Precision Turning", kKazan, kSeller, "machining.turning.cnc machining.grinding",
     "ISO9001", "steel stainless", kNoCluster},
    {"Nizhnekamsk Process Equipment", kNizhnekamsk, kBoth,
     "welding.tig welding.mig machining.turning.cnc", "ISO9001 ISO14001", "stainless steel",
     kKamaCluster},
    {"Nizhnekamsk Polymer Works", kNizhnekamsk, kSeller,
     "plastics.extrusion plastics.injection_moulding", "ISO9001 ISO14001", "", kKamaCluster},
    {"Nizhnekamsk Mechanical Repair", kNizhnekamsk, kSeller,
     "machining.turning machining.milling.cnc_3axis welding.mig", "ISO9001", "steel", kKamaCluster},
    {"Nizhnekamsk Pump Plant", kNizhnekamsk, kBuyer, "", "ISO9001 ISO14001", "", kKamaCluster},
    {"Yelabuga Auto Components", kYelabuga, kSeller,
     "sheet_metal.stamping welding.spot plastics.injection_moulding", "ISO9001 IATF16949", "steel",
     kKamaCluster},
    {"Yelabuga Castings", kYelabuga, kSeller, "casting.aluminium.die casting.iron.sand",
     "ISO9001 IATF16949", "aluminium cast_iron", kKamaCluster},
    {"Yelabuga Electronics", kYelabuga, kSeller, "electronics.smt electronics.cable_harness",
     "ISO9001 IATF16949", "", kKamaCluster},
    {"Yelabuga Forgings", kYelabuga, kSeller, "forging.hot.closed_die heat_treatment.hardening",
     "ISO9001 IATF16949", "steel", kKamaCluster},

    // Moscow and the Moscow region.
    {"Moscow Aircraft Units", kMoscow, kBuyer, "", "ISO9001 AS9100", "", kNoCluster},
    {"Moscow Rolling Stock Repair", kMoscow, kBuyer, "", "ISO9001", "", kNoCluster},
    {"Moscow Precision Instruments", kMoscow, kBoth,
     "machining.milling.cnc_5axis machining.edm.wire", "ISO9001 AS9100",
     "aluminium titanium stainless", kNoCluster},
    {"Moscow Electronics Assembly", kMoscow, kSeller, "electronics.smt electronics.tht",
     "ISO9001 AS9100", "", kNoCluster},
    {"Moscow Additive Technologies", kMoscow, kSeller, "additive.metal.lpbf additive.polymer.sls",
     "ISO9001", "titanium stainless aluminium", kNoCluster},
    {"Moscow Pump Works", kMoscow, kBuyer, "", "ISO9001", "", kNoCluster},
    {"Podolsk Machine Works", kPodolsk, kBoth,
     "machining.turning.cnc machining.milling.cnc_3axis welding.tig", "ISO9001 ISO14001",
     "steel stainless", kNoCluster},
    {"Podolsk Cable Plant", kPodolsk, kSeller, "electronics.cable_harness", "ISO9001", "",
     kNoCluster},
    {"Podolsk Nonferrous Castings", kPodolsk, kSeller,
     "casting.aluminium.die casting.steel.investment", "ISO9001", "aluminium steel", kNoCluster},
    {"Kolomna Diesel Components", kKolomna, kBoth,
     "machining.milling.cnc_5axis machining.grinding machining.gear_cutting", "ISO9001",
     "steel cast_iron", kNoCluster},
    {"Kolomna Heavy Machining", kKolomna, kSeller, "machining.turning machining.milling.cnc_3axis",
     "ISO9001", "steel cast_iron", kNoCluster},
    {"Kolomna Locomotive Plant", kKolomna, kBuyer, "", "ISO9001 ISO14001", "", kNoCluster},
    {"Elektrostal Special Forgings", kElektrostal, kSeller,
     "forging.hot.closed_die forging.cold heat_treatment.annealing", "ISO9001 AS9100",
     "steel stainless titanium", kNoCluster},
    {"Elektrostal Heat Treatment", kElektrostal, kSeller,
     "heat_treatment.nitriding heat_treatment.hardening", "ISO9001 AS9100", "steel titanium",
     kNoCluster},
    {"Elektrostal Precision Castings", kElektrostal, kSeller, "casting.steel.investment",
     "ISO9001 AS9100", "stainless steel", kNoCluster},

    // Voronezh.
    {"Voronezh Aviation Components", kVoronezh, kBoth,
     "machining.milling.cnc_5axis composites.layup", "ISO9001 AS9100", "aluminium titanium",
     kNoCluster},
    {"Voronezh Excavator Works", kVoronezh, kBuyer, "", "ISO9001 ISO14001", "", kNoCluster},
    {"Voronezh Mechanical Plant", kVoronezh, kBoth,
     "machining.turning.cnc machining.milling.cnc_3axis machining.grinding", "ISO9001", "steel",
     kNoCluster},
    {"Voronezh Forge", kVoronezh, kSeller, "forging.hot.closed_die", "ISO9001", "steel",
     kNoCluster},
    {"Voronezh Sheet Metal", kVoronezh, kSeller,
     "sheet_metal.laser_cutting sheet_metal.punching sheet_metal.bending", "ISO9001",
     "steel stainless aluminium", kNoCluster},
    {"Voronezh Electronic Modules", kVoronezh, kSeller, "electronics.smt electronics.tht",
     "ISO9001", "", kNoCluster},
    {"Voronezh Coatings", kVoronezh, kSeller, "surface.powder_coating surface.hot_dip_galvanizing",
     "ISO9001", "steel", kNoCluster},
    {"Voronezh Hydraulic Cylinders", kVoronezh, kBoth, "assembly.hydraulics welding.mig", "ISO9001",
     "steel", kNoCluster},

    // Tula.
    {"Tula Precision Mechanics", kTula, kSeller,
     "machining.milling.cnc_5axis machining.edm.wire machining.turning.cnc", "ISO9001 AS9100",
     "steel titanium", kNoCluster},
    {"Tula Combine Plant", kTula, kBuyer, "", "ISO9001", "", kNoCluster},
    {"Tula Foundry", kTula, kSeller, "casting.iron.sand casting.steel.sand", "ISO9001",
     "cast_iron steel", kNoCluster},
    {"Tula Stamping Works", kTula, kSeller, "sheet_metal.stamping sheet_metal.laser_cutting",
     "ISO9001", "steel", kNoCluster},
    {"Tula Electric Drives", kTula, kBoth, "assembly.electric_motors", "ISO9001", "", kNoCluster},
    {"Novomoskovsk Chemical Equipment", kNovomoskovsk, kBuyer, "", "ISO9001 ISO14001", "",
     kNoCluster},
    {"Novomoskovsk Polymer", kNovomoskovsk, kSeller, "plastics.extrusion plastics.thermoforming",
     "ISO9001", "", kNoCluster},

    // Nizhny Novgorod.
    {"Nizhny Novgorod Automotive Parts", kNizhny, kBoth,
     "sheet_metal.stamping welding.robotic welding.spot", "ISO9001 IATF16949", "steel", kNoCluster},
    {"Nizhny Novgorod Van Plant", kNizhny, kBuyer, "", "ISO9001 IATF16949 ISO14001", "",
     kNoCluster},
    {"Sormovo Machine Works", kNizhny, kBoth,
     "machining.milling.cnc_3axis machining.turning.cnc welding.mig", "ISO9001", "steel",
     kNoCluster},
    {"Nizhny Novgorod Aero Units", kNizhny, kBoth, "machining.milling.cnc_5axis machining.grinding",
     "ISO9001 AS9100", "aluminium titanium steel", kNoCluster},
    {"Nizhny Novgorod Galvanic", kNizhny, kSeller,
     "surface.galvanic.zinc surface.galvanic.nickel surface.anodizing", "ISO9001 ISO14001",
     "steel aluminium", kNoCluster},
    {"Dzerzhinsk Plastics", kDzerzhinsk, kSeller, "plastics.injection_moulding plastics.extrusion",
     "ISO9001 ISO14001", "", kNoCluster},
    {"Dzerzhinsk Vessel Plant", kDzerzhinsk, kSeller, "welding.tig welding.mig", "ISO9001",
     "stainless steel", kNoCluster},
    {"Arzamas Instrument Works", kArzamas, kBoth,
     "electronics.smt electronics.tht machining.milling.cnc_3axis", "ISO9001 AS9100", "aluminium",
     kNoCluster},

    // Sverdlovsk.
    {"Ural Heavy Machine Works", kYekaterinburg, kBuyer, "", "ISO9001 ISO14001", "", kNoCluster},
    {"Ural Turbine Components", kYekaterinburg, kBoth,
     "machining.milling.cnc_5axis machining.turning.cnc machining.grinding", "ISO9001",
     "steel stainless", kNoCluster},
    {"Yekaterinburg Steel Castings", kYekaterinburg, kSeller,
     "casting.steel.sand casting.steel.investment", "ISO9001", "steel stainless", kNoCluster},
    {"Ural Forge", kYekaterinburg, kSeller, "forging.hot.closed_die forging.cold", "ISO9001",
     "steel titanium", kNoCluster},
    {"Yekaterinburg Additive Lab", kYekaterinburg, kSeller, "additive.metal.lpbf", "ISO9001",
     "titanium stainless", kNoCluster},
    {"Kamensk Aluminium Works", kKamensk, kSeller, "casting.aluminium.die sheet_metal.deep_drawing",
     "ISO9001 AS9100", "aluminium", kNoCluster},
    {"Kamensk Pipe Machining", kKamensk, kSeller, "machining.turning.cnc heat_treatment.annealing",
     "ISO9001", "steel", kNoCluster},

    // Samara.
    {"Samara Aero Engine Parts", kSamara, kBoth,
     "machining.milling.cnc_5axis machining.grinding heat_treatment.nitriding", "ISO9001 AS9100",
     "titanium steel", kNoCluster},
    {"Samara Bearing Works", kSamara, kBoth,
     "machining.grinding machining.turning.cnc heat_treatment.hardening.induction",
     "ISO9001 IATF16949", "steel", kNoCluster},
    {"Samara Cable Works", kSamara, kSeller, "electronics.cable_harness", "ISO9001 IATF16949", "",
     kNoCluster},
    {"Samara Hydraulic Plant", kSamara, kBoth, "assembly.hydraulics machining.turning.cnc",
     "ISO9001", "steel", kNoCluster},
    {"Tolyatti Car Plant", kTolyatti, kBuyer, "", "ISO9001 IATF16949 ISO14001", "", kNoCluster},
    {"Tolyatti Stamping", kTolyatti, kSeller,
     "sheet_metal.stamping sheet_metal.deep_drawing welding.spot", "ISO9001 IATF16949", "steel",
     kNoCluster},
    {"Tolyatti Plastics", kTolyatti, kSeller, "plastics.injection_moulding", "ISO9001 IATF16949",
     "", kNoCluster},
    {"Tolyatti Die Casting", kTolyatti, kSeller, "casting.aluminium.die", "IATF16949", "aluminium",
     kNoCluster},

    // Perm.
    {"Perm Motor Components", kPerm, kBoth,
     "machining.milling.cnc_5axis machining.edm.wire additive.metal.lpbf", "ISO9001 AS9100",
     "titanium stainless", kNoCluster},
    {"Perm Gearbox Works", kPerm, kBoth,
     "machining.gear_cutting assembly.gearboxes heat_treatment.carburizing", "ISO9001", "steel",
     kNoCluster},
    {"Perm Composite Works", kPerm, kSeller, "composites.layup composites.infusion",
     "ISO9001 AS9100", "", kNoCluster},
    {"Perm Oilfield Equipment", kPerm, kBuyer, "", "ISO9001 ISO14001", "", kNoCluster},

    // Belgorod.
    {"Belgorod Energy Machinery", kBelgorod, kBoth, "welding.tig welding.mig machining.turning.cnc",
     "ISO9001", "steel stainless", kNoCluster},
    {"Belgorod Grinding Works", kBelgorod, kSeller, "machining.grinding", "ISO9001", "steel",
     kNoCluster},
    {"Belgorod Agricultural Components", kBelgorod, kBoth,
     "sheet_metal.laser_cutting sheet_metal.bending welding.mig", "ISO9001", "steel", kNoCluster},
    {"Stary Oskol Mining Equipment", kStaryOskol, kBuyer, "", "ISO9001", "", kNoCluster},
    {"Stary Oskol Forgings", kStaryOskol, kSeller,
     "forging.hot.closed_die heat_treatment.hardening", "ISO9001", "steel", kNoCluster},
};

MemberId IdOf(std::string_view name) {
  for (uint32_t i = 0; i < std::size(kMembers); ++i) {
    if (name == kMembers[i].name) return MemberId{i};
  }
  return MemberId{};  // Unknown: the engine rejects the command, and the demo reports it.
}

std::vector<std::string> Words(const char* s) { return absl::StrSplit(s, ' ', absl::SkipEmpty()); }

// A plant's site: its town's centre moved by a few kilometres, so that plants in one town are not
// all at one point.
GeoPoint SiteOf(uint32_t i, const Town& town) {
  double dlat = static_cast<double>(static_cast<int>((i * 37) % 21) - 10) * 0.004;
  double dlon = static_cast<double>(static_cast<int>((i * 53) % 21) - 10) * 0.006;
  return GeoPoint{town.centre.lat + dlat, town.centre.lon + dlon};
}

// --- Capacity ------------------------------------------------------------------------------------

using demo::Rng;

struct LimitRange {
  const char* name = nullptr;
  double lo = 0, hi = 0, step = 1;
};

// What a typical offer for a process looks like, in the process's unit.
struct ProcessProfile {
  const char* code;
  double price_lo, price_hi;                       // RUB per unit.
  double capacity_lo, capacity_hi, capacity_step;  // Units per day.
  Quantity min_lot;
  const char* materials;  // Tags the process takes; empty when materials do not apply.
  LimitRange limits[3];
};

// clang-format off
constexpr ProcessProfile kProfiles[] = {
    // code, RUB per unit (low, high), units a day (low, high, step), minimum lot, materials,
    // limits (name, low, high, step).
    {"machining.milling.cnc_3axis", 2000, 2800, 8, 24, 8, 8,
     "steel stainless aluminium titanium cast_iron",
     {{"max_length_mm", 800, 2000, 100}, {"max_mass_kg", 200, 1500, 50}, {"tolerance_it", 7, 9}}},
    {"machining.milling.cnc_5axis", 3000, 4200, 8, 16, 8, 8,
     "steel stainless aluminium titanium cast_iron",
     {{"max_length_mm", 500, 1500, 100}, {"max_mass_kg", 100, 800, 50}, {"tolerance_it", 6, 7}}},
    {"machining.turning", 1400, 1900, 8, 16, 8, 8, "steel stainless cast_iron",
     {{"max_length_mm", 1500, 2500, 250}, {"max_mass_kg", 500, 3000, 250}, {"tolerance_it", 8, 9}}},
    {"machining.turning.cnc", 1800, 2600, 8, 24, 8, 8,
     "steel stainless aluminium titanium cast_iron",
     {{"max_length_mm", 500, 2000, 100}, {"max_mass_kg", 50, 1000, 50}, {"tolerance_it", 6, 8}}},
    {"machining.grinding", 2200, 3000, 8, 24, 8, 4, "steel stainless cast_iron",
     {{"max_length_mm", 500, 2000, 100}, {"tolerance_it", 5, 6}}},
    {"machining.edm.wire", 2500, 3500, 16, 24, 8, 4, "steel stainless titanium",
     {{"max_length_mm", 300, 600, 50}, {"tolerance_it", 5, 6}}},
    {"machining.edm.sinker", 2300, 3200, 8, 16, 8, 4, "steel", {{"max_length_mm", 300, 800, 100}}},
    {"machining.gear_cutting", 2600, 3600, 8, 16, 8, 8, "steel",
     {{"max_length_mm", 300, 1600, 100}, {"max_mass_kg", 50, 2000, 50}}},
    {"casting.steel.sand", 250, 380, 1000, 3000, 500, 500, "steel stainless",
     {{"max_mass_kg", 200, 3000, 100}}},
    {"casting.steel.investment", 450, 600, 300, 1000, 100, 100, "steel stainless",
     {{"max_mass_kg", 5, 50, 5}}},
    {"casting.iron.sand", 250, 320, 1500, 4000, 500, 500, "cast_iron",
     {{"max_mass_kg", 100, 5000, 100}}},
    {"casting.aluminium.die", 380, 520, 500, 1500, 100, 200, "aluminium",
     {{"max_mass_kg", 2, 25, 1}}},
    {"forging.hot.closed_die", 220, 340, 1500, 5000, 500, 1000, "steel stainless titanium",
     {{"max_mass_kg", 5, 200, 5}}},
    {"forging.cold", 260, 380, 1000, 4000, 500, 500, "steel", {{"max_mass_kg", 0.5, 5, 0.5}}},
    {"welding.mig", 1500, 2100, 8, 24, 8, 8, "steel stainless aluminium",
     {{"max_length_mm", 3000, 12000, 1000}}},
    {"welding.tig", 1900, 2600, 8, 24, 8, 4, "steel stainless aluminium titanium",
     {{"max_length_mm", 1000, 6000, 500}}},
    {"welding.robotic", 2400, 3200, 16, 32, 8, 16, "steel stainless aluminium",
     {{"max_length_mm", 2000, 8000, 1000}}},
    {"welding.spot", 1400, 1900, 16, 32, 8, 16, "steel", {}},
    {"sheet_metal.laser_cutting", 70, 120, 1000, 3000, 500, 100, "steel stainless aluminium",
     {{"max_length_mm", 3000, 6000, 500}, {"max_thickness_mm", 12, 25, 1}}},
    {"sheet_metal.punching", 70, 110, 1000, 3000, 500, 100, "steel stainless aluminium",
     {{"max_thickness_mm", 3, 8, 1}}},
    {"sheet_metal.bending", 40, 75, 1000, 4000, 500, 100, "steel stainless aluminium",
     {{"max_length_mm", 2500, 4000, 500}}},
    {"sheet_metal.stamping", 90, 150, 2000, 6000, 1000, 1000, "steel aluminium",
     {{"max_length_mm", 600, 2500, 100}}},
    {"sheet_metal.deep_drawing", 140, 220, 1000, 5000, 500, 500, "steel aluminium stainless",
     {{"max_length_mm", 300, 1200, 100}}},
    {"heat_treatment.hardening", 45, 80, 2000, 6000, 1000, 500, "steel",
     {{"max_mass_kg", 50, 2000, 50}}},
    {"heat_treatment.hardening.induction", 70, 120, 1000, 4000, 500, 200, "steel",
     {{"max_length_mm", 1000, 3000, 250}}},
    {"heat_treatment.carburizing", 110, 180, 1000, 3000, 500, 500, "steel",
     {{"max_mass_kg", 50, 1000, 50}}},
    {"heat_treatment.nitriding", 140, 220, 1000, 3000, 500, 200, "steel titanium",
     {{"max_length_mm", 1000, 4000, 500}}},
    {"heat_treatment.annealing", 30, 55, 5000, 15000, 1000, 1000, "steel",
     {{"max_mass_kg", 500, 10000, 500}}},
    {"surface.galvanic.zinc", 450, 700, 150, 400, 50, 20, "steel",
     {{"max_length_mm", 1000, 3000, 500}}},
    {"surface.galvanic.nickel", 1200, 1800, 60, 150, 10, 10, "steel aluminium",
     {{"max_length_mm", 500, 1500, 250}}},
    {"surface.anodizing", 700, 1100, 80, 200, 20, 10, "aluminium",
     {{"max_length_mm", 1000, 4000, 500}}},
    {"surface.powder_coating", 350, 600, 200, 600, 50, 20, "steel aluminium",
     {{"max_length_mm", 2000, 7000, 500}}},
    {"surface.hot_dip_galvanizing", 400, 650, 400, 1200, 100, 50, "steel",
     {{"max_length_mm", 6000, 12000, 1000}}},
    {"additive.metal.lpbf", 6500, 9500, 22, 66, 22, 10, "titanium stainless aluminium",
     {{"max_length_mm", 250, 500, 50}}},
    {"additive.polymer.sls", 2200, 3200, 22, 44, 22, 10, "", {{"max_length_mm", 300, 700, 50}}},
    {"composites.layup", 4500, 7500, 40, 150, 10, 10, "", {{"max_length_mm", 1000, 6000, 500}}},
    {"composites.infusion", 1800, 3000, 100, 300, 50, 20, "",
     {{"max_length_mm", 2000, 12000, 1000}}},
    {"plastics.injection_moulding", 350, 600, 500, 2000, 250, 100, "",
     {{"max_mass_kg", 0.5, 8, 0.5}}},
    {"plastics.extrusion", 220, 350, 1000, 4000, 500, 200, "", {}},
    {"plastics.thermoforming", 300, 480, 300, 1000, 100, 50, "",
     {{"max_length_mm", 800, 2500, 100}}},
    {"assembly.hydraulics", 9000, 16000, 6, 20, 2, 2, "", {}},
    {"assembly.electric_motors", 6500, 11000, 10, 40, 5, 5, "", {{"max_power_kw", 15, 315, 5}}},
    {"assembly.gearboxes", 14000, 24000, 4, 12, 2, 2, "", {}},
    {"electronics.smt", 450, 900, 200, 800, 50, 50, "", {}},
    {"electronics.tht", 350, 700, 150, 500, 50, 50, "", {}},
    {"electronics.cable_harness", 800, 1800, 40, 150, 10, 10, "", {}},
};
// clang-format on

const ProcessProfile* ProfileOf(std::string_view code) {
  for (const ProcessProfile& p : kProfiles) {
    if (code == p.code) return &p;
  }
  return nullptr;
}

// Prices end in whole tens of roubles above 1,000 RUB, whole roubles above 100 RUB and in 50
// kopecks below.
Kopecks PriceStep(double rub) { return rub >= 1000 ? 1000 : rub >= 100 ? 100 : 50; }

Kopecks RoundPrice(Kopecks k) {
  Kopecks step = PriceStep(static_cast<double>(k) / 100);
  return (k + step / 2) / step * step;
}

Kopecks PickPrice(Rng& rng, double lo_rub, double hi_rub) {
  Kopecks step = PriceStep(hi_rub);
  return static_cast<Kopecks>(rng.Pick(lo_rub * 100, hi_rub * 100, static_cast<double>(step)));
}

std::vector<std::string> TagsFor(const MemberRow& m, const ProcessProfile& p) {
  std::vector<std::string> accepted = Words(p.materials);
  if (accepted.empty()) return {};
  std::vector<std::string> tags;
  for (std::string& t : Words(m.materials)) {
    if (std::find(accepted.begin(), accepted.end(), t) != accepted.end()) tags.push_back(t);
  }
  if (tags.empty()) tags.push_back(accepted.front());
  return tags;
}

NamedValues LimitsFor(Rng& rng, const ProcessProfile& p) {
  NamedValues limits;
  for (const LimitRange& r : p.limits) {
    if (r.name != nullptr) limits.emplace_back(r.name, rng.Pick(r.lo, r.hi, r.step));
  }
  return limits;
}

// The offers of one supplier for the days [first, last]: one per process it registered, over the
// whole span or part of it, and now and then a second-shift offer for the second half at a higher
// price.
void PostOffers(uint32_t member, Day first, Day last, uint64_t salt, std::vector<PostOffer>& out) {
  const MemberRow& m = kMembers[member];
  std::vector<std::string> processes = Words(m.processes);
  for (size_t k = 0; k < processes.size(); ++k) {
    const ProcessProfile* p = ProfileOf(processes[k]);
    if (p == nullptr) continue;
    Rng rng(uint64_t{member} * 1000 + k + salt);
    PostOffer o;
    o.by = MemberId{member};
    o.process = p->code;
    o.daily_capacity =
        static_cast<int32_t>(rng.Pick(p->capacity_lo, p->capacity_hi, p->capacity_step));
    uint64_t shape = rng.Next() % 10;
    o.from = shape < 8 ? first : first + 7;
    o.to = shape < 6 || shape >= 8 ? last : std::min(first + 19, last);
    o.unit_price = PickPrice(rng, p->price_lo, p->price_hi);
    o.min_lot = p->min_lot;
    o.tags = TagsFor(m, *p);
    o.limits = LimitsFor(rng, *p);
    out.push_back(o);
    if (rng.Chance(30)) {
      PostOffer second = o;
      second.from = first + 13;
      second.to = last - 1;
      second.daily_capacity = std::max<int32_t>(o.daily_capacity / 2, 1);
      second.unit_price = RoundPrice(o.unit_price * 108 / 100);
      out.push_back(std::move(second));
    }
  }
}

// --- Orders --------------------------------------------------------------------------------------

struct OrderRow {
  const char* customer;
  const char* title;
  const char* process;
  Quantity quantity;
  int start, due;          // Days of December 2026.
  double max_price_rub;    // Per unit.
  double max_distance_km;  // 0: any distance.
  const char* certifications;
  const char* tags;
  const char* need;  // A named minimum the offer's limits must reach, or "".
  double need_value;
  Quantity min_lot;  // 0: the default, 1.
};

constexpr OrderRow kOrders[] = {
    {"Lipetsk Tractor Works", "Gearbox housings, milling", "machining.milling", 480, 1, 20, 2700,
     800, "ISO9001", "cast_iron", "max_length_mm", 900, 40},
    {"Lipetsk Tractor Works", "Drive shafts, CNC turning", "machining.turning.cnc", 240, 1, 18,
     2400, 600, "ISO9001", "steel", "", 0, 40},
    {"Lipetsk Tractor Works", "Grey iron brake drums", "casting.iron", 40000, 1, 22, 300, 1000,
     "ISO9001", "cast_iron", "max_mass_kg", 60, 2000},
    {"Lipetsk Refrigerator Components", "Compressor brackets, cut and bent", "sheet_metal", 30000,
     1, 15, 110, 500, "ISO9001", "steel", "", 0, 1000},
    {"Lipetsk Refrigerator Components", "Door liners, thermoformed", "plastics.thermoforming", 6000,
     3, 20, 450, 1200, "", "", "max_length_mm", 1800, 500},
    {"Lipetsk Agro Machinery", "Harrow frames, MIG welding", "welding.mig", 600, 1, 21, 1900, 500,
     "ISO9001", "steel", "", 0, 40},
    {"Lipetsk Agro Machinery", "Galvanizing of harrow frames", "surface.hot_dip_galvanizing", 5000,
     7, 24, 600, 400, "", "", "max_length_mm", 6000, 300},
    {"Lipetsk Valve Plant", "Valve body castings", "casting.steel.sand", 30000, 1, 18, 380, 1500,
     "ISO9001", "steel", "max_mass_kg", 250, 3000},
    {"Lipetsk Valve Plant", "Nickel plating of valve trim", "surface.galvanic.nickel", 800, 10, 28,
     1700, 1500, "ISO9001", "", "", 0, 100},
    {"Lipetsk Electric Motor Plant", "Rotor shafts, induction hardening",
     "heat_treatment.hardening.induction", 20000, 1, 20, 110, 600, "", "steel", "max_length_mm",
     1200, 1000},
    {"Dankov Agricultural Machinery", "Cultivator tines, closed-die forged",
     "forging.hot.closed_die", 40000, 1, 25, 300, 900, "ISO9001", "steel", "", 0, 5000},
    {"Yelets Hydraulics", "Manifold blocks, 5-axis", "machining.milling.cnc_5axis", 200, 1, 18,
     3900, 700, "ISO9001", "steel", "max_length_mm", 600, 24},
    {"Yelets Hydraulics", "Zinc plating of fittings", "surface.galvanic.zinc", 2500, 5, 22, 700,
     600, "", "", "", 0, 100},
    {"Kama Truck Works", "Cab panels, stamping", "sheet_metal.stamping", 90000, 1, 25, 140, 700,
     "IATF16949", "steel", "max_length_mm", 1800, 10000},
    {"Kama Truck Works", "Frame cross-members, robotic welding", "welding.robotic", 600, 1, 24,
     3100, 600, "IATF16949", "steel", "", 0, 40},
    {"Kama Truck Works", "Crankcase die castings", "casting.aluminium.die", 36000, 1, 20, 500, 1500,
     "IATF16949", "aluminium", "max_mass_kg", 8, 2000},
    {"Kama Truck Works", "Engine wiring harnesses", "electronics.cable_harness", 2400, 1, 22, 1600,
     1500, "IATF16949", "", "", 0, 200},
    {"Kama Truck Works", "Axle gears, gear cutting", "machining.gear_cutting", 480, 1, 21, 3400,
     1200, "ISO9001", "steel", "", 0, 48},
    {"Kama Trailer Plant", "Trailer chassis, MIG welding", "welding.mig", 800, 1, 26, 1950, 400,
     "ISO9001", "steel", "max_length_mm", 6000, 80},
    {"Chelny Engine Parts", "Camshafts, carburizing", "heat_treatment.carburizing", 25000, 1, 22,
     170, 300, "IATF16949", "steel", "", 0, 1000},
    {"Chelny Engine Parts", "Cylinder head castings", "casting.iron.sand", 80000, 1, 20, 300, 300,
     "IATF16949", "cast_iron", "", 0, 5000},
    {"Kazan Aero Components", "Titanium brackets, 5-axis", "machining.milling.cnc_5axis", 360, 1,
     22, 4200, 1500, "AS9100", "titanium", "", 0, 40},
    {"Kazan Aero Components", "Anodizing of aluminium panels", "surface.anodizing", 2000, 5, 24,
     1000, 800, "AS9100", "aluminium", "", 0, 100},
    {"Kazan Compressor Works", "Impeller blanks, investment cast", "casting.steel.investment", 8000,
     1, 24, 580, 0, "ISO9001", "stainless", "", 0, 500},
    {"Kazan Instrument Plant", "Instrument housings, 3-axis", "machining.milling.cnc_3axis", 300, 1,
     20, 2700, 900, "ISO9001", "aluminium", "", 0, 40},
    {"Nizhnekamsk Pump Plant", "Pump shafts, turning", "machining.turning", 400, 1, 22, 2500, 1000,
     "ISO9001", "stainless", "max_length_mm", 1500, 40},
    {"Nizhnekamsk Pump Plant", "Stainless casings, TIG welding", "welding.tig", 240, 3, 25, 2500, 0,
     "ISO9001", "stainless", "", 0, 24},
    {"Moscow Aircraft Units", "Titanium brackets, laser powder bed fusion", "additive.metal.lpbf",
     900, 1, 24, 9000, 0, "AS9100", "titanium", "", 0, 40},
    {"Moscow Aircraft Units", "Carbon fibre fairings", "composites.layup", 2500, 1, 25, 7000, 0,
     "AS9100", "", "max_length_mm", 2000, 100},
    {"Moscow Aircraft Units", "Turbine disc slots, wire EDM", "machining.edm.wire", 200, 5, 22,
     3600, 500, "AS9100", "", "", 0, 20},
    {"Moscow Rolling Stock Repair", "Bogie frames, MIG welding", "welding.mig", 500, 1, 25, 2000,
     600, "ISO9001", "steel", "", 0, 40},
    {"Moscow Rolling Stock Repair", "Wheelset axles, turning", "machining.turning", 300, 1, 20,
     2500, 400, "ISO9001", "steel", "max_length_mm", 2600, 40},
    {"Moscow Pump Works", "Pump housings, iron castings", "casting.iron.sand", 20000, 1, 20, 280,
     600, "", "cast_iron", "", 0, 2000},
    {"Kolomna Locomotive Plant", "Crankshaft forgings", "forging.hot.closed_die", 30000, 1, 20, 330,
     800, "ISO9001", "steel", "max_mass_kg", 120, 10000},
    {"Kolomna Locomotive Plant", "Crankshafts, nitriding", "heat_treatment.nitriding", 16000, 10,
     28, 210, 500, "", "steel", "max_length_mm", 2000, 1000},
    {"Voronezh Excavator Works", "Boom and arm, robotic welding", "welding.robotic", 400, 1, 24,
     3000, 900, "ISO9001", "steel", "max_length_mm", 5000, 40},
    {"Voronezh Excavator Works", "Hydraulic cylinders", "assembly.hydraulics", 240, 1, 25, 15000,
     500, "ISO9001", "", "", 0, 20},
    {"Voronezh Excavator Works", "Counterweight castings", "casting.iron.sand", 60000, 1, 24, 265,
     400, "", "cast_iron", "", 0, 5000},
    {"Tula Combine Plant", "Thresher drum blanks, laser cutting", "sheet_metal.laser_cutting",
     25000, 1, 18, 105, 500, "ISO9001", "steel", "max_thickness_mm", 16, 1000},
    {"Tula Combine Plant", "Header gearboxes, one batch", "assembly.gearboxes", 120, 1, 25, 22000,
     1000, "ISO9001", "", "", 0, 120},
    {"Novomoskovsk Chemical Equipment", "Reactor nozzles, TIG welding", "welding.tig", 300, 1, 22,
     2600, 500, "ISO9001", "stainless", "", 0, 24},
    {"Nizhny Novgorod Van Plant", "Body-in-white, spot welding", "welding.spot", 800, 1, 24, 1850,
     500, "IATF16949", "steel", "", 0, 80},
    {"Nizhny Novgorod Van Plant", "Bumpers, injection moulding", "plastics.injection_moulding",
     45000, 1, 22, 560, 600, "IATF16949", "", "max_mass_kg", 6, 2000},
    {"Nizhny Novgorod Van Plant", "Dashboard boards, SMT", "electronics.smt", 8000, 1, 20, 800, 0,
     "IATF16949", "", "", 0, 500},
    {"Ural Heavy Machine Works", "Mill housing castings", "casting.steel.sand", 100000, 1, 28, 340,
     0, "ISO9001", "steel", "max_mass_kg", 1500, 10000},
    {"Tolyatti Car Plant", "Door hinges, cold forged", "forging.cold", 25000, 1, 22, 360, 1200,
     "IATF16949", "steel", "", 0, 2500},
    {"Tolyatti Car Plant", "Oil pans, deep drawing", "sheet_metal.deep_drawing", 45000, 1, 22, 210,
     600, "IATF16949", "steel", "", 0, 2000},
    {"Tolyatti Car Plant", "Gearbox housings, die cast", "casting.aluminium.die", 50000, 1, 24, 500,
     1500, "IATF16949", "aluminium", "max_mass_kg", 10, 2500},
    {"Tolyatti Car Plant", "Seat heater harnesses", "electronics.cable_harness", 3000, 1, 20, 1400,
     1500, "IATF16949", "", "", 0, 250},
    {"Perm Oilfield Equipment", "Drill collars, turning", "machining.turning", 480, 1, 26, 2300,
     1500, "ISO9001", "steel", "max_length_mm", 2000, 40},
    {"Stary Oskol Mining Equipment", "Crusher liners, steel castings", "casting.steel.sand", 40000,
     1, 26, 330, 800, "ISO9001", "steel", "max_mass_kg", 800, 4000},
    {"Stary Oskol Mining Equipment", "Conveyor drive motors", "assembly.electric_motors", 60, 1, 24,
     10000, 800, "ISO9001", "", "max_power_kw", 75, 10},
    {"Belgorod Agricultural Components", "Hood panels, vacuum infusion", "composites.infusion",
     3000, 1, 24, 2800, 400, "", "", "", 0, 200},
    {"Perm Gearbox Works", "Gear blanks, closed-die forged", "forging.hot.closed_die", 20000, 1, 18,
     300, 700, "", "steel", "", 0, 5000},
    {"Voronezh Hydraulic Cylinders", "Cylinder tubes, CNC turning", "machining.turning.cnc", 360, 1,
     20, 2300, 300, "ISO9001", "steel", "", 0, 40},
    {"Sormovo Machine Works", "Ship valve parts, 5-axis", "machining.milling.cnc_5axis", 160, 5, 24,
     3800, 0, "ISO9001", "stainless", "", 0, 16},
    {"Arzamas Instrument Works", "Sensor boards, SMT", "electronics.smt", 3000, 1, 18, 750, 600,
     "AS9100", "", "", 0, 200},
    {"Ural Turbine Components", "Blade forgings, titanium", "forging.hot.closed_die", 6000, 1, 20,
     340, 0, "AS9100", "titanium", "", 0, 1000},
};

Kopecks Rub(double rub) { return static_cast<Kopecks>(std::llround(rub * 100)); }

PlaceOrder OrderFrom(const OrderRow& r, const WeekDays& days) {
  PlaceOrder o;
  o.by = IdOf(r.customer);
  o.title = r.title;
  o.process = r.process;
  o.quantity = r.quantity;
  o.start = days.Month(r.start);
  o.due = days.Month(r.due);
  o.max_unit_price = Rub(r.max_price_rub);
  if (r.max_distance_km > 0) o.max_distance_km = r.max_distance_km;
  o.certifications = Words(r.certifications);
  o.tags = Words(r.tags);
  if (*r.need != '\0') o.needs.emplace_back(r.need, r.need_value);
  if (r.min_lot > 0) o.min_lot = r.min_lot;
  return o;
}

PostOffer Offer(const char* supplier, const char* process, int32_t daily, Day from, Day to,
                double price_rub, Quantity min_lot, std::vector<std::string> tags,
                NamedValues limits) {
  return PostOffer{{.daily_capacity = daily,
                    .from = from,
                    .to = to,
                    .unit_price = Rub(price_rub),
                    .min_lot = min_lot},
                   IdOf(supplier),
                   process,
                   std::move(tags),
                   std::move(limits)};
}

// Spare capacity for the rest of this week, posted on the first morning: what no order takes
// expires at the final tick.
std::vector<PostOffer> ThisWeekOffers(const WeekDays& days) {
  return {
      Offer("Lipetsk Valve Plant", "machining.turning.cnc", 16, days.Week(1), days.Week(5), 2150, 8,
            {"steel", "stainless"}, {{"max_length_mm", 1200}}),
      Offer("Yelets Bearing Components", "machining.turning.cnc", 8, days.Week(1), days.Week(4),
            2050, 8, {"steel"}, {{"max_length_mm", 800}}),
      Offer("Gryazi Machine Works", "machining.milling.cnc_3axis", 16, days.Week(1), days.Week(5),
            2250, 8, {"steel"}, {{"max_length_mm", 1200}}),
      Offer("Kama Axle Components", "machining.turning.cnc", 24, days.Week(1), days.Week(5), 2100,
            8, {"steel"}, {{"max_length_mm", 1500}}),
      Offer("Voronezh Forge", "forging.hot.closed_die", 4000, days.Week(1), days.Week(5), 245, 1000,
            {"steel"}, {{"max_mass_kg", 120}}),
  };
}

}  // namespace

std::string CompanyInn(int tax_office, int serial) {
  std::string digits = std::to_string(int64_t{tax_office} * 100000 + serial);
  digits.insert(0, 9 - std::min<size_t>(digits.size(), 9), '0');
  return subex::CompanyInn(digits);
}

// --- The tables, for the history
// ------------------------------------------------------------------

namespace demo {

double Rng::Pick(double lo, double hi, double step) {
  uint64_t n = static_cast<uint64_t>(std::floor((hi - lo) / step + 1e-9)) + 1;
  return lo + step * static_cast<double>(Next() % n);
}

size_t MemberCount() { return std::size(kMembers); }

uint8_t RolesOf(MemberId member) { return kMembers[member.value].roles; }

ClusterId ClusterOf(MemberId member) {
  const DemoCluster c = kMembers[member.value].cluster;
  return c == kNoCluster ? ClusterId{} : ClusterId{static_cast<uint32_t>(c)};
}

CreateCluster ClusterCreation(ClusterId cluster) {
  if (cluster == kLipetskCluster) {
    return {.name = "Lipetsk Machine-Building Cluster",
            .region = "RU-LIP",
            .kind = ClusterKind::kRegional};
  }
  return {.name = "Kama Innovation Territorial Cluster",
          .region = "RU-TA",
          .kind = ClusterKind::kRegional};
}

std::vector<PostOffer> OffersFor(MemberId member, Day first, Day last, uint64_t salt) {
  std::vector<PostOffer> out;
  PostOffers(member.value, first, last, salt, out);
  return out;
}

std::vector<OrderTemplate> OrderTemplates() {
  std::vector<OrderTemplate> out;
  for (const OrderRow& r : kOrders)
    out.push_back({OrderFrom(r, WeekDays{DayOf(kDemoStart)}), r.start, r.due});
  return out;
}

}  // namespace demo

namespace {

// The week's steps, each at the clock, which each step moves on by the seconds it is given.
class WeekSteps {
 public:
  explicit WeekSteps(Demo& demo) : demo_(demo) {}
  void At(Instant t) { clock_ = t; }
  void Add(Command command, int64_t seconds_later) {
    demo_.steps.push_back({std::move(command), clock_});
    clock_.unix_ms += seconds_later * 1000;
  }

 private:
  Demo& demo_;
  Instant clock_;
};

// A year before the week: the operator registers the plants, 20 seconds apart, and the market
// trades month after month; its clusters form part-way (server/demo_history.h).
void RunHistory(Engine& engine, Demo& demo) {
  DemoHistory history(engine, demo.steps);
  for (uint32_t i = 0; i < std::size(kMembers); ++i) {
    const MemberRow& m = kMembers[i];
    const Town& town = kTowns[m.town];
    history.Run(
        RegisterMember{
            {.name = m.name, .region = town.region, .location = SiteOf(i, town), .roles = m.roles},
            kOperator,
            CompanyInn(town.tax_office, 10000 + static_cast<int>(i * 7919 % 90000)),
            Words(m.processes),
            Words(m.certifications)},
        Instant{kHistoryStart.unix_ms + int64_t{i} * 20'000});
    demo.towns.push_back(town.name);
  }
  history.Trade();
}

void PostTheWeeksOffers(WeekSteps& w, const WeekDays& days) {
  // 10:30 — the suppliers post their spare capacity, 15 seconds apart.
  w.At(At(days.opens, 10, 30));
  for (PostOffer& o : ThisWeekOffers(days)) w.Add(std::move(o), 15);
  for (uint32_t i = 0; i < std::size(kMembers); ++i) {
    if ((kMembers[i].roles & kRoleSupplier) == 0) continue;
    std::vector<PostOffer> offers;
    PostOffers(i, days.Month(1), days.Month(31), 0, offers);
    for (PostOffer& o : offers) w.Add(std::move(o), 15);
  }
}

void PlaceTheWeeksOrders(WeekSteps& w, const WeekDays& days) {
  const ClusterId lipetsk = demo::kLipetskCluster, kama = demo::kKamaCluster;
  // Next morning — the customers' orders, 7 minutes apart.
  w.At(At(days.Week(1), 8, 30));
  PlaceOrder urgent =
      OrderFrom({"Lipetsk Tractor Works", "Urgent: press ram repair, turning",
                 "machining.turning.cnc", 40, 0, 0, 2600, 300, "", "steel", "", 0, 0},
                days);
  urgent.start = days.Week(1);  // This week rather than December.
  urgent.due = days.Week(4);
  w.Add(std::move(urgent), 30 * 60);
  for (const OrderRow& r : kOrders) w.Add(OrderFrom(r, days), 7 * 60);

  PlaceOrder preferring =
      OrderFrom({"Lipetsk Tractor Works", "Hydraulic valve bodies", "machining.milling", 240, 1, 20,
                 3500, 800, "ISO9001", "steel", "max_length_mm", 900, 40},
                days);
  preferring.prefer_clusters = {lipetsk};
  preferring.cluster_bonus = Rub(150);
  w.Add(std::move(preferring), 7 * 60);

  PlaceOrder cluster_only = OrderFrom(
      {"Kama Truck Works", "Prototype axle housings, 5-axis", "machining.milling.cnc_5axis", 160, 3,
       22, 4000, 0, "IATF16949", "steel", "", 0, 16},
      days);
  cluster_only.visibility = Visibility::kClusters;
  cluster_only.visible_to_clusters = {kama};
  w.Add(std::move(cluster_only), 7 * 60);

  PlaceOrder invited = OrderFrom({"Kolomna Locomotive Plant", "Fuel pump plungers, grinding",
                                  "machining.grinding", 80, 5, 25, 3000, 0, "", "steel", "", 0, 16},
                                 days);
  invited.visibility = Visibility::kInvited;
  invited.invited = {IdOf("Kolomna Diesel Components"), IdOf("Belgorod Grinding Works")};
  w.Add(std::move(invited), 7 * 60);

  PlaceOrder quote = OrderFrom({"Moscow Pump Works", "Spare impellers, price request",
                                "casting.steel.investment", 2000, 1, 15, 400, 0, "", "", "", 0, 0},
                               days);
  quote.expires_at = At(days.Week(4), 18, 0);
  w.Add(std::move(quote), 7 * 60);
}

void DayThree(WeekSteps& w, const WeekDays& days) {
  // Day three — new capacity meets the orders still resting on the book.
  w.At(At(days.Week(2), 10, 0));
  w.Add(Offer("Kolomna Heavy Machining", "machining.turning", 16, days.Month(1), days.Month(31), 1850,
            8, {"cast_iron", "steel"}, {{"max_length_mm", 4000}, {"max_mass_kg", 5000}}),
      20 * 60);
  UpdateMember adds_infusion;
  adds_infusion.member = IdOf("Voronezh Aviation Components");
  adds_infusion.processes =
      Words("machining.milling.cnc_5axis composites.layup composites.infusion");
  w.Add(std::move(adds_infusion), 5 * 60);
  w.Add(Offer("Voronezh Aviation Components", "composites.infusion", 150, days.Month(1),
            days.Month(24), 2600, 50, {}, {{"max_length_mm", 8000}}),
      20 * 60);
  w.Add(Offer("Yelets Cast Iron Foundry", "casting.iron.sand", 3000, days.Month(5), days.Month(24),
            258, 1000, {"cast_iron"}, {{"max_mass_kg", 3000}}),
      20 * 60);
  w.Add(Offer("Yelabuga Electronics", "electronics.smt", 300, days.Month(7), days.Month(20), 760, 100,
            {}, {}),
      20 * 60);
  w.Add(Offer("Lipetsk Gearbox Plant", "assembly.gearboxes", 8, days.Month(1), days.Month(24), 19500,
            40, {}, {}),
      20 * 60);

  // After a quality dispute a customer stops working with its nearest harness maker: its next
  // order goes to others.
  w.Add(BlockMember{.by = IdOf("Kama Truck Works"), .other = IdOf("Chelny Wiring Harness")}, 10 * 60);
  w.Add(OrderFrom({"Kama Truck Works", "Cab wiring harnesses", "electronics.cable_harness", 800, 14,
                 30, 1600, 1500, "IATF16949", "", "", 0, 100},
                days),
      60);
}

}  // namespace

Demo BuildDemo(std::shared_ptr<const Taxonomy> taxonomy, const Params& params, Day week_opens) {
  Demo demo;
  Engine engine(std::move(taxonomy), params);
  RunHistory(engine, demo);

  // The week.
  demo.week_begins = demo.steps.size();
  const WeekDays days{std::max(week_opens, DayOf(kDemoStart))};
  WeekSteps w(demo);
  PostTheWeeksOffers(w, days);
  PlaceTheWeeksOrders(w, days);
  DayThree(w, days);
  // A week after the opening, at midnight: the clock passes this week's offers and the lapsed
  // price request.
  w.At(At(days.Week(7), 0, 0));
  w.Add(Tick{}, 0);
  return demo;
}

}  // namespace subex
