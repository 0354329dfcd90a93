// DemoReport — `subexd --demo-report`: the demo market (server/demo_data.h) run through an
// in-memory engine and printed order by order, with every contract's score terms, for a person
// to read. Needs no data directory and opens no socket.
//
// Returns the process exit status: 0 when the demo ran clean, 1 when the engine rejected a demo
// step or broke an invariant, 2 for a bad configuration.

#ifndef SUBEX_SERVER_DEMO_REPORT_H_
#define SUBEX_SERVER_DEMO_REPORT_H_

#include <span>
#include <string>

#include "config/config.h"

namespace subex {

// Reads the config at `config_path` with `overrides` applied (config/config.h).
int RunDemoReport(const std::string& config_path, std::span<const Override> overrides, bool quiet);

}  // namespace subex

#endif  // SUBEX_SERVER_DEMO_REPORT_H_
