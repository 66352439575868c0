// The Parquet file writer: Batches in, a Parquet file (format 2.x, data page v1) out.
//
// Written from the Apache Parquet format specification (parquet-format, parquet.thrift). Layout:
//   "PAR1" | row group 0: column chunk 0 (dictionary page?, data pages) ... | ... |
//   FileMetaData (Thrift compact) | 4-byte little-endian footer length | "PAR1"
//
// Type mapping (columnar DataType -> Parquet physical type + logical type):
//   bool       BOOLEAN
//   int16      INT32   + INT(16, signed)
//   int32      INT32   + INT(32, signed)
//   int64      INT64   + INT(64, signed)
//   float      FLOAT;  double DOUBLE
//   decimal    INT32 (precision <= 9) | INT64 (<= 18) | FIXED_LEN_BYTE_ARRAY (19..38,
//              minimal big-endian two's complement width) + DECIMAL(p, s)
//   string     BYTE_ARRAY + STRING;  json BYTE_ARRAY + JSON;  binary BYTE_ARRAY
//   date       INT32   + DATE
//   timestamp  INT64   + TIMESTAMP(MICROS, isAdjustedToUTC = DataType::utc); never INT96
//   uuid       FIXED_LEN_BYTE_ARRAY(16) + UUID
// Converted types are written beside logical types where the format defines one, for older
// readers. A Field with nullable = false is REQUIRED, otherwise OPTIONAL with definition levels
// in the RLE/bit-packed hybrid encoding.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "columnar/column_vector.h"
#include "common/output_stream.h"
#include "common/status.h"

namespace de::parquet {

enum class Codec { kUncompressed, kSnappy, kGzip, kZstd };

// "snappy", "zstd", "gzip", "uncompressed" (also "none").
Result<Codec> ParseCodec(std::string_view name);
std::string_view CodecName(Codec codec);

struct WriterOptions {
  // Compression of every page.
  Codec codec = Codec::kSnappy;
  // Codec level; 0 picks the codec's default (zstd 3, gzip 6). Ignored by snappy.
  int compression_level = 0;
  // Try RLE_DICTIONARY for each column chunk first; fall back to PLAIN for the rest of the chunk
  // once the dictionary's PLAIN size passes dictionary_page_limit.
  bool dictionary = true;
  size_t dictionary_page_limit = 1 << 20;
  // A data page is cut when its uncompressed values pass this size.
  size_t data_page_size = 1 << 20;
  // A row group is closed when its uncompressed size passes row_group_bytes or it holds
  // row_group_rows rows, whichever comes first.
  size_t row_group_bytes = size_t{128} << 20;
  size_t row_group_rows = 1'000'000;
  // min/max statistics of byte-array values longer than this are truncated to valid bounds.
  size_t max_statistics_bytes = 64;
  // Threads that compress pages, the writing thread included: with more than one, pages are
  // compressed by background workers while the writer encodes the next ones (1..64). The file's
  // bytes are the same for any number.
  int threads = 1;
  // Write the page index (a ColumnIndex with each page's bounds, NULL count and the pages'
  // order, and an OffsetIndex with each page's location) of every column chunk, between the
  // last row group and the footer, so readers can skip pages by value or by row.
  bool page_index = true;
  // Columns (by name; not boolean ones) whose chunks get a split-block bloom filter, written
  // after each row group, sized for the chunk's distinct values at false-positive rate
  // bloom_filter_fpp (0 < fpp < 1) and at most bloom_filter_max_bytes (a power of two, 32 ..
  // 128 MiB) long. Memory: 8 bytes per value of the open row group and column until it is
  // written.
  std::vector<std::string> bloom_filter_columns;
  double bloom_filter_fpp = 0.01;
  size_t bloom_filter_max_bytes = size_t{1} << 20;
  // FileMetaData.created_by, e.g. "data-exporter version 0.1.0".
  std::string created_by = "data-exporter";
  // FileMetaData.key_value_metadata, written in this order.
  std::vector<std::pair<std::string, std::string>> key_value_metadata;

  // Returns kInvalidArgument naming the first bad field.
  Status Validate() const;
};

// Writes one Parquet file to an OutputStream. Not thread-safe.
//
// Memory: holds at most one open row group (its encoded, compressed pages) at a time.
// Determinism: the same schema, batches and options produce byte-identical files.
class FileWriter {
 public:
  // Writes the leading magic to `sink`, which must outlive the writer. Errors: kInvalidArgument
  // for bad options or a schema the writer cannot represent (empty, duplicate names, a decimal
  // precision outside 1..38).
  static Result<std::unique_ptr<FileWriter>> Open(const Schema& schema,
                                                  const WriterOptions& options, OutputStream* sink);
  virtual ~FileWriter() = default;

  // Appends every row of `batch`, whose schema must equal the file's. A NULL in a REQUIRED
  // column is kInvalidArgument. Sink errors are returned as they come.
  // Errors: kInvalidArgument for a batch that does not fit the file (nothing of it is written;
  // the writer stays usable); kDataLoss for a decimal outside its precision, and sink or codec
  // errors, after which the file is unusable and every later call is kFailedPrecondition.
  virtual Status Write(const Batch& batch) = 0;
  // Closes the open row group and writes the footer; does not close the sink. Called once.
  virtual Status Close() = 0;

  // Bytes handed to the sink so far.
  virtual uint64_t bytes_written() const = 0;
  // Encoded size of the open row group, not yet handed to the sink. Waits for the pages being
  // compressed.
  virtual uint64_t buffered_bytes() = 0;
  // Whether buffered_bytes() >= `bytes`; waits for pages being compressed only when the answer
  // depends on their compressed size.
  virtual bool BufferedBytesReach(uint64_t bytes) = 0;
  virtual uint64_t rows_written() const = 0;
  virtual int num_row_groups() const = 0;
};

// Writes a sequence of files {0, 1, 2, ...}, starting a new one when the current file reaches
// max_file_bytes (checked after each batch, so a file may exceed it by at most one batch and
// its footer). At least one file is written, even for zero rows. Not thread-safe.
class RotatingFileWriter {
 public:
  // Opens the stream for file number `index` (0-based).
  using SinkFactory = std::function<Result<std::unique_ptr<OutputStream>>(int index)>;

  struct FileInfo {
    int index = 0;
    uint64_t bytes = 0;
    uint64_t rows = 0;
  };

  RotatingFileWriter(Schema schema, WriterOptions options, uint64_t max_file_bytes,
                     SinkFactory factory);
  ~RotatingFileWriter();

  Status Write(const Batch& batch);
  // Finishes the last file and closes its sink. Called once.
  Status Close();
  // Aborts the open sink. Files already closed stay: the caller removes them.
  void Abort();

  // Files closed so far, in order.
  const std::vector<FileInfo>& files() const { return files_; }

 private:
  Status OpenNext();
  Status FinishCurrent();

  Schema schema_;
  WriterOptions options_;
  uint64_t max_file_bytes_;
  SinkFactory factory_;
  std::unique_ptr<OutputStream> sink_;
  std::unique_ptr<FileWriter> writer_;
  std::vector<FileInfo> files_;
  bool closed_ = false;
};

}  // namespace de::parquet
