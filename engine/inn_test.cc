// Specification of IsValidInn: 10 digits for a company, 12 for an individual, check digits
// verified with the Federal Tax Service's weights.

#include "engine/inn.h"

#include "gtest/gtest.h"

namespace subex {
namespace {

TEST(InnTest, AcceptsKnownCompanyInn) {
  EXPECT_TRUE(IsValidInn("7707083893"));  // Sberbank.
}

TEST(InnTest, AcceptsKnownIndividualInn) { EXPECT_TRUE(IsValidInn("500100732259")); }

TEST(InnTest, RejectsWrongCompanyCheckDigit) {
  EXPECT_FALSE(IsValidInn("7707083894"));
  EXPECT_FALSE(IsValidInn("7707083890"));
}

TEST(InnTest, RejectsWrongIndividualCheckDigits) {
  EXPECT_FALSE(IsValidInn("500100732269"));  // The first check digit (11th) is wrong.
  EXPECT_FALSE(IsValidInn("500100732258"));  // The second check digit (12th) is wrong.
}

TEST(InnTest, RejectsWrongLengths) {
  EXPECT_FALSE(IsValidInn(""));
  EXPECT_FALSE(IsValidInn("770708389"));      // 9 digits.
  EXPECT_FALSE(IsValidInn("77070838931"));    // 11 digits.
  EXPECT_FALSE(IsValidInn("5001007322590"));  // 13 digits.
}

TEST(InnTest, RejectsNonDigits) {
  EXPECT_FALSE(IsValidInn("77070838a3"));
  EXPECT_FALSE(IsValidInn(" 7707083893"));
  EXPECT_FALSE(IsValidInn("7707083893 "));
  EXPECT_FALSE(IsValidInn("-707083893"));
}

TEST(InnTest, CheckDigitOfTenIsZero) {
  // A weighted sum that leaves 10 modulo 11 gives the check digit 0: for 500000000 the sum is
  // 5 × 2 = 10, 10 mod 11 = 10, 10 mod 10 = 0.
  EXPECT_TRUE(IsValidInn("5000000000"));
  EXPECT_FALSE(IsValidInn("5000000001"));
}

TEST(InnTest, CompanyInnAppendsTheCheckDigit) {
  EXPECT_EQ(CompanyInn("770708389"), "7707083893");  // Sberbank.
  EXPECT_EQ(CompanyInn("500000000"), "5000000000");
  for (const char* prefix : {"482500001", "482500002", "366300123", "165000777", "000000000"}) {
    EXPECT_TRUE(IsValidInn(CompanyInn(prefix))) << prefix;
  }
}

}  // namespace
}  // namespace subex
