#include "parquet/byte_array_column_writer.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "parquet/bit_util.h"
#include "parquet/xxhash64.h"

namespace de::parquet {
namespace {

std::string_view ValueAt(const uint32_t* offsets, const char* arena, size_t row) {
  return {arena + offsets[row], offsets[row + 1] - offsets[row]};
}

}  // namespace

Status ByteArrayColumnWriter::Append(const ColumnVector& column, size_t offset, size_t count) {
  while (count > 0) {
    size_t rows = RowsUntilPageFull(column, offset, count);
    if (dictionary_active_) {
      const size_t encoded = EncodeIndices(column, offset, rows);
      AppendRows(column, offset, encoded);
      if (encoded < rows) {
        rows = encoded;
        RETURN_IF_ERROR(FallBackToPlain());
      }
    } else {
      EncodePlain(column, offset, rows);
      AppendRows(column, offset, rows);
    }
    RETURN_IF_ERROR(FlushPageIfFull());
    offset += rows;
    count -= rows;
  }
  return Status::Ok();
}

size_t ByteArrayColumnWriter::RowsUntilPageFull(const ColumnVector& column, size_t offset,
                                                size_t count) const {
  // Every row takes at least its 4 length bytes, so this bounds the PLAIN room from above.
  const size_t limit = DictionaryColumnWriter::RowsUntilPageFull(count, 4);
  if (dictionary_active_ && dictionary_proven_) return limit;
  // PLAIN bytes of rows [offset, offset + r), counting 4 length bytes for NULL rows too.
  const size_t used = plain_bytes();
  const size_t target = NextPlainCheckpoint();
  const uint32_t* offsets = column.offsets();
  auto bytes = [&](size_t r) { return used + offsets[offset + r] - offsets[offset] + 4 * r; };
  if (bytes(limit) < target) return limit;
  size_t lo = 1, hi = limit;  // smallest r with bytes(r) >= target
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if (bytes(mid) >= target) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return lo;
}

size_t ByteArrayColumnWriter::EncodeIndices(const ColumnVector& column, size_t offset,
                                            size_t rows) {
  const uint32_t* offsets = column.offsets();
  const char* arena = column.arena();
  const uint8_t* validity = column.validity();
  const bool has_nulls = column.null_count() != 0;
  const size_t limit = options_.dictionary_page_limit;
  const bool page_bounds = page_index();
  BloomFilterBuilder* const filter = bloom();
  uint32_t* out = AppendIndices(rows);
  size_t n = 0;
  uint64_t plain_bytes = 0;
  std::string_view min, max;  // of the page's values here, when page_bounds
  size_t row = offset;
  for (; row < offset + rows; ++row) {
    if (has_nulls && !GetBit(validity, row)) continue;
    const std::string_view value = ValueAt(offsets, arena, row);
    ByteArrayDictionary::Slot slot;
    int64_t index = dictionary_.Find(value, &slot);
    if (index < 0) {
      if (dictionary_.plain().size() + 4 + value.size() > limit) break;
      index = dictionary_.Insert(value, slot);
      stats_.Update(value);
      if (filter != nullptr) filter->Add(XxHash64(value));
    }
    if (page_bounds) {
      if (n == 0) {
        min = max = value;
      } else if (value < min) {
        min = value;
      } else if (value > max) {
        max = value;
      }
    }
    out[n++] = static_cast<uint32_t>(index);
    plain_bytes += 4 + value.size();
  }
  TrimIndices(index_count() - (rows - n));
  page_plain_bytes_ += plain_bytes;
  if (page_bounds && n != 0) page_stats_.Update(min, max);
  return row - offset;
}

void ByteArrayColumnWriter::EncodePlain(const ColumnVector& column, size_t offset, size_t rows) {
  const uint32_t* offsets = column.offsets();
  const char* arena = column.arena();
  const uint8_t* validity = column.validity();
  const bool has_nulls = column.null_count() != 0;
  const size_t start = values_.size();
  values_.Reserve(start + offsets[offset + rows] - offsets[offset] + 4 * rows);
  uint8_t* p = values_.data() + start;
  BloomFilterBuilder* const filter = bloom();
  std::string_view min, max;
  bool any = false;
  for (size_t row = offset; row < offset + rows; ++row) {
    if (has_nulls && !GetBit(validity, row)) continue;
    const std::string_view value = ValueAt(offsets, arena, row);
    if (filter != nullptr) filter->Add(XxHash64(value));
    const auto length = static_cast<uint32_t>(value.size());
    std::memcpy(p, &length, 4);
    if (length != 0) std::memcpy(p + 4, value.data(), length);  // data() is null for ""
    p += 4 + length;
    if (!any) {
      min = max = value;
      any = true;
    } else if (value < min) {
      min = value;
    } else if (value > max) {
      max = value;
    }
  }
  values_.Resize(static_cast<size_t>(p - values_.data()));
  if (any) {
    stats_.Update(min, max);
    if (page_index()) page_stats_.Update(min, max);
  }
}

void ByteArrayColumnWriter::DecodeIndices(const uint32_t* indices, size_t count, ByteBuffer* out) {
  for (size_t i = 0; i < count; ++i) {
    const std::string_view value = dictionary_.Value(indices[i]);
    const auto length = static_cast<uint32_t>(value.size());
    uint8_t* p = out->Extend(4 + value.size());
    std::memcpy(p, &length, 4);
    if (length != 0) std::memcpy(p + 4, value.data(), length);
  }
}

void ByteArrayColumnWriter::FillStatistics(format::Statistics* stats) const {
  SetByteArrayBounds(stats_, options_.max_statistics_bytes, descriptor_.is_utf8(), stats);
}

bool ByteArrayColumnWriter::TakePageBounds(std::string* min, std::string* max) {
  if (!page_stats_.has_value()) return false;
  const size_t limit = options_.max_statistics_bytes;
  const bool utf8 = descriptor_.is_utf8();
  *min = TruncateMin(page_stats_.min(), limit, utf8);
  // No shorter upper bound exists for a prefix of 0xFF bytes: the whole value is the bound.
  std::optional<std::string> upper = TruncateMax(page_stats_.max(), limit, utf8);
  *max = upper ? std::move(*upper) : page_stats_.max();
  page_stats_.Reset();
  return true;
}

void ByteArrayColumnWriter::ResetChunk() {
  DictionaryColumnWriter::ResetChunk();
  stats_.Reset();
}

}  // namespace de::parquet
