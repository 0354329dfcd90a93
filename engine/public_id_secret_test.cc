// Specification of KeyPublicIds (engine/commands.h): the deployment's secret for public ids is
// decided once, by the operator, as the first event of a fresh journal, and never changes after.

#include <string>

#include "engine/state_hash.h"
#include "engine/test_fixture.h"

namespace subex::test {
namespace {

class PublicIdSecretTest : public ExchangeTest {};

const std::string kSecret(kPublicIdSecretBytes, '\x42');

TEST_F(PublicIdSecretTest, TheFirstEventOfAFreshJournalKeysPublicIds) {
  Engine::Outcome out = Run(KeyPublicIds{kOperator, kSecret});
  ASSERT_FALSE(out.rejection) << out.rejection->message;
  EXPECT_EQ(last_types(), std::vector<std::string>{"ids.keyed"});
  EXPECT_EQ(state().public_id_secret(), kSecret);
  // It concerns no member: nobody but the operator reads it in the feed.
  const MemberId m = Register();
  EXPECT_FALSE(MaySee(events().front().body, m));
  EXPECT_FALSE(PartiesOf(events().front().body).first.valid());
}

TEST_F(PublicIdSecretTest, IsDecidedOnceAndNeverChanges) {
  ASSERT_FALSE(Run(KeyPublicIds{kOperator, kSecret}).rejection);
  Engine::Outcome again = Run(KeyPublicIds{kOperator, std::string(kPublicIdSecretBytes, 'x')});
  ASSERT_TRUE(again.rejection);
  EXPECT_EQ(again.rejection->code, RejectCode::kFailedPrecondition);
  EXPECT_EQ(state().public_id_secret(), kSecret);
}

// A journal that already holds anything began without a secret, and keeps the ids it showed.
TEST_F(PublicIdSecretTest, AJournalWithEventsStaysUnkeyed) {
  Register();
  Engine::Outcome late = Run(KeyPublicIds{kOperator, kSecret});
  ASSERT_TRUE(late.rejection);
  EXPECT_EQ(late.rejection->code, RejectCode::kFailedPrecondition);
  EXPECT_TRUE(state().public_id_secret().empty());
}

TEST_F(PublicIdSecretTest, OnlyTheOperatorWithThirtyTwoBytes) {
  const uint64_t hash = StateHash(state());
  Engine::Outcome member = Run(KeyPublicIds{MemberId{0}, kSecret});
  ASSERT_TRUE(member.rejection);
  EXPECT_EQ(member.rejection->code, RejectCode::kPermissionDenied);
  for (size_t size : {size_t{0}, size_t{31}, size_t{33}}) {
    Engine::Outcome wrong = Run(KeyPublicIds{kOperator, std::string(size, 'k')});
    ASSERT_TRUE(wrong.rejection) << size;
    EXPECT_EQ(wrong.rejection->code, RejectCode::kInvalidArgument);
    ASSERT_EQ(wrong.rejection->errors.size(), 1u);
    EXPECT_EQ(wrong.rejection->errors[0].field, "secret");
  }
  EXPECT_EQ(StateHash(state()), hash);
  EXPECT_EQ(state().last_seq(), 0u);
}

TEST_F(PublicIdSecretTest, TheSecretIsPartOfTheStateHash) {
  Engine other(state().shared_taxonomy(), state().params());
  ASSERT_FALSE(Run(KeyPublicIds{kOperator, kSecret}).rejection);
  ASSERT_FALSE(
      other.Execute(KeyPublicIds{kOperator, std::string(kPublicIdSecretBytes, '\x43')}, now_)
          .rejection);
  EXPECT_NE(StateHash(state()), StateHash(other.state()));
}

}  // namespace
}  // namespace subex::test
