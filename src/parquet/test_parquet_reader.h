// TEST ONLY. A small, independent reader used by the parquet unit tests to check what the
// writer produced: a generic Thrift compact protocol decoder, an RLE/bit-packed hybrid decoder,
// and a column chunk reader for flat files (PLAIN and RLE_DICTIONARY pages, all four codecs).
// Written from the specifications, not from the writer, so round trips can catch writer bugs.
#pragma once

#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "parquet/file_writer.h"

namespace de::parquet::testing {

// Writes `batches` into one in-memory Parquet file; throws on any error.
inline std::string WriteParquet(const Schema& schema, const WriterOptions& options,
                                const std::vector<const Batch*>& batches) {
  StringOutputStream sink;
  auto writer = FileWriter::Open(schema, options, &sink);
  if (!writer.ok()) throw std::runtime_error(writer.status().ToString());
  for (const Batch* batch : batches) {
    Status status = (*writer)->Write(*batch);
    if (!status.ok()) throw std::runtime_error(status.ToString());
  }
  Status status = (*writer)->Close();
  if (!status.ok()) throw std::runtime_error(status.ToString());
  return sink.data();
}

// A decoded Thrift value; structs are maps from field id to value.
struct Value {
  int type = 0;  // compact type code (1/2 bool, 3 i8, 4-6 ints, 7 double, 8 binary, 9 list, 12)
  int64_t i = 0;
  bool b = false;
  std::string bin;
  std::vector<Value> list;
  std::shared_ptr<std::map<int, Value>> fields;

  bool has(int id) const { return fields && fields->count(id) != 0; }
  const Value& operator[](int id) const {
    if (!has(id)) throw std::runtime_error("missing thrift field " + std::to_string(id));
    return fields->at(id);
  }
};

class CompactDecoder {
 public:
  explicit CompactDecoder(std::string_view data) : data_(data) {}

  Value ReadStruct() {
    Value v;
    v.type = 12;
    v.fields = std::make_shared<std::map<int, Value>>();
    int last = 0;
    for (;;) {
      const uint8_t header = Byte();
      if (header == 0) break;
      const int type = header & 0x0F;
      const int delta = header >> 4;
      const int id = delta != 0 ? last + delta : static_cast<int>(ZigZag(Varint()));
      (*v.fields)[id] = ReadValue(type);
      last = id;
    }
    return v;
  }
  size_t position() const { return pos_; }

 private:
  Value ReadValue(int type) {
    Value v;
    v.type = type;
    switch (type) {
      case 1:
        v.b = true;
        break;
      case 2:
        v.b = false;
        break;
      case 3:
        v.i = static_cast<int8_t>(Byte());
        break;
      case 4:
      case 5:
      case 6:
        v.i = ZigZag(Varint());
        break;
      case 7:
        Take(8);
        break;
      case 8:
        v.bin = std::string(Take(static_cast<size_t>(Varint())));
        break;
      case 9:
      case 10: {
        const uint8_t header = Byte();
        size_t size = header >> 4;
        const int element = header & 0x0F;
        if (size == 15) size = static_cast<size_t>(Varint());
        for (size_t k = 0; k < size; ++k) {
          if (element == 1 || element == 2) {
            Value e;
            e.type = 1;
            e.b = Byte() == 1;
            v.list.push_back(e);
          } else {
            v.list.push_back(ReadValue(element));
          }
        }
        break;
      }
      case 12:
        return ReadStruct();
      default:
        throw std::runtime_error("unsupported thrift type " + std::to_string(type));
    }
    return v;
  }
  uint8_t Byte() { return static_cast<uint8_t>(Take(1)[0]); }
  std::string_view Take(size_t n) {
    if (pos_ + n > data_.size()) throw std::runtime_error("thrift data truncated");
    std::string_view s = data_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  uint64_t Varint() {
    uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
      const uint8_t b = Byte();
      v |= uint64_t{b & 0x7Fu} << shift;
      if ((b & 0x80) == 0) return v;
    }
  }
  static int64_t ZigZag(uint64_t v) {
    return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
  }

  std::string_view data_;
  size_t pos_ = 0;
};

// Decodes `count` values of the RLE/bit-packed hybrid encoding (no length prefix) from `data`;
// sets *consumed to the bytes read.
inline std::vector<uint32_t> DecodeHybrid(std::string_view data, int bit_width, size_t count,
                                          size_t* consumed = nullptr) {
  std::vector<uint32_t> out;
  size_t pos = 0;
  auto byte = [&]() -> uint8_t {
    if (pos >= data.size()) throw std::runtime_error("hybrid data truncated");
    return static_cast<uint8_t>(data[pos++]);
  };
  while (out.size() < count) {
    uint64_t header = 0;
    for (int shift = 0;; shift += 7) {
      const uint8_t b = byte();
      header |= uint64_t{b & 0x7Fu} << shift;
      if ((b & 0x80) == 0) break;
    }
    if (header & 1) {  // bit-packed: (header >> 1) groups of 8 values
      const size_t values = (header >> 1) * 8;
      uint64_t bit = 0;
      const size_t start = pos;
      pos += (header >> 1) * static_cast<size_t>(bit_width);
      if (pos > data.size()) throw std::runtime_error("bit-packed run truncated");
      for (size_t k = 0; k < values; ++k) {
        uint32_t v = 0;
        for (int j = 0; j < bit_width; ++j, ++bit) {
          v |= static_cast<uint32_t>((static_cast<uint8_t>(data[start + bit / 8]) >> (bit % 8)) & 1)
               << j;
        }
        if (out.size() < count) out.push_back(v);
      }
    } else {
      const size_t run = header >> 1;
      uint32_t v = 0;
      for (int j = 0; j < (bit_width + 7) / 8; ++j) v |= static_cast<uint32_t>(byte()) << (8 * j);
      for (size_t k = 0; k < run && out.size() < count; ++k) out.push_back(v);
    }
  }
  if (consumed != nullptr) *consumed = pos;
  return out;
}

// The parsed footer of a Parquet file.
inline Value ReadFooter(const std::string& file) {
  if (file.size() < 12 || file.compare(0, 4, "PAR1") != 0 ||
      file.compare(file.size() - 4, 4, "PAR1") != 0) {
    throw std::runtime_error("not a Parquet file");
  }
  uint32_t length;
  std::memcpy(&length, file.data() + file.size() - 8, 4);
  CompactDecoder decoder(std::string_view(file).substr(file.size() - 8 - length, length));
  Value footer = decoder.ReadStruct();
  if (decoder.position() != length) throw std::runtime_error("footer length mismatch");
  return footer;
}

inline std::string Decompress(int codec, std::string_view body, size_t uncompressed_size) {
  std::string out(uncompressed_size, '\0');
  switch (codec) {
    case 0:
      return std::string(body);
    case 1:
      if (!snappy::RawUncompress(body.data(), body.size(), out.data())) {
        throw std::runtime_error("bad snappy page");
      }
      return out;
    case 6:
      if (ZSTD_decompress(out.data(), out.size(), body.data(), body.size()) != out.size()) {
        throw std::runtime_error("bad zstd page");
      }
      return out;
    case 2: {
      z_stream s{};
      inflateInit2(&s, 31);
      s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(body.data()));
      s.avail_in = static_cast<uInt>(body.size());
      s.next_out = reinterpret_cast<Bytef*>(out.data());
      s.avail_out = static_cast<uInt>(out.size());
      const int rc = inflate(&s, Z_FINISH);
      inflateEnd(&s);
      if (rc != Z_STREAM_END || s.total_out != out.size()) throw std::runtime_error("bad gzip");
      return out;
    }
  }
  throw std::runtime_error("unknown codec");
}

// One page as found in a column chunk.
struct PageInfo {
  int type = 0;      // PageType
  int encoding = 0;  // data or dictionary page encoding
  int64_t num_values = 0;
  std::string body;  // uncompressed page body
};

// The values of one column chunk: each row's PLAIN value bytes (without the byte-array length
// prefix; "\0"/"\1" for booleans), or nullopt for NULL.
struct ChunkValues {
  std::vector<std::optional<std::string>> rows;
  std::vector<PageInfo> pages;
};

// Reads column chunk `column` of row group `group`. `type_length` is the FLBA width; `optional`
// whether the column has definition levels.
inline ChunkValues ReadColumnChunk(const std::string& file, const Value& footer, int group,
                                   int column, bool optional) {
  const Value& chunk =
      footer[4].list.at(static_cast<size_t>(group))[1].list.at(static_cast<size_t>(column));
  const Value& meta = chunk[3];
  const int physical = static_cast<int>(meta[1].i);
  const int codec = static_cast<int>(meta[4].i);
  const int64_t num_values = meta[5].i;
  const Value& schema = footer[2].list.at(static_cast<size_t>(column) + 1);
  const size_t type_length = schema.has(2) ? static_cast<size_t>(schema[2].i) : 0;
  int64_t pos = meta.has(11) ? meta[11].i : meta[9].i;
  const int64_t end = pos + meta[7].i;

  auto split_plain = [&](std::string_view data, size_t n, size_t* consumed) {
    std::vector<std::string> values;
    size_t p = 0;
    uint64_t bit = 0;
    for (size_t k = 0; k < n; ++k) {
      size_t width = 0;
      switch (physical) {
        case 0: {
          const bool v = (static_cast<uint8_t>(data.at(bit / 8)) >> (bit % 8)) & 1;
          values.emplace_back(1, v ? '\1' : '\0');
          ++bit;
          continue;
        }
        case 1:
        case 4:
          width = 4;
          break;
        case 2:
        case 5:
          width = 8;
          break;
        case 7:
          width = type_length;
          break;
        case 6: {
          uint32_t len;
          std::memcpy(&len, data.substr(p, 4).data(), 4);
          p += 4;
          width = len;
          break;
        }
      }
      if (p + width > data.size()) throw std::runtime_error("PLAIN values truncated");
      values.emplace_back(data.substr(p, width));
      p += width;
    }
    if (physical == 0) p = (bit + 7) / 8;
    if (consumed != nullptr) *consumed = p;
    return values;
  };

  ChunkValues result;
  std::vector<std::string> dictionary;
  while (pos < end) {
    CompactDecoder decoder(std::string_view(file).substr(static_cast<size_t>(pos)));
    const Value header = decoder.ReadStruct();
    pos += static_cast<int64_t>(decoder.position());
    const std::string body =
        Decompress(codec, std::string_view(file).substr(static_cast<size_t>(pos), header[3].i),
                   static_cast<size_t>(header[2].i));
    pos += header[3].i;
    PageInfo info;
    info.type = static_cast<int>(header[1].i);
    info.body = body;
    if (info.type == 2) {
      info.encoding = static_cast<int>(header[7][2].i);
      info.num_values = header[7][1].i;
      dictionary = split_plain(body, static_cast<size_t>(info.num_values), nullptr);
      result.pages.push_back(info);
      continue;
    }
    info.encoding = static_cast<int>(header[5][2].i);
    info.num_values = header[5][1].i;
    result.pages.push_back(info);
    std::string_view rest(body);
    std::vector<uint32_t> levels(static_cast<size_t>(info.num_values), 1);
    if (optional) {
      uint32_t length;
      std::memcpy(&length, rest.data(), 4);
      levels = DecodeHybrid(rest.substr(4, length), 1, levels.size());
      rest.remove_prefix(4 + length);
    }
    size_t present = 0;
    for (uint32_t l : levels) present += l;
    std::vector<std::string> values;
    if (info.encoding == 8) {
      const int width = static_cast<uint8_t>(rest.at(0));
      for (uint32_t index : DecodeHybrid(rest.substr(1), width, present)) {
        values.push_back(dictionary.at(index));
      }
    } else {
      values = split_plain(rest, present, nullptr);
    }
    size_t next = 0;
    for (uint32_t l : levels) {
      if (l) {
        result.rows.emplace_back(values.at(next++));
      } else {
        result.rows.emplace_back(std::nullopt);
      }
    }
  }
  if (static_cast<int64_t>(result.rows.size()) != num_values) {
    throw std::runtime_error("chunk holds a different number of values than its metadata");
  }
  return result;
}

}  // namespace de::parquet::testing
