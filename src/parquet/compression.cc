#include "parquet/compression.h"

#include <snappy-sinksource.h>
#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <string>

namespace de::parquet {
namespace {

constexpr int kZstdDefaultLevel = 3;
constexpr int kGzipDefaultLevel = 6;

// A snappy::Source over two byte ranges read one after the other, so a page's levels and values
// are compressed without first being copied into one buffer.
class TwoPartSource final : public snappy::Source {
 public:
  TwoPartSource(std::string_view first, std::string_view second)
      : parts_{first, second}, remaining_(first.size() + second.size()) {
    if (parts_[0].empty()) current_ = 1;
  }
  size_t Available() const override { return remaining_; }
  const char* Peek(size_t* len) override {
    if (current_ > 1) {
      *len = 0;
      return nullptr;
    }
    *len = parts_[current_].size();
    return parts_[current_].data();
  }
  void Skip(size_t n) override {
    remaining_ -= n;
    while (n > 0) {
      const size_t step = std::min(n, parts_[current_].size());
      parts_[current_].remove_prefix(step);
      n -= step;
      if (parts_[current_].empty()) ++current_;
    }
    while (current_ <= 1 && parts_[current_].empty()) ++current_;
  }

 private:
  std::string_view parts_[2];
  size_t current_ = 0;
  size_t remaining_;
};

}  // namespace

Result<Codec> ParseCodec(std::string_view name) {
  std::string lower(name);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "snappy") return Codec::kSnappy;
  if (lower == "zstd") return Codec::kZstd;
  if (lower == "gzip") return Codec::kGzip;
  if (lower == "uncompressed" || lower == "none") return Codec::kUncompressed;
  return InvalidArgument("unknown Parquet codec '{}' (snappy, zstd, gzip, uncompressed)", name);
}

std::string_view CodecName(Codec codec) {
  switch (codec) {
    case Codec::kUncompressed:
      return "uncompressed";
    case Codec::kSnappy:
      return "snappy";
    case Codec::kGzip:
      return "gzip";
    case Codec::kZstd:
      return "zstd";
  }
  return "unknown";
}

struct Compressor::ZstdState {
  ZSTD_CCtx* context = nullptr;
  ~ZstdState() { ZSTD_freeCCtx(context); }
};

struct Compressor::GzipState {
  z_stream stream{};
  bool initialized = false;
  ~GzipState() {
    if (initialized) deflateEnd(&stream);
  }
};

format::CompressionCodec ToFormatCodec(Codec codec) {
  switch (codec) {
    case Codec::kUncompressed:
      return format::CompressionCodec::kUncompressed;
    case Codec::kSnappy:
      return format::CompressionCodec::kSnappy;
    case Codec::kGzip:
      return format::CompressionCodec::kGzip;
    case Codec::kZstd:
      return format::CompressionCodec::kZstd;
  }
  return format::CompressionCodec::kUncompressed;
}

Status CheckCompressionLevel(Codec codec, int level) {
  if (level == 0) return Status::Ok();
  if (codec == Codec::kZstd && (level < ZSTD_minCLevel() || level > ZSTD_maxCLevel())) {
    return InvalidArgument("compression_level {} is outside zstd's {}..{}", level, ZSTD_minCLevel(),
                           ZSTD_maxCLevel());
  }
  if (codec == Codec::kGzip && (level < 1 || level > 9)) {
    return InvalidArgument("compression_level {} is outside gzip's 1..9", level);
  }
  return Status::Ok();
}

Result<std::unique_ptr<Compressor>> Compressor::Make(Codec codec, int level) {
  std::unique_ptr<Compressor> compressor(new Compressor(codec, level));
  RETURN_IF_ERROR(CheckCompressionLevel(codec, level));
  RETURN_IF_ERROR(compressor->Init());
  return compressor;
}

Compressor::Compressor(Codec codec, int level) : codec_(codec), level_(level) {}

Compressor::~Compressor() = default;

Status Compressor::Init() {
  if (codec_ == Codec::kZstd) {
    if (level_ == 0) level_ = kZstdDefaultLevel;
    zstd_ = std::make_unique<ZstdState>();
    zstd_->context = ZSTD_createCCtx();
    if (zstd_->context == nullptr) return Internal("cannot allocate a zstd context");
    size_t rc = ZSTD_CCtx_setParameter(zstd_->context, ZSTD_c_compressionLevel, level_);
    if (ZSTD_isError(rc)) return Internal("zstd level {}: {}", level_, ZSTD_getErrorName(rc));
  } else if (codec_ == Codec::kGzip) {
    if (level_ == 0) level_ = kGzipDefaultLevel;
    gzip_ = std::make_unique<GzipState>();
    // windowBits 15 + 16: a gzip header and trailer around the deflate stream.
    if (deflateInit2(&gzip_->stream, level_, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
      return Internal("cannot initialize zlib deflate");
    }
    gzip_->initialized = true;
  }
  return Status::Ok();
}

size_t Compressor::MaxCompressedSize(size_t input_size) {
  switch (codec_) {
    case Codec::kSnappy:
      return snappy::MaxCompressedLength(input_size);
    case Codec::kZstd:
      return ZSTD_compressBound(input_size);
    case Codec::kGzip:
      // Not deflateBound(): after a finished stream it counts the zlib wrapper (6 bytes) instead
      // of the gzip one (18) until deflateReset. compressBound() is the zlib-wrapped bound for
      // windowBits 15 and memLevel 8, as this stream has; the gzip wrapper adds 12 bytes.
      return compressBound(static_cast<uLong>(input_size)) + 12;
    case Codec::kUncompressed:
      return input_size;
  }
  return input_size;
}

Result<size_t> Compressor::Compress(std::string_view first, std::string_view second, uint8_t* out) {
  switch (codec_) {
    case Codec::kSnappy:
      return CompressSnappy(first, second, out);
    case Codec::kZstd:
      return CompressZstd(first, second, out);
    case Codec::kGzip:
      return CompressGzip(first, second, out);
    case Codec::kUncompressed:
      if (!first.empty()) std::memcpy(out, first.data(), first.size());
      if (!second.empty()) std::memcpy(out + first.size(), second.data(), second.size());
      return first.size() + second.size();
  }
  return Internal("unknown codec");
}

size_t Compressor::CompressSnappy(std::string_view first, std::string_view second, uint8_t* out) {
  char* dest = reinterpret_cast<char*>(out);
  size_t written = 0;
  if (second.empty()) {
    snappy::RawCompress(first.data(), first.size(), dest, &written);
  } else {
    TwoPartSource source(first, second);
    snappy::UncheckedByteArraySink sink(dest);
    written = snappy::Compress(&source, &sink);
  }
  return written;
}

Result<size_t> Compressor::CompressZstd(std::string_view first, std::string_view second,
                                        uint8_t* out) {
  const size_t total = first.size() + second.size();
  ZSTD_CCtx* cctx = zstd_->context;
  ZSTD_CCtx_reset(cctx, ZSTD_reset_session_only);
  ZSTD_CCtx_setPledgedSrcSize(cctx, total);
  ZSTD_outBuffer output{out, ZSTD_compressBound(total), 0};
  ZSTD_inBuffer in{first.data(), first.size(), 0};
  while (in.pos < in.size) {
    size_t rc = ZSTD_compressStream2(cctx, &output, &in, ZSTD_e_continue);
    if (ZSTD_isError(rc)) return Internal("zstd: {}", ZSTD_getErrorName(rc));
  }
  in = ZSTD_inBuffer{second.data(), second.size(), 0};
  for (;;) {
    size_t rc = ZSTD_compressStream2(cctx, &output, &in, ZSTD_e_end);
    if (ZSTD_isError(rc)) return Internal("zstd: {}", ZSTD_getErrorName(rc));
    if (rc == 0) break;
    if (output.pos == output.size) return Internal("zstd output exceeded its bound");
  }
  return output.pos;
}

Result<size_t> Compressor::CompressGzip(std::string_view first, std::string_view second,
                                        uint8_t* out) {
  z_stream& s = gzip_->stream;
  if (deflateReset(&s) != Z_OK) return Internal("zlib deflateReset failed");
  const size_t total = first.size() + second.size();
  s.next_out = out;
  s.avail_out = static_cast<uInt>(MaxCompressedSize(total));
  s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(first.data()));
  s.avail_in = static_cast<uInt>(first.size());
  while (s.avail_in > 0) {
    if (deflate(&s, Z_NO_FLUSH) != Z_OK) return Internal("zlib deflate failed");
  }
  s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(second.data()));
  s.avail_in = static_cast<uInt>(second.size());
  int rc;
  while ((rc = deflate(&s, Z_FINISH)) == Z_OK) {
  }
  if (rc != Z_STREAM_END) return Internal("zlib deflate finish failed ({})", rc);
  return static_cast<size_t>(s.total_out);
}

}  // namespace de::parquet
