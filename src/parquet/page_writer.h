// PageWriter: turns encoded page bodies into Parquet pages (Thrift compact PageHeader + body,
// compressed with the file's codec) and keeps the pages of one column chunk until the row group
// is written out. The dictionary page is kept apart so it can be placed first in the chunk even
// though it is finished last.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/output_stream.h"
#include "common/status.h"
#include "parquet/chunk_buffer.h"
#include "parquet/compression.h"
#include "parquet/format.h"

namespace de::parquet {

// Not thread-safe; one per column writer. The compressor is shared with the other columns of the
// file and must outlive the page writer.
class PageWriter {
 public:
  PageWriter(Codec codec, Compressor* compressor) : codec_(codec), compressor_(compressor) {}

  // Appends a data page (v1) of `num_values` values (NULLs included) whose uncompressed body is
  // `levels` (length-prefixed definition levels, or empty) followed by `values` encoded with
  // `encoding`. Errors: kInvalidArgument if the body passes 2 GiB; codec errors.
  Status WriteDataPage(int32_t num_values, format::Encoding encoding, std::string_view levels,
                       std::string_view values);
  // Sets the chunk's PLAIN dictionary page of `num_entries` entries. At most once per chunk.
  Status WriteDictionaryPage(int32_t num_entries, std::string_view values);

  bool has_dictionary_page() const { return !dictionary_page_.empty(); }
  bool has_data_pages() const { return plain_pages_ + dictionary_pages_ > 0; }
  int dictionary_encoded_pages() const { return dictionary_pages_; }
  // Compressed bytes (headers included) held for the chunk.
  uint64_t buffered_bytes() const { return dictionary_page_.size() + data_pages_.size(); }
  // Uncompressed bytes (headers included) of the pages held.
  int64_t uncompressed_bytes() const { return uncompressed_bytes_; }

  // Writes the dictionary page and then the data pages to `sink`, whose position is `offset`;
  // fills the codec, sizes, offsets, encodings and encoding stats of `meta` (`has_levels` adds
  // the RLE level encoding); then empties the chunk, keeping buffer capacity.
  Status Flush(OutputStream* sink, int64_t offset, bool has_levels, format::ColumnMetaData* meta);

 private:
  Status AppendPage(format::PageHeader& header, std::string_view first, std::string_view second,
                    ChunkBuffer* out);

  Codec codec_;
  Compressor* compressor_;
  ChunkBuffer dictionary_page_;
  ChunkBuffer data_pages_;
  std::string header_;
  int64_t uncompressed_bytes_ = 0;
  int32_t plain_pages_ = 0;
  int32_t dictionary_pages_ = 0;
};

}  // namespace de::parquet
