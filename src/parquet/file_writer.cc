#include "parquet/file_writer.h"

#include <algorithm>
#include <cstring>

#include "parquet/column_writer.h"
#include "parquet/compression.h"
#include "parquet/compression_pool.h"
#include "parquet/format.h"
#include "parquet/schema.h"

namespace de::parquet {
namespace {

constexpr std::string_view kMagic = "PAR1";
constexpr size_t kMaxPageLimit = size_t{1} << 30;

class ParquetFileWriter final : public FileWriter {
 public:
  ParquetFileWriter(const Schema& schema, const WriterOptions& options, OutputStream* sink,
                    std::vector<ColumnDescriptor> columns, std::unique_ptr<Compressor> compressor,
                    std::unique_ptr<CompressionPool> pool);

  Status Start() { return WriteToSink(kMagic); }
  Status Write(const Batch& batch) override;
  Status Close() override;

  uint64_t bytes_written() const override { return bytes_written_; }
  uint64_t buffered_bytes() override;
  bool BufferedBytesReach(uint64_t bytes) override;
  uint64_t rows_written() const override { return rows_written_; }
  int num_row_groups() const override { return static_cast<int>(metadata_.row_groups.size()); }

 private:
  enum class State { kOpen, kClosed, kFailed };

  Status CheckBatch(const Batch& batch) const;
  // Uncompressed size of rows [begin, end): fixed widths plus byte-array lengths with their
  // 4-byte PLAIN prefix. The measure row_group_bytes is compared against.
  uint64_t InputBytes(const Batch& batch, size_t begin, size_t end) const;
  // Rows of `batch` from `offset` on that belong to the open row group.
  size_t RowsForOpenGroup(const Batch& batch, size_t offset) const;
  Status AppendRows(const Batch& batch, size_t offset, size_t rows);
  Status CloseRowGroup();
  // Writes every chunk's ColumnIndex, then every OffsetIndex (the layout parquet-format's
  // PageIndex.md describes), and points the chunks at them.
  Status WritePageIndexes();
  Status WriteToSink(std::string_view bytes);
  // Marks the writer unusable after an error that may have left partial output behind.
  Status Fail(Status status);

  Schema schema_;
  WriterOptions options_;
  OutputStream* sink_;
  std::vector<ColumnDescriptor> columns_;  // referenced by writers_: never resized
  std::unique_ptr<Compressor> compressor_;
  std::unique_ptr<CompressionPool> pool_;  // outlives writers_, which wait for their pages
  std::vector<std::unique_ptr<ColumnWriter>> writers_;
  // Page indexes of the closed row groups, written before the footer: [row group][column].
  std::vector<std::vector<ChunkIndexes>> indexes_;
  std::vector<size_t> variable_width_columns_;
  uint64_t fixed_row_bytes_ = 0;
  format::FileMetaData metadata_;
  State state_ = State::kOpen;
  uint64_t bytes_written_ = 0;
  uint64_t rows_written_ = 0;
  uint64_t group_rows_ = 0;
  uint64_t group_bytes_ = 0;
};

ParquetFileWriter::ParquetFileWriter(const Schema& schema, const WriterOptions& options,
                                     OutputStream* sink, std::vector<ColumnDescriptor> columns,
                                     std::unique_ptr<Compressor> compressor,
                                     std::unique_ptr<CompressionPool> pool)
    : schema_(schema),
      options_(options),
      sink_(sink),
      columns_(std::move(columns)),
      compressor_(std::move(compressor)),
      pool_(std::move(pool)) {
  writers_.reserve(columns_.size());
  for (size_t i = 0; i < columns_.size(); ++i) {
    writers_.push_back(
        MakeColumnWriter(columns_[i], options_, PageCompression{compressor_.get(), pool_.get()}));
    if (columns_[i].type.is_variable_width()) {
      variable_width_columns_.push_back(i);
      fixed_row_bytes_ += 4;
    } else {
      fixed_row_bytes_ += static_cast<uint64_t>(columns_[i].type.byte_width());
    }
  }
}

Status ParquetFileWriter::Write(const Batch& batch) {
  if (state_ != State::kOpen) return FailedPrecondition("Parquet writer is closed or failed");
  RETURN_IF_ERROR(CheckBatch(batch));
  const size_t rows = batch.num_rows();
  size_t offset = 0;
  while (offset < rows) {
    const size_t slice = RowsForOpenGroup(batch, offset);
    RETURN_IF_ERROR(AppendRows(batch, offset, slice));
    offset += slice;
  }
  return Status::Ok();
}

Status ParquetFileWriter::CheckBatch(const Batch& batch) const {
  if (!(batch.schema() == schema_)) {
    const auto& mine = schema_.fields;
    const auto& theirs = batch.schema().fields;
    for (size_t i = 0; i < std::min(mine.size(), theirs.size()); ++i) {
      if (!(mine[i] == theirs[i])) {
        return InvalidArgument("batch column {} is '{}' {}{}, the file's is '{}' {}{}", i,
                               theirs[i].name, theirs[i].type.ToString(),
                               theirs[i].nullable ? "" : " not null", mine[i].name,
                               mine[i].type.ToString(), mine[i].nullable ? "" : " not null");
      }
    }
    return InvalidArgument("batch has {} columns, the file has {}", theirs.size(), mine.size());
  }
  for (size_t i = 0; i < batch.num_columns(); ++i) {
    const ColumnVector& column = batch.column(i);
    if (column.size() != batch.num_rows()) {
      return InvalidArgument("column '{}' holds {} values, the batch has {} rows", columns_[i].name,
                             column.size(), batch.num_rows());
    }
    if (columns_[i].required && column.null_count() != 0) {
      size_t row = 0;
      while (row < column.size() && column.IsValid(row)) ++row;
      return InvalidArgument("column '{}' is not nullable (REQUIRED) but row {} is NULL",
                             columns_[i].name, row);
    }
  }
  return Status::Ok();
}

uint64_t ParquetFileWriter::InputBytes(const Batch& batch, size_t begin, size_t end) const {
  uint64_t bytes = fixed_row_bytes_ * (end - begin);
  for (size_t i : variable_width_columns_) {
    const uint32_t* offsets = batch.column(i).offsets();
    bytes += offsets[end] - offsets[begin];
  }
  return bytes;
}

size_t ParquetFileWriter::RowsForOpenGroup(const Batch& batch, size_t offset) const {
  const size_t rows =
      std::min<uint64_t>(batch.num_rows() - offset, options_.row_group_rows - group_rows_);
  const uint64_t budget = options_.row_group_bytes - group_bytes_;
  if (InputBytes(batch, offset, offset + rows) < budget) return rows;
  size_t lo = 1, hi = rows;  // the fewest rows that fill the group
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if (InputBytes(batch, offset, offset + mid) >= budget) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return lo;
}

Status ParquetFileWriter::AppendRows(const Batch& batch, size_t offset, size_t rows) {
  for (size_t i = 0; i < writers_.size(); ++i) {
    Status status = writers_[i]->Append(batch.column(i), offset, rows);
    if (!status.ok()) return Fail(status.WithContext("column '" + columns_[i].name + "'"));
  }
  group_rows_ += rows;
  group_bytes_ += InputBytes(batch, offset, offset + rows);
  rows_written_ += rows;
  if (group_rows_ >= options_.row_group_rows || group_bytes_ >= options_.row_group_bytes) {
    return CloseRowGroup();
  }
  return Status::Ok();
}

Status ParquetFileWriter::CloseRowGroup() {
  if (group_rows_ == 0) return Status::Ok();
  format::RowGroup group;
  group.columns.resize(writers_.size());
  group.num_rows = static_cast<int64_t>(group_rows_);
  group.file_offset = static_cast<int64_t>(bytes_written_);
  group.ordinal = static_cast<int32_t>(metadata_.row_groups.size());
  for (size_t i = 0; i < writers_.size(); ++i) {
    Status status = writers_[i]->Finish();
    if (!status.ok()) return Fail(status.WithContext("column '" + columns_[i].name + "'"));
  }
  std::vector<ChunkIndexes> indexes(writers_.size());
  for (size_t i = 0; i < writers_.size(); ++i) {
    format::ColumnChunk& chunk = group.columns[i];
    Status status =
        writers_[i]->Flush(sink_, static_cast<int64_t>(bytes_written_), &chunk, &indexes[i]);
    if (!status.ok()) return Fail(status);
    bytes_written_ += static_cast<uint64_t>(chunk.meta_data.total_compressed_size);
    group.total_byte_size += chunk.meta_data.total_uncompressed_size;
    group.total_compressed_size += chunk.meta_data.total_compressed_size;
  }
  // Bloom filters follow their row group, so none waits in memory for the end of the file.
  for (size_t i = 0; i < writers_.size(); ++i) {
    std::string& filter = indexes[i].bloom_filter;
    if (filter.empty()) continue;
    group.columns[i].meta_data.bloom_filter_offset = static_cast<int64_t>(bytes_written_);
    group.columns[i].meta_data.bloom_filter_length = static_cast<int32_t>(filter.size());
    RETURN_IF_ERROR(WriteToSink(filter));
    std::string().swap(filter);
  }
  if (options_.page_index) indexes_.push_back(std::move(indexes));
  metadata_.num_rows += group.num_rows;
  metadata_.row_groups.push_back(std::move(group));
  group_rows_ = 0;
  group_bytes_ = 0;
  return Status::Ok();
}

Status ParquetFileWriter::Close() {
  if (state_ != State::kOpen) return FailedPrecondition("Parquet writer is closed or failed");
  RETURN_IF_ERROR(CloseRowGroup());
  RETURN_IF_ERROR(WritePageIndexes());
  metadata_.version = 1;
  metadata_.schema = MakeSchemaElements(columns_);
  metadata_.key_value_metadata = options_.key_value_metadata;
  metadata_.created_by = options_.created_by;
  std::string footer;
  format::SerializeFileMetaData(metadata_, &footer);
  const auto length = static_cast<uint32_t>(footer.size());
  char length_bytes[4];
  std::memcpy(length_bytes, &length, 4);
  footer.append(length_bytes, 4);
  footer.append(kMagic);
  RETURN_IF_ERROR(WriteToSink(footer));
  state_ = State::kClosed;
  return Status::Ok();
}

Status ParquetFileWriter::WritePageIndexes() {
  using format::ColumnChunk;
  // Writes one kind of index of every chunk that has it and points the chunk at it.
  auto write_all = [&](std::string ChunkIndexes::*index, std::optional<int64_t> ColumnChunk::*at,
                       std::optional<int32_t> ColumnChunk::*length) -> Status {
    for (size_t g = 0; g < indexes_.size(); ++g) {
      for (size_t i = 0; i < indexes_[g].size(); ++i) {
        const std::string& bytes = indexes_[g][i].*index;
        if (bytes.empty()) continue;  // no ColumnIndex for a chunk with a page of only NaN
        ColumnChunk& chunk = metadata_.row_groups[g].columns[i];
        chunk.*at = static_cast<int64_t>(bytes_written_);
        chunk.*length = static_cast<int32_t>(bytes.size());
        RETURN_IF_ERROR(WriteToSink(bytes));
      }
    }
    return Status::Ok();
  };
  RETURN_IF_ERROR(write_all(&ChunkIndexes::column_index, &ColumnChunk::column_index_offset,
                            &ColumnChunk::column_index_length));
  RETURN_IF_ERROR(write_all(&ChunkIndexes::offset_index, &ColumnChunk::offset_index_offset,
                            &ColumnChunk::offset_index_length));
  indexes_.clear();
  return Status::Ok();
}

uint64_t ParquetFileWriter::buffered_bytes() {
  uint64_t total = 0;
  for (const auto& writer : writers_) total += writer->buffered_bytes();
  return total;
}

bool ParquetFileWriter::BufferedBytesReach(uint64_t bytes) {
  uint64_t lower = 0, upper = 0;
  for (const auto& writer : writers_) {
    uint64_t l = 0, u = 0;
    writer->BufferedBounds(&l, &u);
    lower += l;
    upper += u;
  }
  if (lower >= bytes) return true;
  if (upper < bytes) return false;
  return buffered_bytes() >= bytes;  // the pages being compressed decide
}

Status ParquetFileWriter::WriteToSink(std::string_view bytes) {
  Status status = sink_->Write(bytes);
  if (!status.ok()) return Fail(status);
  bytes_written_ += bytes.size();
  return Status::Ok();
}

Status ParquetFileWriter::Fail(Status status) {
  state_ = State::kFailed;
  return status;
}

}  // namespace

Status WriterOptions::Validate() const {
  if (data_page_size == 0 || data_page_size > kMaxPageLimit) {
    return InvalidArgument("data_page_size must be 1..{} bytes, got {}", kMaxPageLimit,
                           data_page_size);
  }
  if (dictionary_page_limit == 0 || dictionary_page_limit > kMaxPageLimit) {
    return InvalidArgument("dictionary_page_limit must be 1..{} bytes, got {}", kMaxPageLimit,
                           dictionary_page_limit);
  }
  if (row_group_bytes == 0) return InvalidArgument("row_group_bytes must be positive");
  if (row_group_rows == 0) return InvalidArgument("row_group_rows must be positive");
  if (max_statistics_bytes == 0) return InvalidArgument("max_statistics_bytes must be positive");
  RETURN_IF_ERROR(CheckCompressionLevel(codec, compression_level));
  if (threads < 1 || threads > 64) return InvalidArgument("threads must be 1..64, got {}", threads);
  if (!(bloom_filter_fpp > 0 && bloom_filter_fpp < 1)) {
    return InvalidArgument("bloom_filter_fpp must be between 0 and 1 (exclusive), got {}",
                           bloom_filter_fpp);
  }
  if (bloom_filter_max_bytes < 32 || bloom_filter_max_bytes > (size_t{128} << 20) ||
      (bloom_filter_max_bytes & (bloom_filter_max_bytes - 1)) != 0) {
    return InvalidArgument(
        "bloom_filter_max_bytes must be a power of two from 32 to 128 MiB, got {}",
        bloom_filter_max_bytes);
  }
  for (const auto& [key, value] : key_value_metadata) {
    if (key.empty()) return InvalidArgument("key_value_metadata keys must not be empty");
  }
  return Status::Ok();
}

Result<std::unique_ptr<FileWriter>> FileWriter::Open(const Schema& schema,
                                                     const WriterOptions& options,
                                                     OutputStream* sink) {
  RETURN_IF_ERROR(options.Validate());
  ASSIGN_OR_RETURN(std::vector<ColumnDescriptor> columns, DescribeSchema(schema));
  for (const std::string& name : options.bloom_filter_columns) {
    auto column = std::find_if(columns.begin(), columns.end(),
                               [&](const ColumnDescriptor& c) { return c.name == name; });
    if (column == columns.end()) {
      return InvalidArgument("bloom filter column '{}' is not in the schema", name);
    }
    if (column->type.id == TypeId::kBool) {
      return InvalidArgument(
          "bloom filter column '{}' is boolean: its statistics already tell "
          "both values apart",
          name);
    }
  }
  ASSIGN_OR_RETURN(std::unique_ptr<Compressor> compressor,
                   Compressor::Make(options.codec, options.compression_level));
  std::unique_ptr<CompressionPool> pool;
  if (options.threads > 1) {
    ASSIGN_OR_RETURN(
        pool, CompressionPool::Make(options.codec, options.compression_level, options.threads - 1));
  }
  auto writer = std::make_unique<ParquetFileWriter>(schema, options, sink, std::move(columns),
                                                    std::move(compressor), std::move(pool));
  RETURN_IF_ERROR(writer->Start());
  return std::unique_ptr<FileWriter>(std::move(writer));
}

}  // namespace de::parquet
