// ChunkBuffer: where a column chunk's finished pages wait for the row group to be written. Pages
// are written straight into large blocks (no scratch copy, no reallocation of one huge buffer);
// blocks are kept between row groups. Each page is one segment of a block; segments are written
// to the sink in order. Blocks are 2 MiB-aligned and, on Linux, advised to use transparent huge
// pages: a row group's chunks are written once into fresh memory, and 4 KiB page faults would
// otherwise cost a large share of the writer's time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "common/output_stream.h"
#include "common/status.h"

namespace de::parquet {

// Not thread-safe; owned by one PageWriter.
class ChunkBuffer {
 public:
  // Returns `n` contiguous writable bytes; the next Commit says how many of them hold data.
  // Invalidates nothing committed earlier.
  uint8_t* Reserve(size_t n) {
    if (blocks_.empty() || blocks_[current_].capacity - blocks_[current_].used < n) NextBlock(n);
    Block& block = blocks_[current_];
    return block.data.get() + block.used;
  }
  // Appends bytes [skip, skip + length) of the last reservation as one segment.
  void Commit(size_t skip, size_t length) {
    Block& block = blocks_[current_];
    segments_.push_back(Segment{current_, block.used + skip, length});
    block.used += skip + length;
    bytes_ += length;
  }

  // Bytes committed.
  uint64_t size() const { return bytes_; }
  bool empty() const { return segments_.empty(); }

  // Writes the segments in order.
  Status WriteTo(OutputStream* sink) const;

  // Forgets the segments; keeps the blocks for reuse.
  void Clear();

 private:
  struct FreeBlock {
    void operator()(uint8_t* p) const;
  };
  struct Block {
    std::unique_ptr<uint8_t, FreeBlock> data;
    size_t capacity = 0;
    size_t used = 0;
  };
  struct Segment {
    size_t block;
    size_t offset;
    size_t length;
  };

  // Moves to an empty block of at least max(n, 4 MiB) bytes.
  void NextBlock(size_t n);

  std::vector<Block> blocks_;
  std::vector<Segment> segments_;
  size_t current_ = 0;
  uint64_t bytes_ = 0;
};

}  // namespace de::parquet
