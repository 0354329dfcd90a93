// Idempotency (pipeline/idempotency.h) through a real pipeline over a real journal: a key is
// scoped to its caller, a key reused for another request runs nothing, answers are kept in their
// binary form, and answers that older builds kept as text are still replayed.

#include "pipeline/idempotency.h"

#include <stdlib.h>

#include <filesystem>
#include <future>
#include <memory>
#include <string>
#include <utility>

#include "engine/civil_time.h"
#include "engine/inn.h"
#include "engine/taxonomy.h"
#include "gtest/gtest.h"
#include "pipeline/pipeline.h"
#include "storage/journal.h"

namespace subex {
namespace {

const Instant kNow = *ParseInstant("2026-11-23T09:00:00Z");

class IdempotencyTest : public ::testing::Test {
 protected:
  IdempotencyTest() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "subex-idempotency-XXXXXX").string();
    dir_ = mkdtemp(pattern.data());
    absl::StatusOr<Taxonomy> t = Taxonomy::Create({{"casting", "Casting", "kg", 0.01}});
    EXPECT_TRUE(t.ok()) << t.status();
    taxonomy_ = std::make_shared<const Taxonomy>(*std::move(t));
  }
  ~IdempotencyTest() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<Pipeline> Open() {
    absl::StatusOr<std::unique_ptr<Pipeline>> p = Pipeline::Open(taxonomy_, Params{}, {.dir = dir_});
    EXPECT_TRUE(p.ok()) << p.status();
    return p.ok() ? *std::move(p) : nullptr;
  }

  // Registers member `n` with `key`, answered "ran <seq>" with the seq the state reached.
  static PipelineResult Run(Pipeline& pipeline, IdempotencyKey key, int n = 0) {
    std::promise<PipelineResult> done;
    pipeline.Submit({.command = RegisterMember{{.name = "Member " + std::to_string(n),
                                                .region = "RU-LIP",
                                                .location = GeoPoint{52.6, 39.57},
                                                .roles = kRoleCustomer},
                                               kOperator,
                                               CompanyInn(std::to_string(480'000'100 + n)),
                                               {"casting"},
                                               {}},
                     .now = kNow,
                     .idempotency = std::move(key),
                     .render = [](const PipelineResult&, const State& s) {
                       return CommandAnswer{.status = 201,
                                            .body = "ran " + std::to_string(s.last_seq()),
                                            .location = "/v1/x",
                                            .revision = 4,
                                            .problem = false,
                                            .replay_body = {}};
                     },
                     .reply = [&done](PipelineResult r) { done.set_value(std::move(r)); }});
    return done.get_future().get();
  }

  static IdempotencyKey Key(std::string key, std::string fingerprint, uint32_t member = 3) {
    return {.key = std::move(key),
            .scope = IdempotencyKey::Scope::kMember,
            .party = member,
            .fingerprint = std::move(fingerprint)};
  }

  std::string dir_;
  std::shared_ptr<const Taxonomy> taxonomy_;
};

TEST(IdempotencyForm, KeysAreScopedToTheOperatorAMemberOrAPlatformAsOlderBuildsScopedThem) {
  using S = IdempotencyKey::Scope;
  EXPECT_EQ(Idempotency::JournalKey({.key = "k", .scope = S::kOperator, .party = 9}),
            "admin\x1f" "k");
  EXPECT_EQ(Idempotency::JournalKey({.key = "k", .scope = S::kMember, .party = 12}),
            "m12\x1f" "k");
  EXPECT_EQ(Idempotency::JournalKey({.key = "k", .scope = S::kPlatform, .party = 7}),
            "p7\x1f" "k");
}

TEST(IdempotencyForm, TheBinaryFormKeepsEveryFieldAndTheReplayBodyInsteadOfTheSecret) {
  const CommandAnswer answer{.status = 201,
                             .body = "{\"key\":\"secret\"}\nsecond line",
                             .location = "/v1/keys/k_1",
                             .revision = -2,
                             .problem = true,
                             .replay_body = "{\"key\":null}"};
  const std::string value = Idempotency::Encode("fp", answer);
  EXPECT_EQ(value.find("secret"), std::string::npos);
  std::optional<Idempotency::Stored> stored = Idempotency::Decode(value);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->fingerprint, "fp");
  EXPECT_EQ(stored->answer.status, 201u);
  EXPECT_EQ(stored->answer.body, "{\"key\":null}");
  EXPECT_EQ(stored->answer.location, "/v1/keys/k_1");
  EXPECT_EQ(stored->answer.revision, -2);
  EXPECT_TRUE(stored->answer.problem);
  EXPECT_FALSE(Idempotency::Decode(value.substr(0, value.size() - 1)).has_value());
  EXPECT_FALSE(Idempotency::Decode(value + "x").has_value());
  EXPECT_FALSE(Idempotency::Decode("not an answer").has_value());
}

TEST_F(IdempotencyTest, TheSameKeyAndRequestReplayTheFirstAnswerAndRunNothing) {
  std::unique_ptr<Pipeline> p = Open();
  ASSERT_NE(p, nullptr);
  PipelineResult first = Run(*p, Key("k", "fp"));
  ASSERT_TRUE(first.status.ok()) << first.status;
  EXPECT_EQ(first.answer.body, "ran 1");
  PipelineResult again = Run(*p, Key("k", "fp"));
  EXPECT_TRUE(again.replayed());
  EXPECT_EQ(again.answer.body, "ran 1");
  EXPECT_EQ(again.answer.status, 201u);
  EXPECT_EQ(again.answer.location, "/v1/x");
  EXPECT_EQ(again.answer.revision, 4);
  EXPECT_TRUE(again.events.empty());
  EXPECT_EQ(p->durable_seq(), 1u);
}

TEST_F(IdempotencyTest, AKeyReusedForAnotherRequestIsRefusedAndRunsNothing) {
  std::unique_ptr<Pipeline> p = Open();
  ASSERT_NE(p, nullptr);
  ASSERT_EQ(Run(*p, Key("k", "fp")).answer.body, "ran 1");
  PipelineResult other = Run(*p, Key("k", "another request"));
  EXPECT_TRUE(other.status.ok()) << other.status;
  EXPECT_EQ(other.replay, PipelineResult::Replay::kKeyReused);
  EXPECT_TRUE(other.answer.body.empty());
  EXPECT_TRUE(other.events.empty());
  // Another member's identical key is its own.
  EXPECT_EQ(Run(*p, Key("k", "another request", /*member=*/4), 1).answer.body, "ran 2");
  EXPECT_EQ(p->durable_seq(), 2u);
}

// Older builds kept answers as text: the fingerprint, status, location, revision and problem
// flag a line each, then the body. Such a journal still opens and its answers still replay.
TEST_F(IdempotencyTest, AnswersKeptAsTextByOlderBuildsAreStillReplayed) {
  {
    absl::StatusOr<std::unique_ptr<Journal>> journal = Journal::Open({.dir = dir_});
    ASSERT_TRUE(journal.ok()) << journal.status();
    const IdempotencyRecord old{.key = "m3\x1f" "old",
                                .value = "fp\n201\n/v1/offers/f_1\n3\n0\n{\"a\":\n1}",
                                .stored_at = kNow,
                                .replaces = std::nullopt};
    ASSERT_TRUE((*journal)->Append({}, {&old, 1}).ok());
  }
  std::unique_ptr<Pipeline> p = Open();
  ASSERT_NE(p, nullptr);
  PipelineResult replayed = Run(*p, Key("old", "fp"));
  ASSERT_TRUE(replayed.replayed());
  EXPECT_EQ(replayed.answer.status, 201u);
  EXPECT_EQ(replayed.answer.location, "/v1/offers/f_1");
  EXPECT_EQ(replayed.answer.revision, 3);
  EXPECT_FALSE(replayed.answer.problem);
  EXPECT_EQ(replayed.answer.body, "{\"a\":\n1}");
  EXPECT_EQ(Run(*p, Key("old", "other")).replay, PipelineResult::Replay::kKeyReused);
  EXPECT_EQ(p->durable_seq(), 0u);
}

TEST_F(IdempotencyTest, AStoredAnswerThatCannotBeReadRunsNothing) {
  {
    absl::StatusOr<std::unique_ptr<Journal>> journal = Journal::Open({.dir = dir_});
    ASSERT_TRUE(journal.ok()) << journal.status();
    const IdempotencyRecord broken{.key = "m3\x1f" "broken",
                                   .value = "\x01truncated",
                                   .stored_at = kNow,
                                   .replaces = std::nullopt};
    ASSERT_TRUE((*journal)->Append({}, {&broken, 1}).ok());
  }
  std::unique_ptr<Pipeline> p = Open();
  ASSERT_NE(p, nullptr);
  PipelineResult r = Run(*p, Key("broken", "fp"));
  EXPECT_TRUE(absl::IsInternal(r.status)) << r.status;
  EXPECT_EQ(p->durable_seq(), 0u);
}

}  // namespace
}  // namespace subex
