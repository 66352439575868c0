#include "warehouse/postgres/copy_binary_decoder.h"

#include <algorithm>
#include <cstring>
#include <utility>

namespace de {
namespace {

constexpr char kSignature[] = "PGCOPY\n\377\r\n";  // + the terminating '\0': 11 bytes
constexpr size_t kSignatureSize = 11;
constexpr size_t kHeaderFixedSize = kSignatureSize + 4 + 4;
constexpr int32_t kMaxFieldLength = 1 << 30;  // PostgreSQL's limit for one value (1 GiB)
constexpr uint32_t kOidFlag = 1u << 16;
constexpr uint32_t kCriticalFlags = 0xffffu;

}  // namespace

Result<CopyBinaryDecoder> CopyBinaryDecoder::Create(std::string table,
                                                    std::vector<PgColumn> columns) {
  std::vector<PgValueDecoder> decoders;
  decoders.reserve(columns.size());
  for (const PgColumn& c : columns) {
    ASSIGN_OR_RETURN(PgValueDecoder decoder, PgValueDecoder::Create(table, c));
    decoders.push_back(std::move(decoder));
  }
  return CopyBinaryDecoder(std::move(table), std::move(decoders));
}

CopyBinaryDecoder::CopyBinaryDecoder(std::string table, std::vector<PgValueDecoder> columns)
    : table_(std::move(table)), columns_(std::move(columns)) {}

Status CopyBinaryDecoder::StreamError(std::string_view problem) const {
  return DataLoss("warehouse table '{}', COPY stream after row {}: {}", table_, rows_, problem);
}

Status CopyBinaryDecoder::CheckBatch(const Batch& batch) const {
  if (batch.num_columns() != columns_.size()) {
    return InvalidArgument("batch for warehouse table '{}' has {} columns, the COPY has {}", table_,
                           batch.num_columns(), columns_.size());
  }
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (!(batch.column(i).type() == columns_[i].column().target)) {
      return InvalidArgument(
          "batch column {} of warehouse table '{}' is {}, column '{}' is read "
          "as {}",
          i, table_, batch.column(i).type().ToString(), columns_[i].column().name,
          columns_[i].column().target.ToString());
    }
  }
  return Status::Ok();
}

Result<size_t> CopyBinaryDecoder::Feed(std::string_view chunk, Batch* batch) {
  RETURN_IF_ERROR(CheckBatch(*batch));
  const auto* data = reinterpret_cast<const uint8_t*>(chunk.data());
  const size_t size = chunk.size();
  const size_t rows_before = batch->num_rows();
  size_t rows = 0;
  size_t pos = 0;
  if (!carry_.empty()) {
    ASSIGN_OR_RETURN(rows, FillCarry(data, size, &pos, batch));
  }
  while (pos < size) {
    // Fast path: decode every unit that is whole inside the chunk where it lies.
    ASSIGN_OR_RETURN(Extent extent, Measure(data + pos, size - pos));
    if (extent.complete == 0) {
      carry_.assign(chunk.substr(pos));
      break;
    }
    ASSIGN_OR_RETURN(size_t n, Consume(data + pos, extent.complete, batch));
    rows += n;
    pos += extent.complete;
  }
  RETURN_IF_ERROR(batch->FinishRows(rows_before + rows));
  return rows;
}

Result<size_t> CopyBinaryDecoder::FillCarry(const uint8_t* chunk, size_t size, size_t* pos,
                                            Batch* batch) {
  while (true) {
    const auto* carried = reinterpret_cast<const uint8_t*>(carry_.data());
    ASSIGN_OR_RETURN(Extent extent, Measure(carried, carry_.size()));
    if (extent.complete != 0) {
      if (extent.complete != carry_.size()) {
        return Internal("COPY decoder carried {} bytes for a unit of {}", carry_.size(),
                        extent.complete);
      }
      ASSIGN_OR_RETURN(size_t n, Consume(carried, extent.complete, batch));
      carry_.clear();
      return n;
    }
    if (*pos == size) return size_t{0};
    size_t take = std::min(extent.needed - carry_.size(), size - *pos);
    carry_.append(reinterpret_cast<const char*>(chunk + *pos), take);
    *pos += take;
  }
}

Status CopyBinaryDecoder::Finish() const {
  switch (stage_) {
    case Stage::kDone:
      return Status::Ok();
    case Stage::kHeader:
      return StreamError(
          fmt::format("stream truncated in its header ({} bytes received)", carry_.size()));
    case Stage::kTuples:
      if (!carry_.empty()) {
        return StreamError(fmt::format("stream truncated inside row {} ({} bytes received)",
                                       rows_ + 1, carry_.size()));
      }
      return StreamError("stream truncated before its trailer");
  }
  return Status::Ok();
}

Result<CopyBinaryDecoder::Extent> CopyBinaryDecoder::Measure(const uint8_t* data,
                                                             size_t size) const {
  switch (stage_) {
    case Stage::kHeader:
      return MeasureHeader(data, size);
    case Stage::kTuples:
      return MeasureTuple(data, size);
    case Stage::kDone:
      break;
  }
  return StreamError(fmt::format("{} bytes after the trailer", size));
}

Result<CopyBinaryDecoder::Extent> CopyBinaryDecoder::MeasureHeader(const uint8_t* data,
                                                                   size_t size) const {
  if (std::memcmp(data, kSignature, std::min(size, kSignatureSize)) != 0) {
    return StreamError("not a binary COPY stream (wrong signature)");
  }
  if (size < kHeaderFixedSize) return Extent{0, kHeaderFixedSize};
  int32_t extension = PgReadI32(data + kSignatureSize + 4);
  if (extension < 0) {
    return StreamError(fmt::format("negative header extension length {}", extension));
  }
  size_t total = kHeaderFixedSize + static_cast<size_t>(extension);
  return size >= total ? Extent{total, 0} : Extent{0, total};
}

Result<CopyBinaryDecoder::Extent> CopyBinaryDecoder::MeasureTuple(const uint8_t* data,
                                                                  size_t size) const {
  if (size < 2) return Extent{0, 2};
  int16_t fields = PgReadI16(data);
  if (fields == -1) return Extent{2, 0};  // trailer
  if (fields < 0 || static_cast<size_t>(fields) != columns_.size()) {
    return DataLoss("warehouse table '{}', row {} of the COPY stream has {} fields, expected {}",
                    table_, rows_ + 1, fields, columns_.size());
  }
  size_t offset = 2;
  for (const PgValueDecoder& column : columns_) {
    if (size < offset + 4) return Extent{0, offset + 4};
    int32_t length = PgReadI32(data + offset);
    offset += 4;
    if (length == -1) continue;
    if (length < 0 || length > kMaxFieldLength) {
      return DataLoss(
          "warehouse table '{}', column '{}', row {} of the COPY stream: bad field "
          "length {}",
          table_, column.column().name, rows_ + 1, length);
    }
    offset += static_cast<size_t>(length);
    if (offset > size) return Extent{0, offset};
  }
  return Extent{offset, 0};
}

Result<size_t> CopyBinaryDecoder::Consume(const uint8_t* data, size_t length, Batch* batch) {
  if (stage_ == Stage::kHeader) {
    RETURN_IF_ERROR(DecodeHeader(data));
    stage_ = Stage::kTuples;
    return size_t{0};
  }
  if (length == 2 && PgReadI16(data) == -1) {
    stage_ = Stage::kDone;
    return size_t{0};
  }
  RETURN_IF_ERROR(DecodeTuple(data, batch));
  return size_t{1};
}

Status CopyBinaryDecoder::DecodeHeader(const uint8_t* data) {
  uint32_t flags = PgReadU32(data + kSignatureSize);
  if (flags & kOidFlag) return StreamError("the stream includes OIDs (not supported)");
  if (flags & kCriticalFlags) {
    return StreamError(fmt::format("unknown critical header flags 0x{:04x}", flags & 0xffff));
  }
  return Status::Ok();
}

Status CopyBinaryDecoder::DecodeTuple(const uint8_t* data, Batch* batch) {
  ++rows_;
  const uint8_t* p = data + 2;
  for (size_t i = 0; i < columns_.size(); ++i) {
    int32_t length = PgReadI32(p);
    p += 4;
    ColumnVector& out = batch->column(i);
    if (length == -1) {
      out.AppendNull();
      continue;
    }
    Status status = columns_[i].Append(p, length, &out);
    if (!status.ok()) {
      return DataLoss("warehouse table '{}', column '{}', row {} of the COPY stream: {}", table_,
                      columns_[i].column().name, rows_, status.message());
    }
    p += length;
  }
  return Status::Ok();
}

}  // namespace de
