// Reads back the footer (FileMetaData) of a Parquet file and turns its schema into our columnar
// Schema. Used by the pre-publish policy audit (DESIGN.md §3.2): the schema of a written file is
// re-read from its bytes and checked against the export plan, so this reader trusts nothing in
// the input. It understands the flat files FileWriter produces; anything else is kDataLoss.
//
// File tail layout: ... | FileMetaData (Thrift compact) | footer length (u32 LE) | "PAR1"
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "columnar/data_type.h"
#include "common/status.h"
#include "parquet/format.h"

namespace de::parquet {

// The parts of FileMetaData the audit needs.
struct FileFooter {
  int64_t num_rows = 0;
  // As stored: the root group first, then the leaves. Enum fields hold the stored number even
  // when it names no enumerator of format.h (e.g. INT96, REPEATED); SchemaFromFooter rejects
  // those. A logical type this library does not model keeps its union field id as `kind`.
  std::vector<format::SchemaElement> schema;
  // In file order; a KeyValue without a value reads as an empty value.
  std::vector<std::pair<std::string, std::string>> key_value_metadata;
  std::string created_by;  // empty when absent
  int num_row_groups = 0;
};

// Bytes a reader needs from the end of a file: at least 8 ("footer length | PAR1"). Call
// FooterLength on the last 8 bytes of the file, then ParseFooter on the last length + 8 bytes.
// The length comes from the file: check that length + 8 <= the file size before reading.
inline constexpr size_t kFooterTrailerBytes = 8;

// The FileMetaData length stored in the trailer. `last_8_bytes` holds the end of the file (when
// longer, its last 8 bytes are used). Errors: kDataLoss for fewer than 8 bytes, an encrypted
// footer ("PARE") or a missing "PAR1" magic.
Result<uint32_t> FooterLength(std::string_view last_8_bytes);

// Decodes the footer at the end of `tail`: the last bytes of a Parquet file, holding at least the
// FileMetaData, its length and the magic (more bytes in front are ignored). Fields the audit does
// not need (row group contents, column orders, ...) are skipped whatever they hold.
// Errors: kDataLoss naming the problem for a bad trailer (see FooterLength), a length larger than
// the bytes in front of it, malformed Thrift (truncation, bad types or lengths, nesting deeper
// than 64, bytes left after the struct), a missing required field (version, schema, num_rows,
// row_groups, a column name, a key), a TIMESTAMP in a unit other than MICROS, and a schema that
// is not one root group over a flat list of non-repeated leaf columns.
Result<FileFooter> ParseFooter(std::string_view tail);

// Our Schema from the footer: the inverse of DescribeSchema + MakeSchemaElements (schema.h), so
// SchemaFromFooter(footer of a file written with schema S) == S. Field.nullable is true for an
// OPTIONAL leaf, false for a REQUIRED one. Each leaf must be exactly what MakeSchemaElements
// writes for the type its physical and logical types name (converted type, type length,
// decimal precision and scale included). Errors: kDataLoss for a schema that is not flat (as in
// ParseFooter), no columns, empty or duplicate column names, and a leaf shape this writer never
// produces, naming the column.
Result<Schema> SchemaFromFooter(const FileFooter& footer);

}  // namespace de::parquet
