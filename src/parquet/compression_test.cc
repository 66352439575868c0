#include "parquet/compression.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "parquet/file_writer.h"

namespace de::parquet {
namespace {

// Incompressible bytes (SplitMix64), the input that takes a codec's whole bound.
std::string RandomBytes(size_t n, uint64_t seed) {
  std::string out(n, '\0');
  for (char& c : out) {
    seed += 0x9e3779b97f4a7c15ULL;
    uint64_t z = seed;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    c = static_cast<char>(z ^ (z >> 31));
  }
  return out;
}

// Every compression with one compressor stays within the bound it gives beforehand: the output
// buffer is exactly MaxCompressedSize long, so AddressSanitizer sees any byte past it. (zlib's
// deflateBound shrinks by 12 bytes after a finished gzip stream; the writer once relied on it.)
TEST(CompressorTest, RepeatedCompressionsStayWithinTheBound) {
  for (Codec codec : {Codec::kUncompressed, Codec::kSnappy, Codec::kGzip, Codec::kZstd}) {
    for (int level : {0, 1, 9}) {
      if (codec == Codec::kSnappy || codec == Codec::kUncompressed) {
        if (level != 0) continue;
      }
      Result<std::unique_ptr<Compressor>> compressor = Compressor::Make(codec, level);
      ASSERT_TRUE(compressor.ok()) << compressor.status().ToString();
      for (size_t size : {0, 1, 80, 328, 4096, 70000}) {
        const std::string input = RandomBytes(size, size);
        const size_t bound = (*compressor)->MaxCompressedSize(size);
        std::vector<uint8_t> out(bound);
        const std::string_view all(input);
        Result<size_t> written =
            (*compressor)->Compress(all.substr(0, size / 3), all.substr(size / 3), out.data());
        ASSERT_TRUE(written.ok()) << written.status().ToString();
        EXPECT_LE(*written, bound) << CodecName(codec) << " level " << level << " size " << size;
      }
    }
  }
}

}  // namespace
}  // namespace de::parquet
