// CopyBinaryDecoder: decodes the stream of PostgreSQL's `COPY … TO STDOUT (FORMAT binary)`
// straight into the columns of a Batch, without a text round-trip and without a heap allocation
// per value.
//
// Stream layout (PostgreSQL manual, COPY, "Binary Format"; all integers in network byte order):
//   header   11-byte signature "PGCOPY\n\377\r\n\0", int32 flags (bit 16 = OIDs included, which
//            we reject; other low bits must be 0), int32 extension length + that many bytes
//   tuples   int16 field count, then per field an int32 length (-1 = NULL) and that many bytes
//            of the type's binary "send" representation
//   trailer  int16 -1
//
// Type mapping (the PgType of a column and the DataType it is decoded into):
//
// | PostgreSQL type                | target DataType(s)        | notes
// |--------------------------------|---------------------------|-------------------------------
// | boolean                        | bool                      |
// | smallint                       | int16, int32, int64       | widening only
// | integer                        | int32, int64              |
// | bigint                         | int64                     |
// | real                           | float, double             |
// | double precision               | double                    |
// | numeric                        | decimal(p,s)              | exact: kDataLoss when the value
// |                                |                           | needs more than p digits or
// |                                |                           | has non-zero digits beyond s,
// |                                |                           | and for NaN and ±Infinity
// |                                | string                    | PostgreSQL's text form ("NaN",
// |                                |                           | "Infinity", "-Infinity" too);
// |                                |                           | for unconstrained numeric
// |                                | double                    | nearest double; NaN/±Inf kept
// | text, varchar, char(n)         | string                    | bytes as sent (client encoding
// |                                |                           | must be UTF8); char(n) keeps its
// |                                |                           | padding, as PostgreSQL prints it
// | json                           | json, string              | text as sent
// | jsonb                          | json, string              | version byte 1 stripped
// | bytea                          | binary                    | raw bytes
// | uuid                           | uuid, string              | 16 bytes / lowercase 8-4-4-4-12
// | date                           | date                      | days since 1970-01-01
// | timestamp                      | timestamp (utc = false)   | µs since 1970-01-01, wall clock
// | timestamptz                    | timestamp (utc = true)    | µs since 1970-01-01 UTC
// | time                           | int64, string             | µs since midnight /
// |                                |                           | "HH:MM:SS[.ffffff]"
//
// Infinity: the dates and timestamps 'infinity' and '-infinity' (PostgreSQL's INT32/INT64
// max/min) have no Parquet representation and are rejected with kDataLoss
// ("value 'infinity' cannot be exported"); the query should filter or replace them.
// Arrays are not decoded here: the query selects them as `to_json(column)` and they arrive as
// json.
//
// Errors are kDataLoss naming the table, the column and the 1-based row of the stream:
// a wrong signature, a field count that differs from the columns, a field length that does not
// fit its type, a value outside the target type, a truncated stream (at Finish) and bytes after
// the trailer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "columnar/column_vector.h"
#include "common/status.h"

namespace de {

// The PostgreSQL column types the decoder reads.
enum class PgType : uint8_t {
  kBool,
  kInt2,
  kInt4,
  kInt8,
  kFloat4,
  kFloat8,
  kNumeric,
  kText,  // text, varchar, bpchar (char(n)), name
  kJson,
  kJsonb,
  kBytea,
  kUuid,
  kDate,
  kTimestamp,
  kTimestamptz,
  kTime,
};

// The PgType of a built-in type OID (pg_type.oid), or nullopt for a type we do not decode.
std::optional<PgType> PgTypeFromOid(uint32_t oid);
// "numeric", "timestamptz", ... for messages.
std::string_view PgTypeName(PgType type);

// One column of the COPY output, in SELECT order.
struct PgColumn {
  std::string name;
  PgType pg_type = PgType::kText;
  DataType target;  // must be one of the targets allowed for pg_type (table above)
};

// Not thread-safe: one decoder per COPY stream, used by one thread.
class CopyBinaryDecoder {
 public:
  // Checks that every column's target is allowed for its PostgreSQL type; kInvalidArgument
  // naming the column otherwise. `table` is used in error messages only.
  static Result<CopyBinaryDecoder> Create(std::string table, std::vector<PgColumn> columns);

  // Feeds the next chunk of the stream; chunks may be split anywhere (as PQgetCopyData returns
  // them). Appends every row completed by this chunk to `batch` and calls batch->FinishRows,
  // keeping an incomplete row buffered until the next Feed. Returns the number of rows appended.
  // Preconditions: `batch` has one column per PgColumn with the same DataType (kInvalidArgument
  // otherwise); the caller empties the batch when it is full (Feed never does).
  // Errors: kDataLoss as described at the top of this file. After an error the decoder and the
  // batch are unusable (a column may hold part of a row).
  Result<size_t> Feed(std::string_view chunk, Batch* batch);

  // Checks that the stream ended with its trailer and nothing is left over; kDataLoss
  // ("truncated") otherwise.
  Status Finish() const;

  // Rows decoded so far.
  uint64_t rows_decoded() const { return rows_; }

  // How one column's values are converted; chosen once in Create (defined in the .cc).
  enum class Conversion : uint8_t;

 private:
  enum class Stage : uint8_t { kHeader, kTuples, kDone };
  struct Column {
    PgColumn pg;
    Conversion conversion;
  };
  // The extent of the next unit (header, tuple or trailer) at the start of some bytes.
  struct Extent {
    size_t complete = 0;  // length of the unit when all of it is present, else 0
    size_t needed = 0;    // when incomplete: bytes needed before the extent can be known better
  };

  CopyBinaryDecoder(std::string table, std::vector<Column> columns);

  Status CheckBatch(const Batch& batch) const;
  Result<Extent> Measure(const uint8_t* data, size_t size) const;
  Result<Extent> MeasureHeader(const uint8_t* data, size_t size) const;
  Result<Extent> MeasureTuple(const uint8_t* data, size_t size) const;
  // Consumes one complete unit of `length` bytes; returns 1 if it was a tuple, else 0.
  Result<size_t> Consume(const uint8_t* data, size_t length, Batch* batch);
  Status DecodeHeader(const uint8_t* data);
  Status DecodeTuple(const uint8_t* data, Batch* batch);
  Status DecodeValue(const Column& column, const uint8_t* data, int32_t length, ColumnVector* out);
  // Moves bytes of `chunk` from `*pos` into carry_ until a unit is complete there or the chunk
  // is used up; decodes the unit when complete. Returns rows appended (0 or 1).
  Result<size_t> FillCarry(const uint8_t* chunk, size_t size, size_t* pos, Batch* batch);
  Status StreamError(std::string_view problem) const;

  std::string table_;
  std::vector<Column> columns_;
  Stage stage_ = Stage::kHeader;
  uint64_t rows_ = 0;
  std::string carry_;    // an incomplete unit that straddles chunks
  std::string scratch_;  // reused text rendering (numeric, time, uuid as string)
};

}  // namespace de
