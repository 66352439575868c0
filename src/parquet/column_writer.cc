#include "parquet/column_writer.h"

#include <algorithm>
#include <cstring>

#include "parquet/bit_util.h"
#include "parquet/bool_column_writer.h"
#include "parquet/byte_array_column_writer.h"
#include "parquet/fixed_width_column_writer.h"
#include "parquet/rle_encoder.h"

namespace de::parquet {

ColumnWriter::ColumnWriter(const ColumnDescriptor& descriptor, const WriterOptions& options,
                           PageCompression compression)
    : descriptor_(descriptor), options_(options), pages_(compression) {
  const auto& bloom_columns = options.bloom_filter_columns;
  if (std::find(bloom_columns.begin(), bloom_columns.end(), descriptor.name) !=
      bloom_columns.end()) {
    bloom_ = std::make_unique<BloomFilterBuilder>();
  }
}

Status ColumnWriter::Finish() { return FinishValues(); }

Status ColumnWriter::Flush(OutputStream* sink, int64_t offset, format::ColumnChunk* chunk,
                           ChunkIndexes* indexes) {
  format::ColumnMetaData& meta = chunk->meta_data;
  meta.type = descriptor_.physical;
  meta.path_in_schema = {descriptor_.name};
  meta.num_values = chunk_rows_;
  RETURN_IF_ERROR(pages_.Flush(sink, offset, !descriptor_.required, &meta,
                               options_.page_index ? &offset_index_.page_locations : nullptr));
  format::Statistics stats;
  stats.null_count = chunk_nulls_;
  FillStatistics(&stats);
  meta.statistics = std::move(stats);
  indexes->column_index.clear();
  indexes->offset_index.clear();
  indexes->bloom_filter.clear();
  if (options_.page_index) {
    format::SerializeOffsetIndex(offset_index_, &indexes->offset_index);
    if (column_index_valid_) {
      column_index_.boundary_order = PageOrder();
      format::SerializeColumnIndex(column_index_, &indexes->column_index);
    }
    column_index_ = {};
    column_index_valid_ = true;
  }
  if (bloom_) {
    bloom_->Build(options_.bloom_filter_fpp, options_.bloom_filter_max_bytes,
                  &indexes->bloom_filter);
  }
  chunk_rows_ = 0;
  chunk_nulls_ = 0;
  ResetChunk();
  return Status::Ok();
}

void ColumnWriter::IndexPage() {
  std::string min, max;
  const bool bounded = TakePageBounds(&min, &max);
  const bool null_page = static_cast<int64_t>(page_rows_) == page_nulls_;
  if (!bounded && !null_page) column_index_valid_ = false;
  if (!column_index_valid_) return;
  column_index_.null_pages.push_back(null_page);
  column_index_.min_values.push_back(null_page ? std::string() : std::move(min));
  column_index_.max_values.push_back(null_page ? std::string() : std::move(max));
  column_index_.null_counts.push_back(page_nulls_);
}

format::BoundaryOrder ColumnWriter::PageOrder() const {
  const format::ColumnIndex& index = column_index_;
  bool ascending = true, descending = true;
  const std::string* min = nullptr;
  const std::string* max = nullptr;
  for (size_t i = 0; i < index.null_pages.size(); ++i) {
    if (index.null_pages[i]) continue;
    if (min != nullptr) {
      const int by_min = CompareBounds(*min, index.min_values[i]);
      const int by_max = CompareBounds(*max, index.max_values[i]);
      ascending &= by_min <= 0 && by_max <= 0;
      descending &= by_min >= 0 && by_max >= 0;
    }
    min = &index.min_values[i];
    max = &index.max_values[i];
  }
  if (ascending) return format::BoundaryOrder::kAscending;
  if (descending) return format::BoundaryOrder::kDescending;
  return format::BoundaryOrder::kUnordered;
}

void ColumnWriter::AppendRows(const ColumnVector& column, size_t offset, size_t count) {
  if (count == 0) return;
  if (!descriptor_.required) {
    levels_.ResizeZeroed((page_rows_ + count + 7) / 8);
    CopyBits(column.validity(), offset, levels_.data(), page_rows_, count);
    if (column.null_count() != 0) {
      const auto nulls =
          static_cast<int64_t>(count - CountSetBits(column.validity(), offset, count));
      chunk_nulls_ += nulls;
      page_nulls_ += nulls;
    }
  }
  page_rows_ += count;
  chunk_rows_ += static_cast<int64_t>(count);
}

Status ColumnWriter::WritePage(format::Encoding encoding, std::string_view values) {
  std::string_view levels;
  if (!descriptor_.required) {
    encoded_levels_.Clear();
    encoded_levels_.Extend(4);
    EncodeBitLevels(levels_.data(), page_rows_, &encoded_levels_);
    StoreLe32(encoded_levels_.data(), static_cast<uint32_t>(encoded_levels_.size() - 4));
    levels = encoded_levels_.view();
  }
  RETURN_IF_ERROR(pages_.WriteDataPage(static_cast<int32_t>(page_rows_), encoding, levels, values));
  if (options_.page_index) IndexPage();
  page_rows_ = 0;
  page_nulls_ = 0;
  levels_.Clear();
  return Status::Ok();
}

DictionaryColumnWriter::DictionaryColumnWriter(const ColumnDescriptor& descriptor,
                                               const WriterOptions& options,
                                               PageCompression compression)
    : ColumnWriter(descriptor, options, compression), dictionary_active_(options.dictionary) {}

size_t DictionaryColumnWriter::PlainTarget() const {
  if (!dictionary_active_) return options_.data_page_size;
  return std::max<size_t>(1, std::min(options_.data_page_size, options_.dictionary_page_limit / 2));
}

size_t DictionaryColumnWriter::NextPlainCheckpoint() const {
  if (!dictionary_active_) return options_.data_page_size;
  const size_t target = PlainTarget();
  return page_plain_bytes_ < target / 8 ? target / 8 : target;
}

size_t DictionaryColumnWriter::RowsUntilPageFull(size_t count, size_t plain_bytes_per_row) const {
  const size_t page_size = options_.data_page_size;
  size_t rows = std::min(count, kMaxPageRows - page_rows());
  if (!dictionary_active_ || !dictionary_proven_) {
    const size_t target = NextPlainCheckpoint();
    const size_t used = plain_bytes();
    const size_t by_plain = used >= target ? 1 : (target - used - 1) / plain_bytes_per_row + 1;
    rows = std::min(rows, by_plain);
  }
  if (dictionary_active_) {
    // Assume every row adds an entry: the widest indices these rows can need.
    const size_t width = static_cast<size_t>(IndexBitWidth(DictionaryEntries() + rows));
    const size_t used = index_count() * width / 8;
    rows = std::min(rows, used >= page_size ? 1 : (page_size - used) * 8 / width + 1);
  }
  return std::max<size_t>(rows, 1);
}

bool DictionaryColumnWriter::PageFull() const {
  if (page_rows() >= kMaxPageRows) return true;
  if (!dictionary_active_) return values_.size() >= options_.data_page_size;
  const size_t width = static_cast<size_t>(IndexBitWidth(DictionaryEntries()));
  return index_count() * width / 8 >= options_.data_page_size;
}

Status DictionaryColumnWriter::FlushPageIfFull() {
  if (dictionary_active_ && !dictionary_proven_ && pages_.dictionary_encoded_pages() == 0) {
    const size_t target = PlainTarget();
    // Early out for values that are nearly all distinct: the entries alone already take 7/8 of
    // the PLAIN size after an eighth of the sample (of at least 1024 values).
    if (page_plain_bytes_ >= target / 8 && page_plain_bytes_ < target && index_count() >= 1024 &&
        DictionaryBytes() * 8 >= page_plain_bytes_ * 7) {
      return AbandonDictionary();
    }
    if (page_plain_bytes_ >= target) {
      if (!DictionaryPaysOff()) return AbandonDictionary();
      dictionary_proven_ = true;
    }
  }
  return PageFull() ? FlushPage() : Status::Ok();
}

bool DictionaryColumnWriter::DictionaryPaysOff() const {
  const size_t width = static_cast<size_t>(IndexBitWidth(DictionaryEntries()));
  return DictionaryBytes() + (index_count() * width + 7) / 8 < page_plain_bytes_;
}

Status DictionaryColumnWriter::FlushPage() {
  if (page_rows() == 0) return Status::Ok();
  if (!dictionary_active_) {
    RETURN_IF_ERROR(WritePage(format::Encoding::kPlain, values_.view()));
    values_.Clear();
    return Status::Ok();
  }
  if (index_count() == 0) return WritePage(format::Encoding::kPlain, {});  // only NULLs
  if (pages_.dictionary_encoded_pages() == 0 && !dictionary_proven_ && !DictionaryPaysOff()) {
    return AbandonDictionary();
  }
  return WriteIndexPage();
}

Status DictionaryColumnWriter::AbandonDictionary() {
  DecodeIndices(reinterpret_cast<const uint32_t*>(indices_.data()), index_count(), &values_);
  indices_.Clear();
  page_plain_bytes_ = 0;
  ClearDictionary();
  dictionary_active_ = false;
  return FlushPage();
}

Status DictionaryColumnWriter::WriteIndexPage() {
  const int width = IndexBitWidth(DictionaryEntries());
  encoded_.Clear();
  encoded_.PushBack(static_cast<uint8_t>(width));
  EncodeRleBitPackedHybrid(reinterpret_cast<const uint32_t*>(indices_.data()), index_count(), width,
                           &encoded_);
  RETURN_IF_ERROR(WritePage(format::Encoding::kRleDictionary, encoded_.view()));
  indices_.Clear();
  page_plain_bytes_ = 0;
  return Status::Ok();
}

Status DictionaryColumnWriter::FallBackToPlain() {
  if (page_rows() > 0) {
    if (index_count() == 0) {
      RETURN_IF_ERROR(WritePage(format::Encoding::kPlain, {}));
    } else {
      RETURN_IF_ERROR(WriteIndexPage());
    }
  }
  if (pages_.dictionary_encoded_pages() > 0) {
    RETURN_IF_ERROR(
        pages_.WriteDictionaryPage(static_cast<int32_t>(DictionaryEntries()), DictionaryPlain()));
  }
  ClearDictionary();
  dictionary_active_ = false;
  return Status::Ok();
}

Status DictionaryColumnWriter::FinishValues() {
  RETURN_IF_ERROR(FlushPage());
  if (dictionary_active_ && pages_.dictionary_encoded_pages() > 0) {
    RETURN_IF_ERROR(
        pages_.WriteDictionaryPage(static_cast<int32_t>(DictionaryEntries()), DictionaryPlain()));
  }
  return Status::Ok();
}

void DictionaryColumnWriter::ResetChunk() {
  ClearDictionary();
  dictionary_active_ = options_.dictionary;
  dictionary_proven_ = false;
  values_.Clear();
  indices_.Clear();
  page_plain_bytes_ = 0;
}

uint64_t DictionaryColumnWriter::PendingBytes() const {
  if (!dictionary_active_) return values_.size();
  const size_t width = static_cast<size_t>(IndexBitWidth(DictionaryEntries()));
  return index_count() * width / 8 + DictionaryBytes();
}

namespace {

template <typename Traits>
std::unique_ptr<ColumnWriter> MakeFixed(const ColumnDescriptor& descriptor,
                                        const WriterOptions& options, PageCompression compression,
                                        Traits traits) {
  return std::make_unique<FixedWidthColumnWriter<Traits>>(descriptor, options, compression, traits);
}

}  // namespace

std::unique_ptr<ColumnWriter> MakeColumnWriter(const ColumnDescriptor& descriptor,
                                               const WriterOptions& options,
                                               PageCompression compression) {
  const ColumnDescriptor& d = descriptor;
  const int precision = d.type.precision;
  switch (d.type.id) {
    case TypeId::kBool:
      return std::make_unique<BoolColumnWriter>(d, options, compression);
    case TypeId::kInt16:
      return MakeFixed(d, options, compression, IntegerTraits<int16_t, int32_t>{});
    case TypeId::kInt32:
    case TypeId::kDate:
      return MakeFixed(d, options, compression, IntegerTraits<int32_t, int32_t>{});
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      return MakeFixed(d, options, compression, IntegerTraits<int64_t, int64_t>{});
    case TypeId::kFloat:
      return MakeFixed(d, options, compression, FloatTraits<float>{});
    case TypeId::kDouble:
      return MakeFixed(d, options, compression, FloatTraits<double>{});
    case TypeId::kDecimal:
      if (precision <= 9) {
        return MakeFixed(d, options, compression, Decimal64Traits<int32_t>(precision));
      }
      if (precision <= 18) {
        return MakeFixed(d, options, compression, Decimal64Traits<int64_t>(precision));
      }
      return MakeFixed(d, options, compression, Decimal128Traits{d.type_length, precision});
    case TypeId::kString:
    case TypeId::kJson:
    case TypeId::kBinary:
      return std::make_unique<ByteArrayColumnWriter>(d, options, compression);
    case TypeId::kUuid:
      return MakeFixed(d, options, compression, UuidTraits{});
  }
  return nullptr;
}

}  // namespace de::parquet
