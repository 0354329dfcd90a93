// Demo data — a week in the life of a small national subcontracting market, as engine commands.
//
// The operator registers about 120 plants: the Lipetsk machine-building cluster (RU-LIP), the Kama
// innovation cluster (RU-TA) and plants in the Moscow, Voronezh, Tula, Nizhny Novgorod, Sverdlovsk,
// Samara, Perm and Belgorod regions, each with a valid INN, roles, processes from the shipped
// taxonomy (config/processes.toml) and certifications. It creates the two clusters and enrols
// their members. Suppliers post about 300 capacity offers for December 2026 (and a few for the
// last days of November); customers place about 60 orders, some restricted by distance,
// certification, material or size, one preferring a cluster, one visible to a cluster only and
// one by invitation. Some orders fill at once, some partly, some rest on the book; new offers
// later fill resting orders, a customer blocks a supplier, and a final tick expires what is due.
//
// The market opens at `kDemoStart` (2026-11-23T09:00:00Z); each step carries the time it happens
// at, strictly increasing. Everything is fixed: the same call always yields the same steps, so
// running them through a fresh engine always ends in the same `StateHash`.
//
//   Demo demo = BuildDemo();
//   for (const DemoStep& step : demo.steps) engine.Execute(step.command, step.now);
//
// Pure; safe for concurrent use.

#ifndef SUBEX_SERVER_DEMO_DATA_H_
#define SUBEX_SERVER_DEMO_DATA_H_

#include <string>
#include <vector>

#include "engine/commands.h"
#include "engine/units.h"

namespace subex {

// 2026-11-23T09:00:00Z: the operator opens the market.
inline constexpr Instant kDemoStart{1'795'424'400'000};

struct DemoStep {
  Command command;
  Instant now;
};

struct Demo {
  std::vector<DemoStep> steps;
  // The town of each registered member, indexed by MemberId (ids are dense from 0 and the
  // registrations come first, in this order).
  std::vector<std::string> towns;
};

Demo BuildDemo();

// A 10-digit company INN: the 4-digit tax office code, a 5-digit serial and the check digit
// (weights 2, 4, 10, 3, 5, 9, 4, 6, 8; sum mod 11 mod 10).
std::string CompanyInn(int tax_office, int serial);

}  // namespace subex

#endif  // SUBEX_SERVER_DEMO_DATA_H_
