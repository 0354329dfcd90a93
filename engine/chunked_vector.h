// ChunkedVector — a vector that grows by whole chunks and never moves what it holds.
//
// The engine keeps millions of records indexed by dense id. A std::vector would copy all of them
// whenever it grows, stalling the engine thread for tens of milliseconds at the worst moment;
// here growth allocates one more chunk, element addresses stay valid forever, and lookup by index
// is two loads. Elements are default-constructed a chunk at a time.
//
//   ChunkedVector<Order> orders;
//   Order& o = orders.emplace_back();
//   const Order& same = orders[0];
//
// Requires external synchronization.

#ifndef SUBEX_ENGINE_CHUNKED_VECTOR_H_
#define SUBEX_ENGINE_CHUNKED_VECTOR_H_

#include <cstddef>
#include <iterator>
#include <memory>
#include <vector>

namespace subex {

template <typename T, size_t kChunkBits = 10>
class ChunkedVector {
 public:
  static constexpr size_t kChunk = size_t{1} << kChunkBits;

  ChunkedVector() = default;
  ChunkedVector(ChunkedVector&&) noexcept = default;
  ChunkedVector& operator=(ChunkedVector&&) noexcept = default;

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T& operator[](size_t i) { return chunks_[i >> kChunkBits][i & (kChunk - 1)]; }
  const T& operator[](size_t i) const { return chunks_[i >> kChunkBits][i & (kChunk - 1)]; }
  T& back() { return (*this)[size_ - 1]; }
  const T& back() const { return (*this)[size_ - 1]; }

  // Appends a default-constructed element and returns it.
  T& emplace_back() {
    if ((size_ & (kChunk - 1)) == 0 && (size_ >> kChunkBits) == chunks_.size()) {
      chunks_.push_back(std::make_unique<T[]>(kChunk));
    }
    return (*this)[size_++];
  }

  template <typename V, typename Owner>
  class Iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    using pointer = V*;
    using reference = V&;
    Iterator() = default;
    Iterator(Owner* v, size_t i) : v_(v), i_(i) {}
    reference operator*() const { return (*v_)[i_]; }
    pointer operator->() const { return &(*v_)[i_]; }
    Iterator& operator++() {
      ++i_;
      return *this;
    }
    Iterator operator++(int) {
      Iterator old = *this;
      ++i_;
      return old;
    }
    friend bool operator==(const Iterator& a, const Iterator& b) { return a.i_ == b.i_; }

   private:
    Owner* v_ = nullptr;
    size_t i_ = 0;
  };
  using iterator = Iterator<T, ChunkedVector>;
  using const_iterator = Iterator<const T, const ChunkedVector>;

  iterator begin() { return {this, 0}; }
  iterator end() { return {this, size_}; }
  const_iterator begin() const { return {this, 0}; }
  const_iterator end() const { return {this, size_}; }

 private:
  std::vector<std::unique_ptr<T[]>> chunks_;
  size_t size_ = 0;
};

}  // namespace subex

#endif  // SUBEX_ENGINE_CHUNKED_VECTOR_H_
