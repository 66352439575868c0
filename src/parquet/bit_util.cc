#include "parquet/bit_util.h"

namespace de::parquet {

void CopyBits(const uint8_t* src, size_t src_bit, uint8_t* dst, size_t dst_bit, size_t count) {
  if ((src_bit & 7) == 0 && (dst_bit & 7) == 0) {
    const size_t whole = count / 8;
    std::memcpy(dst + dst_bit / 8, src + src_bit / 8, whole);
    const size_t tail = count & 7;
    if (tail != 0) {
      dst[dst_bit / 8 + whole] =
          static_cast<uint8_t>(src[src_bit / 8 + whole] & ((1u << tail) - 1));
    }
    return;
  }
  size_t done = 0;
  while (done < count) {
    const size_t n = count - done < 56 ? count - done : 56;
    OrBits(dst, dst_bit + done, LoadBits(src, src_bit + done, n), n);
    done += n;
  }
}

size_t CountSetBits(const uint8_t* bitmap, size_t bit, size_t count) {
  size_t total = 0;
  size_t done = 0;
  while (done < count) {
    const size_t n = count - done < 56 ? count - done : 56;
    total += static_cast<size_t>(std::popcount(LoadBits(bitmap, bit + done, n)));
    done += n;
  }
  return total;
}

size_t FindNthSetBit(const uint8_t* bitmap, size_t bit, size_t count, size_t nth) {
  size_t done = 0;
  while (done < count) {
    const size_t n = count - done < 56 ? count - done : 56;
    uint64_t word = LoadBits(bitmap, bit + done, n);
    const size_t ones = static_cast<size_t>(std::popcount(word));
    if (nth < ones) {
      for (size_t i = 0; i < nth; ++i) word &= word - 1;  // drop the lowest set bits
      return done + static_cast<size_t>(std::countr_zero(word));
    }
    nth -= ones;
    done += n;
  }
  return count;
}

}  // namespace de::parquet
