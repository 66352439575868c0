#include "parquet/bool_column_writer.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "parquet/bit_util.h"
#include "parquet/statistics.h"

namespace de::parquet {

Status BoolColumnWriter::Append(const ColumnVector& column, size_t offset, size_t count) {
  const auto* all = column.values<uint8_t>();
  const uint8_t* validity = column.validity();
  while (count > 0) {
    const size_t used = bits_.size();
    const size_t room = used >= options_.data_page_size ? 1 : (options_.data_page_size - used) * 8;
    const size_t rows = std::max<size_t>(1, std::min({count, room, kMaxPageRows - page_rows()}));
    if (column.null_count() == 0) {
      AppendBits(all + offset, rows);
    } else {
      staging_.Resize(rows);
      size_t n = 0;
      for (size_t row = offset; row < offset + rows; ++row) {
        staging_.data()[n] = all[row];
        n += GetBit(validity, row);
      }
      AppendBits(staging_.data(), n);
    }
    AppendRows(column, offset, rows);
    if (page_rows() >= kMaxPageRows || bits_.size() >= options_.data_page_size) {
      RETURN_IF_ERROR(FlushPage());
    }
    offset += rows;
    count -= rows;
  }
  return Status::Ok();
}

void BoolColumnWriter::AppendBits(const uint8_t* values, size_t n) {
  if (n == 0) return;
  // Pack into a scratch bitmap from bit 0, eight values per multiply: byte i of the 64-bit word
  // (0 or 1) lands on bit 56 + i of the product with 0x0102040810204080.
  const size_t bytes = (n + 7) / 8;
  packed_.Resize(bytes);
  uint8_t* out = packed_.data();
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t word;
    std::memcpy(&word, values + i, 8);
    out[i / 8] =
        static_cast<uint8_t>(((word & 0x0101010101010101ull) * 0x0102040810204080ull) >> 56);
  }
  if (i < n) {
    uint8_t last = 0;
    for (size_t j = i; j < n; ++j) last |= static_cast<uint8_t>((values[j] & 1) << (j - i));
    out[i / 8] = last;
  }
  size_t ones = 0;
  for (size_t b = 0; b < bytes; ++b) ones += static_cast<size_t>(std::popcount(out[b]));
  page_true_ |= ones > 0;
  page_false_ |= ones < n;
  any_true_ |= page_true_;
  any_false_ |= page_false_;
  bits_.ResizeZeroed((bit_count_ + n + 7) / 8);
  CopyBits(out, 0, bits_.data(), bit_count_, n);
  bit_count_ += n;
}

Status BoolColumnWriter::FinishValues() { return FlushPage(); }

Status BoolColumnWriter::FlushPage() {
  if (page_rows() == 0) return Status::Ok();
  RETURN_IF_ERROR(WritePage(format::Encoding::kPlain, bits_.view()));
  bits_.Clear();
  bit_count_ = 0;
  return Status::Ok();
}

void BoolColumnWriter::FillStatistics(format::Statistics* stats) const {
  if (!any_true_ && !any_false_) return;
  SetExactBounds(std::string(1, any_false_ ? '\0' : '\1'), std::string(1, any_true_ ? '\1' : '\0'),
                 stats);
}

bool BoolColumnWriter::TakePageBounds(std::string* min, std::string* max) {
  const bool bounded = page_true_ || page_false_;
  if (bounded) {
    min->assign(1, page_false_ ? '\0' : '\1');
    max->assign(1, page_true_ ? '\1' : '\0');
  }
  page_true_ = page_false_ = false;
  return bounded;
}

void BoolColumnWriter::ResetChunk() {
  any_true_ = any_false_ = false;
  bits_.Clear();
  bit_count_ = 0;
}

}  // namespace de::parquet
