#include "columnar/buffer.h"

#include <algorithm>
#include <new>

namespace de {

Buffer::Buffer(const Buffer& other) { Append(other.data(), other.size()); }

Buffer& Buffer::operator=(const Buffer& other) {
  if (this != &other) {
    Clear();
    Append(other.data(), other.size());
  }
  return *this;
}

void Buffer::Grow(size_t min_capacity) {
  size_t capacity = std::max<size_t>({min_capacity, capacity_ * 2, 64});
  capacity = (capacity + 63) & ~size_t{63};
  auto* fresh = static_cast<uint8_t*>(::operator new[](capacity, std::align_val_t(64)));
  if (size_ != 0) std::memcpy(fresh, data_.get(), size_);
  data_.reset(fresh);
  capacity_ = capacity;
}

}  // namespace de
