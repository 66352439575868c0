#include "parquet/bloom_filter.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

#include "parquet/thrift_compact.h"

namespace de::parquet {
namespace {

constexpr uint32_t kSalt[8] = {0x47b6137bU, 0x44974d91U, 0x8824ad5bU, 0xa2b7289dU,
                               0x705495c7U, 0x2df1424bU, 0x9efc4947U, 0x5c6bfb31U};
constexpr size_t kMinBytes = 32;

size_t BlockIndex(uint64_t hash, size_t blocks) {
  return static_cast<size_t>(((hash >> 32) * blocks) >> 32);
}

void WriteHeader(int32_t num_bytes, std::string* out) {
  thrift::CompactWriter w(out);
  w.BeginStruct();
  w.I32Field(1, num_bytes);
  for (int16_t field = 2; field <= 4; ++field) {
    w.BeginStructField(field);  // algorithm BLOCK, hash XXHASH, compression UNCOMPRESSED:
    w.BeginStructField(1);      // each a union whose member 1 is an empty struct
    w.EndStruct();
    w.EndStruct();
  }
  w.EndStruct();
}

}  // namespace

size_t BloomFilterBytes(uint64_t distinct, double fpp, size_t max_bytes) {
  const double bits_per_value = -8.0 / std::log(1.0 - std::pow(fpp, 1.0 / 8.0));
  const double bytes = std::ceil(bits_per_value * static_cast<double>(distinct) / 8.0);
  if (bytes >= static_cast<double>(max_bytes)) return max_bytes;
  return std::max(kMinBytes, std::bit_ceil(static_cast<size_t>(bytes)));
}

void BloomFilterInsert(uint32_t* words, size_t blocks, uint64_t hash) {
  uint32_t* block = words + BlockIndex(hash, blocks) * 8;
  const auto key = static_cast<uint32_t>(hash);
  for (int i = 0; i < 8; ++i) block[i] |= uint32_t{1} << ((key * kSalt[i]) >> 27);
}

bool BloomFilterMayContain(const uint32_t* words, size_t blocks, uint64_t hash) {
  const uint32_t* block = words + BlockIndex(hash, blocks) * 8;
  const auto key = static_cast<uint32_t>(hash);
  for (int i = 0; i < 8; ++i) {
    if ((block[i] & (uint32_t{1} << ((key * kSalt[i]) >> 27))) == 0) return false;
  }
  return true;
}

void BloomFilterBuilder::Build(double fpp, size_t max_bytes, std::string* out) {
  std::sort(hashes_.begin(), hashes_.end());
  const auto distinct =
      static_cast<uint64_t>(std::unique(hashes_.begin(), hashes_.end()) - hashes_.begin());
  const size_t bytes = BloomFilterBytes(distinct, fpp, max_bytes);
  const size_t blocks = bytes / 32;
  std::vector<uint32_t> words(bytes / 4, 0);
  for (size_t i = 0; i < distinct; ++i) BloomFilterInsert(words.data(), blocks, hashes_[i]);
  WriteHeader(static_cast<int32_t>(bytes), out);
  const size_t start = out->size();
  out->resize(start + bytes);
  std::memcpy(out->data() + start, words.data(), bytes);  // little-endian words
  hashes_.clear();
}

}  // namespace de::parquet
