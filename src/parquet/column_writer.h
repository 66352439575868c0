// Column writers: one per leaf column, alive for the whole file, writing one column chunk per row
// group. Each type family has its own subclass (bool, fixed-width, byte array), chosen once by
// MakeColumnWriter; all per-value work happens inside a subclass's Append loop, never through a
// virtual call per value.
//
// Phases of a column chunk:
//   Append*   buffer rows into the open page; cut, encode and compress pages as they fill
//   Finish    write the open page and the dictionary page
//   Flush     hand the chunk's pages to the sink, fill its ColumnChunk metadata, start anew
//
// State is kept in three parts: the chunk (row and null counts, statistics, dictionary), the
// open page (levels, values or dictionary indices) and the finished pages (PageWriter).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "columnar/column_vector.h"
#include "common/output_stream.h"
#include "common/status.h"
#include "parquet/bloom_filter.h"
#include "parquet/byte_buffer.h"
#include "parquet/compression.h"
#include "parquet/file_writer.h"
#include "parquet/format.h"
#include "parquet/page_writer.h"
#include "parquet/schema.h"

namespace de::parquet {

// Most rows in one data page, whatever their size.
inline constexpr size_t kMaxPageRows = size_t{1} << 20;

// What a column chunk adds beside its pages, serialized (Thrift compact; the bloom filter with
// its header): empty when the chunk has none. The file writer places them after the row group
// (bloom filter) or before the footer (page index) and fills the ColumnChunk's offsets.
struct ChunkIndexes {
  std::string column_index;
  std::string offset_index;
  std::string bloom_filter;
};

// Not thread-safe. Descriptor, options and the compression (compressor, pool) must outlive the
// writer.
class ColumnWriter {
 public:
  virtual ~ColumnWriter() = default;
  ColumnWriter(const ColumnWriter&) = delete;
  ColumnWriter& operator=(const ColumnWriter&) = delete;

  // Appends rows [offset, offset + count) of `column`, whose type is the descriptor's; a
  // REQUIRED column must hold no NULL there (the file writer checks). Errors: kDataLoss for a
  // decimal outside its precision; kInvalidArgument or kInternal from page encoding.
  virtual Status Append(const ColumnVector& column, size_t offset, size_t count) = 0;

  // Ends the row group's chunk: writes the open page and the dictionary page, if any.
  Status Finish();
  // After Finish: writes the chunk to `sink`, whose position is `offset`, fills `chunk` (all
  // but the offsets of `indexes`) and `indexes`, and resets for the next row group. Errors:
  // those of the sink.
  Status Flush(OutputStream* sink, int64_t offset, format::ColumnChunk* chunk,
               ChunkIndexes* indexes);

  // Bytes held for the open row group: finished pages, the open page and the dictionary. Waits
  // for pages being compressed.
  uint64_t buffered_bytes() { return pages_.buffered_bytes() + PendingBytes(); }
  // Bounds of buffered_bytes() known without waiting (PageWriter::BufferedBounds).
  void BufferedBounds(uint64_t* lower, uint64_t* upper) const {
    pages_.BufferedBounds(lower, upper);
    *lower += PendingBytes();
    *upper += PendingBytes();
  }

 protected:
  ColumnWriter(const ColumnDescriptor& descriptor, const WriterOptions& options,
               PageCompression compression);

  // Hooks, called once per page or chunk.
  virtual Status FinishValues() = 0;
  // Sets min/max (and nan_count) of the chunk; null_count is set by the base.
  virtual void FillStatistics(format::Statistics* stats) const = 0;
  virtual void ResetChunk() = 0;
  virtual uint64_t PendingBytes() const = 0;
  // Page index only: sets the PLAIN-encoded bounds of the open page's values (truncated like the
  // chunk's statistics) and forgets them; false when the page has none (only NULLs, or only NaN).
  virtual bool TakePageBounds(std::string* min, std::string* max) = 0;
  // Page index only: compares two bounds from TakePageBounds in the column's sort order.
  virtual int CompareBounds(std::string_view a, std::string_view b) const = 0;

  // Records rows [offset, offset + count) of `column` in the open page: their definition levels
  // when the column is OPTIONAL, and the row and NULL counts.
  void AppendRows(const ColumnVector& column, size_t offset, size_t count);
  // Writes the open page with `values` encoded as `encoding`, then empties it.
  Status WritePage(format::Encoding encoding, std::string_view values);

  size_t page_rows() const { return page_rows_; }
  bool required() const { return descriptor_.required; }
  // Whether per-page bounds are kept (WriterOptions::page_index).
  bool page_index() const { return options_.page_index; }
  // The chunk's bloom filter, when the column has one: subclasses add the hash of every
  // non-NULL value (each distinct value at least once).
  BloomFilterBuilder* bloom() { return bloom_.get(); }

  const ColumnDescriptor& descriptor_;
  const WriterOptions& options_;
  PageWriter pages_;

 private:
  // Adds the open page to the column index.
  void IndexPage();
  format::BoundaryOrder PageOrder() const;

  int64_t chunk_rows_ = 0;
  int64_t chunk_nulls_ = 0;
  size_t page_rows_ = 0;
  int64_t page_nulls_ = 0;
  format::ColumnIndex column_index_;  // of the chunk's pages so far
  bool column_index_valid_ = true;    // false once a page had values but no bounds (all NaN)
  format::OffsetIndex offset_index_;  // the chunk's page locations, filled by its Flush
  std::unique_ptr<BloomFilterBuilder> bloom_;
  ByteBuffer levels_;          // open page's definition levels, one bit per row
  ByteBuffer encoded_levels_;  // 4-byte length + RLE/bit-packed hybrid
};

// Shared machinery of columns that try RLE_DICTIONARY first: the open page holds either PLAIN
// values or dictionary indices. The dictionary is given up
//   - when adding an entry would pass dictionary_page_limit: pages written so far (including the
//     open one) stay dictionary-encoded, the dictionary page is written, the rest is PLAIN;
//   - when, on the chunk's first page, dictionary + indices turn out no smaller than the values'
//     PLAIN size (judged once that size reaches PlainTarget(), or when the page ends earlier;
//     and already at PlainTarget() / 8, if that holds 1024 values or more, when the entries alone
//     take 7/8 of it): the page is
//     re-encoded as PLAIN and no dictionary is written.
// Each new row group starts with an empty dictionary again.
class DictionaryColumnWriter : public ColumnWriter {
 protected:
  DictionaryColumnWriter(const ColumnDescriptor& descriptor, const WriterOptions& options,
                         PageCompression compression);

  // Hooks into the subclass's dictionary, once per page or chunk.
  virtual size_t DictionaryEntries() const = 0;
  virtual size_t DictionaryBytes() const = 0;  // PLAIN size
  virtual std::string_view DictionaryPlain() = 0;
  virtual void ClearDictionary() = 0;
  // Appends the PLAIN encoding of the entries `indices` refer to.
  virtual void DecodeIndices(const uint32_t* indices, size_t count, ByteBuffer* out) = 0;

  // PLAIN size at which the open page is cut (PLAIN) or the dictionary is judged (dictionary
  // not yet proven): data_page_size, or min(data_page_size, dictionary_page_limit / 2).
  size_t PlainTarget() const;
  // PLAIN size of the open page at which the next cut or dictionary check happens.
  size_t NextPlainCheckpoint() const;
  // PLAIN size of the open page's values, whichever way they are encoded.
  size_t plain_bytes() const { return dictionary_active_ ? page_plain_bytes_ : values_.size(); }
  // Rows of the `count` to append that fit the open page: while the dictionary is active, before
  // its indices pass data_page_size (and, until the dictionary proved itself, before the values'
  // PLAIN size passes PlainTarget()); afterwards before `plain_bytes_per_row` * rows pass it.
  // At least 1.
  size_t RowsUntilPageFull(size_t count, size_t plain_bytes_per_row) const;
  // After each append: decides whether the chunk's first dictionary page pays off once its PLAIN
  // size reaches data_page_size, and writes the open page when it is full.
  Status FlushPageIfFull();
  // Writes the open page (if it has rows) in the encoding it holds.
  Status FlushPage();
  // Writes the open page and the dictionary page; PLAIN from now on.
  Status FallBackToPlain();

  Status FinishValues() override;
  void ResetChunk() override;
  uint64_t PendingBytes() const override;

  uint32_t* AppendIndices(size_t count) {
    return reinterpret_cast<uint32_t*>(indices_.Extend(count * sizeof(uint32_t)));
  }
  void TrimIndices(size_t count) { indices_.Resize(count * sizeof(uint32_t)); }
  size_t index_count() const { return indices_.size() / sizeof(uint32_t); }

  bool dictionary_active_ = true;
  // Whether a dictionary page of this chunk was found smaller than PLAIN.
  bool dictionary_proven_ = false;
  ByteBuffer values_;              // open page's PLAIN values
  uint64_t page_plain_bytes_ = 0;  // PLAIN size of the open page's dictionary-encoded values

 private:
  bool PageFull() const;
  bool DictionaryPaysOff() const;
  Status AbandonDictionary();
  Status WriteIndexPage();

  ByteBuffer indices_;  // open page's dictionary indices (uint32_t)
  ByteBuffer encoded_;  // bit width + hybrid-encoded indices
};

// The column writer for a descriptor's type.
std::unique_ptr<ColumnWriter> MakeColumnWriter(const ColumnDescriptor& descriptor,
                                               const WriterOptions& options,
                                               PageCompression compression);

}  // namespace de::parquet
