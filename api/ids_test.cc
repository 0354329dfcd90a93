// Specification of public ids (api/ids.h): their shape, strict parsing, and — for a keyed
// deployment — that they decode to nothing for someone who holds the source but not the secret.
//
// The statistical checks run on fixed secrets drawn from a seeded generator, so they are
// deterministic; each threshold is a bound a random permutation exceeds with probability below
// about 1e-4, stated beside it.

#include "api/ids.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <set>
#include <vector>

#include "gtest/gtest.h"

namespace subex {
namespace {

constexpr std::string_view kAlphabet = "0123456789abcdefghjkmnpqrstvwxyz";
constexpr uint32_t kCount = 20'000;  // Objects created in sequence.

std::string SecretFromSeed(uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string secret(32, '\0');
  for (char& c : secret) c = static_cast<char>(rng() & 0xff);
  return secret;
}

// The 35 bits behind an id's seven characters, read as a holder of the source would.
uint64_t Bits(std::string_view id) {
  uint64_t v = 0;
  for (char c : id.substr(2)) v = v << 5 | kAlphabet.find(c);
  return v;
}

std::vector<uint64_t> OrderIdBits(const PublicIdScheme& scheme) {
  std::vector<uint64_t> out;
  for (uint32_t i = 0; i < kCount; ++i) out.push_back(Bits(scheme.Id(OrderId{i})));
  return out;
}

// Spearman's rank correlation of the values with their positions, scaled to a z-score: for a
// random order it is about standard normal, so |z| < 4 fails a random permutation with
// probability 6e-5.
double SpearmanZ(const std::vector<uint64_t>& values) {
  const size_t n = values.size();
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return values[a] < values[b]; });
  double d2 = 0;
  for (size_t rank = 0; rank < n; ++rank) {
    const double d = static_cast<double>(rank) - static_cast<double>(order[rank]);
    d2 += d * d;
  }
  const double nd = static_cast<double>(n);
  const double rho = 1 - 6 * d2 / (nd * (nd * nd - 1));
  return rho * std::sqrt(nd - 1);
}

// How far `hits` out of `trials` fair coin flips lie from half, in standard deviations.
double CoinZ(size_t hits, size_t trials) {
  return (static_cast<double>(hits) - trials / 2.0) / std::sqrt(trials / 4.0);
}

TEST(PublicIdTest, HasKindPrefixAndSevenLowercaseCrockfordCharacters) {
  for (const PublicIdScheme& scheme : {PublicIdScheme(), PublicIdScheme(SecretFromSeed(1))}) {
    std::string id = scheme.Id(OrderId{41});
    ASSERT_EQ(id.size(), 9u);
    EXPECT_EQ(id.substr(0, 2), "o_");
    for (char c : id.substr(2)) EXPECT_NE(kAlphabet.find(c), std::string::npos) << id;
    EXPECT_EQ(scheme.Id(MemberId{0}).substr(0, 2), "m_");
    EXPECT_EQ(scheme.Id(ClusterId{0}).substr(0, 2), "k_");
    EXPECT_EQ(scheme.Id(OfferId{0}).substr(0, 2), "f_");
    EXPECT_EQ(scheme.Id(ContractId{0}).substr(0, 2), "c_");
    EXPECT_EQ(scheme.Id(BidId{0}).substr(0, 2), "b_");
    EXPECT_EQ(scheme.Id(KeyId{0}).substr(0, 2), "a_");
  }
}

TEST(PublicIdTest, RoundTripsEveryIndexIncludingTheExtremes) {
  for (const PublicIdScheme& scheme : {PublicIdScheme(), PublicIdScheme(SecretFromSeed(2))}) {
    for (uint32_t i : {0u, 1u, 2u, 41u, 1'000'000u, 0x7fffffffu, 0xfffffffeu}) {
      EXPECT_EQ(scheme.Parse<MemberId>(scheme.Id(MemberId{i})), MemberId{i}) << i;
      EXPECT_EQ(scheme.Parse<ClusterId>(scheme.Id(ClusterId{i})), ClusterId{i}) << i;
      EXPECT_EQ(scheme.Parse<OfferId>(scheme.Id(OfferId{i})), OfferId{i}) << i;
      EXPECT_EQ(scheme.Parse<OrderId>(scheme.Id(OrderId{i})), OrderId{i}) << i;
      EXPECT_EQ(scheme.Parse<ContractId>(scheme.Id(ContractId{i})), ContractId{i}) << i;
      EXPECT_EQ(scheme.Parse<BidId>(scheme.Id(BidId{i})), BidId{i}) << i;
      EXPECT_EQ(scheme.Parse<KeyId>(scheme.Id(KeyId{i})), KeyId{i}) << i;
    }
    for (uint32_t i = 0; i < 100'000; ++i) {
      ASSERT_EQ(scheme.Parse<OfferId>(scheme.Id(OfferId{i})), OfferId{i}) << i;
    }
  }
}

TEST(PublicIdTest, RejectsMalformedIds) {
  for (const PublicIdScheme& scheme : {PublicIdScheme(), PublicIdScheme(SecretFromSeed(3))}) {
    std::string good = scheme.Id(MemberId{7});
    ASSERT_TRUE(scheme.Parse<MemberId>(good));
    EXPECT_FALSE(scheme.Parse<OrderId>(good));  // Wrong kind.
    EXPECT_FALSE(scheme.Parse<MemberId>(""));
    EXPECT_FALSE(scheme.Parse<MemberId>("m_"));
    EXPECT_FALSE(scheme.Parse<MemberId>(good.substr(0, 8)));      // Too short.
    EXPECT_FALSE(scheme.Parse<MemberId>(good + "0"));             // Too long.
    EXPECT_FALSE(scheme.Parse<MemberId>("M_" + good.substr(2)));  // Prefix is case-sensitive.
    EXPECT_FALSE(scheme.Parse<MemberId>("m-" + good.substr(2)));
    EXPECT_FALSE(scheme.Parse<MemberId>(good.substr(0, 8) + "i"));  // Not in the alphabet.
    EXPECT_FALSE(scheme.Parse<MemberId>(good.substr(0, 8) + "u"));
    std::string upper = good;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    EXPECT_FALSE(scheme.Parse<MemberId>("m_" + upper.substr(2)));
    EXPECT_FALSE(scheme.Parse<MemberId>("m_00000 0"));
    EXPECT_FALSE(scheme.Parse<MemberId>(std::string_view("m_000000\0", 9)));
    // The one spelling that would stand for MemberId::kNone is no id.
    EXPECT_FALSE(scheme.Parse<MemberId>(scheme.Id(MemberId{MemberId::kNone})));
  }
  // The legacy scramble carries 32 bits: the top three of the 35 must be clear.
  EXPECT_FALSE(PublicIdScheme().Parse<MemberId>("m_8000000"));
  EXPECT_FALSE(PublicIdScheme().Parse<MemberId>("m_zzzzzzz"));
}

// Every seven-character spelling is at most one id, and an id has only its own spelling: of
// random spellings, about one in eight is an id (2^32 indices in 2^35 values), and each that is
// spells back to itself.
TEST(PublicIdTest, KeyedIdsHaveOneSpellingAndMostSpellingsAreNoId) {
  const PublicIdScheme scheme(SecretFromSeed(4));
  std::mt19937_64 rng(44);
  size_t ids = 0;
  constexpr size_t kTrials = 80'000;
  for (size_t t = 0; t < kTrials; ++t) {
    std::string text = "o_";
    for (size_t k = 0; k < 7; ++k) text += kAlphabet[rng() % 32];
    if (std::optional<OrderId> o = scheme.Parse<OrderId>(text)) {
      ++ids;
      ASSERT_EQ(scheme.Id(*o), text);
    }
  }
  // Binomial(80000, 1/8 * (2^32 - 1) / 2^32): mean 10000, sd 93.5; 4.3 sd either way.
  EXPECT_NEAR(static_cast<double>(ids), 10'000.0, 400.0);
}

TEST(PublicIdTest, SipHashMatchesTheReferenceVector) {
  // Aumasson and Bernstein, "SipHash: a fast short-input PRF", appendix A: key 00..0f, message
  // 00..0e.
  const uint64_t k0 = 0x0706050403020100ull, k1 = 0x0f0e0d0c0b0a0908ull;
  std::string message;
  for (char c = 0; c < 15; ++c) message += c;
  EXPECT_EQ(SipHash24(k0, k1, message), 0xa129ca6149be45e5ull);
}

// The source is public: whoever holds it can run the fixed scramble backwards. On a keyed
// deployment's ids that recovers nothing about the index.
TEST(PublicIdTest, HoldingTheSourceDecodesNothing) {
  const PublicIdScheme keyed(SecretFromSeed(5));
  const PublicIdScheme source_only;  // All that the source alone gives.
  size_t decoded = 0;
  std::vector<uint64_t> guesses;  // Of the ids the fixed scramble reads at all, in creation order.
  for (uint32_t i = 0; i < kCount; ++i) {
    const std::string id = keyed.Id(OrderId{i});
    std::optional<OrderId> guess = source_only.Parse<OrderId>(id);
    decoded += guess == OrderId{i};
    if (guess) guesses.push_back(guess->value);
  }
  EXPECT_EQ(decoded, 0u);
  // About one in eight keyed ids has the top three bits clear that the fixed scramble needs.
  ASSERT_GT(guesses.size(), kCount / 10);
  EXPECT_LT(std::abs(SpearmanZ(guesses)), 4.0);
}

// Sorted ids against creation order: no more correlation than a random order, and each id is
// as likely above as below the one before it.
TEST(PublicIdTest, IdsCreatedInSequenceShowNoOrder) {
  for (uint64_t seed : {6, 7, 8}) {
    const std::vector<uint64_t> v = OrderIdBits(PublicIdScheme(SecretFromSeed(seed)));
    EXPECT_LT(std::abs(SpearmanZ(v)), 4.0) << "seed " << seed;
    size_t rises = 0;
    for (size_t i = 1; i < v.size(); ++i) rises += v[i] > v[i - 1];
    EXPECT_LT(std::abs(CoinZ(rises, v.size() - 1)), 4.0) << "seed " << seed;
    EXPECT_EQ(std::set<uint64_t>(v.begin(), v.end()).size(), v.size());
  }
}

// Adjacent ids share no structure: each of the 35 bits differs between neighbours half the time
// (|z| < 4.5 for each: 35 bits together fail a random permutation with probability 2.4e-4), and
// the step from one to the next is uniform over the 35-bit circle (its top five bits: chi-square
// with 31 degrees of freedom below 69.3, p = 1e-4).
TEST(PublicIdTest, AdjacentIdsShareNoStructure) {
  for (uint64_t seed : {9, 10}) {
    const std::vector<uint64_t> v = OrderIdBits(PublicIdScheme(SecretFromSeed(seed)));
    std::vector<size_t> flips(35, 0), buckets(32, 0);
    for (size_t i = 1; i < v.size(); ++i) {
      for (int b = 0; b < 35; ++b) flips[b] += ((v[i] ^ v[i - 1]) >> b) & 1;
      ++buckets[((v[i] - v[i - 1]) & ((uint64_t{1} << 35) - 1)) >> 30];
    }
    for (int b = 0; b < 35; ++b) {
      EXPECT_LT(std::abs(CoinZ(flips[b], v.size() - 1)), 4.5) << "seed " << seed << " bit " << b;
    }
    const double expected = (v.size() - 1) / 32.0;
    double chi2 = 0;
    for (size_t n : buckets) chi2 += (n - expected) * (n - expected) / expected;
    EXPECT_LT(chi2, 69.3) << "seed " << seed;
  }
}

// Two deployments given the same history show unrelated ids; one deployment always the same.
TEST(PublicIdTest, TwoDeploymentsGiveDifferentIdsForTheSameHistory) {
  const std::vector<uint64_t> a = OrderIdBits(PublicIdScheme(SecretFromSeed(11)));
  const std::vector<uint64_t> b = OrderIdBits(PublicIdScheme(SecretFromSeed(12)));
  const std::vector<uint64_t> a_again = OrderIdBits(PublicIdScheme(SecretFromSeed(11)));
  EXPECT_EQ(a, a_again);
  size_t same = 0;
  for (size_t i = 0; i < a.size(); ++i) same += a[i] == b[i];
  EXPECT_EQ(same, 0u);  // Expected 20000 / 2^35 coincidences.
  // Ranked by one deployment's ids, the other's are in random order.
  std::vector<size_t> by_a(a.size());
  std::iota(by_a.begin(), by_a.end(), 0);
  std::sort(by_a.begin(), by_a.end(), [&](size_t x, size_t y) { return a[x] < a[y]; });
  std::vector<uint64_t> b_in_a_order;
  for (size_t i : by_a) b_in_a_order.push_back(b[i]);
  EXPECT_LT(std::abs(SpearmanZ(b_in_a_order)), 4.0);
}

TEST(PublicIdTest, KindsOfOneIndexGetUnrelatedIds) {
  const PublicIdScheme scheme(SecretFromSeed(13));
  std::set<std::string> bodies;
  for (uint32_t i = 0; i < 1000; ++i) {
    bodies.insert(scheme.Id(OrderId{i}).substr(2));
    bodies.insert(scheme.Id(OfferId{i}).substr(2));
    bodies.insert(scheme.Id(MemberId{i}).substr(2));
  }
  EXPECT_EQ(bodies.size(), 3000u);
}

TEST(PublicIdTest, ProcessSchemeIsTheOneSet) {
  const PublicIdScheme keyed(SecretFromSeed(14));
  EXPECT_FALSE(CurrentPublicIdScheme().keyed());  // Legacy until set.
  SetPublicIdScheme(keyed);
  EXPECT_EQ(PublicId(OrderId{3}), keyed.Id(OrderId{3}));
  EXPECT_EQ(ParsePublicId<OrderId>(keyed.Id(OrderId{3})), OrderId{3});
  SetPublicIdScheme(PublicIdScheme());
  EXPECT_EQ(PublicId(OrderId{3}), PublicIdScheme().Id(OrderId{3}));
}

TEST(PublicIdTest, NewSecretsAreThirtyTwoFreshBytes) {
  const std::string a = NewPublicIdSecret(), b = NewPublicIdSecret();
  EXPECT_EQ(a.size(), 32u);
  EXPECT_NE(a, b);
  EXPECT_TRUE(PublicIdScheme(a).keyed());
  EXPECT_FALSE(PublicIdScheme("").keyed());
}

}  // namespace
}  // namespace subex
