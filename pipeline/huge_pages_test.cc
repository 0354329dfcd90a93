#include "pipeline/huge_pages.h"

#include <sys/mman.h>

#include <cstdint>
#include <cstring>

#include "gtest/gtest.h"

namespace subex {
namespace {

constexpr size_t kHugePage = size_t{2} << 20;

// A region of four huge pages, aligned to them, filled with a pattern.
class Region {
 public:
  Region() {
    raw_ = mmap(nullptr, 5 * kHugePage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
                0);
    if (raw_ == MAP_FAILED) raw_ = nullptr;
    if (raw_ == nullptr) return;
    const uintptr_t a = (reinterpret_cast<uintptr_t>(raw_) + kHugePage - 1) & ~(kHugePage - 1);
    data_ = reinterpret_cast<unsigned char*>(a);
    for (size_t i = 0; i < size(); ++i) data_[i] = static_cast<unsigned char>(i * 7 + i / 4096);
  }
  ~Region() {
    if (raw_ != nullptr) munmap(raw_, 5 * kHugePage);
  }
  unsigned char* data() const { return data_; }
  static size_t size() { return 4 * kHugePage; }
  bool Intact() const {
    for (size_t i = 0; i < size(); ++i) {
      if (data_[i] != static_cast<unsigned char>(i * 7 + i / 4096)) return false;
    }
    return true;
  }

 private:
  void* raw_ = nullptr;
  unsigned char* data_ = nullptr;
};

TEST(HugePagesTest, CollapsesOnlyWhatWasAdvisedForHugePagesAndKeepsItsContents) {
  Region region;
  ASSERT_NE(region.data(), nullptr);
  const CollapseResult before = CollapseHugePages();
  // A kernel without transparent huge pages refuses the advice: then nothing is advised, and
  // nothing may be counted.
  const bool advised = madvise(region.data(), Region::size(), MADV_HUGEPAGE) == 0;
  const CollapseResult after = CollapseHugePages();
  if (!advised) {
    EXPECT_EQ(after.advised_bytes, before.advised_bytes);
    EXPECT_TRUE(region.Intact());
    return;
  }
  EXPECT_GE(after.mappings, 1u);
  EXPECT_EQ(after.advised_bytes, before.advised_bytes + Region::size());
  EXPECT_TRUE(region.Intact());

  // Advised no longer: left alone again.
  ASSERT_EQ(madvise(region.data(), Region::size(), MADV_NOHUGEPAGE), 0);
  const CollapseResult again = CollapseHugePages();
  EXPECT_EQ(again.advised_bytes, before.advised_bytes);
  EXPECT_TRUE(region.Intact());
}

}  // namespace
}  // namespace subex
