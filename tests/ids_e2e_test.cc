// Public ids on the real subexd (api/ids.h): two deployments given the same history show
// different ids; a deployment's ids survive a clean restart (from its snapshot) and a crash (from
// its journal); and a journal started before keyed ids keeps its old ids.

#include <csignal>
#include <future>
#include <set>
#include <string>
#include <vector>

#include "api/ids.h"
#include "engine/taxonomy.h"
#include "pipeline/pipeline.h"
#include "tests/e2e_fixture.h"

namespace subex::test {
namespace {

struct History {
  std::vector<std::string> members;
};

// The same history on any deployment: three members registered in order.
History MakeHistory(HttpClient& c) {
  History h;
  const char* inns[] = {"3662000008", "4826000001", "1655000003"};
  for (int i = 0; i < 3; ++i) {
    HttpClient::Response r =
        c.Send("POST", "/v1/members", kAdmin,
               MemberBody("Member " + std::to_string(i), inns[i], 52.6, 39.57,
                          "\"customer\",\"supplier\""));
    EXPECT_EQ(r.status, 201) << r.body;
    h.members.push_back(At(r.body, "/id"));
  }
  return h;
}

std::vector<std::string> MemberIds(HttpClient& c) {
  HttpClient::Response r = c.Send("GET", "/v1/members?limit=1000", kAdmin);
  EXPECT_EQ(r.status, 200) << r.body;
  std::vector<std::string> ids;
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(r.body).get(root) != simdjson::SUCCESS) return ids;
  for (simdjson::dom::element item : root["items"].get_array()) {
    std::string_view id;
    if (item["id"].get_string().get(id) == simdjson::SUCCESS) ids.emplace_back(id);
  }
  return ids;
}

TEST(IdsE2eTest, TwoDeploymentsGiveDifferentIdsForTheSameHistory) {
  TempDir dir_a, dir_b;
  SubexdProcess a(dir_a.path()), b(dir_b.path());
  ASSERT_TRUE(a.Start()) << a.output();
  ASSERT_TRUE(b.Start()) << b.output();
  HttpClient ca(a.port()), cb(b.port());
  const History ha = MakeHistory(ca), hb = MakeHistory(cb);
  ASSERT_EQ(ha.members.size(), 3u);
  ASSERT_EQ(hb.members.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_NE(ha.members[i], hb.members[i]) << i;
    // Neither is the fixed scramble an older build would have shown.
    EXPECT_NE(ha.members[i], PublicIdScheme().Id(MemberId{static_cast<uint32_t>(i)}));
    // Each deployment knows only its own.
    EXPECT_EQ(ca.Send("GET", "/v1/members/" + ha.members[i], kAdmin).status, 200);
    EXPECT_EQ(ca.Send("GET", "/v1/members/" + hb.members[i], kAdmin).status, 404);
  }
  // The operator's feed records the keying, and never the secret.
  HttpClient::Response feed = ca.Send("GET", "/v1/events?after=0&limit=1", kAdmin);
  ASSERT_EQ(feed.status, 200) << feed.body;
  EXPECT_NE(feed.body.find("\"type\":\"ids.keyed\""), std::string::npos) << feed.body;
  EXPECT_NE(feed.body.find("\"data\":{}"), std::string::npos) << feed.body;
  EXPECT_EQ(a.Stop(), 0) << a.output();
  EXPECT_EQ(b.Stop(), 0) << b.output();
}

TEST(IdsE2eTest, IdsSurviveACleanRestartAndACrash) {
  TempDir dir;
  SubexdProcess server(dir.path());
  ASSERT_TRUE(server.Start()) << server.output();
  History h;
  {
    HttpClient c(server.port());
    h = MakeHistory(c);
  }
  ASSERT_EQ(h.members.size(), 3u);
  const std::set<std::string> before(h.members.begin(), h.members.end());
  ASSERT_EQ(server.Stop(), 0) << server.output();  // Writes a snapshot on the way out.
  ASSERT_TRUE(server.Start()) << server.output();
  {
    HttpClient c(server.port());
    std::vector<std::string> listed = MemberIds(c);
    EXPECT_EQ(std::set<std::string>(listed.begin(), listed.end()), before);
    for (const std::string& id : h.members) {
      EXPECT_EQ(c.Send("GET", "/v1/members/" + id, kAdmin).status, 200) << id;
    }
    // One more member, then a crash: recovery replays the journal after the snapshot.
    HttpClient::Response r = c.Send("POST", "/v1/members", kAdmin,
                                    MemberBody("Late", "7707083893", 55.75, 37.62, "\"customer\""));
    ASSERT_EQ(r.status, 201) << r.body;
    h.members.push_back(At(r.body, "/id"));
  }
  server.Kill();
  ASSERT_TRUE(server.Start()) << server.output();
  HttpClient c(server.port());
  std::vector<std::string> listed = MemberIds(c);
  EXPECT_EQ(std::set<std::string>(listed.begin(), listed.end()),
            std::set<std::string>(h.members.begin(), h.members.end()));
  EXPECT_EQ(server.Stop(), 0) << server.output();
}

// A journal from before keyed ids (objects, no ids.keyed), written here through the engine as an
// older build would have: subexd keeps the fixed scramble for it, so ids already handed out
// still find their objects, and new objects continue in the same scheme.
TEST(IdsE2eTest, AJournalFromBeforeKeyedIdsKeepsItsIds) {
  TempDir dir;
  {
    absl::StatusOr<Taxonomy> taxonomy = Taxonomy::Create(
        {{.code = "machining", .name = "Machining", .unit = "machine_hour",
          .tariff_rub_per_unit_km = 0.4}});
    ASSERT_TRUE(taxonomy.ok()) << taxonomy.status();
    absl::StatusOr<std::unique_ptr<Pipeline>> engine = Pipeline::Open(
        std::make_shared<const Taxonomy>(*std::move(taxonomy)), Params{},
        {.dir = dir.path() + "/journal"});
    ASSERT_TRUE(engine.ok()) << engine.status();
    std::promise<Pipeline::Result> done;
    (*engine)->Submit({.command = RegisterMember{{.name = "Old Works",
                                                  .region = "RU-LIP",
                                                  .location = {52.6, 39.57},
                                                  .roles = kRoleCustomer},
                                                 kOperator,
                                                 "4826000001"},
                       .now = Instant{1'790'000'000'000},
                       .idempotency = {},
                       .render = {},
                       .reply = [&done](Pipeline::Result r) { done.set_value(r); }});
    Pipeline::Result r = done.get_future().get();
    ASSERT_TRUE(r.status.ok() && !r.rejection);
  }
  const PublicIdScheme old;  // The fixed scramble of older builds.
  SubexdProcess server(dir.path());
  ASSERT_TRUE(server.Start()) << server.output();
  HttpClient c(server.port());
  HttpClient::Response got = c.Send("GET", "/v1/members/" + old.Id(MemberId{0}), kAdmin);
  EXPECT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(At(got.body, "/name"), "Old Works");
  HttpClient::Response r = c.Send("POST", "/v1/members", kAdmin,
                                  MemberBody("New Mill", "3662000008", 51.66, 39.2, "\"customer\""));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(At(r.body, "/id"), old.Id(MemberId{1}));
  HttpClient::Response feed = c.Send("GET", "/v1/events?after=0&limit=10", kAdmin);
  EXPECT_EQ(feed.body.find("ids.keyed"), std::string::npos) << feed.body;
  EXPECT_EQ(server.Stop(), 0) << server.output();
}

}  // namespace
}  // namespace subex::test
