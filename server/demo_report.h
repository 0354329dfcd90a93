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

// Runs the demo market through an in-memory engine configured by `config`, read from
// `config_path` (empty: the built-in defaults), and prints it.
int RunDemoReport(Config config, const std::string& config_path, bool quiet);

}  // namespace subex

#endif  // SUBEX_SERVER_DEMO_REPORT_H_
