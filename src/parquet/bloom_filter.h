// Split-block bloom filters for column chunks, from the Parquet format's BloomFilter.md: a
// bitset of 256-bit blocks (eight 32-bit lanes); a value's XXH64 hash (of its PLAIN encoding,
// byte arrays without their length prefix) picks a block with its upper 32 bits and one bit in
// every lane with its lower 32 bits and eight salts. Stored in the file as a Thrift compact
// BloomFilterHeader (numBytes, BLOCK, XXHASH, UNCOMPRESSED) followed by the bitset.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace de::parquet {

// Collects the hashes of one column chunk's values, then builds a filter sized for their
// distinct count, so the false-positive rate holds whatever the chunk holds. Memory: 8 bytes per
// value added until Build. Not thread-safe.
class BloomFilterBuilder {
 public:
  void Add(uint64_t hash) { hashes_.push_back(hash); }
  bool empty() const { return hashes_.empty(); }
  uint64_t buffered_bytes() const { return hashes_.capacity() * sizeof(uint64_t); }

  // Appends header and bitset to `out` for a false-positive rate `fpp` (0 < fpp < 1), the bitset
  // at most `max_bytes` (a power of two >= 32) long; forgets the hashes (keeping their memory).
  void Build(double fpp, size_t max_bytes, std::string* out);

 private:
  std::vector<uint64_t> hashes_;
};

// Bitset bytes for `distinct` values at false-positive rate `fpp`: the specification's
// -8 / ln(1 - fpp^(1/8)) bits per value, rounded up to a power of two in [32, max_bytes].
size_t BloomFilterBytes(uint64_t distinct, double fpp, size_t max_bytes);

// The bitset operations on `blocks` 256-bit blocks of eight lanes each (block-major, lanes in
// order).
void BloomFilterInsert(uint32_t* words, size_t blocks, uint64_t hash);
bool BloomFilterMayContain(const uint32_t* words, size_t blocks, uint64_t hash);

}  // namespace de::parquet
