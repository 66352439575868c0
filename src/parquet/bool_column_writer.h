// The column writer for BOOLEAN columns.
#pragma once

#include "parquet/byte_buffer.h"
#include "parquet/column_writer.h"

namespace de::parquet {

// BOOLEAN: PLAIN only, one bit per non-NULL value, LSB first.
class BoolColumnWriter final : public ColumnWriter {
 public:
  BoolColumnWriter(const ColumnDescriptor& descriptor, const WriterOptions& options,
                   PageCompression compression)
      : ColumnWriter(descriptor, options, compression) {}

  Status Append(const ColumnVector& column, size_t offset, size_t count) override;

 protected:
  Status FinishValues() override;
  void FillStatistics(format::Statistics* stats) const override;
  void ResetChunk() override;
  uint64_t PendingBytes() const override { return bits_.size(); }
  bool TakePageBounds(std::string* min, std::string* max) override;
  int CompareBounds(std::string_view a, std::string_view b) const override { return a.compare(b); }

 private:
  // Adds `n` values (0 or 1) to the open page.
  void AppendBits(const uint8_t* values, size_t n);
  Status FlushPage();

  ByteBuffer bits_;  // open page's packed values
  size_t bit_count_ = 0;
  ByteBuffer staging_;     // dense non-NULL values of the rows being appended
  ByteBuffer packed_;      // those values packed, before they join the page
  bool any_true_ = false;  // in the chunk
  bool any_false_ = false;
  bool page_true_ = false;  // in the open page
  bool page_false_ = false;
};

}  // namespace de::parquet
