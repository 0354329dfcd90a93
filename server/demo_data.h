// Demo data — a small national subcontracting market as engine commands: a year of its history
// and then a week in its life.
//
// The operator registers about 120 plants: the Lipetsk machine-building cluster (RU-LIP), the Kama
// innovation cluster (RU-TA) and plants in the Moscow, Voronezh, Tula, Nizhny Novgorod, Sverdlovsk,
// Samara, Perm and Belgorod regions, each with a valid INN, roles, processes from the shipped
// taxonomy (config/processes.toml) and certifications.
//
// The history (server/demo_history.h) runs from `kHistoryStart` (2025-11-24) to the eve of the
// week: a year of monthly capacity, orders and contracts through their whole life, with the Lipetsk
// cluster formed on 2026-06-01 and the Kama cluster on 2026-09-01 — enough for the cluster
// analytics to show a real difference in differences.
//
// The week opens on `week_opens`, by default the day of `kDemoStart` (2026-11-23); a later day
// moves the week and all its dates with it, so that `subexd --demo` can open it on the day it
// loads and its offers and orders lie ahead of the clock. Suppliers post about 300 capacity offers
// for the month after the week (and a few for the rest of the week); customers place about 60
// orders, some restricted by distance, certification, material or size, one preferring a cluster,
// one visible to a cluster only and one by invitation. Some orders fill at once, some partly, some
// rest on the book; new offers later fill resting orders, a customer blocks a supplier, and a final
// tick expires what is due.
//
// Each step carries the time it happens at, strictly increasing. The history is written by running
// it through an engine of the given taxonomy and params (its later steps name the contracts that
// engine made), so the steps replay exactly on a fresh engine with the same configuration: the
// same call always yields the same steps, and running them always ends in the same `StateHash`.
//
//   Demo demo = BuildDemo(taxonomy, params);
//   for (const DemoStep& step : demo.steps) engine.Execute(step.command, step.now);
//
// Pure; safe for concurrent use.

#ifndef SUBEX_SERVER_DEMO_DATA_H_
#define SUBEX_SERVER_DEMO_DATA_H_

#include <memory>
#include <string>
#include <vector>

#include "engine/commands.h"
#include "engine/params.h"
#include "engine/taxonomy.h"
#include "engine/units.h"

namespace subex {

// 2025-11-24T09:00:00Z: the operator registers the plants; the history begins.
inline constexpr Instant kHistoryStart{1'763'974'800'000};
// 2026-11-23T09:00:00Z: the demo's week begins.
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
  // The first step of the week; the steps before it are the history.
  size_t week_begins = 0;
};

// `week_opens` earlier than the day of `kDemoStart` counts as that day: the week follows the
// history.
Demo BuildDemo(std::shared_ptr<const Taxonomy> taxonomy, const Params& params,
               Day week_opens = DayOf(kDemoStart));

// A 10-digit company INN: the 4-digit tax office code, a 5-digit serial and the check digit
// (weights 2, 4, 10, 3, 5, 9, 4, 6, 8; sum mod 11 mod 10).
std::string CompanyInn(int tax_office, int serial);

}  // namespace subex

#endif  // SUBEX_SERVER_DEMO_DATA_H_
