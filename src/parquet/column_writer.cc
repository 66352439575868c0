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
                           Compressor* compressor)
    : descriptor_(descriptor), options_(options), pages_(options.codec, compressor) {}

Status ColumnWriter::Finish() { return FinishValues(); }

Status ColumnWriter::Flush(OutputStream* sink, int64_t offset, format::ColumnChunk* chunk) {
  format::ColumnMetaData& meta = chunk->meta_data;
  meta.type = descriptor_.physical;
  meta.path_in_schema = {descriptor_.name};
  meta.num_values = chunk_rows_;
  RETURN_IF_ERROR(pages_.Flush(sink, offset, !descriptor_.required, &meta));
  format::Statistics stats;
  stats.null_count = chunk_nulls_;
  FillStatistics(&stats);
  meta.statistics = std::move(stats);
  chunk_rows_ = 0;
  chunk_nulls_ = 0;
  ResetChunk();
  return Status::Ok();
}

void ColumnWriter::AppendRows(const ColumnVector& column, size_t offset, size_t count) {
  if (count == 0) return;
  if (!descriptor_.required) {
    levels_.ResizeZeroed((page_rows_ + count + 7) / 8);
    CopyBits(column.validity(), offset, levels_.data(), page_rows_, count);
    if (column.null_count() != 0) {
      chunk_nulls_ += static_cast<int64_t>(count - CountSetBits(column.validity(), offset, count));
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
  page_rows_ = 0;
  levels_.Clear();
  return Status::Ok();
}

DictionaryColumnWriter::DictionaryColumnWriter(const ColumnDescriptor& descriptor,
                                               const WriterOptions& options, Compressor* compressor)
    : ColumnWriter(descriptor, options, compressor), dictionary_active_(options.dictionary) {}

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
                                        const WriterOptions& options, Compressor* compressor,
                                        Traits traits) {
  return std::make_unique<FixedWidthColumnWriter<Traits>>(descriptor, options, compressor, traits);
}

}  // namespace

std::unique_ptr<ColumnWriter> MakeColumnWriter(const ColumnDescriptor& descriptor,
                                               const WriterOptions& options,
                                               Compressor* compressor) {
  const ColumnDescriptor& d = descriptor;
  const int precision = d.type.precision;
  switch (d.type.id) {
    case TypeId::kBool:
      return std::make_unique<BoolColumnWriter>(d, options, compressor);
    case TypeId::kInt16:
      return MakeFixed(d, options, compressor, IntegerTraits<int16_t, int32_t>{});
    case TypeId::kInt32:
    case TypeId::kDate:
      return MakeFixed(d, options, compressor, IntegerTraits<int32_t, int32_t>{});
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      return MakeFixed(d, options, compressor, IntegerTraits<int64_t, int64_t>{});
    case TypeId::kFloat:
      return MakeFixed(d, options, compressor, FloatTraits<float>{});
    case TypeId::kDouble:
      return MakeFixed(d, options, compressor, FloatTraits<double>{});
    case TypeId::kDecimal:
      if (precision <= 9) {
        return MakeFixed(d, options, compressor, Decimal64Traits<int32_t>(precision));
      }
      if (precision <= 18) {
        return MakeFixed(d, options, compressor, Decimal64Traits<int64_t>(precision));
      }
      return MakeFixed(d, options, compressor, Decimal128Traits{d.type_length, precision});
    case TypeId::kString:
    case TypeId::kJson:
    case TypeId::kBinary:
      return std::make_unique<ByteArrayColumnWriter>(d, options, compressor);
    case TypeId::kUuid:
      return MakeFixed(d, options, compressor, UuidTraits{});
  }
  return nullptr;
}

}  // namespace de::parquet
