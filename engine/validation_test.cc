#include "engine/validation.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace subex {
namespace {

std::vector<FieldError> TextErrors(std::string_view text, int32_t max_length) {
  FieldErrors errors;
  CheckText(errors, "title", text, max_length);
  if (errors.ok()) return {};
  return std::move(errors).Reject().errors;
}

// Every length limit of the configuration and the document is in characters, as people count
// them, not in the bytes UTF-8 spends on them.
TEST(ValidationTest, TextLengthsAreCountedInCharacters) {
  EXPECT_EQ(Characters("Tula"), 4u);
  EXPECT_EQ(Characters("Тула"), 4u);  // Eight bytes.
  EXPECT_EQ(Characters("€𝄞"), 2u);    // Three and four bytes.
  EXPECT_TRUE(TextErrors("Тула", 4).empty());
  const std::vector<FieldError> errors = TextErrors("Тулаа", 4);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].field, "title");
  EXPECT_EQ(errors[0].reason, "must be at most 4 characters");
  EXPECT_EQ(TextErrors("", 4).at(0).reason, "must not be empty");
  EXPECT_EQ(TextErrors("a\x01", 4).at(0).reason, "must be UTF-8 text without control characters");
}

}  // namespace
}  // namespace subex
