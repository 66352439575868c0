// The column writer for BYTE_ARRAY columns (string, json, binary).
#pragma once

#include "parquet/column_writer.h"
#include "parquet/dictionary.h"
#include "parquet/statistics.h"

namespace de::parquet {

// BYTE_ARRAY: RLE_DICTIONARY over a hash dictionary whose entries live in one arena, falling
// back to PLAIN (4-byte little-endian length, then the bytes). Statistics are unsigned
// byte-wise; bounds longer than max_statistics_bytes are truncated (UTF-8-aware for STRING and
// JSON).
class ByteArrayColumnWriter final : public DictionaryColumnWriter {
 public:
  ByteArrayColumnWriter(const ColumnDescriptor& descriptor, const WriterOptions& options,
                        PageCompression compression)
      : DictionaryColumnWriter(descriptor, options, compression) {}

  Status Append(const ColumnVector& column, size_t offset, size_t count) override;

 protected:
  void FillStatistics(format::Statistics* stats) const override;
  void ResetChunk() override;
  size_t DictionaryEntries() const override { return dictionary_.size(); }
  size_t DictionaryBytes() const override { return dictionary_.plain().size(); }
  std::string_view DictionaryPlain() override { return dictionary_.plain(); }
  void ClearDictionary() override { dictionary_.Clear(); }
  void DecodeIndices(const uint32_t* indices, size_t count, ByteBuffer* out) override;
  bool TakePageBounds(std::string* min, std::string* max) override;
  int CompareBounds(std::string_view a, std::string_view b) const override {
    return a.compare(b);  // char_traits<char> compares as unsigned char
  }

 private:
  size_t RowsUntilPageFull(const ColumnVector& column, size_t offset, size_t count) const;
  // Appends indices for rows [offset, offset + rows); stops before a row whose new entry would
  // pass dictionary_page_limit. Returns the rows consumed.
  size_t EncodeIndices(const ColumnVector& column, size_t offset, size_t rows);
  void EncodePlain(const ColumnVector& column, size_t offset, size_t rows);

  BytesMinMax stats_;
  BytesMinMax page_stats_;  // of the open page, for the page index
  ByteArrayDictionary dictionary_;
};

}  // namespace de::parquet
