#include "api/json_writer.h"

#include <cmath>
#include <limits>

#include "gtest/gtest.h"

namespace subex {
namespace {

std::string Str(std::string_view s) {
  JsonWriter w;
  w.String(s);
  return std::move(w).Take();
}

TEST(JsonWriterTest, PlacesCommasBetweenMembersAndItems) {
  JsonWriter w;
  w.BeginObject()
      .KeyInt("a", 1)
      .Key("b")
      .BeginArray()
      .Int(1)
      .BeginObject()
      .EndObject()
      .BeginArray()
      .EndArray()
      .Null()
      .EndArray()
      .KeyBool("c", false)
      .Key("d")
      .BeginObject()
      .KeyString("e", "f")
      .EndObject()
      .EndObject();
  EXPECT_EQ(w.str(), R"({"a":1,"b":[1,{},[],null],"c":false,"d":{"e":"f"}})");
}

TEST(JsonWriterTest, CyrillicPassesThroughUnchanged) {
  const std::string name = "ООО «Липецкий литейный завод»";
  EXPECT_EQ(Str(name), "\"" + name + "\"");
}

TEST(JsonWriterTest, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(Str("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(Str("line\nnext\ttab\r"), R"("line\u000anext\u0009tab\u000d")");
  EXPECT_EQ(Str(std::string_view("\x00\x1f", 2)), R"("\u0000\u001f")");
  EXPECT_EQ(Str("\x7f/"), "\"\x7f/\"");  // DEL and '/' need no escape.
}

TEST(JsonWriterTest, ReplacesInvalidUtf8WithReplacementCharacter) {
  EXPECT_EQ(Str("a\xff"
                "b"),
            "\"a\xEF\xBF\xBD"
            "b\"");
  EXPECT_EQ(Str("\xd0"), "\"\xEF\xBF\xBD\"");                  // Truncated two-byte sequence.
  EXPECT_EQ(Str("\xc0\xaf"), "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");  // Overlong '/'.
  EXPECT_EQ(Str("\xed\xa0\x80"),                               // A UTF-16 surrogate.
            "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");
  EXPECT_EQ(Str("\xf0\x9f\x94\xa9"), "\"\xf0\x9f\x94\xa9\"");  // A four-byte sequence is kept.
}

TEST(JsonWriterTest, MoneyHasExactlyTwoFractionDigits) {
  EXPECT_EQ(FormatMoney(350000), "3500.00");
  EXPECT_EQ(FormatMoney(-5), "-0.05");
  EXPECT_EQ(FormatMoney(0), "0.00");
  EXPECT_EQ(FormatMoney(10), "0.10");
  EXPECT_EQ(FormatMoney(-123456), "-1234.56");
  EXPECT_EQ(FormatMoney(std::numeric_limits<int64_t>::min()), "-92233720368547758.08");
  EXPECT_EQ(FormatMoney(std::numeric_limits<int64_t>::max()), "92233720368547758.07");
}

TEST(JsonWriterTest, DoublesAreShortestRoundTripAndNeverNanOrInf) {
  JsonWriter w;
  w.BeginArray()
      .Double(0.1)
      .Double(212.4)
      .Double(3.0)
      .Double(1e21)
      .Double(std::nan(""))
      .Double(std::numeric_limits<double>::infinity())
      .EndArray();
  EXPECT_EQ(w.str(), "[0.1,212.4,3,1e+21,null,null]");
}

TEST(JsonWriterTest, FixedRoundsToTheDigitsAsked) {
  JsonWriter w;
  w.BeginArray()
      .Fixed(3344.2149, 2)
      .Fixed(1.05, 3)
      .Fixed(-0.001, 2)
      .Fixed(7, 0)
      .Fixed(-std::numeric_limits<double>::infinity(), 2)
      .EndArray();
  EXPECT_EQ(w.str(), "[3344.21,1.050,0.00,7,null]");
}

TEST(JsonWriterTest, DaysAndInstantsAreRfc3339Utc) {
  JsonWriter w;
  // 2026-11-23 is day 20780 since 1970-01-01.
  Instant ten_oclock{int64_t{20780} * kMsPerDay + 10 * 3'600'000};
  w.BeginArray()
      .Day(Day{20780})
      .Instant(ten_oclock)
      .Instant(Instant{ten_oclock.unix_ms + 123})
      .Instant(Instant{-1})
      .EndArray();
  EXPECT_EQ(w.str(), R"(["2026-11-23","2026-11-23T10:00:00Z","2026-11-23T10:00:00.123Z",)"
                     R"("1969-12-31T23:59:59.999Z"])");
}

TEST(JsonWriterTest, RawInsertsAFragmentAsAValue) {
  JsonWriter w;
  w.BeginObject().KeyRaw("a", R"({"x":[1]})").KeyMoney("b", 5).EndObject();
  EXPECT_EQ(w.str(), R"({"a":{"x":[1]},"b":0.05})");
}

TEST(JsonWriterTest, KeysAreEscapedToo) {
  JsonWriter w;
  w.BeginObject().KeyNull("q\"k").EndObject();
  EXPECT_EQ(w.str(), R"({"q\"k":null})");
}

}  // namespace
}  // namespace subex
