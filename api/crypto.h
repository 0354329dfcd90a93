// Crypto — the little the API needs: SHA-256 for key hashes and request fingerprints, and
// random API keys (OpenSSL's libcrypto).
//
// Keys are shown once and stored only as their SHA-256 (PRODUCT §6): a key has 192 random bits,
// so a plain hash is as good as a slow one against guessing.
//
//   std::string key = NewApiKey();         // "sx_" + 48 hex digits
//   std::string hash = Sha256Hex(key);     // what the engine keeps
//
// Safe for concurrent use.

#ifndef SUBEX_API_CRYPTO_H_
#define SUBEX_API_CRYPTO_H_

#include <string>
#include <string_view>

namespace subex {

// SHA-256 of `data` as 64 lowercase hex digits.
std::string Sha256Hex(std::string_view data);

// A fresh random API key from the operating system's random source.
std::string NewApiKey();

// Compares without an early exit, so the time taken tells nothing about where they differ.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace subex

#endif  // SUBEX_API_CRYPTO_H_
