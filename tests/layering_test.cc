// Layering — the folder arrows of the architecture, checked on the source tree.
//
// engine/ depends on nothing of ours and reaches no clock, thread, file or environment: time comes
// in with each command. analytics/ is as pure and depends only on engine/. storage/ (journal,
// codec, snapshots) depends only on engine/. pipeline/ (the single-writer pipeline: sequencer,
// journal writer, snapshotter, idempotency) depends on engine/ and storage/. api/ depends on
// engine/ (and analytics/, config/), never on storage/ or pipeline/: it reaches the pipeline
// through the door it declares (api/engine_door.h), which the wiring implements. Nothing but the
// wiring (server/, app/), tests and benchmarks includes api/ or pipeline/. telemetry/ (metrics and
// the log) depends on nothing of ours, and every layer but engine/ may record into it. RocksDB
// stays behind storage/. The scanner reads every source file of each folder
// that exists and every CMakeLists.txt in it, and names each violation as file:line. Folders not
// yet written are skipped.

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"

namespace subex {
namespace {

namespace fs = std::filesystem;

struct Violation {
  std::string file;  // Relative to the source root.
  int line = 0;
  std::string what;
};

void PrintTo(const Violation& v, std::ostream* os) {
  *os << v.file << ":" << v.line << ": " << v.what;
}

std::string Describe(const std::vector<Violation>& violations) {
  std::ostringstream out;
  for (const Violation& v : violations) {
    PrintTo(v, &out);
    out << "\n";
  }
  return out.str();
}

// What one folder may depend on.
struct LayerRule {
  std::string_view folder;
  std::vector<std::string_view> may_include_ours;  // Our folders, besides itself.
  std::vector<std::string_view> banned_headers;    // Prefixes of third-party or system headers.
  bool pure = false;                               // No clock, threads, files or environment.
};

// Our top-level folders: an include or link that names one of them is a dependency on it.
constexpr std::string_view kOurFolders[] = {"engine", "analytics", "telemetry", "storage",
                                            "pipeline", "api",    "config",    "server",
                                            "app",    "bench",     "tests",     "fuzz"};

// Headers the engine may not include: infrastructure, and the OS's clock, threads and files.
constexpr std::string_view kEngineBannedHeaders[] = {"boost/",
                                                     "asio",
                                                     "beast",
                                                     "rocksdb/",
                                                     "simdjson",
                                                     "toml++/",
                                                     "toml.hpp",
                                                     "absl/time/clock.h",
                                                     "absl/synchronization/",
                                                     "thread",
                                                     "mutex",
                                                     "shared_mutex",
                                                     "condition_variable",
                                                     "future",
                                                     "fstream",
                                                     "iostream",
                                                     "filesystem",
                                                     "ctime",
                                                     "time.h",
                                                     "sys/time.h",
                                                     "pthread.h",
                                                     "unistd.h"};

// bench/ and tests/ may depend on anything, so they have no rule.
const std::vector<LayerRule>& Rules() {
  static const auto* const rules = new std::vector<LayerRule>{
      {"engine", {}, {std::begin(kEngineBannedHeaders), std::end(kEngineBannedHeaders)}, true},
      {"analytics",
       {"engine"},
       {std::begin(kEngineBannedHeaders), std::end(kEngineBannedHeaders)},
       true},
      {"telemetry", {}, {"rocksdb/", "boost/", "simdjson", "toml++/"}, false},
      {"storage", {"engine", "telemetry"}, {}, false},
      {"pipeline", {"engine", "storage", "telemetry"}, {"rocksdb/"}, false},
      {"api", {"engine", "analytics", "config", "telemetry"}, {"rocksdb/"}, false},
      {"config", {"engine"}, {"rocksdb/"}, false},
      {"server",
       {"engine", "analytics", "storage", "pipeline", "api", "config", "telemetry"},
       {"rocksdb/"},
       false},
      {"app",
       {"engine", "analytics", "storage", "pipeline", "api", "config", "telemetry"},
       {"rocksdb/"},
       false},
  };
  return *rules;
}

const LayerRule* RuleFor(std::string_view folder) {
  for (const LayerRule& rule : Rules()) {
    if (rule.folder == folder) return &rule;
  }
  return nullptr;
}

bool IsIdentChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Returns `src` with comments blanked (and, if `blank_strings`, the contents of string and
// character literals too), keeping every newline so that line numbers still hold.
std::string StripComments(std::string_view src, bool blank_strings) {
  std::string out(src);
  const size_t n = src.size();
  auto blank = [&](size_t from, size_t to) {
    for (size_t k = from; k < to && k < n; ++k) {
      if (out[k] != '\n') out[k] = ' ';
    }
  };
  size_t i = 0;
  while (i < n) {
    const char c = src[i];
    if (c == '/' && i + 1 < n && src[i + 1] == '/') {
      size_t end = src.find('\n', i);
      if (end == std::string_view::npos) end = n;
      blank(i, end);
      i = end;
    } else if (c == '/' && i + 1 < n && src[i + 1] == '*') {
      size_t end = src.find("*/", i + 2);
      end = end == std::string_view::npos ? n : end + 2;
      blank(i, end);
      i = end;
    } else if (c >= '0' && c <= '9' && (i == 0 || !IsIdentChar(src[i - 1]))) {
      // A number, which may hold digit separators (1'000) that are not character literals.
      ++i;
      while (i < n &&
             (IsIdentChar(src[i]) || src[i] == '.' || src[i] == '\'' ||
              ((src[i] == '+' || src[i] == '-') && (src[i - 1] == 'e' || src[i - 1] == 'E' ||
                                                    src[i - 1] == 'p' || src[i - 1] == 'P')))) {
        ++i;
      }
    } else if (c == '"' && i > 0 && src[i - 1] == 'R') {
      // Raw string literal: R"delim( ... )delim".
      const size_t open = src.find('(', i);
      if (open == std::string_view::npos) return out;
      const std::string close = ")" + std::string(src.substr(i + 1, open - i - 1)) + "\"";
      size_t end = src.find(close, open);
      end = end == std::string_view::npos ? n : end + close.size();
      if (blank_strings) blank(i + 1, end - 1);
      i = end;
    } else if (c == '"' || c == '\'') {
      size_t k = i + 1;
      while (k < n && src[k] != c && src[k] != '\n') k += src[k] == '\\' ? 2 : 1;
      if (blank_strings) blank(i + 1, k);
      i = k + 1;
    } else {
      ++i;
    }
  }
  return out;
}

std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

// The folder of ours that a path such as "api/handlers.h" or a target such as "subex::storage"
// names, if any.
std::optional<std::string_view> OurFolderOf(std::string_view name) {
  for (std::string_view folder : kOurFolders) {
    if (name.size() > folder.size() && name.substr(0, folder.size()) == folder &&
        name[folder.size()] == '/') {
      return folder;
    }
  }
  return std::nullopt;
}

bool MayDependOn(const LayerRule& rule, std::string_view folder) {
  return folder == rule.folder ||
         std::find(rule.may_include_ours.begin(), rule.may_include_ours.end(), folder) !=
             rule.may_include_ours.end();
}

// Whether `line` uses `name` as a whole token (not as part of a longer identifier). With
// `call_only`, only a call counts, and not a member's (`x.time()`, `p->time()`).
bool UsesToken(std::string_view line, std::string_view name, bool call_only) {
  for (size_t at = line.find(name); at != std::string_view::npos; at = line.find(name, at + 1)) {
    const char before = at == 0 ? ' ' : line[at - 1];
    size_t after = at + name.size();
    if (IsIdentChar(before) || (after < line.size() && IsIdentChar(line[after]))) continue;
    if (!call_only) return true;
    if (before == '.' || before == '>') continue;
    while (after < line.size() && (line[after] == ' ' || line[after] == '\t')) ++after;
    if (after < line.size() && line[after] == '(') return true;
  }
  return false;
}

// A pure layer reads no clock, starts no thread and touches no file or environment.
constexpr std::string_view kImpureNames[] = {"system_clock",
                                             "steady_clock",
                                             "high_resolution_clock",
                                             "absl::Now",
                                             "absl::GetCurrentTimeNanos",
                                             "clock_gettime",
                                             "gettimeofday",
                                             "std::thread",
                                             "std::jthread",
                                             "std::this_thread",
                                             "std::mutex",
                                             "fopen",
                                             "getenv",
                                             "std::random_device"};

// The header named by an #include line, if the line is one, with its delimiters.
std::optional<std::string> IncludedHeader(std::string_view line) {
  auto skip_blanks = [&] {
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
  };
  skip_blanks();
  if (line.empty() || line.front() != '#') return std::nullopt;
  line.remove_prefix(1);
  skip_blanks();
  constexpr std::string_view kInclude = "include";
  if (line.substr(0, kInclude.size()) != kInclude) return std::nullopt;
  line.remove_prefix(kInclude.size());
  skip_blanks();
  if (line.empty() || (line.front() != '<' && line.front() != '"')) return std::nullopt;
  const char close = line.front() == '<' ? '>' : '"';
  const size_t end = line.find(close, 1);
  if (end == std::string_view::npos) return std::nullopt;
  return std::string(line.substr(0, end + 1));
}

// Checks one source file of `folder` against the folder's rule. `file` is only used in messages.
std::vector<Violation> ScanSource(std::string_view folder, std::string_view file,
                                  std::string_view text) {
  std::vector<Violation> violations;
  const LayerRule* rule = RuleFor(folder);
  const std::string no_comments = StripComments(text, /*blank_strings=*/false);
  const std::string code = StripComments(text, /*blank_strings=*/true);
  const std::vector<std::string_view> include_lines = Lines(no_comments);
  const std::vector<std::string_view> code_lines = Lines(code);

  for (size_t i = 0; i < include_lines.size(); ++i) {
    const int line = static_cast<int>(i) + 1;
    if (const std::optional<std::string> included = IncludedHeader(include_lines[i])) {
      const std::string header = included->substr(1, included->size() - 2);
      const std::string shown = "#include " + *included;
      const std::optional<std::string_view> ours = OurFolderOf(header);
      const bool wiring_or_tools = folder == "server" || folder == "app" || folder == "tests" ||
                                   folder == "bench" || folder == "fuzz";
      if (ours && (*ours == "api" || *ours == "pipeline") && folder != *ours && !wiring_or_tools) {
        violations.push_back({std::string(file), line,
                              shown + ": only the wiring, tests, benchmarks and fuzz targets may "
                                      "include " + std::string(*ours) + "/"});
      } else if (ours && rule != nullptr && !MayDependOn(*rule, *ours)) {
        violations.push_back({std::string(file), line,
                              shown + ": " + std::string(folder) + "/ may not depend on " +
                                  std::string(*ours) + "/"});
      }
      if (rule != nullptr) {
        for (std::string_view banned : rule->banned_headers) {
          if (header.compare(0, banned.size(), banned) == 0) {
            violations.push_back(
                {std::string(file), line,
                 shown + ": " + std::string(folder) + "/ may not include " + std::string(banned)});
            break;
          }
        }
      }
    }
    if (rule != nullptr && rule->pure && i < code_lines.size()) {
      std::vector<std::string_view> used;
      for (std::string_view name : kImpureNames) {
        if (UsesToken(code_lines[i], name, /*call_only=*/false)) used.push_back(name);
      }
      if (UsesToken(code_lines[i], "time", /*call_only=*/true)) used.push_back("time(");
      for (std::string_view name : used) {
        violations.push_back({std::string(file), line,
                              "uses " + std::string(name) + ": " + std::string(folder) +
                                  "/ reads no clock, threads, files or environment"});
      }
    }
  }
  return violations;
}

std::string ToLower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return text;
}

// Checks the target_link_libraries() calls of one folder's CMakeLists.txt.
std::vector<Violation> ScanCMake(std::string_view folder, std::string_view file,
                                 std::string_view text) {
  std::vector<Violation> violations;
  const LayerRule* rule = RuleFor(folder);
  if (rule == nullptr) return violations;

  std::string code(text);  // With "#" comments blanked.
  for (size_t i = 0; i < code.size(); ++i) {
    if (code[i] == '#') {
      while (i < code.size() && code[i] != '\n') code[i++] = ' ';
    }
  }
  const std::string lowered = ToLower(code);
  constexpr std::string_view kCall = "target_link_libraries";
  for (size_t at = lowered.find(kCall); at != std::string::npos; at = lowered.find(kCall, at + 1)) {
    if (at > 0 && IsIdentChar(lowered[at - 1])) continue;
    size_t open = at + kCall.size();
    while (open < code.size() && std::isspace(static_cast<unsigned char>(code[open]))) ++open;
    if (open >= code.size() || code[open] != '(') continue;
    ++open;
    size_t close = open;
    for (int depth = 1; close < code.size(); ++close) {
      if (code[close] == '(') ++depth;
      if (code[close] == ')' && --depth == 0) break;
    }
    std::istringstream args(code.substr(open, close - open));
    std::vector<std::string> items{std::istream_iterator<std::string>(args),
                                   std::istream_iterator<std::string>()};
    const int line = 1 + static_cast<int>(std::count(code.begin(), code.begin() + at, '\n'));
    for (size_t k = 1; k < items.size(); ++k) {  // items[0] is the target being linked.
      const std::string& lib = items[k];
      std::string lower = ToLower(lib);
      std::string as_path = lower;  // "subex::api" and "subex_api" read as "api/".
      for (std::string_view prefix : {"subex::", "subex_"}) {
        if (as_path.compare(0, prefix.size(), prefix) == 0) {
          as_path = as_path.substr(prefix.size());
          as_path = as_path.substr(0, as_path.find_first_of(":_")) + "/";
          break;
        }
      }
      const std::optional<std::string_view> ours =
          lower.rfind("subex", 0) == 0 ? OurFolderOf(as_path) : std::nullopt;
      if (ours && !MayDependOn(*rule, *ours)) {
        violations.push_back({std::string(file), line,
                              "links " + lib + ": " + std::string(folder) + "/ may not depend on " +
                                  std::string(*ours) + "/"});
      }
      if (rule->pure) {
        if (lower.rfind("-l", 0) == 0) lower = lower.substr(2);
        for (std::string_view banned :
             {"boost", "rocksdb", "simdjson", "tomlplusplus", "threads", "pthread"}) {
          if (lower.compare(0, banned.size(), banned) == 0) {
            violations.push_back({std::string(file), line,
                                  "links " + lib + ": " + std::string(folder) +
                                      "/ depends on Abseil and the standard library only"});
          }
        }
      }
    }
  }
  return violations;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

bool IsSource(const fs::path& path) {
  const std::string ext = path.extension().string();
  return ext == ".h" || ext == ".cc" || ext == ".hpp" || ext == ".cpp";
}

// Scans every source file and CMakeLists.txt of every layered folder under `root` that exists.
std::vector<Violation> ScanTree(const fs::path& root) {
  std::vector<Violation> violations;
  for (std::string_view folder : kOurFolders) {
    const fs::path dir = root / folder;
    if (!fs::is_directory(dir)) continue;
    std::vector<fs::path> files;
    for (const fs::directory_entry& entry : fs::recursive_directory_iterator(dir)) {
      if (entry.is_regular_file()) files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& path : files) {
      const std::string rel = fs::relative(path, root).generic_string();
      std::vector<Violation> found;
      if (IsSource(path)) {
        found = ScanSource(folder, rel, ReadFile(path));
      } else if (path.filename() == "CMakeLists.txt") {
        found = ScanCMake(folder, rel, ReadFile(path));
      }
      violations.insert(violations.end(), found.begin(), found.end());
    }
  }
  return violations;
}

bool Mentions(const std::vector<Violation>& violations, int line, std::string_view what) {
  return std::any_of(violations.begin(), violations.end(), [&](const Violation& v) {
    return v.line == line && v.what.find(what) != std::string::npos;
  });
}

// --- The source tree itself ---

TEST(Layering, SourceTreeFollowsTheFolderArrows) {
  const fs::path root = SUBEX_SOURCE_DIR;
  ASSERT_TRUE(fs::is_directory(root / "engine")) << root;
  const std::vector<Violation> violations = ScanTree(root);
  EXPECT_TRUE(violations.empty()) << Describe(violations);
}

// --- The scanner, on fixtures, so that a passing tree means something ---

TEST(LayeringScanner, FlagsEngineIncludesOfOursAndOfInfrastructure) {
  const std::vector<Violation> v = ScanSource("engine", "engine/bad.cc",
                                              "#include \"engine/units.h\"\n"
                                              "#include \"api/handlers.h\"\n"
                                              "#include <rocksdb/db.h>\n"
                                              "#include <boost/beast/http.hpp>\n"
                                              "#include <thread>\n"
                                              "  #  include \"storage/journal.h\"\n");
  EXPECT_FALSE(Mentions(v, 1, "units.h")) << Describe(v);
  EXPECT_TRUE(Mentions(v, 2, "api/handlers.h")) << Describe(v);
  EXPECT_TRUE(Mentions(v, 3, "rocksdb/db.h")) << Describe(v);
  EXPECT_TRUE(Mentions(v, 4, "boost/")) << Describe(v);
  EXPECT_TRUE(Mentions(v, 5, "thread")) << Describe(v);
  EXPECT_TRUE(Mentions(v, 6, "storage/journal.h")) << Describe(v);
}

TEST(LayeringScanner, FlagsClockThreadFileAndEnvironmentUseInEngine) {
  const std::vector<Violation> v = ScanSource("engine", "engine/bad.cc",
                                              "auto t = std::chrono::system_clock::now();\n"
                                              "auto u = absl::Now();\n"
                                              "std::time_t w = time(nullptr);\n"
                                              "std::thread worker([] {});\n"
                                              "const char* home = getenv(\"HOME\");\n"
                                              "FILE* f = fopen(\"x\", \"r\");\n"
                                              "std::random_device seed;\n");
  EXPECT_TRUE(Mentions(v, 1, "system_clock")) << Describe(v);
  EXPECT_TRUE(Mentions(v, 2, "absl::Now")) << Describe(v);
  EXPECT_TRUE(Mentions(v, 3, "time(")) << Describe(v);
  EXPECT_TRUE(Mentions(v, 4, "std::thread")) << Describe(v);
  EXPECT_TRUE(Mentions(v, 5, "getenv")) << Describe(v);
  EXPECT_TRUE(Mentions(v, 6, "fopen")) << Describe(v);
  EXPECT_TRUE(Mentions(v, 7, "std::random_device")) << Describe(v);
}

TEST(LayeringScanner, IgnoresCommentsStringsAndLookalikeNames) {
  const std::vector<Violation> v =
      ScanSource("engine", "engine/good.cc",
                 "// Pure: never reads system_clock, absl::Now() or time(nullptr).\n"
                 "/* #include <thread>\n"
                 "   std::thread */\n"
                 "Status s = Reject(\"lead time(days) must be positive\");\n"
                 "Instant d = order.time();\n"
                 "int64_t lead = LeadTime(order) + ready_time (x);\n"
                 "constexpr int64_t kMs = 86'400'000; auto x = std::thread_safe_thing;\n"
                 "// #include \"api/handlers.h\"\n");
  EXPECT_TRUE(v.empty()) << Describe(v);
}

TEST(LayeringScanner, KeepsOtherArrowsPointingAtEngine) {
  EXPECT_TRUE(Mentions(ScanSource("storage", "storage/j.cc", "#include \"api/x.h\"\n"), 1, "api/"));
  EXPECT_TRUE(
      Mentions(ScanSource("storage", "storage/j.cc", "#include \"server/x.h\"\n"), 1, "server/"));
  EXPECT_TRUE(Mentions(ScanSource("api", "api/h.cc", "#include \"server/x.h\"\n"), 1, "server/"));
  EXPECT_TRUE(Mentions(ScanSource("config", "config/c.cc", "#include \"api/x.h\"\n"), 1, "api/"));
  EXPECT_TRUE(Mentions(ScanSource("api", "api/h.cc", "#include <rocksdb/db.h>\n"), 1, "rocksdb/"));
  EXPECT_TRUE(ScanSource("storage", "storage/j.cc",
                         "#include \"engine/domain.h\"\n#include <rocksdb/db.h>\n")
                  .empty());
  EXPECT_TRUE(ScanSource("server", "server/main.cc",
                         "#include \"api/server.h\"\n#include \"storage/journal.h\"\n")
                  .empty());
  // Only the engine is pure: the wiring may read the clock.
  EXPECT_TRUE(ScanSource("server", "server/main.cc", "auto t = absl::Now();\n").empty());
}

// The pipeline is a room of its own (PRODUCT §8): api/ reaches it only through the door it
// declares, and storage/ knows neither.
TEST(LayeringScanner, ApiReachesNeitherStorageNorThePipelineAndStorageNeitherOfThem) {
  EXPECT_TRUE(
      Mentions(ScanSource("api", "api/s.cc", "#include \"storage/journal.h\"\n"), 1, "storage/"));
  EXPECT_TRUE(Mentions(ScanSource("api", "api/s.h", "#include \"pipeline/pipeline.h\"\n"), 1,
                       "pipeline/"));
  EXPECT_TRUE(Mentions(ScanSource("api", "api/s.h", "#include \"pipeline/batch.h\"\n"), 1,
                       "pipeline/"));
  EXPECT_TRUE(Mentions(ScanSource("storage", "storage/j.cc", "#include \"pipeline/batch.h\"\n"),
                       1, "pipeline/"));
  EXPECT_TRUE(Mentions(ScanSource("engine", "engine/e.cc", "#include \"pipeline/batch.h\"\n"), 1,
                       "pipeline/"));
  EXPECT_TRUE(
      Mentions(ScanSource("pipeline", "pipeline/p.cc", "#include \"api/service.h\"\n"), 1, "api/"));
  EXPECT_TRUE(ScanSource("pipeline", "pipeline/p.cc",
                         "#include \"storage/journal.h\"\n#include \"engine/engine.h\"\n")
                  .empty());
  EXPECT_TRUE(ScanSource("api", "api/s.h", "#include \"api/engine_door.h\"\n").empty());
  EXPECT_TRUE(ScanSource("server", "server/d.cc",
                         "#include \"api/engine_door.h\"\n#include \"pipeline/pipeline.h\"\n")
                  .empty());
  EXPECT_TRUE(Mentions(ScanCMake("api", "api/CMakeLists.txt",
                                 "target_link_libraries(subex_api PUBLIC subex::engine\n"
                                 "  subex::pipeline subex_storage)"),
                       1, "subex::pipeline"));
  EXPECT_TRUE(Mentions(ScanCMake("api", "api/CMakeLists.txt",
                                 "target_link_libraries(subex_api PUBLIC subex::engine\n"
                                 "  subex::pipeline subex_storage)"),
                       1, "subex_storage"));
  EXPECT_TRUE(Mentions(ScanCMake("storage", "storage/CMakeLists.txt",
                                 "target_link_libraries(subex_storage subex::pipeline)"),
                       1, "subex::pipeline"));
  EXPECT_TRUE(ScanCMake("pipeline", "pipeline/CMakeLists.txt",
                        "target_link_libraries(subex_pipeline PUBLIC subex::engine subex::storage)")
                  .empty());
}

TEST(LayeringScanner, TelemetryIsRecordedIntoByEveryLayerButTheEngine) {
  EXPECT_TRUE(Mentions(ScanSource("engine", "engine/e.cc", "#include \"telemetry/log.h\"\n"), 1,
                       "telemetry/"));
  EXPECT_TRUE(Mentions(ScanSource("telemetry", "telemetry/m.cc", "#include \"engine/units.h\"\n"),
                       1, "engine/"));
  for (std::string_view folder : {"storage", "pipeline", "api", "server"}) {
    const std::string file = std::string(folder) + "/x.cc";
    EXPECT_TRUE(ScanSource(folder, file, "#include \"telemetry/metrics.h\"\n").empty()) << folder;
  }
}

TEST(LayeringScanner, FlagsUpwardAndInfrastructureLinksInCMake) {
  const std::vector<Violation> v = ScanCMake("engine", "engine/CMakeLists.txt",
                                             "add_library(subex_engine a.cc)\n"
                                             "# target_link_libraries(subex_engine subex::api)\n"
                                             "target_link_libraries(subex_engine PUBLIC\n"
                                             "  absl::status\n"
                                             "  subex::storage RocksDB::rocksdb\n"
                                             "  Boost::boost)\n");
  EXPECT_EQ(v.size(), 3u) << Describe(v);
  EXPECT_TRUE(Mentions(v, 3, "subex::storage")) << Describe(v);
  EXPECT_TRUE(Mentions(v, 3, "RocksDB::rocksdb")) << Describe(v);
  EXPECT_TRUE(Mentions(v, 3, "Boost::boost")) << Describe(v);
  EXPECT_TRUE(Mentions(ScanCMake("storage", "storage/CMakeLists.txt",
                                 "target_link_libraries(subex_storage subex_api)"),
                       1, "subex_api"));
  EXPECT_TRUE(ScanCMake("storage", "storage/CMakeLists.txt",
                        "target_link_libraries(subex_storage PUBLIC subex::engine rocksdb)")
                  .empty());
}

TEST(LayeringScanner, WalksATreeAndSkipsFoldersThatDoNotExist) {
  const fs::path root =
      fs::temp_directory_path() / ("subex_layering_" + std::to_string(::getpid()));
  fs::remove_all(root);
  fs::create_directories(root / "engine" / "sub");
  std::ofstream(root / "engine" / "sub" / "clockish.h")
      << "// No clock here.\n#include \"engine/units.h\"\n"
      << "inline auto Stamp() { return std::chrono::steady_clock::now(); }\n";
  std::ofstream(root / "engine" / "notes.txt") << "#include <thread>\n";
  const std::vector<Violation> v = ScanTree(root);
  fs::remove_all(root);
  ASSERT_EQ(v.size(), 1u) << Describe(v);
  EXPECT_EQ(v[0].file, "engine/sub/clockish.h");
  EXPECT_EQ(v[0].line, 3);
  EXPECT_NE(v[0].what.find("steady_clock"), std::string::npos);
}

}  // namespace
}  // namespace subex
