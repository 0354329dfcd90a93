// Operations end to end, on the real subexd: the settings from file, environment and flags and
// their errors, the /metrics exposition after a known sequence of requests, the JSON log and what
// it never holds, and rate limits. The graceful stop is in stop_e2e_test.cc.

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <ctime>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e_fixture.h"
#include "tests/exposition.h"

namespace subex::test {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(ExpositionReaderTest, ReadsLabelsAndFindsMistakes) {
  Exposition good = ParseExposition(
      "# HELP a_total A.\n# TYPE a_total counter\na_total{x=\"q\\\"\",b=\"1\"} 3\n"
      "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_sum 3.5\nh_count 2\n");
  EXPECT_THAT(good.errors, ::testing::IsEmpty());
  EXPECT_EQ(good("a_total", {{"x", "q\""}, {"b", "1"}}), 3);
  EXPECT_EQ(good("h_count"), 2);
  Exposition bad = ParseExposition(
      "untyped 1\n# TYPE h histogram\nh_bucket{le=\"1\"} 3\nh_bucket{le=\"+Inf\"} 2\nh_count 2\n");
  EXPECT_EQ(bad.errors.size(), 2u) << ::testing::PrintToString(bad.errors);
}

// --- /metrics after a known sequence ----------------------------------------------------------

class OpsTest : public ApiTest {
 protected:
  Exposition Scrape() {
    HttpClient::Response r = Send("GET", "/metrics");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
    Exposition e = ParseExposition(r.body);
    EXPECT_THAT(e.errors, ::testing::IsEmpty()) << r.body;
    return e;
  }
};

TEST_F(OpsTest, MetricsCountAKnownSequenceOfRequests) {
  EXPECT_EQ(Send("GET", "/healthz").status, 200);
  EXPECT_EQ(Send("GET", "/healthz").status, 200);
  EXPECT_EQ(Send("GET", "/v1/members").status, 401);
  EXPECT_EQ(Send("GET", "/nowhere").status, 404);
  MakeMarket();  // Three members.
  ASSERT_EQ(Send("POST", "/v1/offers", supplier_key_, kOfferBody).status, 201);
  HttpClient::Response order = Send("POST", "/v1/orders", customer_key_, kOrderBody);
  ASSERT_EQ(order.status, 201) << order.body;
  const double contracts = static_cast<double>(Count(order.body, "/allocations"));
  ASSERT_GE(contracts, 1);

  Exposition m = Scrape();
  using L = std::vector<std::pair<std::string, std::string>>;
  auto requests = [&](const std::string& method, const std::string& route,
                      const std::string& status) {
    return m("subex_http_requests_total",
             L{{"method", method}, {"route", route}, {"status", status}});
  };
  EXPECT_EQ(requests("GET", "/healthz", "200"), 2);
  EXPECT_EQ(requests("GET", "/v1/members", "401"), 1);
  EXPECT_EQ(requests("", "unmatched", "404"), 1);
  EXPECT_EQ(requests("POST", "/v1/members", "201"), 3);
  EXPECT_EQ(requests("POST", "/v1/offers", "201"), 1);
  EXPECT_EQ(requests("POST", "/v1/orders", "201"), 1);
  EXPECT_TRUE(std::isnan(requests("GET", "/metrics", "200")));  // Not yet answered.
  EXPECT_EQ(m("subex_http_request_duration_seconds_count",
              L{{"method", "POST"}, {"route", "/v1/members"}}),
            3);
  EXPECT_EQ(m("subex_http_request_duration_seconds_bucket",
              L{{"method", "GET"}, {"route", "/healthz"}, {"le", "+Inf"}}),
            2);
  EXPECT_EQ(m("subex_http_rate_limited_total", L{{"limit", "address"}}), 0);
  EXPECT_EQ(m("subex_http_rate_limited_total", L{{"limit", "key"}}), 0);

  EXPECT_EQ(m("subex_members"), 3);
  EXPECT_EQ(m("subex_offers", L{{"status", "open"}}), 1);
  EXPECT_EQ(m("subex_orders", L{{"status", At(order.body, "/status")}}), 1);
  EXPECT_EQ(m("subex_contracts", L{{"state", "active"}}), contracts);
  EXPECT_EQ(m("subex_contracts", L{{"state", "pending_confirmation"}}), 0);
  EXPECT_EQ(m("subex_matches_total"), contracts);
  EXPECT_EQ(m("subex_awards_total"), 0);
  EXPECT_EQ(m("subex_bids", L{{"status", "open"}}), 0);

  // Five commands wrote; each write is one synced batch, timed.
  EXPECT_GE(m("subex_journal_batches_total"), 5);
  EXPECT_EQ(m("subex_journal_sync_seconds_count"), m("subex_journal_batches_total"));
  EXPECT_GE(m("subex_engine_batch_size_count"), m("subex_journal_batches_total"));
  EXPECT_GE(m("subex_journal_durable_seq"), 5);
  EXPECT_EQ(m("subex_journal_events"), m("subex_journal_durable_seq"));
  EXPECT_GT(m("subex_journal_bytes"), 0);
  EXPECT_EQ(m("subex_journal_failed"), 0);
  EXPECT_EQ(m("subex_engine_queue_depth"), 0);
  EXPECT_GE(m("subex_recovery_seconds"), 0);
  EXPECT_EQ(m("subex_recovery_replayed_events"), 0);
  EXPECT_EQ(m("subex_ready"), 1);
  EXPECT_GE(m("subex_http_open_connections"), 1);
  EXPECT_GE(m("subex_http_connections_total"), 1);
  EXPECT_GT(m("process_resident_memory_bytes"), 0);
  for (const char* family :
       {"subex_http_requests_total", "subex_journal_batches_total", "subex_matches_total"}) {
    EXPECT_EQ(m.types[family], "counter") << family;
  }
  for (const char* family : {"subex_http_request_duration_seconds", "subex_engine_batch_size",
                             "subex_journal_sync_seconds"}) {
    EXPECT_EQ(m.types[family], "histogram") << family;
  }

  // The scrape itself is counted once it is answered.
  Exposition again = Scrape();
  EXPECT_EQ(again("subex_http_requests_total",
                  L{{"method", "GET"}, {"route", "/metrics"}, {"status", "200"}}),
            1);
}

TEST_F(OpsTest, MetricsAfterARestartTellTheRecovery) {
  MakeMarket();
  Restart();  // The stop wrote a snapshot: nothing is replayed.
  Exposition m = Scrape();
  EXPECT_EQ(m("subex_members"), 3);
  EXPECT_EQ(m("subex_recovery_replayed_events"), 0);
  EXPECT_GE(m("subex_snapshot_seq"), 3);
}

// --- The log -----------------------------------------------------------------------------------

std::string FromNow(std::chrono::seconds delta) {
  const std::time_t t = std::time(nullptr) + delta.count();
  std::tm utc{};
  gmtime_r(&t, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

class AccessLogTest : public ApiTest {
 protected:
  void SetUp() override {
    server_ =
        std::make_unique<SubexdProcess>(dir_.path(), std::vector<std::string>{"--log.access=true"});
    ASSERT_TRUE(server_->Start()) << server_->output();
    client_ = std::make_unique<HttpClient>(server_->port());
  }
};

// Every line of `output` that starts with '{' parses as a JSON object with ts, level and msg.
void ExpectJsonLines(const std::string& output) {
  simdjson::dom::parser parser;
  size_t lines = 0, pos = 0;
  while (pos < output.size()) {
    size_t end = output.find('\n', pos);
    if (end == std::string::npos) end = output.size();
    const std::string line = output.substr(pos, end - pos);
    pos = end + 1;
    if (line.empty() || line[0] != '{') continue;
    ++lines;
    simdjson::dom::element doc;
    ASSERT_EQ(parser.parse(line).get(doc), simdjson::SUCCESS) << line;
    for (const char* key : {"ts", "level", "msg"}) {
      std::string_view v;
      EXPECT_EQ(doc[key].get(v), simdjson::SUCCESS) << key << " in " << line;
    }
  }
  EXPECT_GE(lines, 3u);
}

TEST_F(AccessLogTest, TheAccessLogNamesEachRequestButNeverAKeyABodyOrABidPrice) {
  MakeMarket();
  const std::string order_body =
      R"({"title":"Valve bodies","process":"machining.milling","quantity":100,)" + kOrderDays +
      R"(,"mode":"rfq","award":"manual",)"
      R"("bids_close_at":")" +
      FromNow(std::chrono::hours(1)) + R"(","award_by":")" + FromNow(std::chrono::hours(2)) +
      R"("})";
  HttpClient::Response order = Send("POST", "/v1/orders", customer_key_, order_body);
  ASSERT_EQ(order.status, 201) << order.body;
  const std::string bids = "/v1/orders/" + At(order.body, "/id") + "/bids";
  HttpClient::Response bid =
      Send("POST", bids, supplier_key_, R"({"unit_price":2718.28,"quantity":100,"lead_days":5})");
  ASSERT_EQ(bid.status, 201) << bid.body;
  EXPECT_EQ(Send("GET", "/v1/offers?process=machining.milling", supplier_key_).status, 200);
  EXPECT_EQ(Send("GET", "/v1/members", "sx_not_a_real_key_but_secret").status, 401);
  client_.reset();
  ASSERT_EQ(server_->Stop(), 0);
  const std::string log = server_->output();
  server_.reset();

  ExpectJsonLines(log);
  EXPECT_THAT(log, HasSubstr(R"("msg":"request","method":"POST","path":")" + bids +
                             R"(","route":"/v1/orders/{id}/bids","status":201,)"));
  EXPECT_THAT(log, HasSubstr(R"("method":"GET","path":"/v1/members","route":"/v1/members",)"
                             R"("status":401,)"));
  EXPECT_THAT(log, AllOf(Not(HasSubstr(kAdminKey)), Not(HasSubstr(supplier_key_)),
                         Not(HasSubstr(customer_key_)), Not(HasSubstr("sx_not_a_real_key")),
                         Not(HasSubstr("2718")), Not(HasSubstr("lead_days")),
                         Not(HasSubstr("process=machining")), Not(HasSubstr("Bearer"))));
  EXPECT_THAT(log, HasSubstr(R"("method":"GET","path":"/v1/offers","route":"/v1/offers",)"));
  EXPECT_THAT(log, HasSubstr(R"("msg":"stopped")"));
}

// --- Configuration from file, environment and flags -------------------------------------------

class ConfigE2ETest : public ::testing::Test {
 protected:
  // Runs subexd with `args` (after --listen, --data-dir and --config) until it exits or listens.
  int RunToExit(SubexdProcess& server) {
    if (server.Start()) {
      ADD_FAILURE() << "subexd started: " << server.output();
      return server.Stop();
    }
    return server.Wait();
  }

  std::string WriteConfig(const std::string& text) {
    const std::string path = dir_.path() + "/subex.toml";
    std::ofstream(path) << text;
    return path;
  }

  TempDir dir_;
};

TEST_F(ConfigE2ETest, ABadSettingInTheFileStopsStartUpNamingFileLineKeyAndForm) {
  const std::string path = WriteConfig("[server]\nio_threads = 0\n");
  SubexdProcess server(dir_.path() + "/data", {"--config", path});
  EXPECT_EQ(RunToExit(server), 2);
  EXPECT_THAT(server.output(),
              HasSubstr("subexd: " + path +
                        ":2:14: server.io_threads: expected an integer between 1 and 256, got 0"));
}

TEST_F(ConfigE2ETest, AnUnknownKeyInTheFileStopsStartUp) {
  const std::string path = WriteConfig("[log]\nlevl = \"debug\"\n");
  SubexdProcess server(dir_.path() + "/data", {"--config", path});
  EXPECT_EQ(RunToExit(server), 2);
  EXPECT_THAT(server.output(),
              HasSubstr(path + ":2:1: log.levl: unknown key; expected one of level, access"));
}

TEST_F(ConfigE2ETest, AMisspeltEnvironmentVariableStopsStartUp) {
  SubexdProcess server(dir_.path());
  server.SetEnv("SUBEX_SERVER_IO_THREDS", "4");
  EXPECT_EQ(RunToExit(server), 2);
  EXPECT_THAT(server.output(),
              HasSubstr("subexd: $SUBEX_SERVER_IO_THREDS: unknown setting server.io_threds"));
}

TEST_F(ConfigE2ETest, ABadEnvironmentValueStopsStartUpNamingTheVariable) {
  SubexdProcess server(dir_.path());
  server.SetEnv("SUBEX_LOG_LEVEL", "loud");
  EXPECT_EQ(RunToExit(server), 2);
  EXPECT_THAT(server.output(), HasSubstr("subexd: $SUBEX_LOG_LEVEL: log.level: expected one of "
                                         "debug, info, warn, error, got \"loud\""));
}

TEST_F(ConfigE2ETest, ABadFlagStopsStartUpNamingTheFlag) {
  SubexdProcess unknown(dir_.path(), {"--server.io_thread=4"});
  EXPECT_EQ(RunToExit(unknown), 2);
  EXPECT_THAT(unknown.output(),
              HasSubstr("subexd: --server.io_thread: unknown setting server.io_thread"));
  SubexdProcess bad(dir_.path(), {"--rate_limits.per_key_burst", "-1"});
  EXPECT_EQ(RunToExit(bad), 2);
  EXPECT_THAT(bad.output(), HasSubstr("subexd: --rate_limits.per_key_burst: "
                                      "rate_limits.per_key_burst: expected an integer between 1 "
                                      "and 1000000, got \"-1\""));
  SubexdProcess stray(dir_.path(), {"--verbose"});
  EXPECT_EQ(RunToExit(stray), 2);
  EXPECT_THAT(stray.output(),
              AllOf(HasSubstr("unknown argument \"--verbose\""), HasSubstr("usage: subexd")));
}

// The file says debug, the environment warn, a flag info: the flag wins; without the flag, the
// environment does. The level shows in which lines the log holds.
TEST_F(ConfigE2ETest, FlagBeatsEnvironmentBeatsFile) {
  const std::string path =
      WriteConfig("[log]\nlevel = \"debug\"\n[taxonomy]\nfile = \"" +
                  std::string(SUBEX_SOURCE_DIR) + "/config/processes.toml\"\n");
  {
    SubexdProcess server(dir_.path() + "/data", {"--config", path});
    server.SetEnv("SUBEX_LOG_LEVEL", "warn");
    ASSERT_TRUE(server.Start()) << server.output();
    ASSERT_EQ(server.Stop(), 0);
    EXPECT_THAT(server.output(), Not(HasSubstr(R"("level":"info")")));
  }
  {
    SubexdProcess server(dir_.path() + "/data", {"--config", path, "--log.level", "info"});
    server.SetEnv("SUBEX_LOG_LEVEL", "warn");
    ASSERT_TRUE(server.Start()) << server.output();
    ASSERT_EQ(server.Stop(), 0);
    EXPECT_THAT(server.output(), HasSubstr(R"("level":"info","msg":"listening")"));
  }
  {
    // The file's own level, and an environment variable that is not a setting left alone.
    SubexdProcess server(dir_.path() + "/data", {"--config", path});
    server.SetEnv("SUBEX_JOBS", "2");
    ASSERT_TRUE(server.Start()) << server.output();
    ASSERT_EQ(server.Stop(), 0);
    EXPECT_THAT(server.output(), HasSubstr(R"("level":"info","msg":"listening")"));
  }
}

// The environment names an address this machine does not have; the flag --listen wins.
TEST_F(ConfigE2ETest, TheListenFlagBeatsTheEnvironment) {
  SubexdProcess server(dir_.path());  // Passes --listen 127.0.0.1:0.
  server.SetEnv("SUBEX_SERVER_LISTEN", "203.0.113.1:1");
  ASSERT_TRUE(server.Start()) << server.output();
  HttpClient client(server.port());
  EXPECT_EQ(client.Send("GET", "/healthz").status, 200);
  client.Close();
  EXPECT_EQ(server.Stop(), 0);
}

// --- Built-in defaults -------------------------------------------------------------------------

// subexd started as an installed binary is: from a working directory of its own, with no
// --config and no $SUBEX_CONFIG. Waits for it to listen or exit; `Stop` ends it with SIGTERM.
class BareSubexd {
 public:
  BareSubexd(std::string cwd, std::vector<std::string> args)
      : cwd_(std::move(cwd)), args_(std::move(args)) {}
  ~BareSubexd() {
    if (pid_ > 0) Stop();
  }

  // True once it listens; false when it exits first (then `status()` says how).
  bool Start() {
    int fds[2];
    if (::pipe(fds) != 0) return false;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(fds[1], STDOUT_FILENO);
      ::dup2(fds[1], STDERR_FILENO);
      ::close(fds[0]);
      if (::chdir(cwd_.c_str()) != 0) std::_Exit(126);
      ::unsetenv("SUBEX_CONFIG");
      ::setenv("SUBEX_ADMIN_KEY", kAdminKey, 1);
      std::vector<std::string> args = {SUBEX_SUBEXD, "--listen", "127.0.0.1:0"};
      args.insert(args.end(), args_.begin(), args_.end());
      std::vector<char*> argv;
      for (std::string& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(SUBEX_SUBEXD, argv.data());
      std::_Exit(127);
    }
    ::close(fds[1]);
    fd_ = fds[0];
    constexpr std::string_view kListening = "listening on http://127.0.0.1:";
    for (;;) {
      const size_t at = output_.find(kListening);
      if (at != std::string::npos && output_.find('\n', at) != std::string::npos) {
        port_ = static_cast<uint16_t>(std::atoi(output_.c_str() + at + kListening.size()));
        return true;
      }
      if (!ReadSome()) {
        Reap();
        return false;
      }
    }
  }
  int Stop() {
    ::kill(pid_, SIGTERM);
    while (ReadSome()) {
    }
    return Reap();
  }

  uint16_t port() const { return port_; }
  int status() const { return status_; }
  const std::string& output() const { return output_; }

 private:
  bool ReadSome() {
    char chunk[4096];
    const ssize_t n = ::read(fd_, chunk, sizeof chunk);
    if (n <= 0) return false;
    output_.append(chunk, static_cast<size_t>(n));
    return true;
  }
  int Reap() {
    int status = 0;
    ::waitpid(pid_, &status, 0);
    ::close(fd_);
    pid_ = -1;
    status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return status_;
  }

  std::string cwd_;
  std::vector<std::string> args_;
  pid_t pid_ = -1;
  int fd_ = -1;
  uint16_t port_ = 0;
  int status_ = -1;
  std::string output_;
};

TEST(BuiltInDefaultsTest, WithoutAConfigFileItRunsOnTheBuiltInDefaultsAndSaysSo) {
  TempDir cwd;  // No config/subex.toml in it.
  BareSubexd server(cwd.path(), {});
  ASSERT_TRUE(server.Start()) << server.output();
  HttpClient client(server.port());
  EXPECT_EQ(client.Send("GET", "/healthz").status, 200);
  // The built-in taxonomy: the processes the shipped file lists (PRODUCT §2's machining branch).
  const HttpClient::Response processes = client.Send("GET", "/v1/processes", kAdmin);
  EXPECT_EQ(processes.status, 200) << processes.body;
  EXPECT_THAT(processes.body, HasSubstr(R"("machining.milling.cnc_5axis")"));
  client.Close();
  EXPECT_EQ(server.Stop(), 0) << server.output();
  // One JSON line says so; the data directory is the default one, relative to the working one.
  EXPECT_THAT(server.output(),
              HasSubstr(R"("msg":"no configuration file: running on the built-in defaults")"));
  EXPECT_TRUE(std::filesystem::exists(cwd.path() + "/data/admin.key") ||
              std::filesystem::exists(cwd.path() + "/data/journal"));
}

TEST(BuiltInDefaultsTest, ANamedConfigFileThatIsMissingStaysAnError) {
  TempDir cwd;
  BareSubexd named(cwd.path(), {"--config", "subex.toml"});
  EXPECT_FALSE(named.Start());
  EXPECT_EQ(named.status(), 2);
  EXPECT_THAT(named.output(), HasSubstr("cannot read subex.toml"));
}

// --- CORS ----------------------------------------------------------------------------------------

constexpr char kPortal[] = "https://portal.example";

class CorsTest : public ApiTest {
 protected:
  std::vector<std::string> ServerArgs() const override {
    return {"--server.cors_origins=https://portal.example,http://localhost:3000",
            "--server.cors_max_age_s=123"};
  }

  HttpClient::Response Preflight(const std::string& path, const std::string& origin,
                                 const std::string& method = "POST") {
    HttpClient c(server_->port());
    return c.Send("OPTIONS", path, "", "",
                  {{"Origin", origin}, {"Access-Control-Request-Method", method}});
  }
};

// What a browser checks on an answer to a page of an allowed origin.
void ExpectCorsAnswer(const HttpClient::Response& r, const std::string& origin) {
  EXPECT_EQ(r.header("access-control-allow-origin"), origin) << r.status;
  EXPECT_EQ(r.header("access-control-expose-headers"),
            "ETag, Location, Retry-After, Idempotent-Replayed");
  EXPECT_EQ(r.header("vary"), "Origin");
}

// Every path of the served OpenAPI document (its {…} segments filled in) answers a preflight
// from an allowed origin, without a key, with the methods the document gives it.
TEST_F(CorsTest, APreflightOfEveryPathOfTheDocumentIsAnsweredWithItsMethods) {
  const HttpClient::Response doc = Send("GET", "/v1/openapi.json");
  ASSERT_EQ(doc.status, 200);
  simdjson::dom::parser parser;
  simdjson::dom::object paths;
  ASSERT_EQ(parser.parse(doc.body)["paths"].get_object().get(paths), simdjson::SUCCESS);
  const std::set<std::string> kMethods = {"get", "put", "post", "delete", "patch"};
  size_t checked = 0;
  for (auto [path_view, item] : paths) {
    std::string path(path_view);
    for (size_t open; (open = path.find('{')) != std::string::npos;) {
      path.replace(open, path.find('}', open) - open + 1, "x1");
    }
    std::set<std::string> want;
    simdjson::dom::object operations;
    ASSERT_EQ(item.get_object().get(operations), simdjson::SUCCESS);
    for (auto [key, value] : operations) {
      std::string m(key);
      if (!kMethods.contains(m)) continue;
      std::transform(m.begin(), m.end(), m.begin(), ::toupper);
      want.insert(m);
    }
    SCOPED_TRACE(path);
    const HttpClient::Response r = Preflight(path, kPortal);
    EXPECT_EQ(r.status, 204) << r.body;
    ExpectCorsAnswer(r, kPortal);
    std::set<std::string> got;
    const std::string methods = r.header("access-control-allow-methods");
    for (size_t start = 0; start < methods.size();) {
      size_t end = methods.find(", ", start);
      if (end == std::string::npos) end = methods.size();
      got.insert(methods.substr(start, end - start));
      start = end + 2;
    }
    EXPECT_EQ(got, want);
    EXPECT_EQ(r.header("access-control-allow-headers"),
              "Authorization, Content-Type, If-Match, Idempotency-Key, X-On-Behalf-Of, "
              "Last-Event-ID");
    EXPECT_EQ(r.header("access-control-max-age"), "123");
    ++checked;
  }
  EXPECT_GE(checked, 30u);
}

TEST_F(CorsTest, APreflightFromAnotherOriginIs403AndOfAnUnknownPath404) {
  const HttpClient::Response other = Preflight("/v1/orders", "https://evil.example");
  EXPECT_EQ(other.status, 403) << other.body;
  EXPECT_EQ(other.header("content-type"), "application/problem+json");
  EXPECT_THAT(At(other.body, "/detail"), HasSubstr("server.cors_origins"));
  EXPECT_EQ(other.header("access-control-allow-origin"), "");
  EXPECT_EQ(other.header("vary"), "Origin");
  // Origins are compared as the browser sends them: scheme, host and port.
  EXPECT_EQ(Preflight("/v1/orders", "http://portal.example").status, 403);
  EXPECT_EQ(Preflight("/v1/orders", "https://portal.example:8443").status, 403);

  const HttpClient::Response nowhere = Preflight("/v1/nowhere", kPortal);
  EXPECT_EQ(nowhere.status, 404) << nowhere.body;
  ExpectCorsAnswer(nowhere, kPortal);
}

TEST_F(CorsTest, EveryAnswerToAnAllowedOriginCarriesTheHeadersProblemsAndTheHttpLayersToo) {
  MakeMarket();
  const std::vector<std::pair<std::string, std::string>> from_portal = {{"Origin", kPortal}};
  HttpClient::Response created = Send("POST", "/v1/offers", supplier_key_, kOfferBody, from_portal);
  EXPECT_EQ(created.status, 201) << created.body;
  ExpectCorsAnswer(created, kPortal);
  EXPECT_FALSE(created.header("location").empty());
  const HttpClient::Response unauthorized = Send("GET", "/v1/orders", "", "", from_portal);
  EXPECT_EQ(unauthorized.status, 401);
  ExpectCorsAnswer(unauthorized, kPortal);
  const HttpClient::Response local =
      Send("GET", "/v1/orders", customer_key_, "", {{"Origin", "http://localhost:3000"}});
  EXPECT_EQ(local.status, 200);
  ExpectCorsAnswer(local, "http://localhost:3000");
  const HttpClient::Response other =
      Send("GET", "/v1/orders", customer_key_, "", {{"Origin", "https://evil.example"}});
  EXPECT_EQ(other.status, 200);
  EXPECT_EQ(other.header("access-control-allow-origin"), "");
  EXPECT_EQ(other.header("vary"), "Origin");

  // The HTTP layer's own answers: a body too large (413) and a head too large (431).
  {
    HttpClient c(server_->port());
    ASSERT_TRUE(c.Write("POST /v1/orders HTTP/1.1\r\nHost: x\r\nOrigin: " + std::string(kPortal) +
                        "\r\nContent-Type: application/json\r\nContent-Length: 5000000\r\n\r\n"));
    const HttpClient::Response r = c.SendRaw("");
    EXPECT_EQ(r.status, 413) << r.body;
    ExpectCorsAnswer(r, kPortal);
  }
  {
    HttpClient c(server_->port());
    const HttpClient::Response r =
        c.SendRaw("GET /v1/orders HTTP/1.1\r\nHost: x\r\nOrigin: " + std::string(kPortal) +
                  "\r\nX-Pad: " + std::string(20'000, 'a') + "\r\n\r\n");
    EXPECT_EQ(r.status, 431) << r.body;
    ExpectCorsAnswer(r, kPortal);
  }
}

TEST_F(OpsTest, WithoutCorsOriginsNoAnswerHasACorsHeader) {
  const std::vector<std::pair<std::string, std::string>> from_portal = {{"Origin", kPortal}};
  const HttpClient::Response health = Send("GET", "/healthz", "", "", from_portal);
  EXPECT_EQ(health.status, 200);
  for (const auto& [name, value] : health.headers) {
    EXPECT_EQ(name.rfind("access-control-", 0), std::string::npos) << name;
    EXPECT_NE(name, "vary");
  }
  const HttpClient::Response preflight =
      Send("OPTIONS", "/v1/orders", "", "",
           {{"Origin", kPortal}, {"Access-Control-Request-Method", "POST"}});
  EXPECT_EQ(preflight.status, 405);  // As any method the path does not have.
  EXPECT_EQ(preflight.header("access-control-allow-origin"), "");
}

// --- The metrics token ---------------------------------------------------------------------------

class MetricsTokenTest : public ApiTest {
 protected:
  std::vector<std::string> ServerArgs() const override {
    return {"--server.metrics_token=scrape-7f3a9c"};
  }
};

TEST_F(MetricsTokenTest, MetricsNeedTheTokenAndNothingElseOpensThem) {
  for (const auto& [what, authorization] : std::vector<std::pair<std::string, std::string>>{
           {"no token", ""},
           {"a wrong token", "Bearer scrape-7f3a9d"},
           {"a prefix of the token", "Bearer scrape-7f3a"},
           {"the token and more", "Bearer scrape-7f3a9cc"},
           {"the token in another scheme", "Basic scrape-7f3a9c"},
           {"the admin key", std::string("Bearer ") + kAdminKey}}) {
    SCOPED_TRACE(what);
    std::vector<std::pair<std::string, std::string>> headers;
    if (!authorization.empty()) headers.emplace_back("Authorization", authorization);
    const HttpClient::Response r = Send("GET", "/metrics", "", "", headers);
    EXPECT_EQ(r.status, 401) << r.body;
    EXPECT_EQ(r.header("content-type"), "application/problem+json");
    EXPECT_EQ(r.header("www-authenticate"), "Bearer");
    EXPECT_EQ(At(r.body, "/status"), "401");
    EXPECT_THAT(r.body, Not(HasSubstr("subex_http_requests_total")));
  }
  const HttpClient::Response ok =
      Send("GET", "/metrics", "", "", {{"Authorization", "Bearer scrape-7f3a9c"}});
  EXPECT_EQ(ok.status, 200);
  EXPECT_THAT(ok.body, HasSubstr("subex_http_requests_total"));
  // The other operations routes stay open.
  EXPECT_EQ(Send("GET", "/healthz").status, 200);
}

// --- Rate limits -------------------------------------------------------------------------------

class RateLimitTest : public ApiTest {
 protected:
  void Begin(std::vector<std::string> args) {
    server_ = std::make_unique<SubexdProcess>(dir_.path(), std::move(args));
    ASSERT_TRUE(server_->Start()) << server_->output();
    client_ = std::make_unique<HttpClient>(server_->port());
  }
  void SetUp() override {}  // Each test starts the server with its limits.
};

void ExpectTooMany(const HttpClient::Response& r, const std::string& whose) {
  EXPECT_EQ(r.status, 429) << r.body;
  EXPECT_EQ(r.header("content-type"), "application/problem+json");
  EXPECT_EQ(r.header("retry-after"), "1000");  // A token every 1000 s.
  EXPECT_EQ(At(r.body, "/status"), "429");
  EXPECT_THAT(At(r.body, "/detail"), HasSubstr("too many requests from " + whose));
}

TEST_F(RateLimitTest, AClientAddressOverItsBucketGets429WithRetryAfter) {
  Begin({"--rate_limits.per_address_per_second=0.001", "--rate_limits.per_address_burst=2"});
  EXPECT_EQ(Send("GET", "/v1/processes", kAdmin).status, 200);
  EXPECT_EQ(Send("GET", "/v1/processes").status, 401);  // Counted before the key is checked.
  ExpectTooMany(Send("GET", "/v1/processes", kAdmin), "this client address");
  ExpectTooMany(Send("GET", "/v1/no/such/route", kAdmin), "this client address");
  // The operations routes are never limited.
  EXPECT_EQ(Send("GET", "/healthz").status, 200);
  EXPECT_EQ(Send("GET", "/readyz").status, 200);
  HttpClient::Response metrics = Send("GET", "/metrics");
  ASSERT_EQ(metrics.status, 200);
  Exposition m = ParseExposition(metrics.body);
  EXPECT_EQ(m("subex_http_rate_limited_total", {{"limit", "address"}}), 2);
  EXPECT_EQ(m("subex_http_requests_total",
              {{"method", "GET"}, {"route", "/v1/processes"}, {"status", "429"}}),
            1);
}

TEST_F(RateLimitTest, AnApiKeyOverItsBucketGets429AndOtherKeysDoNot) {
  Begin({"--rate_limits.per_key_per_second=0.001", "--rate_limits.per_key_burst=1"});
  auto [member, key] = Register("Lipetsk Works", "4826000001", 52.6031, 39.5708, "\"customer\"");
  ASSERT_FALSE(key.empty());
  ExpectTooMany(Send("GET", "/v1/processes", kAdmin), "this API key");  // Its one was the POST.
  EXPECT_EQ(Send("GET", "/v1/processes", key).status, 200);
  ExpectTooMany(Send("GET", "/v1/members/" + member, key), "this API key");
  // A key that is not valid has no bucket to empty: it is told so, every time.
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Send("GET", "/v1/processes", "sx_bogus").status, 401);
  EXPECT_EQ(Send("GET", "/v1/openapi.json").status, 200);  // Needs no key.
}

}  // namespace
}  // namespace subex::test
