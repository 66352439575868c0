#include "parquet/rle_encoder.h"

#include "parquet/bit_util.h"

namespace de::parquet {
namespace {

// A run of identical level bytes shorter than this stays inside a bit-packed run: an RLE run
// costs a header and a value byte and splits the surrounding literal in two.
constexpr size_t kMinRleLevelBytes = 4;

void AppendVarint(uint64_t value, ByteBuffer* out) {
  uint8_t bytes[10];
  out->Append(bytes, PutUleb128(value, bytes));
}

void AppendRleRun(uint32_t value, size_t count, int bit_width, ByteBuffer* out) {
  AppendVarint(uint64_t{count} << 1, out);
  const int value_bytes = (bit_width + 7) / 8;
  for (int i = 0; i < value_bytes; ++i) out->PushBack(static_cast<uint8_t>(value >> (8 * i)));
}

void AppendBitPackedRun(const uint32_t* values, size_t count, int bit_width, ByteBuffer* out) {
  const size_t groups = (count + 7) / 8;
  AppendVarint((uint64_t{groups} << 1) | 1, out);
  AppendBitPacked(values, count, bit_width, out);
}

// Appends a bit-packed run whose 1-bit values are already packed in `bytes` (one group each).
void AppendPackedLevelBytes(const uint8_t* bytes, size_t groups, ByteBuffer* out) {
  if (groups == 0) return;
  AppendVarint((uint64_t{groups} << 1) | 1, out);
  out->Append(bytes, groups);
}

}  // namespace

void AppendBitPacked(const uint32_t* values, size_t count, int bit_width, ByteBuffer* out) {
  const size_t groups = (count + 7) / 8;
  uint8_t* p = out->Extend(groups * static_cast<size_t>(bit_width));
  uint64_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < count; ++i) {
    acc |= uint64_t{values[i]} << bits;
    bits += bit_width;
    if (bits >= 32) {
      StoreLe32(p, static_cast<uint32_t>(acc));
      p += 4;
      acc >>= 32;
      bits -= 32;
    }
  }
  bits += static_cast<int>((groups * 8 - count)) * bit_width;  // zero padding
  while (bits >= 32) {
    StoreLe32(p, static_cast<uint32_t>(acc));
    p += 4;
    acc >>= 32;
    bits -= 32;
  }
  for (; bits > 0; bits -= 8) {  // bits is a multiple of 8 here
    *p++ = static_cast<uint8_t>(acc);
    acc >>= 8;
  }
}

void EncodeRleBitPackedHybrid(const uint32_t* values, size_t count, int bit_width,
                              ByteBuffer* out) {
  size_t literal_start = 0;
  size_t i = 0;
  while (i < count) {
    const uint32_t value = values[i];
    size_t end = i + 1;
    while (end < count && values[end] == value) ++end;
    const size_t run = end - i;
    if (run >= kMinRleRun) {
      // A bit-packed run must hold a multiple of 8 values unless it ends the data, so the
      // pending literal borrows the first few values of the repeat to fill its last group.
      const size_t pending = i - literal_start;
      const size_t borrow = (8 - pending % 8) % 8;
      if (run - borrow >= kMinRleRun) {
        if (pending + borrow > 0) {
          AppendBitPackedRun(values + literal_start, pending + borrow, bit_width, out);
        }
        AppendRleRun(value, run - borrow, bit_width, out);
        literal_start = end;
      }
    }
    i = end;
  }
  if (literal_start < count) {
    AppendBitPackedRun(values + literal_start, count - literal_start, bit_width, out);
  }
}

void EncodeBitLevels(const uint8_t* bitmap, size_t count, ByteBuffer* out) {
  const size_t full_bytes = count / 8;
  const size_t tail_bits = count % 8;
  const size_t total_bytes = (count + 7) / 8;
  size_t literal_start = 0;
  size_t i = 0;
  while (i < full_bytes) {
    const uint8_t byte = bitmap[i];
    if (byte != 0x00 && byte != 0xFF) {
      ++i;
      continue;
    }
    size_t end = i + 1;
    while (end < full_bytes && bitmap[end] == byte) ++end;
    size_t run_values = (end - i) * 8;
    if (end == full_bytes && tail_bits != 0) {
      const uint8_t tail_mask = static_cast<uint8_t>((1u << tail_bits) - 1);
      if (bitmap[end] == (byte & tail_mask)) {
        run_values += tail_bits;
        end = total_bytes;
      }
    }
    if (end - i >= kMinRleLevelBytes || (literal_start == i && end == total_bytes)) {
      AppendPackedLevelBytes(bitmap + literal_start, i - literal_start, out);
      AppendRleRun(byte & 1, run_values, 1, out);
      literal_start = end;
    }
    i = end;
  }
  AppendPackedLevelBytes(bitmap + literal_start, total_bytes - literal_start, out);
}

}  // namespace de::parquet
