// Binary — the primitives of the storage formats: a Writer that appends little-endian fixed
// integers, LEB128 varints (zigzag for signed values), raw doubles and length-prefixed strings to
// a std::string, and a Reader that takes them back out of a byte range.
//
// A Reader never reads past the end of its range: every Get reports failure (false) instead, and
// leaves the output untouched and the cursor where it was. It also refuses malformed values a
// writer never produces: a varint longer than its type, a bool other than 0 or 1, a string or
// list length beyond the bytes that remain.
//
//   std::string out;
//   Writer w(out);
//   w.PutVarint(42);
//   w.PutString("steel");
//   Reader r(out);
//   uint64_t n;
//   std::string s;
//   bool ok = r.GetVarint(&n) && r.GetString(&s) && r.empty();
//
// Writer and Reader are cheap views; each requires external synchronization.

#ifndef SUBEX_STORAGE_BINARY_H_
#define SUBEX_STORAGE_BINARY_H_

#include <bit>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace subex {

class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}

  void PutU8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void PutBool(bool v) { PutU8(v ? 1 : 0); }
  void PutFixed32(uint32_t v) {
    char b[4];
    for (int i = 0; i < 4; ++i) b[i] = static_cast<char>(v >> (8 * i));
    out_.append(b, 4);
  }
  void PutFixed64(uint64_t v) {
    char b[8];
    for (int i = 0; i < 8; ++i) b[i] = static_cast<char>(v >> (8 * i));
    out_.append(b, 8);
  }
  void PutVarint(uint64_t v) {
    while (v >= 0x80) {
      out_.push_back(static_cast<char>(v | 0x80));
      v >>= 7;
    }
    out_.push_back(static_cast<char>(v));
  }
  // Zigzag: small magnitudes of either sign take few bytes (0, -1, 1, -2 → 0, 1, 2, 3).
  void PutZigzag(int64_t v) {
    PutVarint((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
  }
  void PutDouble(double v) { PutFixed64(std::bit_cast<uint64_t>(v)); }
  // The varint length, then the bytes.
  void PutString(std::string_view s) {
    PutVarint(s.size());
    out_.append(s.data(), s.size());
  }

 private:
  std::string& out_;
};

class Reader {
 public:
  explicit Reader(std::string_view bytes) : p_(bytes.data()), end_(bytes.data() + bytes.size()) {}

  size_t remaining() const { return static_cast<size_t>(end_ - p_); }
  bool empty() const { return p_ == end_; }

  bool GetU8(uint8_t* v) {
    if (p_ == end_) return false;
    *v = static_cast<uint8_t>(*p_++);
    return true;
  }
  bool GetBool(bool* v) {
    if (p_ == end_ || static_cast<uint8_t>(*p_) > 1) return false;
    *v = *p_++ != 0;
    return true;
  }
  bool GetFixed32(uint32_t* v) {
    if (remaining() < 4) return false;
    uint32_t r = 0;
    for (int i = 0; i < 4; ++i) r |= uint32_t{static_cast<uint8_t>(p_[i])} << (8 * i);
    p_ += 4;
    *v = r;
    return true;
  }
  bool GetFixed64(uint64_t* v) {
    if (remaining() < 8) return false;
    uint64_t r = 0;
    for (int i = 0; i < 8; ++i) r |= uint64_t{static_cast<uint8_t>(p_[i])} << (8 * i);
    p_ += 8;
    *v = r;
    return true;
  }
  // At most ten bytes, the tenth holding only the top bit of the value.
  bool GetVarint(uint64_t* v) {
    uint64_t r = 0;
    const char* p = p_;
    for (int shift = 0; shift < 64 && p != end_; shift += 7) {
      const uint64_t byte = static_cast<uint8_t>(*p++);
      if (shift == 63 && byte > 1) return false;
      r |= (byte & 0x7F) << shift;
      if (byte < 0x80) {
        p_ = p;
        *v = r;
        return true;
      }
    }
    return false;
  }
  bool GetZigzag(int64_t* v) {
    uint64_t u = 0;
    if (!GetVarint(&u)) return false;
    *v = static_cast<int64_t>(u >> 1) ^ -static_cast<int64_t>(u & 1);
    return true;
  }
  bool GetDouble(double* v) {
    uint64_t bits = 0;
    if (!GetFixed64(&bits)) return false;
    *v = std::bit_cast<double>(bits);
    return true;
  }
  bool GetString(std::string* s) {
    const char* start = p_;
    uint64_t n = 0;
    if (!GetVarint(&n)) return false;
    if (n > remaining()) {
      p_ = start;
      return false;
    }
    s->assign(p_, n);
    p_ += n;
    return true;
  }
  // A list's element count, refused when the elements, each at least `min_element_bytes` long,
  // could not fit in what remains: an absurd count fails here rather than in an allocation.
  bool GetCount(size_t* n, size_t min_element_bytes = 1) {
    const char* start = p_;
    uint64_t count = 0;
    if (!GetVarint(&count)) return false;
    if (count > remaining() / (min_element_bytes == 0 ? 1 : min_element_bytes)) {
      p_ = start;
      return false;
    }
    *n = static_cast<size_t>(count);
    return true;
  }

 private:
  const char* p_;
  const char* end_;
};

}  // namespace subex

#endif  // SUBEX_STORAGE_BINARY_H_
