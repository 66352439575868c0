#include "export/manifest.h"

#include <nlohmann/json.hpp>

#include "common/version.h"
#include "export/layout.h"

namespace de {

std::string RedshiftTypeName(const DataType& type) {
  switch (type.id) {
    case TypeId::kBool:
      return "boolean";
    case TypeId::kInt16:
      return "smallint";
    case TypeId::kInt32:
      return "integer";
    case TypeId::kInt64:
      return "bigint";
    case TypeId::kFloat:
      return "real";
    case TypeId::kDouble:
      return "double precision";
    case TypeId::kDecimal:
      return "numeric";
    case TypeId::kString:
    case TypeId::kJson:
      return "character varying";
    case TypeId::kBinary:
      return "varbyte";
    case TypeId::kDate:
      return "date";
    case TypeId::kTimestamp:
      return type.utc ? "timestamp with time zone" : "timestamp without time zone";
    case TypeId::kUuid:
      return "uuid";
  }
  return "character varying";
}

std::string RenderManifest(const std::vector<ManifestEntry>& entries, const Schema& schema,
                           const ManifestExport& info) {
  using nlohmann::ordered_json;
  ordered_json manifest;
  ordered_json list = ordered_json::array();
  for (const ManifestEntry& e : entries) {
    list.push_back(
        {{"url", e.url},
         {"meta", {{"content_length", e.content_length}, {"record_count", e.record_count}}}});
  }
  manifest["entries"] = std::move(list);
  ordered_json elements = ordered_json::array();
  for (const Field& f : schema.fields) {
    ordered_json type = {{"base", RedshiftTypeName(f.type)}};
    if (f.type.id == TypeId::kDecimal) {
      type["precision"] = f.type.precision;
      type["scale"] = f.type.scale;
    }
    elements.push_back({{"name", f.name}, {"type", std::move(type)}});
  }
  manifest["schema"] = {{"elements", std::move(elements)}};
  manifest["author"] = {{"name", kProductName}, {"version", kVersion}};
  manifest["export"] = {
      {"request_id", info.request_id},
      {"table", info.table},
      {"start_time", info.start_time},
      {"end_time", info.end_time},
      {"start", UtcIso8601(info.start_time)},
      {"end", UtcIso8601(info.end_time)},
      {"policy_version", info.policy_version},
      {"rows_read", info.rows_read},
      {"rows_dropped_by_policy", info.rows_dropped_by_policy},
      {"rows_written", info.rows_written},
      {"unclassified_columns", info.unclassified_columns},
      {"dropped_columns", info.dropped_columns},
      {"treated_columns", info.treated_columns},
  };
  return manifest.dump(2) + "\n";
}

}  // namespace de
