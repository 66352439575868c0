// Small bit and byte helpers shared by the encoders: little-endian loads and stores, bit-range
// copies between LSB-first bitmaps, and population counts over bit ranges.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace de::parquet {

static_assert(std::endian::native == std::endian::little,
              "the Parquet writer stores values in host byte order, which must be little-endian");

// Appends the unsigned LEB128 encoding of `value` at `out`; returns the number of bytes (<= 10).
inline size_t PutUleb128(uint64_t value, uint8_t* out) {
  size_t n = 0;
  while (value >= 0x80) {
    out[n++] = static_cast<uint8_t>(value | 0x80);
    value >>= 7;
  }
  out[n++] = static_cast<uint8_t>(value);
  return n;
}

inline void StoreLe32(uint8_t* out, uint32_t value) { std::memcpy(out, &value, 4); }

// Bit i of an LSB-first bitmap.
inline bool GetBit(const uint8_t* bitmap, size_t i) { return (bitmap[i >> 3] >> (i & 7)) & 1; }

// Number of bits needed to represent `value` (0 for 0).
inline int BitsRequired(uint64_t value) { return value == 0 ? 0 : 64 - std::countl_zero(value); }

// Reads `count` (<= 56) bits starting at bit `bit` of an LSB-first bitmap. Touches only the bytes
// that hold those bits.
inline uint64_t LoadBits(const uint8_t* bitmap, size_t bit, size_t count) {
  const size_t shift = bit & 7;
  const size_t bytes = (shift + count + 7) / 8;
  uint64_t word = 0;
  std::memcpy(&word, bitmap + bit / 8, bytes);
  word >>= shift;
  return count == 64 ? word : word & ((uint64_t{1} << count) - 1);
}

// ORs the low `count` (<= 56) bits of `word` into an LSB-first bitmap at bit `bit`. Bits of the
// destination at and after `bit` must be zero.
inline void OrBits(uint8_t* bitmap, size_t bit, uint64_t word, size_t count) {
  const size_t shift = bit & 7;
  const size_t bytes = (shift + count + 7) / 8;
  uint64_t existing = 0;
  std::memcpy(&existing, bitmap + bit / 8, bytes);
  existing |= word << shift;
  std::memcpy(bitmap + bit / 8, &existing, bytes);
}

// Copies `count` bits from `src` (starting at bit `src_bit`) to `dst` (starting at bit `dst_bit`).
// Destination bits from `dst_bit` on must be zero; bits after the copied range stay zero.
void CopyBits(const uint8_t* src, size_t src_bit, uint8_t* dst, size_t dst_bit, size_t count);

// Number of set bits in [bit, bit + count) of an LSB-first bitmap.
size_t CountSetBits(const uint8_t* bitmap, size_t bit, size_t count);

// Index (relative to `bit`) of the `nth` (0-based) set bit in [bit, bit + count), or `count` if
// the range holds fewer set bits.
size_t FindNthSetBit(const uint8_t* bitmap, size_t bit, size_t count, size_t nth);

}  // namespace de::parquet
