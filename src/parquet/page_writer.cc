#include "parquet/page_writer.h"

#include <cstring>
#include <limits>

namespace de::parquet {
namespace {

constexpr size_t kMaxPageBytes = std::numeric_limits<int32_t>::max();
// Room left before each compressed body for its page header, which is written afterwards (it
// holds the compressed size). A v1 data page header without statistics takes at most 29 bytes.
constexpr size_t kMaxHeaderBytes = 64;

}  // namespace

Status PageWriter::WriteDataPage(int32_t num_values, format::Encoding encoding,
                                 std::string_view levels, std::string_view values) {
  format::PageHeader header;
  header.type = format::PageType::kDataPage;
  header.data_page_header.num_values = num_values;
  header.data_page_header.encoding = encoding;
  RETURN_IF_ERROR(AppendPage(header, levels, values, &data_pages_));
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
  dictionary_page_.Clear();
  return AppendPage(header, values, {}, &dictionary_page_);
}

Status PageWriter::AppendPage(format::PageHeader& header, std::string_view first,
                              std::string_view second, ChunkBuffer* out) {
  const size_t uncompressed = first.size() + second.size();
  if (uncompressed > kMaxPageBytes) {
    return InvalidArgument("a page of {} bytes passes Parquet's 2 GiB page limit", uncompressed);
  }
  uint8_t* base = out->Reserve(kMaxHeaderBytes + compressor_->MaxCompressedSize(uncompressed));
  ASSIGN_OR_RETURN(const size_t compressed,
                   compressor_->Compress(first, second, base + kMaxHeaderBytes));
  if (compressed > kMaxPageBytes) {
    return InvalidArgument("a compressed page of {} bytes passes 2 GiB", compressed);
  }
  header.uncompressed_page_size = static_cast<int32_t>(uncompressed);
  header.compressed_page_size = static_cast<int32_t>(compressed);
  header_.clear();
  format::SerializePageHeader(header, &header_);
  if (header_.size() > kMaxHeaderBytes) return Internal("page header of {} bytes", header_.size());
  const size_t skip = kMaxHeaderBytes - header_.size();
  std::memcpy(base + skip, header_.data(), header_.size());
  out->Commit(skip, header_.size() + compressed);
  uncompressed_bytes_ += static_cast<int64_t>(header_.size() + uncompressed);
  return Status::Ok();
}

Status PageWriter::Flush(OutputStream* sink, int64_t offset, bool has_levels,
                         format::ColumnMetaData* meta) {
  using format::Encoding;
  using format::PageType;
  meta->codec = ToFormatCodec(codec_);
  meta->total_uncompressed_size = uncompressed_bytes_;
  meta->total_compressed_size = static_cast<int64_t>(buffered_bytes());
  meta->encodings.clear();
  meta->encoding_stats.clear();
  if (has_dictionary_page() || plain_pages_ > 0) meta->encodings.push_back(Encoding::kPlain);
  if (has_levels) meta->encodings.push_back(Encoding::kRle);
  if (dictionary_pages_ > 0) meta->encodings.push_back(Encoding::kRleDictionary);
  if (has_dictionary_page()) {
    meta->dictionary_page_offset = offset;
    meta->encoding_stats.push_back({PageType::kDictionaryPage, Encoding::kPlain, 1});
  } else {
    meta->dictionary_page_offset.reset();
  }
  if (plain_pages_ > 0) {
    meta->encoding_stats.push_back({PageType::kDataPage, Encoding::kPlain, plain_pages_});
  }
  if (dictionary_pages_ > 0) {
    meta->encoding_stats.push_back(
        {PageType::kDataPage, Encoding::kRleDictionary, dictionary_pages_});
  }
  meta->data_page_offset = offset + static_cast<int64_t>(dictionary_page_.size());
  RETURN_IF_ERROR(dictionary_page_.WriteTo(sink));
  RETURN_IF_ERROR(data_pages_.WriteTo(sink));
  dictionary_page_.Clear();
  data_pages_.Clear();
  uncompressed_bytes_ = 0;
  plain_pages_ = 0;
  dictionary_pages_ = 0;
  return Status::Ok();
}

}  // namespace de::parquet
