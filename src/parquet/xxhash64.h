// XXH64, the 64-bit xxHash (seed 0 in Parquet), written from the xxHash specification
// (xxhash_spec.md, "XXH64 algorithm description"). Parquet's bloom filters hash the PLAIN
// encoding of each value with it (BloomFilter.md, "Hash Function").
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace de::parquet {

uint64_t XxHash64(const void* data, size_t size, uint64_t seed = 0);

inline uint64_t XxHash64(std::string_view bytes) { return XxHash64(bytes.data(), bytes.size()); }

}  // namespace de::parquet
