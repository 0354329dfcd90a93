// Params — the engine's tunable numbers (PRODUCT §2, §3) and the limits every command is checked
// against. Loaded from `subex.toml` by the config module; the defaults here are the documented
// defaults, so an engine built without a config file behaves as the specification says.
//
//   Params p;                      // The defaults.
//   p.matching.risk_weight = 0.3;  // What `[matching] risk_weight = 0.3` sets.
//
// Plain value; safe for concurrent reads.

#ifndef SUBEX_ENGINE_PARAMS_H_
#define SUBEX_ENGINE_PARAMS_H_

#include <cstdint>

#include "engine/units.h"

namespace subex {

struct MatchingParams {
  double risk_weight = 0.25;          // Weight of (1 − reliability) in the score.
  double transit_km_per_day = 500.0;  // Distance covered per transit day.
};

struct ReliabilityParams {
  double prior = 0.8;         // A newcomer's reliability.
  double prior_weight = 5.0;  // How many contracts the prior counts as.
  int32_t window_days = 180;  // Outcomes older than this stop counting.
};

struct ContractParams {
  int32_t confirm_within_hours = 48;  // For offers with auto_accept = false.
};

// Explicit bounds on what one command may carry; anything above is a rejection naming the field.
struct LimitParams {
  int32_t max_offer_days = 366;          // Longest from..to span of an offer.
  int32_t max_order_days = 366;          // Longest start..due span of an order.
  int32_t max_list_items = 16;           // Tags, certifications, limits, needs, clusters…
  int32_t max_invited = 256;             // Members an invited order may name.
  int32_t max_name_length = 64;          // A tag, certification or limit name.
  int32_t max_text_length = 200;         // Titles and member / cluster names.
  int32_t max_reason_length = 1000;      // Why a contract was declined, disputed or cancelled.
  Quantity max_quantity = 1'000'000'000;  // Order quantity.
  int32_t max_daily_capacity = 1'000'000;
  Kopecks max_unit_price = 100'000'000'000;  // One billion RUB per unit.
  double max_distance_km = 20'037.5;         // Half the Earth's circumference.
  int32_t max_contracts_per_match = 1'000;   // Allocations one order or offer may create at once.
  int32_t max_announced = 1'000;       // Suppliers an rfq order is announced to (the nearest).
  int32_t max_bids_per_order = 1'000;  // Bids an rfq order may collect, withdrawn ones included.
  int32_t max_lead_days = 366;
};

struct RfqParams {
  // The default time the customer of a manual-award order has after the close.
  int32_t award_within_hours = 72;
};

struct Params {
  MatchingParams matching;
  ReliabilityParams reliability;
  ContractParams contracts;
  LimitParams limits;
  RfqParams rfq;
};

}  // namespace subex

#endif  // SUBEX_ENGINE_PARAMS_H_
