#include "warehouse/postgres/copy_binary_decoder.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <limits>
#include <utility>

#include "warehouse/postgres/pg_binary_value.h"

namespace de {

enum class CopyBinaryDecoder::Conversion : uint8_t {
  kBool,
  kInt2ToInt16,
  kInt2ToInt32,
  kInt2ToInt64,
  kInt4ToInt32,
  kInt4ToInt64,
  kInt8ToInt64,
  kFloat4ToFloat,
  kFloat4ToDouble,
  kFloat8ToDouble,
  kNumericToDecimal64,
  kNumericToDecimal128,
  kNumericToString,
  kNumericToDouble,
  kBytes,  // text, json, bytea: the bytes as sent
  kJsonbToText,
  kUuidToUuid,
  kUuidToString,
  kDate,
  kTimestamp,
  kTimeToInt64,
  kTimeToString,
};

namespace {

using Conversion = CopyBinaryDecoder::Conversion;

constexpr char kSignature[] = "PGCOPY\n\377\r\n";  // + the terminating '\0': 11 bytes
constexpr size_t kSignatureSize = 11;
constexpr size_t kHeaderFixedSize = kSignatureSize + 4 + 4;
constexpr int32_t kMaxFieldLength = 1 << 30;  // PostgreSQL's limit for one value (1 GiB)
constexpr uint32_t kOidFlag = 1u << 16;
constexpr uint32_t kCriticalFlags = 0xffffu;

constexpr int32_t kUnixEpochDays = 10957;                 // 1970-01-01 → 2000-01-01
constexpr int64_t kUnixEpochMicros = 946684800000000;     // same, in µs
constexpr int64_t kMicrosPerDay = 86400LL * 1000 * 1000;  // time's upper bound, 24:00:00
std::optional<Conversion> ChooseConversion(PgType pg, const DataType& t) {
  switch (pg) {
    case PgType::kBool:
      if (t.id == TypeId::kBool) return Conversion::kBool;
      break;
    case PgType::kInt2:
      if (t.id == TypeId::kInt16) return Conversion::kInt2ToInt16;
      if (t.id == TypeId::kInt32) return Conversion::kInt2ToInt32;
      if (t.id == TypeId::kInt64) return Conversion::kInt2ToInt64;
      break;
    case PgType::kInt4:
      if (t.id == TypeId::kInt32) return Conversion::kInt4ToInt32;
      if (t.id == TypeId::kInt64) return Conversion::kInt4ToInt64;
      break;
    case PgType::kInt8:
      if (t.id == TypeId::kInt64) return Conversion::kInt8ToInt64;
      break;
    case PgType::kFloat4:
      if (t.id == TypeId::kFloat) return Conversion::kFloat4ToFloat;
      if (t.id == TypeId::kDouble) return Conversion::kFloat4ToDouble;
      break;
    case PgType::kFloat8:
      if (t.id == TypeId::kDouble) return Conversion::kFloat8ToDouble;
      break;
    case PgType::kNumeric:
      if (t.id == TypeId::kDecimal && t.precision >= 1 && t.precision <= 38 &&
          t.scale <= t.precision) {
        return t.precision <= 18 ? Conversion::kNumericToDecimal64
                                 : Conversion::kNumericToDecimal128;
      }
      if (t.id == TypeId::kString) return Conversion::kNumericToString;
      if (t.id == TypeId::kDouble) return Conversion::kNumericToDouble;
      break;
    case PgType::kText:
      if (t.id == TypeId::kString) return Conversion::kBytes;
      break;
    case PgType::kJson:
      if (t.id == TypeId::kJson || t.id == TypeId::kString) return Conversion::kBytes;
      break;
    case PgType::kJsonb:
      if (t.id == TypeId::kJson || t.id == TypeId::kString) return Conversion::kJsonbToText;
      break;
    case PgType::kBytea:
      if (t.id == TypeId::kBinary) return Conversion::kBytes;
      break;
    case PgType::kUuid:
      if (t.id == TypeId::kUuid) return Conversion::kUuidToUuid;
      if (t.id == TypeId::kString) return Conversion::kUuidToString;
      break;
    case PgType::kDate:
      if (t.id == TypeId::kDate) return Conversion::kDate;
      break;
    case PgType::kTimestamp:
      if (t.id == TypeId::kTimestamp && !t.utc) return Conversion::kTimestamp;
      break;
    case PgType::kTimestamptz:
      if (t.id == TypeId::kTimestamp && t.utc) return Conversion::kTimestamp;
      break;
    case PgType::kTime:
      if (t.id == TypeId::kInt64) return Conversion::kTimeToInt64;
      if (t.id == TypeId::kString) return Conversion::kTimeToString;
      break;
  }
  return std::nullopt;
}

Status CheckLength(int32_t length, int32_t expected, PgType type) {
  if (length == expected) return Status::Ok();
  return DataLoss("a {} value must be {} bytes, the stream has {}", PgTypeName(type), expected,
                  length);
}

Status Infinity(bool positive, PgType type) {
  return DataLoss("value '{}' ({}) cannot be exported", positive ? "infinity" : "-infinity",
                  PgTypeName(type));
}

}  // namespace

std::optional<PgType> PgTypeFromOid(uint32_t oid) {
  switch (oid) {
    case 16:
      return PgType::kBool;
    case 17:
      return PgType::kBytea;
    case 19:
      return PgType::kText;  // name
    case 20:
      return PgType::kInt8;
    case 21:
      return PgType::kInt2;
    case 23:
      return PgType::kInt4;
    case 25:
      return PgType::kText;
    case 114:
      return PgType::kJson;
    case 700:
      return PgType::kFloat4;
    case 701:
      return PgType::kFloat8;
    case 1042:
      return PgType::kText;  // bpchar
    case 1043:
      return PgType::kText;  // varchar
    case 1082:
      return PgType::kDate;
    case 1083:
      return PgType::kTime;
    case 1114:
      return PgType::kTimestamp;
    case 1184:
      return PgType::kTimestamptz;
    case 1700:
      return PgType::kNumeric;
    case 2950:
      return PgType::kUuid;
    case 3802:
      return PgType::kJsonb;
    default:
      return std::nullopt;
  }
}

std::string_view PgTypeName(PgType type) {
  switch (type) {
    case PgType::kBool:
      return "boolean";
    case PgType::kInt2:
      return "smallint";
    case PgType::kInt4:
      return "integer";
    case PgType::kInt8:
      return "bigint";
    case PgType::kFloat4:
      return "real";
    case PgType::kFloat8:
      return "double precision";
    case PgType::kNumeric:
      return "numeric";
    case PgType::kText:
      return "text";
    case PgType::kJson:
      return "json";
    case PgType::kJsonb:
      return "jsonb";
    case PgType::kBytea:
      return "bytea";
    case PgType::kUuid:
      return "uuid";
    case PgType::kDate:
      return "date";
    case PgType::kTimestamp:
      return "timestamp";
    case PgType::kTimestamptz:
      return "timestamptz";
    case PgType::kTime:
      return "time";
  }
  return "?";
}

Result<CopyBinaryDecoder> CopyBinaryDecoder::Create(std::string table,
                                                    std::vector<PgColumn> columns) {
  std::vector<Column> decoded;
  decoded.reserve(columns.size());
  for (PgColumn& c : columns) {
    std::optional<Conversion> conversion = ChooseConversion(c.pg_type, c.target);
    if (!conversion) {
      return InvalidArgument(
          "warehouse table '{}', column '{}': PostgreSQL type {} cannot be "
          "read as {}",
          table, c.name, PgTypeName(c.pg_type), c.target.ToString());
    }
    decoded.push_back(Column{std::move(c), *conversion});
  }
  return CopyBinaryDecoder(std::move(table), std::move(decoded));
}

CopyBinaryDecoder::CopyBinaryDecoder(std::string table, std::vector<Column> columns)
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
    if (!(batch.column(i).type() == columns_[i].pg.target)) {
      return InvalidArgument(
          "batch column {} of warehouse table '{}' is {}, column '{}' is read "
          "as {}",
          i, table_, batch.column(i).type().ToString(), columns_[i].pg.name,
          columns_[i].pg.target.ToString());
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
  for (const Column& column : columns_) {
    if (size < offset + 4) return Extent{0, offset + 4};
    int32_t length = PgReadI32(data + offset);
    offset += 4;
    if (length == -1) continue;
    if (length < 0 || length > kMaxFieldLength) {
      return DataLoss(
          "warehouse table '{}', column '{}', row {} of the COPY stream: bad field "
          "length {}",
          table_, column.pg.name, rows_ + 1, length);
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
    Status status = DecodeValue(columns_[i], p, length, &out);
    if (!status.ok()) {
      return DataLoss("warehouse table '{}', column '{}', row {} of the COPY stream: {}", table_,
                      columns_[i].pg.name, rows_, status.message());
    }
    p += length;
  }
  return Status::Ok();
}

Status CopyBinaryDecoder::DecodeValue(const Column& column, const uint8_t* p, int32_t length,
                                      ColumnVector* out) {
  const PgType pg = column.pg.pg_type;
  switch (column.conversion) {
    case Conversion::kBool:
      RETURN_IF_ERROR(CheckLength(length, 1, pg));
      out->Append<uint8_t>(p[0] != 0 ? 1 : 0);
      return Status::Ok();
    case Conversion::kInt2ToInt16:
    case Conversion::kInt2ToInt32:
    case Conversion::kInt2ToInt64: {
      RETURN_IF_ERROR(CheckLength(length, 2, pg));
      int16_t v = PgReadI16(p);
      if (column.conversion == Conversion::kInt2ToInt16) out->Append<int16_t>(v);
      if (column.conversion == Conversion::kInt2ToInt32) out->Append<int32_t>(v);
      if (column.conversion == Conversion::kInt2ToInt64) out->Append<int64_t>(v);
      return Status::Ok();
    }
    case Conversion::kInt4ToInt32:
      RETURN_IF_ERROR(CheckLength(length, 4, pg));
      out->Append<int32_t>(PgReadI32(p));
      return Status::Ok();
    case Conversion::kInt4ToInt64:
      RETURN_IF_ERROR(CheckLength(length, 4, pg));
      out->Append<int64_t>(PgReadI32(p));
      return Status::Ok();
    case Conversion::kInt8ToInt64:
      RETURN_IF_ERROR(CheckLength(length, 8, pg));
      out->Append<int64_t>(PgReadI64(p));
      return Status::Ok();
    case Conversion::kFloat4ToFloat:
    case Conversion::kFloat4ToDouble: {
      RETURN_IF_ERROR(CheckLength(length, 4, pg));
      uint32_t bits = PgReadU32(p);
      float v;
      std::memcpy(&v, &bits, sizeof(v));
      if (column.conversion == Conversion::kFloat4ToFloat) {
        out->Append<float>(v);
      } else {
        out->Append<double>(v);
      }
      return Status::Ok();
    }
    case Conversion::kFloat8ToDouble: {
      RETURN_IF_ERROR(CheckLength(length, 8, pg));
      int64_t bits = PgReadI64(p);
      double v;
      std::memcpy(&v, &bits, sizeof(v));
      out->Append<double>(v);
      return Status::Ok();
    }
    case Conversion::kNumericToDecimal64:
    case Conversion::kNumericToDecimal128: {
      PgNumeric n;
      RETURN_IF_ERROR(ParsePgNumeric(p, length, &n));
      const DataType& t = column.pg.target;
      __int128 unscaled;
      if (!PgNumericUnscaled(n, t.precision, t.scale, &unscaled)) {
        PgNumericText(n, &scratch_);
        return DataLoss("value '{}' does not fit {}", scratch_, t.ToString());
      }
      if (column.conversion == Conversion::kNumericToDecimal64) {
        out->Append<int64_t>(static_cast<int64_t>(unscaled));
      } else {
        out->Append<__int128>(unscaled);
      }
      return Status::Ok();
    }
    case Conversion::kNumericToString:
    case Conversion::kNumericToDouble: {
      PgNumeric n;
      RETURN_IF_ERROR(ParsePgNumeric(p, length, &n));
      PgNumericText(n, &scratch_);
      if (column.conversion == Conversion::kNumericToString) {
        out->AppendBytes(scratch_);
        return Status::Ok();
      }
      double v = 0;
      if (n.sign == kPgNumericNaN) {
        v = std::numeric_limits<double>::quiet_NaN();
      } else if (n.special()) {
        v = n.sign == kPgNumericPlusInf ? std::numeric_limits<double>::infinity()
                                        : -std::numeric_limits<double>::infinity();
      } else {
        auto [end, ec] = std::from_chars(scratch_.data(), scratch_.data() + scratch_.size(), v);
        if (ec != std::errc()) return DataLoss("value '{}' does not fit double", scratch_);
      }
      out->Append<double>(v);
      return Status::Ok();
    }
    case Conversion::kBytes:
      out->AppendBytes({reinterpret_cast<const char*>(p), static_cast<size_t>(length)});
      return Status::Ok();
    case Conversion::kJsonbToText:
      if (length < 1 || p[0] != 1) {
        return DataLoss("unsupported jsonb format version {}", length < 1 ? -1 : int{p[0]});
      }
      out->AppendBytes({reinterpret_cast<const char*>(p + 1), static_cast<size_t>(length - 1)});
      return Status::Ok();
    case Conversion::kUuidToUuid:
      RETURN_IF_ERROR(CheckLength(length, 16, pg));
      out->AppendFixedBytes(p);
      return Status::Ok();
    case Conversion::kUuidToString:
      RETURN_IF_ERROR(CheckLength(length, 16, pg));
      PgUuidText(p, &scratch_);
      out->AppendBytes(scratch_);
      return Status::Ok();
    case Conversion::kDate: {
      RETURN_IF_ERROR(CheckLength(length, 4, pg));
      int32_t days = PgReadI32(p);
      if (days == std::numeric_limits<int32_t>::max()) return Infinity(true, pg);
      if (days == std::numeric_limits<int32_t>::min()) return Infinity(false, pg);
      int32_t unix_days;
      if (__builtin_add_overflow(days, kUnixEpochDays, &unix_days)) {
        return DataLoss("date {} days after 2000-01-01 is out of range", days);
      }
      out->Append<int32_t>(unix_days);
      return Status::Ok();
    }
    case Conversion::kTimestamp: {
      RETURN_IF_ERROR(CheckLength(length, 8, pg));
      int64_t micros = PgReadI64(p);
      if (micros == std::numeric_limits<int64_t>::max()) return Infinity(true, pg);
      if (micros == std::numeric_limits<int64_t>::min()) return Infinity(false, pg);
      int64_t unix_micros;
      if (__builtin_add_overflow(micros, kUnixEpochMicros, &unix_micros)) {
        return DataLoss("{} {} µs after 2000-01-01 is out of range", PgTypeName(pg), micros);
      }
      out->Append<int64_t>(unix_micros);
      return Status::Ok();
    }
    case Conversion::kTimeToInt64:
    case Conversion::kTimeToString: {
      RETURN_IF_ERROR(CheckLength(length, 8, pg));
      int64_t micros = PgReadI64(p);
      if (micros < 0 || micros > kMicrosPerDay) {
        return DataLoss("time of {} µs after midnight is out of range", micros);
      }
      if (column.conversion == Conversion::kTimeToInt64) {
        out->Append<int64_t>(micros);
      } else {
        PgTimeText(micros, &scratch_);
        out->AppendBytes(scratch_);
      }
      return Status::Ok();
    }
  }
  return Internal("unhandled COPY conversion");
}

}  // namespace de
