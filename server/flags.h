// Flags — subexd's command line.
//
//   subexd [--config FILE] [--listen HOST:PORT] [--data-dir DIR] [--demo]
//          [--demo-report [--quiet]] [--SECTION.KEY=VALUE ...] [--help]
//
// Every setting of config/subex.toml is also a flag named after it (`--server.io_threads=4`,
// `--log.level debug`); `--listen` and `--data-dir` are short for `--server.listen` and
// `--storage.data_dir`. The settings' flags become config overrides (config/config.h), checked
// when the config is read, so a bad one names the flag, the key and the expected form.
//
//   absl::StatusOr<Flags> flags = ParseFlags(args);
//
// Thread-safety: a pure function.

#ifndef SUBEX_SERVER_FLAGS_H_
#define SUBEX_SERVER_FLAGS_H_

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "config/config.h"

namespace subex {

struct Flags {
  std::optional<std::string> config;  // --config; the default path when absent.
  std::vector<Override> settings;     // In command-line order.
  bool demo = false;
  bool demo_report = false;
  bool quiet = false;
  bool help = false;
};

inline constexpr char kUsage[] =
    "usage: subexd [--config FILE] [--listen HOST:PORT] [--data-dir DIR] [--demo]\n"
    "              [--demo-report [--quiet]] [--SECTION.KEY=VALUE ...] [--help]\n"
    "\n"
    "  --config FILE        configuration file (default: $SUBEX_CONFIG, else config/subex.toml,\n"
    "                       else the built-in defaults)\n"
    "  --listen HOST:PORT   address of the HTTP API (--server.listen)\n"
    "  --data-dir DIR       directory of the journal and snapshots (--storage.data_dir)\n"
    "  --SECTION.KEY=VALUE  any setting of the configuration file, e.g. --log.level=debug;\n"
    "                       a flag overrides $SUBEX_SECTION_KEY, which overrides the file\n"
    "  --demo               load the demo market when the journal is empty\n"
    "  --demo-report        print the demo market run through an in-memory engine, and exit\n"
    "  --quiet              with --demo-report: print the summary only\n"
    "  --help               print this help\n";

// Accepts `--name value` and `--name=value`. InvalidArgument names an unknown argument or a flag
// without its value.
absl::StatusOr<Flags> ParseFlags(std::span<const char* const> args);

}  // namespace subex

#endif  // SUBEX_SERVER_FLAGS_H_
