// The end-to-end fixture: the real subexd on an ephemeral port with a journal in a temporary
// directory, a plain HTTP client, and small readers of JSON answers. Shared by the e2e suites.

#ifndef SUBEX_TESTS_E2E_FIXTURE_H_
#define SUBEX_TESTS_E2E_FIXTURE_H_

#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "engine/inn.h"
#include "gtest/gtest.h"
#include "simdjson.h"
#include "tests/http_client.h"
#include "tests/openapi_contract.h"
#include "tests/subexd_process.h"

namespace subex::test {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "subex-e2e-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The value at a JSON pointer ("/allocations/0/supplier") as text: strings unquoted, other
// values in their JSON form; "<missing>" when absent.
inline std::string At(const std::string& json, const std::string& pointer) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(json).get(doc) != simdjson::SUCCESS) return "<not json>";
  simdjson::dom::element v;
  if (doc.at_pointer(pointer).get(v) != simdjson::SUCCESS) return "<missing>";
  std::string_view s;
  if (v.get_string().get(s) == simdjson::SUCCESS) return std::string(s);
  return simdjson::minify(v);
}

inline size_t Count(const std::string& json, const std::string& pointer) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  simdjson::dom::array a;
  if (parser.parse(json).get(doc) != simdjson::SUCCESS) return 0;
  if (doc.at_pointer(pointer).get_array().get(a) != simdjson::SUCCESS) return 0;
  return a.size();
}

inline const std::string kAdmin = kAdminKey;

// A valid ten-digit company INN (PRODUCT §1) whose first nine digits are `prefix`.
inline std::string CompanyInnFrom(int64_t prefix) { return CompanyInn(std::to_string(prefix)); }

// RFC 3339 (UTC, milliseconds) `ms` from now, on the test's clock (the server reads the same).
inline std::string FromNow(int64_t ms) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now() + absl::Milliseconds(ms),
                          absl::UTCTimeZone());
}

// The day `days` after today (UTC) as the API writes days: "2026-12-09". Tests date their offers
// and orders from the day they run, so that they never fall into the past.
inline std::string DayFromToday(int days) {
  return absl::FormatTime("%Y-%m-%d", absl::Now() + absl::Hours(24 * days), absl::UTCTimeZone());
}

// The month `months` after this one (UTC) as the analytics write months: "2026-12".
inline std::string MonthFromThis(int months) {
  const absl::CivilMonth month = absl::ToCivilMonth(absl::Now(), absl::UTCTimeZone()) + months;
  return absl::FormatCivilTime(month).substr(0, 7);
}

inline std::string MemberBody(const std::string& name, const std::string& inn, double lat, double lon,
                       const std::string& roles) {
  return "{\"name\":\"" + name + "\",\"inn\":\"" + inn +
         "\",\"region\":\"RU-LIP\",\"location\":{\"lat\":" + std::to_string(lat) +
         ",\"lon\":" + std::to_string(lon) + "},\"roles\":[" + roles +
         "],\"processes\":[\"machining\"],\"certifications\":[\"ISO9001\"]}";
}

// The days the tests' offers and orders name, fixed when the test program starts: an offer's 31
// days from a week ahead, and an order's window inside them.
inline const std::string kOfferDays =
    absl::StrCat(R"("from":")", DayFromToday(8), R"(","to":")", DayFromToday(38), R"(")");
inline const std::string kOrderDays =
    absl::StrCat(R"("start":")", DayFromToday(8), R"(","due":")", DayFromToday(27), R"(")");

inline const std::string kOfferBody =
    R"({"process":"machining.milling.cnc_5axis","daily_capacity":16,)" + kOfferDays +
    R"(,"unit_price":3200.00,"min_lot":8,"tags":["steel"],)"
    R"("limits":{"max_length_mm":1200},"auto_accept":true})";

inline const std::string kOrderBody =
    R"({"title":"Hydraulic valve bodies","process":"machining.milling","quantity":240,)" +
    kOrderDays +
    R"(,"max_unit_price":3500.00,"max_distance_km":800,)"
    R"("certifications":["ISO9001"],"tags":["steel"],"needs":{"max_length_mm":900},"min_lot":40,)"
    R"("mode":"auto","visibility":"public"})";

// Fails the running test for each way an answer breaks the OpenAPI document (the source tree's
// api/openapi.json, which the server embeds): an undeclared status, content type or body, or a
// JSON body off its schema. Every ApiTest checks every answer its clients get with it.
inline void ExpectAnswerKeepsTheDocument(const std::string& method, const std::string& target,
                                         const HttpClient::Response& r) {
  if (r.status == 0) return;  // No answer: the test that sent it judges that.
  const OpenApiContract* contract = SourceContract();
  if (contract == nullptr) {
    ADD_FAILURE() << "api/openapi.json cannot be read or is not an OpenAPI document";
    return;
  }
  for (const std::string& e :
       contract->Check(method, target, r.status, r.header("content-type"), r.body)) {
    ADD_FAILURE() << "the answer breaks the OpenAPI document: " << e;
  }
}

class ApiTest : public ::testing::Test {
 protected:
  // Flags the server starts with, beyond the data directory (SubexdProcess).
  virtual std::vector<std::string> ServerArgs() const { return {}; }

  void SetUp() override {
    HttpClient::Observe(&ExpectAnswerKeepsTheDocument);
    server_ = std::make_unique<SubexdProcess>(dir_.path(), ServerArgs());
    ASSERT_TRUE(server_->Start()) << server_->output();
    client_ = std::make_unique<HttpClient>(server_->port());
  }
  void TearDown() override {
    client_.reset();
    if (server_) {
      EXPECT_EQ(server_->Stop(), 0) << server_->output();
    }
  }

  void Restart() {
    client_.reset();
    ASSERT_EQ(server_->Stop(), 0) << server_->output();
    ASSERT_TRUE(server_->Start()) << server_->output();
    client_ = std::make_unique<HttpClient>(server_->port());
  }

  HttpClient::Response Send(const std::string& method, const std::string& target,
                            const std::string& key = "", const std::string& body = "",
                            const std::vector<std::pair<std::string, std::string>>& h = {}) {
    if (client_ == nullptr) {  // A failed Restart: no server to talk to.
      ADD_FAILURE() << "no server: " << method << " " << target;
      return {};
    }
    return client_->Send(method, target, key, body, h);
  }

  // Registers a member and answers {id, key}.
  std::pair<std::string, std::string> Register(const std::string& name, const std::string& inn,
                                               double lat, double lon, const std::string& roles) {
    HttpClient::Response r = Send("POST", "/v1/members", kAdmin,
                                  MemberBody(name, inn, lat, lon, roles));
    EXPECT_EQ(r.status, 201) << r.body;
    return {At(r.body, "/id"), At(r.body, "/api_key")};
  }

  // The newest durable seq the operator's feed shows: changes iff the state changed.
  std::string LastSeq() {
    std::string after = "0";
    for (;;) {
      HttpClient::Response r = Send("GET", "/v1/events?limit=1000&after=" + after, kAdmin);
      EXPECT_EQ(r.status, 200) << r.body;
      const std::string next = At(r.body, "/next");
      if (next == after || r.status != 200) return after;
      after = next;
    }
  }

  // The engine's position and fingerprint (GET /v1/state): changes iff the state changed.
  std::string StateHash() {
    HttpClient c(server_->port());
    HttpClient::Response r = c.Send("GET", "/v1/state", kAdmin);
    EXPECT_EQ(r.status, 200) << r.body;
    return At(r.body, "/seq") + "/" + At(r.body, "/hash");
  }

  void MakeMarket() {
    std::tie(supplier_, supplier_key_) =
        Register("Voronezh Mill", "3662000008", 51.6608, 39.2003, "\"supplier\"");
    std::tie(customer_, customer_key_) =
        Register("Lipetsk Works", "4826000001", 52.6031, 39.5708, "\"customer\"");
    std::tie(other_, other_key_) =
        Register("Kazan Turning", "1655000003", 55.7963, 49.1088, "\"customer\",\"supplier\"");
  }

  TempDir dir_;
  std::unique_ptr<SubexdProcess> server_;
  std::unique_ptr<HttpClient> client_;
  std::string supplier_, supplier_key_, customer_, customer_key_, other_, other_key_;
};

}  // namespace subex::test

#endif  // SUBEX_TESTS_E2E_FIXTURE_H_
