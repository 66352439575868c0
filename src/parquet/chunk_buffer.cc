#include "parquet/chunk_buffer.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstdlib>
#include <new>

namespace de::parquet {
namespace {

constexpr size_t kBlockBytes = size_t{4} << 20;
constexpr size_t kHugePage = size_t{2} << 20;

uint8_t* AllocateBlock(size_t bytes) {
  void* p = std::aligned_alloc(kHugePage, bytes);
  if (p == nullptr) throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
  ::madvise(p, bytes, MADV_HUGEPAGE);  // advisory: failure only costs speed
#endif
  return static_cast<uint8_t*>(p);
}

}  // namespace

void ChunkBuffer::FreeBlock::operator()(uint8_t* p) const { std::free(p); }

Status ChunkBuffer::WriteTo(OutputStream* sink) const {
  for (const Segment& s : segments_) {
    const auto* data = reinterpret_cast<const char*>(blocks_[s.block].data.get());
    RETURN_IF_ERROR(sink->Write(std::string_view(data + s.offset, s.length)));
  }
  return Status::Ok();
}

void ChunkBuffer::Clear() {
  for (Block& block : blocks_) block.used = 0;
  segments_.clear();
  current_ = 0;
  bytes_ = 0;
}

void ChunkBuffer::NextBlock(size_t n) {
  if (!blocks_.empty() && blocks_[current_].used != 0) ++current_;
  if (current_ == blocks_.size()) blocks_.emplace_back();
  Block& block = blocks_[current_];  // unused: fresh or cleared
  if (block.capacity < n) {
    // Whole huge pages, at least 4 MiB.
    const size_t bytes = std::max(kBlockBytes, (n + kHugePage - 1) / kHugePage * kHugePage);
    block.data.reset(AllocateBlock(bytes));
    block.capacity = bytes;
  }
}

}  // namespace de::parquet
