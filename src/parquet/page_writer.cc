#include "parquet/page_writer.h"

#include <cstring>
#include <limits>
#include <string>

namespace de::parquet {
namespace {

constexpr size_t kMaxPageBytes = std::numeric_limits<int32_t>::max();
// Room left before each compressed body for its page header, which is written afterwards (it
// holds the compressed size). A v1 data page header without statistics takes at most 29 bytes.
constexpr size_t kMaxHeaderBytes = 64;

}  // namespace

PageWriter::~PageWriter() {
  if (pool_ == nullptr) return;
  for (auto& page : pages_) (void)Finished(page.get());
  if (dictionary_) (void)Finished(dictionary_.get());
}

void PageWriter::Page::Run(Compressor* compressor) {
  Compress(compressor, body.view(), {});
  pool->GiveBack(std::move(body));
}

void PageWriter::Page::Compress(Compressor* compressor, std::string_view first,
                                std::string_view second) {
  const size_t uncompressed = first.size() + second.size();
  out.ResizeDiscarding(kMaxHeaderBytes + compressor->MaxCompressedSize(uncompressed));
  Result<size_t> compressed = compressor->Compress(first, second, out.data() + kMaxHeaderBytes);
  if (!compressed.ok()) {
    status = compressed.status();
    return;
  }
  if (*compressed > kMaxPageBytes) {
    status = InvalidArgument("a compressed page of {} bytes passes 2 GiB", *compressed);
    return;
  }
  header.uncompressed_page_size = static_cast<int32_t>(uncompressed);
  header.compressed_page_size = static_cast<int32_t>(*compressed);
  thread_local std::string serialized;
  serialized.clear();
  format::SerializePageHeader(header, &serialized);
  if (serialized.size() > kMaxHeaderBytes) {
    status = Internal("page header of {} bytes", serialized.size());
    return;
  }
  start = kMaxHeaderBytes - serialized.size();
  std::memcpy(out.data() + start, serialized.data(), serialized.size());
  // The page waits in memory until its row group is written: keep its bytes, not the bound.
  out.Resize(kMaxHeaderBytes + *compressed);
  if (out.capacity() - out.size() > out.capacity() / 8) out.ShrinkToFit();
  status = Status::Ok();
  bytes.store(serialized.size() + *compressed, std::memory_order_release);
}

Result<std::unique_ptr<PageWriter::Page>> PageWriter::NewPage(format::PageHeader header,
                                                              std::string_view first,
                                                              std::string_view second) {
  const size_t uncompressed = first.size() + second.size();
  if (uncompressed > kMaxPageBytes) {
    return InvalidArgument("a page of {} bytes passes Parquet's 2 GiB page limit", uncompressed);
  }
  std::unique_ptr<Page> page;
  if (spare_.empty()) {
    page = std::make_unique<Page>();
  } else {
    page = std::move(spare_.back());
    spare_.pop_back();
  }
  page->header = header;
  page->bytes.store(0, std::memory_order_relaxed);
  page->max_bytes = kMaxHeaderBytes + compressor_->MaxCompressedSize(uncompressed);
  page->queued = false;
  uncompressed_bytes_ += static_cast<int64_t>(uncompressed);
  if (pool_ != nullptr) {
    page->pool = pool_;
    page->body = pool_->TakeBuffer();
    page->body.Reserve(uncompressed);
    page->body.Append(first);
    page->body.Append(second);
    if (pool_->TrySubmit(page.get())) {
      page->queued = true;
      return page;
    }
    // The workers are behind: compress it here, which also paces the encoder.
    pool_->GiveBack(std::move(page->body));
  }
  page->Compress(compressor_, first, second);
  RETURN_IF_ERROR(page->status);
  return page;
}

Status PageWriter::Finished(Page* page) {
  if (page->queued) {
    pool_->Wait(page);
    page->queued = false;
  }
  return page->status;
}

Status PageWriter::WriteDataPage(int32_t num_values, format::Encoding encoding,
                                 std::string_view levels, std::string_view values) {
  format::PageHeader header;
  header.type = format::PageType::kDataPage;
  header.data_page_header.num_values = num_values;
  header.data_page_header.encoding = encoding;
  ASSIGN_OR_RETURN(std::unique_ptr<Page> page, NewPage(header, levels, values));
  pages_.push_back(std::move(page));
  if (encoding == format::Encoding::kRleDictionary) {
    ++dictionary_pages_;
  } else {
    ++plain_pages_;
  }
  return Status::Ok();
}

Status PageWriter::WriteDictionaryPage(int32_t num_entries, std::string_view values) {
  format::PageHeader header;
  header.type = format::PageType::kDictionaryPage;
  header.dictionary_page_header.num_values = num_entries;
  header.dictionary_page_header.encoding = format::Encoding::kPlain;
  ASSIGN_OR_RETURN(dictionary_, NewPage(header, values, {}));
  return Status::Ok();
}

uint64_t PageWriter::buffered_bytes() {
  uint64_t total = 0;
  auto add = [&](Page* page) {
    (void)Finished(page);  // a failed page counts 0; Flush reports the error
    total += page->bytes.load(std::memory_order_acquire);
  };
  if (dictionary_) add(dictionary_.get());
  for (auto& page : pages_) add(page.get());
  return total;
}

void PageWriter::BufferedBounds(uint64_t* lower, uint64_t* upper) const {
  *lower = *upper = 0;
  auto add = [&](const Page* page) {
    const uint64_t bytes = page->bytes.load(std::memory_order_acquire);
    *lower += bytes;
    *upper += bytes != 0 ? bytes : page->max_bytes;
  };
  if (dictionary_) add(dictionary_.get());
  for (const auto& page : pages_) add(page.get());
}

Status PageWriter::Flush(OutputStream* sink, int64_t offset, bool has_levels,
                         format::ColumnMetaData* meta,
                         std::vector<format::PageLocation>* locations) {
  using format::Encoding;
  using format::PageType;
  if (dictionary_) RETURN_IF_ERROR(Finished(dictionary_.get()));
  for (auto& page : pages_) RETURN_IF_ERROR(Finished(page.get()));
  meta->codec = ToFormatCodec(compressor_->codec());
  meta->total_uncompressed_size = uncompressed_bytes_;
  meta->encodings.clear();
  meta->encoding_stats.clear();
  if (has_dictionary_page() || plain_pages_ > 0) meta->encodings.push_back(Encoding::kPlain);
  if (has_levels) meta->encodings.push_back(Encoding::kRle);
  if (dictionary_pages_ > 0) meta->encodings.push_back(Encoding::kRleDictionary);
  if (has_dictionary_page()) {
    meta->encoding_stats.push_back({PageType::kDictionaryPage, Encoding::kPlain, 1});
  }
  if (plain_pages_ > 0) {
    meta->encoding_stats.push_back({PageType::kDataPage, Encoding::kPlain, plain_pages_});
  }
  if (dictionary_pages_ > 0) {
    meta->encoding_stats.push_back(
        {PageType::kDataPage, Encoding::kRleDictionary, dictionary_pages_});
  }
  int64_t position = offset;
  auto write = [&](Page* page) {
    const uint64_t bytes = page->bytes.load(std::memory_order_acquire);
    position += static_cast<int64_t>(bytes);
    meta->total_uncompressed_size +=
        static_cast<int64_t>(bytes) - page->header.compressed_page_size;  // its header
    return sink->Write({reinterpret_cast<const char*>(page->out.data()) + page->start,
                        static_cast<size_t>(bytes)});
  };
  // Every page is finished (no worker holds one), so whether the sink takes them all or fails
  // part-way, the chunk's pages go back to spare_ and the writer is left empty and consistent.
  Status written = Status::Ok();
  meta->dictionary_page_offset.reset();
  if (dictionary_) {
    meta->dictionary_page_offset = offset;
    written = write(dictionary_.get());
    spare_.push_back(std::move(dictionary_));
  }
  meta->data_page_offset = position;
  int64_t first_row = 0;
  if (locations != nullptr) locations->clear();
  for (auto& page : pages_) {
    const int64_t page_offset = position;
    if (written.ok()) written = write(page.get());
    if (written.ok() && locations != nullptr) {
      locations->push_back({page_offset, static_cast<int32_t>(position - page_offset), first_row});
    }
    first_row += page->header.data_page_header.num_values;
    spare_.push_back(std::move(page));
  }
  meta->total_compressed_size = position - offset;
  pages_.clear();
  uncompressed_bytes_ = 0;
  plain_pages_ = 0;
  dictionary_pages_ = 0;
  return written;
}

}  // namespace de::parquet
