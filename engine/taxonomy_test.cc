// Specification of the process taxonomy: dotted codes, units and tariffs on the top-level
// branches, and "capacity at a node serves demand at that node or above it".

#include "engine/taxonomy.h"

#include <algorithm>

#include "engine/test_fixture.h"
#include "gtest/gtest.h"

namespace subex {
namespace {

class TaxonomyTest : public ::testing::Test {
 protected:
  ProcessId Id(std::string_view code) const {
    std::optional<ProcessId> id = taxonomy_->Find(code);
    EXPECT_TRUE(id.has_value()) << std::string(code);
    return id.value_or(ProcessId{});
  }
  std::shared_ptr<const Taxonomy> taxonomy_ = test::SmallTaxonomy();
};

TEST_F(TaxonomyTest, FindsEveryCodeAndNothingElse) {
  EXPECT_EQ(taxonomy_->size(), 6u);
  for (const char* code : {"machining", "machining.milling", "machining.milling.cnc_5axis",
                           "machining.turning", "casting", "casting.steel"}) {
    std::optional<ProcessId> id = taxonomy_->Find(code);
    ASSERT_TRUE(id.has_value()) << code;
    EXPECT_EQ(taxonomy_->node(*id).code, code);
  }
  EXPECT_FALSE(taxonomy_->Find("milling").has_value());
  EXPECT_FALSE(taxonomy_->Find("machining.").has_value());
  EXPECT_FALSE(taxonomy_->Find("").has_value());
}

TEST_F(TaxonomyTest, ChildrenInheritUnitAndTariffInKopecks) {
  const ProcessNode& cnc = taxonomy_->node(Id("machining.milling.cnc_5axis"));
  EXPECT_EQ(cnc.unit, "machine_hour");
  EXPECT_DOUBLE_EQ(cnc.tariff_kopecks_per_unit_km, 40.0);  // 0.40 RUB.
  EXPECT_EQ(cnc.depth, 2);
  EXPECT_EQ(cnc.parent, Id("machining.milling"));
  const ProcessNode& steel = taxonomy_->node(Id("casting.steel"));
  EXPECT_EQ(steel.unit, "kg");
  EXPECT_DOUBLE_EQ(steel.tariff_kopecks_per_unit_km, 1.0);  // 0.01 RUB.
  EXPECT_FALSE(taxonomy_->node(Id("casting")).parent.valid());
}

TEST_F(TaxonomyTest, CapacityServesItsNodeAndEveryNodeAbove) {
  ProcessId cnc = Id("machining.milling.cnc_5axis");
  EXPECT_TRUE(taxonomy_->Serves(cnc, cnc));
  EXPECT_TRUE(taxonomy_->Serves(cnc, Id("machining.milling")));
  EXPECT_TRUE(taxonomy_->Serves(cnc, Id("machining")));
}

TEST_F(TaxonomyTest, CapacityDoesNotServeBelowOrAside) {
  EXPECT_FALSE(taxonomy_->Serves(Id("machining.milling"), Id("machining.milling.cnc_5axis")));
  EXPECT_FALSE(taxonomy_->Serves(Id("machining"), Id("machining.turning")));
  EXPECT_FALSE(taxonomy_->Serves(Id("machining.turning"), Id("machining.milling")));
  EXPECT_FALSE(taxonomy_->Serves(Id("casting.steel"), Id("machining")));
}

TEST_F(TaxonomyTest, SubtreeAndAncestors) {
  const ProcessNode& milling = taxonomy_->node(Id("machining.milling"));
  std::vector<ProcessId> subtree = milling.subtree;
  std::sort(subtree.begin(), subtree.end());
  std::vector<ProcessId> expected = {Id("machining.milling"), Id("machining.milling.cnc_5axis")};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(subtree, expected);
  EXPECT_EQ(taxonomy_->node(Id("machining")).subtree.size(), 4u);
  EXPECT_EQ(taxonomy_->node(Id("machining.milling.cnc_5axis")).ancestors,
            (std::vector<ProcessId>{Id("machining.milling.cnc_5axis"), Id("machining.milling"),
                                    Id("machining")}));
}

TEST(TaxonomyCreateTest, RejectsAChildWithoutItsParent) {
  EXPECT_FALSE(Taxonomy::Create({{"machining", "M", "machine_hour", 0.1},
                                 {"machining.milling.cnc_5axis", "C", ""}})
                   .ok());
}

TEST(TaxonomyCreateTest, RejectsARepeatedCode) {
  EXPECT_FALSE(Taxonomy::Create({{"casting", "C", "kg", 0.01}, {"casting", "C", "kg", 0.01}}).ok());
}

TEST(TaxonomyCreateTest, TopLevelBranchesNeedUnitAndTariff) {
  EXPECT_FALSE(Taxonomy::Create({{"casting", "C", "", 0.01}}).ok());
  EXPECT_FALSE(Taxonomy::Create({{"casting", "C", "kg"}}).ok());  // No tariff.
  EXPECT_TRUE(Taxonomy::Create({{"casting", "C", "kg", 0.0}}).ok());
}

TEST(TaxonomyCreateTest, ChildrenMayNotSetUnitOrTariff) {
  EXPECT_FALSE(Taxonomy::Create({{"casting", "C", "kg", 0.01}, {"casting.steel", "S", "kg"}}).ok());
  EXPECT_FALSE(
      Taxonomy::Create({{"casting", "C", "kg", 0.01}, {"casting.steel", "S", "", 0.02}}).ok());
}

TEST(TaxonomyCreateTest, RejectsMalformedCodes) {
  for (const char* code :
       {"", "Casting", "casting.", ".casting", "casting..steel", "cast ing", "casting-steel"}) {
    EXPECT_FALSE(Taxonomy::Create({{code, "C", "kg", 0.01}}).ok()) << "'" << code << "'";
  }
}

TEST(TaxonomyCreateTest, AcceptsChildrenListedBeforeTheirParents) {
  absl::StatusOr<Taxonomy> t =
      Taxonomy::Create({{"casting.steel", "S", ""}, {"casting", "C", "kg", 0.01}});
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_TRUE(t->Serves(*t->Find("casting.steel"), *t->Find("casting")));
}

}  // namespace
}  // namespace subex
