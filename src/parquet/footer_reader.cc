#include "parquet/footer_reader.h"

#include "parquet/schema.h"
#include "parquet/thrift_compact_reader.h"

namespace de::parquet {
namespace {

using thrift::CompactReader;
using thrift::CompactType;
using thrift::ExpectType;
using thrift::FieldHeader;
using Kind = format::LogicalType::Kind;

constexpr std::string_view kMagic = "PAR1";
constexpr std::string_view kEncryptedMagic = "PARE";
constexpr int32_t kRepeated = 2;  // FieldRepetitionType.REPEATED
constexpr int16_t kMillis = 1;    // TimeUnit members
constexpr int16_t kMicros = 2;

// ---- Thrift field helpers: check the wire type, then read. ----

Result<int32_t> I32Field(CompactReader& r, const FieldHeader& f, std::string_view what) {
  RETURN_IF_ERROR(ExpectType(f, CompactType::kI32, what));
  return r.ReadI32();
}

Result<int64_t> I64Field(CompactReader& r, const FieldHeader& f, std::string_view what) {
  RETURN_IF_ERROR(ExpectType(f, CompactType::kI64, what));
  return r.ReadI64();
}

Status ReadBinaryInto(CompactReader& r, const FieldHeader& f, std::string_view what,
                      std::string* out) {
  RETURN_IF_ERROR(ExpectType(f, CompactType::kBinary, what));
  ASSIGN_OR_RETURN(const std::string_view value, r.ReadBinary());
  out->assign(value);
  return Status::Ok();
}

// An i32 field into an optional integer or enum; enums keep the stored number even when it
// names no enumerator.
template <typename T>
Status ReadI32Into(CompactReader& r, const FieldHeader& f, std::string_view what,
                   std::optional<T>* out) {
  ASSIGN_OR_RETURN(const int32_t value, I32Field(r, f, what));
  *out = static_cast<T>(value);
  return Status::Ok();
}

// Reads a list field whose elements are structs, calling on_element() once per element.
template <typename OnElement>
Status StructListField(CompactReader& r, const FieldHeader& f, std::string_view what,
                       OnElement&& on_element) {
  RETURN_IF_ERROR(ExpectType(f, CompactType::kList, what));
  ASSIGN_OR_RETURN(const thrift::ListHeader list, r.ReadListHeader());
  if (list.element_type != CompactType::kStruct) {
    return DataLoss("malformed Thrift: {} is a list of type {}, expected structs", what,
                    static_cast<int>(list.element_type));
  }
  for (uint32_t i = 0; i < list.size; ++i) RETURN_IF_ERROR(on_element());
  return Status::Ok();
}

Status Missing(std::string_view what) {
  return DataLoss("malformed Parquet footer: required field {} is missing", what);
}

// ---- LogicalType and its member structs (parquet.thrift). ----

Status ReadDecimalType(CompactReader& r, format::LogicalType* type) {
  bool has_scale = false;
  bool has_precision = false;
  RETURN_IF_ERROR(r.ReadStruct([&](const FieldHeader& f) -> Status {
    if (f.id == 1) {
      ASSIGN_OR_RETURN(type->scale, I32Field(r, f, "DecimalType.scale"));
      has_scale = true;
    } else if (f.id == 2) {
      ASSIGN_OR_RETURN(type->precision, I32Field(r, f, "DecimalType.precision"));
      has_precision = true;
    } else {
      return r.Skip(f.type);
    }
    return Status::Ok();
  }));
  if (!has_scale) return Missing("DecimalType.scale");
  if (!has_precision) return Missing("DecimalType.precision");
  return Status::Ok();
}

Status ReadIntType(CompactReader& r, format::LogicalType* type) {
  bool has_width = false;
  bool has_signed = false;
  RETURN_IF_ERROR(r.ReadStruct([&](const FieldHeader& f) -> Status {
    if (f.id == 1) {
      RETURN_IF_ERROR(ExpectType(f, CompactType::kByte, "IntType.bitWidth"));
      ASSIGN_OR_RETURN(type->bit_width, r.ReadI8());
      has_width = true;
    } else if (f.id == 2) {
      RETURN_IF_ERROR(ExpectType(f, CompactType::kBoolTrue, "IntType.isSigned"));
      type->is_signed = thrift::BoolValue(f);
      has_signed = true;
    } else {
      return r.Skip(f.type);
    }
    return Status::Ok();
  }));
  if (!has_width) return Missing("IntType.bitWidth");
  if (!has_signed) return Missing("IntType.isSigned");
  return Status::Ok();
}

// Reads a union: exactly one member, whose id goes to *member. Every member of the unions read
// here (LogicalType, TimeUnit) is a struct; read_member consumes it.
template <typename ReadMember>
Status ReadUnion(CompactReader& r, std::string_view what, int16_t* member,
                 ReadMember&& read_member) {
  int members = 0;
  RETURN_IF_ERROR(r.ReadStruct([&](const FieldHeader& f) -> Status {
    if (++members > 1) return DataLoss("malformed Thrift: union {} has several members", what);
    if (f.id <= 0) return DataLoss("malformed Thrift: union {} has member id {}", what, f.id);
    RETURN_IF_ERROR(ExpectType(f, CompactType::kStruct, what));
    *member = f.id;
    return read_member(f.id);
  }));
  if (members == 0) return DataLoss("malformed Thrift: union {} is empty", what);
  return Status::Ok();
}

// TimestampType; the unit goes to *unit because format::LogicalType only models MICROS.
Status ReadTimestampType(CompactReader& r, format::LogicalType* type, int16_t* unit) {
  bool has_utc = false;
  bool has_unit = false;
  RETURN_IF_ERROR(r.ReadStruct([&](const FieldHeader& f) -> Status {
    if (f.id == 1) {
      RETURN_IF_ERROR(ExpectType(f, CompactType::kBoolTrue, "TimestampType.isAdjustedToUTC"));
      type->adjusted_to_utc = thrift::BoolValue(f);
      has_utc = true;
      return Status::Ok();
    }
    if (f.id != 2) return r.Skip(f.type);
    RETURN_IF_ERROR(ExpectType(f, CompactType::kStruct, "TimestampType.unit"));
    has_unit = true;
    return ReadUnion(r, "TimeUnit", unit, [&](int16_t) { return r.Skip(CompactType::kStruct); });
  }));
  if (!has_utc) return Missing("TimestampType.isAdjustedToUTC");
  if (!has_unit) return Missing("TimestampType.unit");
  return Status::Ok();
}

Status ReadLogicalType(CompactReader& r, format::LogicalType* type, int16_t* timestamp_unit) {
  int16_t member = 0;
  return ReadUnion(r, "LogicalType", &member, [&](int16_t id) -> Status {
    // Members this library does not model keep their id as the kind; SchemaFromFooter rejects
    // them by name.
    type->kind = static_cast<Kind>(id);
    switch (type->kind) {
      case Kind::kDecimal:
        return ReadDecimalType(r, type);
      case Kind::kTimestamp:
        return ReadTimestampType(r, type, timestamp_unit);
      case Kind::kInteger:
        return ReadIntType(r, type);
      default:
        return r.Skip(CompactType::kStruct);
    }
  });
}

// ---- SchemaElement, KeyValue, FileMetaData. ----

Result<format::SchemaElement> ReadSchemaElement(CompactReader& r) {
  format::SchemaElement e;
  bool has_name = false;
  int16_t timestamp_unit = kMicros;
  RETURN_IF_ERROR(r.ReadStruct([&](const FieldHeader& f) -> Status {
    switch (f.id) {
      case 1:
        return ReadI32Into(r, f, "SchemaElement.type", &e.type);
      case 2:
        return ReadI32Into(r, f, "SchemaElement.type_length", &e.type_length);
      case 3:
        return ReadI32Into(r, f, "SchemaElement.repetition_type", &e.repetition_type);
      case 4:
        has_name = true;
        return ReadBinaryInto(r, f, "SchemaElement.name", &e.name);
      case 5:
        return ReadI32Into(r, f, "SchemaElement.num_children", &e.num_children);
      case 6:
        return ReadI32Into(r, f, "SchemaElement.converted_type", &e.converted_type);
      case 7:
        return ReadI32Into(r, f, "SchemaElement.scale", &e.scale);
      case 8:
        return ReadI32Into(r, f, "SchemaElement.precision", &e.precision);
      case 10:
        RETURN_IF_ERROR(ExpectType(f, CompactType::kStruct, "SchemaElement.logicalType"));
        return ReadLogicalType(r, &e.logical_type, &timestamp_unit);
      default:
        return r.Skip(f.type);
    }
  }));
  if (!has_name) return Missing("SchemaElement.name");
  if (e.logical_type.kind == Kind::kTimestamp && timestamp_unit != kMicros) {
    return DataLoss("column '{}': TIMESTAMP unit {} is not supported, only MICROS", e.name,
                    timestamp_unit == kMillis ? "MILLIS" : "NANOS");
  }
  return e;
}

Result<std::pair<std::string, std::string>> ReadKeyValue(CompactReader& r) {
  std::pair<std::string, std::string> entry;
  bool has_key = false;
  RETURN_IF_ERROR(r.ReadStruct([&](const FieldHeader& f) -> Status {
    if (f.id == 1) {
      has_key = true;
      return ReadBinaryInto(r, f, "KeyValue.key", &entry.first);
    }
    if (f.id == 2) return ReadBinaryInto(r, f, "KeyValue.value", &entry.second);
    return r.Skip(f.type);
  }));
  if (!has_key) return Missing("KeyValue.key");
  return entry;
}

// Reads field `f` of FileMetaData into *footer; the last occurrence of a repeated field wins.
Status ReadFileMetaDataField(CompactReader& r, const FieldHeader& f, FileFooter* footer) {
  switch (f.id) {
    case 1:
      return I32Field(r, f, "FileMetaData.version").status();
    case 2:
      footer->schema.clear();
      return StructListField(r, f, "FileMetaData.schema", [&]() -> Status {
        ASSIGN_OR_RETURN(format::SchemaElement e, ReadSchemaElement(r));
        footer->schema.push_back(std::move(e));
        return Status::Ok();
      });
    case 3: {
      ASSIGN_OR_RETURN(footer->num_rows, I64Field(r, f, "FileMetaData.num_rows"));
      return Status::Ok();
    }
    case 4:
      footer->num_row_groups = 0;
      return StructListField(r, f, "FileMetaData.row_groups", [&]() -> Status {
        ++footer->num_row_groups;  // at most INT32_MAX: a list size is an i32
        return r.Skip(CompactType::kStruct);
      });
    case 5:
      footer->key_value_metadata.clear();
      return StructListField(r, f, "FileMetaData.key_value_metadata", [&]() -> Status {
        ASSIGN_OR_RETURN(auto entry, ReadKeyValue(r));
        footer->key_value_metadata.push_back(std::move(entry));
        return Status::Ok();
      });
    case 6:
      return ReadBinaryInto(r, f, "FileMetaData.created_by", &footer->created_by);
    default:
      return r.Skip(f.type);
  }
}

Result<FileFooter> ReadFileMetaData(std::string_view bytes) {
  CompactReader r(bytes);
  FileFooter footer;
  bool seen[5] = {};  // the required fields by id: version, schema, num_rows, row_groups
  RETURN_IF_ERROR(r.ReadStruct([&](const FieldHeader& f) -> Status {
    if (f.id >= 1 && f.id <= 4) seen[f.id] = true;
    return ReadFileMetaDataField(r, f, &footer);
  }));
  if (r.remaining() != 0) {
    return DataLoss("malformed Parquet footer: {} bytes follow the FileMetaData struct",
                    r.remaining());
  }
  constexpr std::string_view kRequired[] = {"", "FileMetaData.version", "FileMetaData.schema",
                                            "FileMetaData.num_rows", "FileMetaData.row_groups"};
  for (int id = 1; id <= 4; ++id) {
    if (!seen[id]) return Missing(kRequired[id]);
  }
  if (footer.num_rows < 0) return DataLoss("Parquet footer: num_rows is {}", footer.num_rows);
  return footer;
}

// One root group whose children are all the other elements, each a non-repeated leaf.
Status CheckFlat(const std::vector<format::SchemaElement>& schema) {
  if (schema.empty()) return DataLoss("Parquet footer: the schema is empty");
  const format::SchemaElement& root = schema.front();
  if (root.type) return DataLoss("Parquet schema: the root '{}' is not a group", root.name);
  for (size_t i = 1; i < schema.size(); ++i) {
    const format::SchemaElement& e = schema[i];
    if (!e.type || e.num_children.value_or(0) != 0) {
      return DataLoss("Parquet schema: column '{}' is a group; only flat schemas are supported",
                      e.name);
    }
    if (e.repetition_type && static_cast<int32_t>(*e.repetition_type) == kRepeated) {
      return DataLoss("Parquet schema: column '{}' is repeated; only flat schemas are supported",
                      e.name);
    }
  }
  const size_t leaves = schema.size() - 1;
  if (root.num_children.value_or(-1) != static_cast<int64_t>(leaves)) {
    return DataLoss("Parquet schema: the root has {} children but {} columns follow it",
                    root.num_children.value_or(0), leaves);
  }
  return Status::Ok();
}

// ---- From SchemaElement to DataType. ----

std::string PhysicalName(format::Type type) {
  static constexpr std::string_view kNames[] = {
      "BOOLEAN", "INT32",  "INT64",      "INT96",
      "FLOAT",   "DOUBLE", "BYTE_ARRAY", "FIXED_LEN_BYTE_ARRAY"};
  const auto index = static_cast<int32_t>(type);
  if (index >= 0 && index < 8) return std::string(kNames[index]);
  return fmt::format("physical type #{}", index);
}

std::string LogicalName(const format::LogicalType& t) {
  static constexpr std::string_view kNames[] = {
      "none",      "STRING", "MAP",     "LIST",    "ENUM", "DECIMAL", "DATE", "TIME",
      "TIMESTAMP", "#9",     "INTEGER", "UNKNOWN", "JSON", "BSON",    "UUID", "FLOAT16"};
  const auto index = static_cast<int16_t>(t.kind);
  switch (t.kind) {
    case Kind::kDecimal:
      return fmt::format("DECIMAL({},{})", t.precision, t.scale);
    case Kind::kTimestamp:
      return fmt::format("TIMESTAMP(MICROS, utc={})", t.adjusted_to_utc);
    case Kind::kInteger:
      return fmt::format("INTEGER({}, {})", t.bit_width, t.is_signed ? "signed" : "unsigned");
    default:
      if (index >= 0 && index < 16) return std::string(kNames[index]);
      return fmt::format("logical type #{}", index);
  }
}

// "INT32 + DECIMAL(9,2), converted type 5, scale 2, precision 9": every field SameLeaf compares.
std::string Describe(const format::SchemaElement& e) {
  std::string out = e.type ? PhysicalName(*e.type) : "no physical type";
  if (e.type_length) out += fmt::format("({})", *e.type_length);
  out += " + " + LogicalName(e.logical_type);
  if (e.converted_type)
    out += fmt::format(", converted type {}", static_cast<int>(*e.converted_type));
  if (e.scale) out += fmt::format(", scale {}", *e.scale);
  if (e.precision) out += fmt::format(", precision {}", *e.precision);
  return out;
}

bool SameLogicalType(const format::LogicalType& a, const format::LogicalType& b) {
  return a.kind == b.kind && a.scale == b.scale && a.precision == b.precision &&
         a.adjusted_to_utc == b.adjusted_to_utc && a.bit_width == b.bit_width &&
         a.is_signed == b.is_signed;
}

// Everything of a leaf except its name and num_children (absent or 0, CheckFlat ensures).
bool SameLeaf(const format::SchemaElement& a, const format::SchemaElement& b) {
  return a.type == b.type && a.type_length == b.type_length &&
         a.repetition_type == b.repetition_type && a.converted_type == b.converted_type &&
         a.scale == b.scale && a.precision == b.precision &&
         SameLogicalType(a.logical_type, b.logical_type);
}

Status Unsupported(const format::SchemaElement& e) {
  return DataLoss("column '{}': {} is not a column type this exporter writes", e.name, Describe(e));
}

// The DataType a leaf's physical and logical types name; SchemaFromFooter checks the rest.
Result<DataType> LeafType(const format::SchemaElement& e) {
  const format::LogicalType& logical = e.logical_type;
  switch (logical.kind) {
    case Kind::kNone:
      switch (*e.type) {
        case format::Type::kBoolean:
          return DataType::Bool();
        case format::Type::kFloat:
          return DataType::Float();
        case format::Type::kDouble:
          return DataType::Double();
        case format::Type::kByteArray:
          return DataType::Binary();
        default:
          return Unsupported(e);
      }
    case Kind::kInteger:
      if (logical.bit_width == 16) return DataType::Int16();
      if (logical.bit_width == 32) return DataType::Int32();
      if (logical.bit_width == 64) return DataType::Int64();
      return Unsupported(e);
    case Kind::kDecimal:
      if (logical.precision < 1 || logical.precision > 38 || logical.scale < 0 ||
          logical.scale > logical.precision) {
        return Unsupported(e);
      }
      return DataType::Decimal(logical.precision, logical.scale);
    case Kind::kString:
      return DataType::String();
    case Kind::kJson:
      return DataType::Json();
    case Kind::kDate:
      return DataType::Date();
    case Kind::kTimestamp:
      return DataType::Timestamp(logical.adjusted_to_utc);
    case Kind::kUuid:
      return DataType::Uuid();
  }
  return Unsupported(e);  // a logical type this library does not model
}

Result<Field> LeafField(const format::SchemaElement& e) {
  Field field;
  field.name = e.name;
  if (!e.repetition_type) return DataLoss("column '{}' has no repetition type", e.name);
  if (*e.repetition_type == format::Repetition::kRequired) {
    field.nullable = false;
  } else if (*e.repetition_type == format::Repetition::kOptional) {
    field.nullable = true;
  } else {
    return DataLoss("column '{}': repetition {} is neither REQUIRED nor OPTIONAL", e.name,
                    static_cast<int32_t>(*e.repetition_type));
  }
  ASSIGN_OR_RETURN(field.type, LeafType(e));
  return field;
}

}  // namespace

Result<uint32_t> FooterLength(std::string_view last_8_bytes) {
  if (last_8_bytes.size() < kFooterTrailerBytes) {
    return DataLoss("not a Parquet file: {} bytes, fewer than the 8-byte trailer",
                    last_8_bytes.size());
  }
  const std::string_view trailer = last_8_bytes.substr(last_8_bytes.size() - kFooterTrailerBytes);
  const std::string_view magic = trailer.substr(4);
  if (magic == kEncryptedMagic) return DataLoss("Parquet file has an encrypted footer (PARE)");
  if (magic != kMagic) return DataLoss("not a Parquet file: the trailing PAR1 magic is missing");
  const auto* b = reinterpret_cast<const uint8_t*>(trailer.data());
  return static_cast<uint32_t>(b[0]) | static_cast<uint32_t>(b[1]) << 8 |
         static_cast<uint32_t>(b[2]) << 16 | static_cast<uint32_t>(b[3]) << 24;
}

Result<FileFooter> ParseFooter(std::string_view tail) {
  ASSIGN_OR_RETURN(const uint32_t length, FooterLength(tail));
  const size_t available = tail.size() - kFooterTrailerBytes;
  if (length > available) {
    return DataLoss("Parquet footer length {} is larger than the {} bytes in front of it", length,
                    available);
  }
  ASSIGN_OR_RETURN(FileFooter footer, ReadFileMetaData(tail.substr(available - length, length)));
  RETURN_IF_ERROR(CheckFlat(footer.schema));
  return footer;
}

Result<Schema> SchemaFromFooter(const FileFooter& footer) {
  RETURN_IF_ERROR(CheckFlat(footer.schema));
  Schema schema;
  for (size_t i = 1; i < footer.schema.size(); ++i) {
    ASSIGN_OR_RETURN(Field field, LeafField(footer.schema[i]));
    schema.fields.push_back(std::move(field));
  }
  // Regenerate what the writer would store for this schema: anything that differs (a missing
  // converted type, a wrong length or physical type for a decimal, ...) is not our file.
  Result<std::vector<ColumnDescriptor>> columns = DescribeSchema(schema);
  if (!columns.ok()) {
    return DataLoss("Parquet schema is not one this exporter writes: {}",
                    columns.status().message());
  }
  const std::vector<format::SchemaElement> expected = MakeSchemaElements(*columns);
  for (size_t i = 1; i < expected.size(); ++i) {
    const format::SchemaElement& stored = footer.schema[i];
    if (!SameLeaf(stored, expected[i])) {
      return DataLoss("column '{}': {} is not how this exporter writes {} ({})", stored.name,
                      Describe(stored), schema.fields[i - 1].type.ToString(),
                      Describe(expected[i]));
    }
  }
  return schema;
}

}  // namespace de::parquet
