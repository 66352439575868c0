// The subset of parquet.thrift (Apache Parquet format) this writer produces, as plain structs,
// and their serialization in the Thrift compact protocol. Enum values and field ids follow
// parquet.thrift exactly; a field that is std::optional (or empty, for lists noted as optional)
// is left out of the encoding.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace de::parquet::format {

enum class Type : int32_t {
  kBoolean = 0,
  kInt32 = 1,
  kInt64 = 2,
  kFloat = 4,
  kDouble = 5,
  kByteArray = 6,
  kFixedLenByteArray = 7,
};

enum class ConvertedType : int32_t {
  kUtf8 = 0,
  kDecimal = 5,
  kDate = 6,
  kTimestampMicros = 10,
  kInt16 = 16,
  kInt32 = 17,
  kInt64 = 18,
  kJson = 19,
};

enum class Repetition : int32_t { kRequired = 0, kOptional = 1 };

enum class Encoding : int32_t { kPlain = 0, kRle = 3, kRleDictionary = 8 };

enum class CompressionCodec : int32_t { kUncompressed = 0, kSnappy = 1, kGzip = 2, kZstd = 6 };

enum class PageType : int32_t { kDataPage = 0, kDictionaryPage = 2 };

// The LogicalType union; kind selects the member (its field id in parquet.thrift).
struct LogicalType {
  enum class Kind : int16_t {
    kNone = 0,
    kString = 1,
    kDecimal = 5,
    kDate = 6,
    kTimestamp = 8,  // always unit MICROS here
    kInteger = 10,
    kJson = 12,
    kUuid = 14,
  };
  Kind kind = Kind::kNone;
  int32_t scale = 0;             // kDecimal
  int32_t precision = 0;         // kDecimal
  bool adjusted_to_utc = false;  // kTimestamp
  int8_t bit_width = 0;          // kInteger
  bool is_signed = true;         // kInteger
};

struct SchemaElement {
  std::optional<Type> type;
  std::optional<int32_t> type_length;
  std::optional<Repetition> repetition_type;
  std::string name;
  std::optional<int32_t> num_children;
  std::optional<ConvertedType> converted_type;
  std::optional<int32_t> scale;
  std::optional<int32_t> precision;
  LogicalType logical_type;  // written when kind != kNone
};

// min_value/max_value are PLAIN-encoded (byte arrays without the length prefix). The deprecated
// min/max fields 1 and 2 are never written.
struct Statistics {
  std::optional<int64_t> null_count;
  std::optional<std::string> max_value;
  std::optional<std::string> min_value;
  std::optional<bool> is_max_value_exact;
  std::optional<bool> is_min_value_exact;
  std::optional<int64_t> nan_count;
};

struct DataPageHeader {
  int32_t num_values = 0;
  Encoding encoding = Encoding::kPlain;
  Encoding definition_level_encoding = Encoding::kRle;
  Encoding repetition_level_encoding = Encoding::kRle;
};

struct DictionaryPageHeader {
  int32_t num_values = 0;
  Encoding encoding = Encoding::kPlain;
};

struct PageHeader {
  PageType type = PageType::kDataPage;
  int32_t uncompressed_page_size = 0;
  int32_t compressed_page_size = 0;
  DataPageHeader data_page_header;              // written when type == kDataPage
  DictionaryPageHeader dictionary_page_header;  // written when type == kDictionaryPage
};

struct PageEncodingStats {
  PageType page_type = PageType::kDataPage;
  Encoding encoding = Encoding::kPlain;
  int32_t count = 0;
};

struct ColumnMetaData {
  Type type = Type::kInt32;
  std::vector<Encoding> encodings;
  std::vector<std::string> path_in_schema;
  CompressionCodec codec = CompressionCodec::kUncompressed;
  int64_t num_values = 0;
  int64_t total_uncompressed_size = 0;
  int64_t total_compressed_size = 0;
  int64_t data_page_offset = 0;
  std::optional<int64_t> dictionary_page_offset;
  std::optional<Statistics> statistics;
  std::vector<PageEncodingStats> encoding_stats;  // optional: written when non-empty
  std::optional<int64_t> bloom_filter_offset;
  std::optional<int32_t> bloom_filter_length;
};

struct ColumnChunk {
  int64_t file_offset = 0;  // deprecated; 0 as the specification asks
  ColumnMetaData meta_data;
  std::optional<int64_t> offset_index_offset;
  std::optional<int32_t> offset_index_length;
  std::optional<int64_t> column_index_offset;
  std::optional<int32_t> column_index_length;
};

// The page index (ColumnIndex and OffsetIndex of parquet.thrift), one of each per column chunk,
// stored between the row groups and the footer.
struct PageLocation {
  int64_t offset = 0;                // of the page header in the file
  int32_t compressed_page_size = 0;  // header included
  int64_t first_row_index = 0;       // within the row group
};

struct OffsetIndex {
  std::vector<PageLocation> page_locations;
};

enum class BoundaryOrder : int32_t { kUnordered = 0, kAscending = 1, kDescending = 2 };

struct ColumnIndex {
  std::vector<bool> null_pages;
  std::vector<std::string> min_values;  // PLAIN like Statistics; empty for null pages
  std::vector<std::string> max_values;
  BoundaryOrder boundary_order = BoundaryOrder::kUnordered;
  std::vector<int64_t> null_counts;
};

struct RowGroup {
  std::vector<ColumnChunk> columns;
  int64_t total_byte_size = 0;
  int64_t num_rows = 0;
  int64_t file_offset = 0;
  int64_t total_compressed_size = 0;
  int32_t ordinal = 0;  // written when it fits the i16 field
};

struct FileMetaData {
  int32_t version = 1;
  std::vector<SchemaElement> schema;
  int64_t num_rows = 0;
  std::vector<RowGroup> row_groups;
  std::vector<std::pair<std::string, std::string>> key_value_metadata;  // optional
  std::string created_by;
  // column_orders: TYPE_ORDER for each leaf (schema.size() - 1 of them).
};

// Appends the compact encoding of each struct to `out`.
void SerializePageHeader(const PageHeader& header, std::string* out);
void SerializeFileMetaData(const FileMetaData& metadata, std::string* out);
void SerializeOffsetIndex(const OffsetIndex& index, std::string* out);
void SerializeColumnIndex(const ColumnIndex& index, std::string* out);

}  // namespace de::parquet::format
