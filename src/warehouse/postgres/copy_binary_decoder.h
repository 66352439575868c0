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
// Values are decoded by PgValueDecoder (pg_binary_value.h, with the type mapping table).
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
#include "warehouse/postgres/pg_binary_value.h"

namespace de {

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

 private:
  enum class Stage : uint8_t { kHeader, kTuples, kDone };
  // The extent of the next unit (header, tuple or trailer) at the start of some bytes.
  struct Extent {
    size_t complete = 0;  // length of the unit when all of it is present, else 0
    size_t needed = 0;    // when incomplete: bytes needed before the extent can be known better
  };

  CopyBinaryDecoder(std::string table, std::vector<PgValueDecoder> columns);

  Status CheckBatch(const Batch& batch) const;
  Result<Extent> Measure(const uint8_t* data, size_t size) const;
  Result<Extent> MeasureHeader(const uint8_t* data, size_t size) const;
  Result<Extent> MeasureTuple(const uint8_t* data, size_t size) const;
  // Consumes one complete unit of `length` bytes; returns 1 if it was a tuple, else 0.
  Result<size_t> Consume(const uint8_t* data, size_t length, Batch* batch);
  Status DecodeHeader(const uint8_t* data);
  Status DecodeTuple(const uint8_t* data, Batch* batch);
  // Moves bytes of `chunk` from `*pos` into carry_ until a unit is complete there or the chunk
  // is used up; decodes the unit when complete. Returns rows appended (0 or 1).
  Result<size_t> FillCarry(const uint8_t* chunk, size_t size, size_t* pos, Batch* batch);
  Status StreamError(std::string_view problem) const;

  std::string table_;
  std::vector<PgValueDecoder> columns_;
  Stage stage_ = Stage::kHeader;
  uint64_t rows_ = 0;
  std::string carry_;  // an incomplete unit that straddles chunks
};

}  // namespace de
