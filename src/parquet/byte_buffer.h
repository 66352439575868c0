// ByteBuffer: the growable output buffer under every encoder, page and column chunk. Unlike
// de::Buffer it can grow without zero-filling, so encoders reserve once and write through a raw
// pointer; Clear() keeps the capacity, so buffers are reused across pages and row groups.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string_view>

namespace de::parquet {

// Not thread-safe; owned by one encoder or writer.
class ByteBuffer {
 public:
  ByteBuffer() = default;
  ~ByteBuffer() { std::free(data_); }
  ByteBuffer(const ByteBuffer&) = delete;
  ByteBuffer& operator=(const ByteBuffer&) = delete;
  ByteBuffer(ByteBuffer&& other) noexcept
      : data_(other.data_), size_(other.size_), capacity_(other.capacity_) {
    other.data_ = nullptr;
    other.size_ = other.capacity_ = 0;
  }
  ByteBuffer& operator=(ByteBuffer&& other) noexcept {
    if (this != &other) {
      std::free(data_);
      data_ = other.data_;
      size_ = other.size_;
      capacity_ = other.capacity_;
      other.data_ = nullptr;
      other.size_ = other.capacity_ = 0;
    }
    return *this;
  }

  uint8_t* data() { return data_; }
  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }
  bool empty() const { return size_ == 0; }
  std::string_view view() const { return {reinterpret_cast<const char*>(data_), size_}; }

  // Makes room for `bytes` in total without changing the size.
  void Reserve(size_t bytes) {
    if (bytes > capacity_) Reallocate(bytes);
  }
  // Grows the size by `n` and returns a pointer to the new, uninitialized bytes.
  uint8_t* Extend(size_t n) {
    if (size_ + n > capacity_) Reallocate(size_ + n);
    uint8_t* p = data_ + size_;
    size_ += n;
    return p;
  }
  // Sets the size; new bytes are uninitialized. Used after writing through a reserved pointer.
  void Resize(size_t n) {
    if (n > capacity_) Reallocate(n);
    size_ = n;
  }
  // Sets the size; every byte is uninitialized (the old contents are not kept, so growing never
  // copies them).
  void ResizeDiscarding(size_t n) {
    if (n > capacity_) {
      std::free(data_);
      data_ = nullptr;
      capacity_ = 0;
      Reallocate(n);
    }
    size_ = n;
  }
  // Gives the capacity beyond the size back to the allocator, for a buffer kept a long time
  // (a compressed page waiting for its row group holds its bytes, not its worst case).
  void ShrinkToFit() {
    if (capacity_ == size_ || size_ == 0) return;
    void* fresh = std::realloc(data_, size_);
    if (fresh == nullptr) return;  // keeping the larger block is fine
    data_ = static_cast<uint8_t*>(fresh);
    capacity_ = size_;
  }
  // Sets the size; bytes past the old size are zeroed.
  void ResizeZeroed(size_t n) {
    const size_t old = size_;
    Resize(n);
    if (n > old) std::memset(data_ + old, 0, n - old);
  }
  void Append(const void* bytes, size_t n) {
    if (n != 0) std::memcpy(Extend(n), bytes, n);
  }
  void Append(std::string_view bytes) { Append(bytes.data(), bytes.size()); }
  void PushBack(uint8_t byte) { *Extend(1) = byte; }
  // Size 0; capacity kept for reuse.
  void Clear() { size_ = 0; }

 private:
  void Reallocate(size_t min_capacity) {
    size_t capacity = capacity_ < 256 ? 256 : capacity_ + capacity_ / 2;
    if (capacity < min_capacity) capacity = min_capacity;
    void* fresh = std::realloc(data_, capacity);
    if (fresh == nullptr) throw std::bad_alloc();
    data_ = static_cast<uint8_t*>(fresh);
    capacity_ = capacity;
  }

  uint8_t* data_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

}  // namespace de::parquet
