// A growable, 64-byte aligned byte buffer: the storage under every ColumnVector.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>

namespace de {

// Not thread-safe; owned by one ColumnVector.
class Buffer {
 public:
  Buffer() = default;
  Buffer(const Buffer& other);
  Buffer& operator=(const Buffer& other);
  Buffer(Buffer&&) noexcept = default;
  Buffer& operator=(Buffer&&) noexcept = default;

  uint8_t* data() { return data_.get(); }
  const uint8_t* data() const { return data_.get(); }
  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }

  // Grows capacity to at least `bytes`, keeping contents.
  void Reserve(size_t bytes) {
    if (bytes > capacity_) Grow(bytes);
  }
  // Sets the size, growing if needed; new bytes are zeroed.
  void Resize(size_t bytes) {
    Reserve(bytes);
    if (bytes > size_) std::memset(data_.get() + size_, 0, bytes - size_);
    size_ = bytes;
  }
  void Append(const void* src, size_t n) {
    if (size_ + n > capacity_) Grow(size_ + n);
    if (n != 0) std::memcpy(data_.get() + size_, src, n);
    size_ += n;
  }
  // Size 0, capacity kept.
  void Clear() { size_ = 0; }

 private:
  struct AlignedFree {
    void operator()(uint8_t* p) const { ::operator delete[](p, std::align_val_t(64)); }
  };
  void Grow(size_t min_capacity);

  std::unique_ptr<uint8_t[], AlignedFree> data_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

}  // namespace de
