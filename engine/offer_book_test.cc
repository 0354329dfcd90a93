// The offer book's shelves (engine/offer_book.h): an order walks only the offers that can carry
// its tags, and an order without tags meets each offer once however many tags it carries.

#include "engine/matcher.h"
#include "engine/test_fixture.h"
#include "gtest/gtest.h"

namespace subex {
namespace {

using test::D;

class OfferBookTest : public test::ExchangeTest {
 protected:
  OfferBookTest() : supplier_(Register({.name = "Supplier"})), customer_(Register()) {}

  // Matches the order again against the book as it is, and says how much of it was looked at.
  MatchStats Rematch(OrderId id) {
    MatchStats stats;
    std::vector<EventBody> out;
    MatchOrder(state(), order(id), state().now(), ContractId{uint32_t(state().contracts().size())}, out,
               &stats);
    return stats;
  }

  MemberId supplier_;
  MemberId customer_;
};

TEST_F(OfferBookTest, AnOrderWithTagsWalksOnlyTheShelfOfItsRarestTag) {
  for (int i = 0; i < 30; ++i) Post(supplier_, {.unit_price = 200000 + i, .tags = {"steel"}});
  Post(supplier_, {.unit_price = 300000, .tags = {"steel", "titanium"}});
  Post(supplier_, {.unit_price = 300001, .tags = {"steel", "titanium"}});
  // Every offer ends before the order's window opens, so the walk reads every entry it is given
  // and takes none.
  OrderId o = Place(customer_, {.start = D("2026-12-15"),
                                .due = D("2026-12-20"),
                                .tags = {"steel", "titanium"}});
  ASSERT_EQ(Allocated(o), 0);
  EXPECT_EQ(Rematch(o).walked, 2) << "the 30 offers without titanium are on another shelf";

  OrderId steel = Place(customer_, {.start = D("2026-12-15"),
                                    .due = D("2026-12-20"),
                                    .tags = {"steel"}});
  EXPECT_EQ(Rematch(steel).walked, 32);
}

TEST_F(OfferBookTest, AnOrderWithATagNoOpenOfferCarriesWalksNothing) {
  OfferId f = Post(supplier_, {.tags = {"titanium"}});
  Post(supplier_, {.tags = {"steel"}});
  Run(WithdrawOffer{.by = supplier_, .offer = f});
  ASSERT_EQ(offer(f).status, OfferStatus::kWithdrawn);
  OrderId o = Place(customer_, {.tags = {"titanium"}});
  EXPECT_EQ(state().offer_book().shelf(order(o).process, *state().names().Find("titanium")),
            nullptr);
  EXPECT_NE(state().offer_book().shelf(order(o).process, *state().names().Find("steel")),
            nullptr);
  EXPECT_EQ(Allocated(o), 0);
  EXPECT_EQ(Rematch(o).walked, 0);
}

TEST_F(OfferBookTest, AnOrderWithoutTagsMeetsAnOfferWithSeveralTagsOnce) {
  // 80 free over ten days, on the shelves of three tags.
  OfferId f = Post(supplier_, {.tags = {"aluminium", "steel", "titanium"}});
  OrderId o = Place(customer_, {.quantity = 200});
  EXPECT_EQ(Allocated(o), 80);
  ASSERT_EQ(ContractsOf(o).size(), 1u);
  EXPECT_EQ(ContractOf(o).offer, f);
  EXPECT_EQ(offer(f).status, OfferStatus::kExhausted);
}

TEST_F(OfferBookTest, AnOrderWithoutTagsWalksEveryShelf) {
  Post(supplier_, {.tags = {"steel"}});
  Post(supplier_, {.tags = {"steel", "titanium"}});
  Post(supplier_, {});
  OrderId o = Place(customer_, {.start = D("2026-12-15"), .due = D("2026-12-20")});
  ASSERT_EQ(Allocated(o), 0);
  MatchStats stats = Rematch(o);
  EXPECT_EQ(stats.walked, 4) << "the offer with two tags sits on two shelves";
}

}  // namespace
}  // namespace subex
