// The RLE / bit-packing hybrid encoding (Parquet Encodings.md, "RLE"), used for definition levels
// and dictionary indices:
//
//   encoded-data    := run*
//   run             := bit-packed-run | rle-run
//   bit-packed-run  := varint((groups << 1) | 1), then groups * 8 values packed LSB-first in
//                      bit_width bits each (groups * bit_width bytes); only the last run of the
//                      data may end in padding
//   rle-run         := varint(count << 1), then the repeated value in ceil(bit_width / 8) bytes,
//                      little-endian
//
// The length prefix (4 bytes, v1 data pages' levels) and the bit-width byte (dictionary indices)
// are added by the callers.
#pragma once

#include <cstddef>
#include <cstdint>

#include "parquet/byte_buffer.h"

namespace de::parquet {

// Runs at least this long are written as RLE runs.
inline constexpr size_t kMinRleRun = 8;

// Appends `count` values of `bit_width` (0..32) bits, packed LSB-first and zero-padded to a
// multiple of 8 values (no run header). Values must fit in bit_width bits.
void AppendBitPacked(const uint32_t* values, size_t count, int bit_width, ByteBuffer* out);

// Appends the hybrid encoding of `count` values of `bit_width` (1..32) bits.
void EncodeRleBitPackedHybrid(const uint32_t* values, size_t count, int bit_width, ByteBuffer* out);

// Appends the hybrid encoding of `count` 1-bit levels given as an LSB-first bitmap (bit i is
// level i). Works on whole bytes: bytes of all zeros or all ones form RLE runs, the rest are
// copied into bit-packed runs unchanged. Bits past `count` in the last byte must be zero.
void EncodeBitLevels(const uint8_t* bitmap, size_t count, ByteBuffer* out);

// Bit width of dictionary indices for a dictionary of `entries` entries (at least 1).
inline int IndexBitWidth(size_t entries) {
  int width = 0;
  while (width < 32 && (uint64_t{1} << width) < entries) ++width;
  return width == 0 ? 1 : width;
}

}  // namespace de::parquet
