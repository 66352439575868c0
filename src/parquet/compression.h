// Page compression with the codecs of parquet.thrift's CompressionCodec that this writer offers:
// SNAPPY (raw snappy block), ZSTD (one zstd frame), GZIP (one gzip member: zlib deflate with the
// gzip wrapper, windowBits 31) and UNCOMPRESSED.
#pragma once

#include <memory>
#include <string_view>

#include "common/status.h"
#include "parquet/file_writer.h"
#include "parquet/format.h"

namespace de::parquet {

format::CompressionCodec ToFormatCodec(Codec codec);

// kInvalidArgument unless `level` is 0 (the default) or a level `codec` accepts: zstd's
// ZSTD_minCLevel()..ZSTD_maxCLevel(), gzip's 1..9. Snappy and uncompressed ignore it.
Status CheckCompressionLevel(Codec codec, int level);

// Compresses page bodies. Keeps its codec context between pages. Not thread-safe: one per file
// writer.
class Compressor {
 public:
  // `level` 0 picks the codec's default. Errors: kInvalidArgument for a level the codec rejects,
  // kInternal if the codec library cannot allocate its context.
  static Result<std::unique_ptr<Compressor>> Make(Codec codec, int level);
  ~Compressor();

  Codec codec() const { return codec_; }

  // Most bytes Compress can produce from `input_size` bytes.
  size_t MaxCompressedSize(size_t input_size);
  // Compresses the concatenation `first` + `second` into `out`, which has room for
  // MaxCompressedSize(first.size() + second.size()) bytes; returns the compressed size. For
  // kUncompressed this is a copy. Errors: kInternal from the codec.
  Result<size_t> Compress(std::string_view first, std::string_view second, uint8_t* out);

 private:
  struct ZstdState;
  struct GzipState;

  Compressor(Codec codec, int level);
  Status Init();
  size_t CompressSnappy(std::string_view first, std::string_view second, uint8_t* out);
  Result<size_t> CompressZstd(std::string_view first, std::string_view second, uint8_t* out);
  Result<size_t> CompressGzip(std::string_view first, std::string_view second, uint8_t* out);

  Codec codec_;
  int level_;
  std::unique_ptr<ZstdState> zstd_;
  std::unique_ptr<GzipState> gzip_;
};

}  // namespace de::parquet
