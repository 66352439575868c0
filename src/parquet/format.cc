#include "parquet/format.h"

#include <limits>

#include "parquet/thrift_compact.h"

namespace de::parquet::format {
namespace {

using thrift::CompactType;
using thrift::CompactWriter;

int32_t Enum(auto value) { return static_cast<int32_t>(value); }

void WriteEmptyStructField(CompactWriter& w, int16_t id) {
  w.BeginStructField(id);
  w.EndStruct();
}

void WriteLogicalType(CompactWriter& w, const LogicalType& type) {
  w.BeginStructField(10);  // SchemaElement.logicalType
  w.BeginStructField(static_cast<int16_t>(type.kind));
  switch (type.kind) {
    case LogicalType::Kind::kDecimal:
      w.I32Field(1, type.scale);
      w.I32Field(2, type.precision);
      break;
    case LogicalType::Kind::kTimestamp:
      w.BoolField(1, type.adjusted_to_utc);
      w.BeginStructField(2);        // unit: TimeUnit union
      WriteEmptyStructField(w, 2);  // MICROS
      w.EndStruct();
      break;
    case LogicalType::Kind::kInteger:
      w.I8Field(1, type.bit_width);
      w.BoolField(2, type.is_signed);
      break;
    default:  // STRING, DATE, JSON, UUID: empty structs
      break;
  }
  w.EndStruct();
  w.EndStruct();
}

void WriteSchemaElement(CompactWriter& w, const SchemaElement& e) {
  w.BeginStruct();
  if (e.type) w.I32Field(1, Enum(*e.type));
  if (e.type_length) w.I32Field(2, *e.type_length);
  if (e.repetition_type) w.I32Field(3, Enum(*e.repetition_type));
  w.BinaryField(4, e.name);
  if (e.num_children) w.I32Field(5, *e.num_children);
  if (e.converted_type) w.I32Field(6, Enum(*e.converted_type));
  if (e.scale) w.I32Field(7, *e.scale);
  if (e.precision) w.I32Field(8, *e.precision);
  if (e.logical_type.kind != LogicalType::Kind::kNone) WriteLogicalType(w, e.logical_type);
  w.EndStruct();
}

void WriteStatistics(CompactWriter& w, int16_t id, const Statistics& s) {
  w.BeginStructField(id);
  if (s.null_count) w.I64Field(3, *s.null_count);
  if (s.max_value) w.BinaryField(5, *s.max_value);
  if (s.min_value) w.BinaryField(6, *s.min_value);
  if (s.is_max_value_exact) w.BoolField(7, *s.is_max_value_exact);
  if (s.is_min_value_exact) w.BoolField(8, *s.is_min_value_exact);
  if (s.nan_count) w.I64Field(9, *s.nan_count);
  w.EndStruct();
}

void WriteColumnMetaData(CompactWriter& w, const ColumnMetaData& m) {
  w.BeginStructField(3);  // ColumnChunk.meta_data
  w.I32Field(1, Enum(m.type));
  w.BeginListField(2, CompactType::kI32, m.encodings.size());
  for (Encoding e : m.encodings) w.I32Element(Enum(e));
  w.BeginListField(3, CompactType::kBinary, m.path_in_schema.size());
  for (const std::string& p : m.path_in_schema) w.BinaryElement(p);
  w.I32Field(4, Enum(m.codec));
  w.I64Field(5, m.num_values);
  w.I64Field(6, m.total_uncompressed_size);
  w.I64Field(7, m.total_compressed_size);
  w.I64Field(9, m.data_page_offset);
  if (m.dictionary_page_offset) w.I64Field(11, *m.dictionary_page_offset);
  if (m.statistics) WriteStatistics(w, 12, *m.statistics);
  if (!m.encoding_stats.empty()) {
    w.BeginListField(13, CompactType::kStruct, m.encoding_stats.size());
    for (const PageEncodingStats& s : m.encoding_stats) {
      w.BeginStruct();
      w.I32Field(1, Enum(s.page_type));
      w.I32Field(2, Enum(s.encoding));
      w.I32Field(3, s.count);
      w.EndStruct();
    }
  }
  if (m.bloom_filter_offset) w.I64Field(14, *m.bloom_filter_offset);
  if (m.bloom_filter_length) w.I32Field(15, *m.bloom_filter_length);
  w.EndStruct();
}

void WriteRowGroup(CompactWriter& w, const RowGroup& g) {
  w.BeginStruct();
  w.BeginListField(1, CompactType::kStruct, g.columns.size());
  for (const ColumnChunk& c : g.columns) {
    w.BeginStruct();
    w.I64Field(2, c.file_offset);
    WriteColumnMetaData(w, c.meta_data);
    if (c.offset_index_offset) w.I64Field(4, *c.offset_index_offset);
    if (c.offset_index_length) w.I32Field(5, *c.offset_index_length);
    if (c.column_index_offset) w.I64Field(6, *c.column_index_offset);
    if (c.column_index_length) w.I32Field(7, *c.column_index_length);
    w.EndStruct();
  }
  w.I64Field(2, g.total_byte_size);
  w.I64Field(3, g.num_rows);
  w.I64Field(5, g.file_offset);
  w.I64Field(6, g.total_compressed_size);
  if (g.ordinal <= std::numeric_limits<int16_t>::max()) {
    w.I16Field(7, static_cast<int16_t>(g.ordinal));
  }
  w.EndStruct();
}

}  // namespace

void SerializePageHeader(const PageHeader& h, std::string* out) {
  CompactWriter w(out);
  w.BeginStruct();
  w.I32Field(1, Enum(h.type));
  w.I32Field(2, h.uncompressed_page_size);
  w.I32Field(3, h.compressed_page_size);
  if (h.type == PageType::kDataPage) {
    const DataPageHeader& d = h.data_page_header;
    w.BeginStructField(5);
    w.I32Field(1, d.num_values);
    w.I32Field(2, Enum(d.encoding));
    w.I32Field(3, Enum(d.definition_level_encoding));
    w.I32Field(4, Enum(d.repetition_level_encoding));
    w.EndStruct();
  } else {
    const DictionaryPageHeader& d = h.dictionary_page_header;
    w.BeginStructField(7);
    w.I32Field(1, d.num_values);
    w.I32Field(2, Enum(d.encoding));
    w.EndStruct();
  }
  w.EndStruct();
}

void SerializeFileMetaData(const FileMetaData& m, std::string* out) {
  CompactWriter w(out);
  w.BeginStruct();
  w.I32Field(1, m.version);
  w.BeginListField(2, CompactType::kStruct, m.schema.size());
  for (const SchemaElement& e : m.schema) WriteSchemaElement(w, e);
  w.I64Field(3, m.num_rows);
  w.BeginListField(4, CompactType::kStruct, m.row_groups.size());
  for (const RowGroup& g : m.row_groups) WriteRowGroup(w, g);
  if (!m.key_value_metadata.empty()) {
    w.BeginListField(5, CompactType::kStruct, m.key_value_metadata.size());
    for (const auto& [key, value] : m.key_value_metadata) {
      w.BeginStruct();
      w.BinaryField(1, key);
      w.BinaryField(2, value);
      w.EndStruct();
    }
  }
  w.BinaryField(6, m.created_by);
  const size_t leaves = m.schema.empty() ? 0 : m.schema.size() - 1;
  w.BeginListField(7, CompactType::kStruct, leaves);
  for (size_t i = 0; i < leaves; ++i) {
    w.BeginStruct();              // ColumnOrder union
    WriteEmptyStructField(w, 1);  // TYPE_ORDER: TypeDefinedOrder {}
    w.EndStruct();
  }
  w.EndStruct();
}

void SerializeOffsetIndex(const OffsetIndex& index, std::string* out) {
  CompactWriter w(out);
  w.BeginStruct();
  w.BeginListField(1, CompactType::kStruct, index.page_locations.size());
  for (const PageLocation& p : index.page_locations) {
    w.BeginStruct();
    w.I64Field(1, p.offset);
    w.I32Field(2, p.compressed_page_size);
    w.I64Field(3, p.first_row_index);
    w.EndStruct();
  }
  w.EndStruct();
}

void SerializeColumnIndex(const ColumnIndex& index, std::string* out) {
  CompactWriter w(out);
  w.BeginStruct();
  w.BeginListField(1, CompactType::kBoolTrue, index.null_pages.size());
  for (bool null_page : index.null_pages) w.BoolElement(null_page);
  w.BeginListField(2, CompactType::kBinary, index.min_values.size());
  for (const std::string& v : index.min_values) w.BinaryElement(v);
  w.BeginListField(3, CompactType::kBinary, index.max_values.size());
  for (const std::string& v : index.max_values) w.BinaryElement(v);
  w.I32Field(4, Enum(index.boundary_order));
  w.BeginListField(5, CompactType::kI64, index.null_counts.size());
  for (int64_t n : index.null_counts) w.I64Element(n);
  w.EndStruct();
}

}  // namespace de::parquet::format
