// PageWriter: turns encoded page bodies into Parquet pages (Thrift compact PageHeader + body,
// compressed with the file's codec) and keeps the pages of one column chunk until the row group
// is written out. The dictionary page is kept apart so it can be placed first in the chunk even
// though it is finished last.
//
// With a CompressionPool, a page's body is copied and compressed on a worker while the column
// writer goes on with the next page; Flush waits for the chunk's pages in order. Without one,
// pages are compressed at once, straight from the encoder's buffers. Either way the chunk's
// bytes are the same.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "common/output_stream.h"
#include "common/status.h"
#include "parquet/byte_buffer.h"
#include "parquet/compression.h"
#include "parquet/compression_pool.h"
#include "parquet/format.h"

namespace de::parquet {

// How a file's pages are compressed: the file's compressor and, with WriterOptions::threads > 1,
// the pool of workers that compress pages in the background. Shared by the file's columns.
struct PageCompression {
  Compressor* compressor = nullptr;
  CompressionPool* pool = nullptr;  // optional
};

// Not thread-safe; one per column writer, used by the thread that writes the file. The
// compressor and the pool must outlive the page writer.
class PageWriter {
 public:
  explicit PageWriter(PageCompression compression)
      : compressor_(compression.compressor), pool_(compression.pool) {}
  // Waits for pages still being compressed.
  ~PageWriter();
  PageWriter(const PageWriter&) = delete;
  PageWriter& operator=(const PageWriter&) = delete;

  // Appends a data page (v1) of `num_values` values (NULLs included) whose uncompressed body is
  // `levels` (length-prefixed definition levels, or empty) followed by `values` encoded with
  // `encoding`. The views are not kept. Errors: kInvalidArgument if the body passes 2 GiB;
  // codec errors (from a worker's compression: at Flush).
  Status WriteDataPage(int32_t num_values, format::Encoding encoding, std::string_view levels,
                       std::string_view values);
  // Sets the chunk's PLAIN dictionary page of `num_entries` entries. At most once per chunk.
  Status WriteDictionaryPage(int32_t num_entries, std::string_view values);

  bool has_dictionary_page() const { return dictionary_ != nullptr; }
  bool has_data_pages() const { return !pages_.empty(); }
  int dictionary_encoded_pages() const { return dictionary_pages_; }
  // Compressed bytes (headers included) held for the chunk: waits for pages being compressed.
  uint64_t buffered_bytes();
  // Bounds of buffered_bytes() known without waiting: pages still being compressed count as 0
  // in `lower` and as the most their codec can produce in `upper`.
  void BufferedBounds(uint64_t* lower, uint64_t* upper) const;
  // Uncompressed bytes (headers included) of the pages held.
  int64_t uncompressed_bytes() const { return uncompressed_bytes_; }

  // Writes the dictionary page and then the data pages to `sink`, whose position is `offset`;
  // fills the codec, sizes, offsets, encodings and encoding stats of `meta` (`has_levels` adds
  // the RLE level encoding) and, if given, one location per data page; then empties the chunk,
  // keeping buffer capacity. Errors: codec errors of any page, sink errors.
  Status Flush(OutputStream* sink, int64_t offset, bool has_levels, format::ColumnMetaData* meta,
               std::vector<format::PageLocation>* locations);

 private:
  // One page: its header, its compressed bytes and, while a worker compresses it, its body.
  struct Page final : CompressionTask {
    void Run(Compressor* compressor) override;
    // Compresses `first` + `second` into `out` and writes the header before them.
    void Compress(Compressor* compressor, std::string_view first, std::string_view second);

    format::PageHeader header;
    CompressionPool* pool = nullptr;  // set while queued: where the body goes back
    ByteBuffer body;                  // uncompressed body, held only while queued for a worker
    ByteBuffer out;                   // room for the header, then the compressed body
    size_t start = 0;                 // the header begins at out.data() + start
    uint64_t max_bytes = 0;           // most bytes the page can take, header included
    std::atomic<uint64_t> bytes{0};   // header + compressed body once compressed, else 0
    bool queued = false;              // handed to the pool (Wait before reading)
    Status status;
  };

  Result<std::unique_ptr<Page>> NewPage(format::PageHeader header, std::string_view first,
                                        std::string_view second);
  // Waits for `page` if a worker has it; returns its compression status.
  Status Finished(Page* page);

  Compressor* compressor_;
  CompressionPool* pool_;
  std::unique_ptr<Page> dictionary_;
  std::vector<std::unique_ptr<Page>> pages_;  // data pages, in order
  std::vector<std::unique_ptr<Page>> spare_;  // pages of earlier chunks, for their buffers
  int64_t uncompressed_bytes_ = 0;
  int32_t plain_pages_ = 0;
  int32_t dictionary_pages_ = 0;
};

}  // namespace de::parquet
