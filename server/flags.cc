#include "server/flags.h"

#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace subex {

absl::StatusOr<Flags> ParseFlags(std::span<const char* const> args) {
  Flags flags;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    const std::string_view name = arg.substr(0, arg.find('='));
    std::optional<std::string> inline_value;
    if (name.size() < arg.size()) inline_value = std::string(arg.substr(name.size() + 1));
    auto value = [&]() -> absl::StatusOr<std::string> {
      std::optional<std::string> v = inline_value;
      if (!v && i + 1 < args.size()) v = std::string(args[++i]);
      if (!v || v->empty()) {
        return absl::InvalidArgumentError(absl::StrCat(std::string(name), " needs a value"));
      }
      return *v;
    };
    auto no_value = [&]() -> absl::Status {
      if (!inline_value) return absl::OkStatus();
      return absl::InvalidArgumentError(absl::StrCat(std::string(name), " takes no value"));
    };
    if (name == "--help" || name == "-h") {
      if (absl::Status s = no_value(); !s.ok()) return s;
      flags.help = true;
    } else if (name == "--quiet" || name == "-q") {
      if (absl::Status s = no_value(); !s.ok()) return s;
      flags.quiet = true;
    } else if (name == "--demo") {
      if (absl::Status s = no_value(); !s.ok()) return s;
      flags.demo = true;
    } else if (name == "--demo-report") {
      if (absl::Status s = no_value(); !s.ok()) return s;
      flags.demo_report = true;
    } else if (name == "--config") {
      absl::StatusOr<std::string> v = value();
      if (!v.ok()) return v.status();
      flags.config = *v;
    } else if (name == "--listen" || name == "--data-dir") {
      absl::StatusOr<std::string> v = value();
      if (!v.ok()) return v.status();
      flags.settings.push_back(
          {name == "--listen" ? "server.listen" : "storage.data_dir", *v, std::string(name)});
    } else if (name.size() > 2 && name.substr(0, 2) == "--" &&
               name.find('.') != std::string_view::npos) {
      // A setting; whether it exists is the config's to say.
      absl::StatusOr<std::string> v = value();
      if (!v.ok()) return v.status();
      flags.settings.push_back({std::string(name.substr(2)), *v, std::string(name)});
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown argument \"", std::string(arg), "\""));
    }
  }
  return flags;
}

}  // namespace subex
