#include "warehouse/sqlite/sqlite_scan_query.h"

#include <set>

#include "warehouse/sqlite/value_text.h"

namespace de::warehouse_sqlite {
namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;
// SQLite's default SQLITE_MAX_VARIABLE_NUMBER since 3.32.
constexpr size_t kMaxParams = 32'766;

// Text that is canonical per the header: the pattern of the first 19 characters, then either
// nothing or '.' and 1..6 digits. `{0}` is the quoted column.
constexpr std::string_view kCanonicalText =
    "{0} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' "
    "AND (length({0}) = 19 OR (length({0}) BETWEEN 21 AND 26 AND substr({0}, 20, 1) = '.' "
    "AND substr({0}, 21) NOT GLOB '*[^0-9]*'))";

int64_t CeilDiv(int64_t a, int64_t b) { return a / b + ((a % b != 0) && ((a < 0) == (b < 0))); }

Result<const CatalogColumn*> FindColumn(const CatalogTable& table, const std::string& name) {
  const CatalogColumn* column = table.FindColumn(name);
  if (!column) return NotFound("warehouse table '{}' has no column '{}'", table.name, name);
  return column;
}

// Appends a parameter and returns its placeholder, "?N".
std::string Bind(ScanParam value, std::vector<ScanParam>* params) {
  params->push_back(std::move(value));
  return fmt::format("?{}", params->size());
}

Result<std::string> TimeCondition(const TimeFilter& filter, const CatalogTable& table,
                                  std::vector<ScanParam>* params) {
  ASSIGN_OR_RETURN(const CatalogColumn* column, FindColumn(table, filter.column));
  if (!column->type || column->type->id != TypeId::kTimestamp) {
    return InvalidArgument(
        "time filter column '{}' of warehouse table '{}' is declared '{}', "
        "not a timestamp",
        filter.column, table.name, column->declared_type);
  }
  for (int64_t bound : {filter.start_us, filter.end_us}) {
    if (bound < kMinTextTimestampMicros || bound > kMaxTextTimestampMicros) {
      return InvalidArgument("time filter bound {} us is outside years 0000..9999", bound);
    }
  }
  std::string c = QuoteSqlIdentifier(column->name);
  std::string integer_from = Bind(CeilDiv(filter.start_us, kMicrosPerSecond), params);
  std::string integer_to = Bind(CeilDiv(filter.end_us, kMicrosPerSecond), params);
  std::string text_from = Bind(FormatCanonicalTimestamp(filter.start_us), params);
  std::string text_to = Bind(FormatCanonicalTimestamp(filter.end_us), params);
  return fmt::format(
      "((typeof({0}) = 'integer' AND {0} >= {1} AND {0} < {2}) OR "
      "(typeof({0}) = 'text' AND {0} >= {3} AND {0} < {4} AND {5}))",
      c, integer_from, integer_to, text_from, text_to,
      fmt::format(fmt::runtime(kCanonicalText), c));
}

Result<std::string> InListCondition(const InListFilter& filter, const CatalogTable& table,
                                    std::vector<ScanParam>* params) {
  ASSIGN_OR_RETURN(const CatalogColumn* column, FindColumn(table, filter.column));
  if (!column->type || column->type->id != TypeId::kString) {
    return InvalidArgument(
        "in-list filter column '{}' of warehouse table '{}' is declared '{}', "
        "not a string",
        filter.column, table.name, column->declared_type);
  }
  std::string c = QuoteSqlIdentifier(column->name);
  if (filter.values.empty()) return filter.negate ? c + " IS NOT NULL" : std::string("0");
  std::string list;
  for (const std::string& value : filter.values) {
    if (!list.empty()) list += ", ";
    list += Bind(value, params);
  }
  return fmt::format("{} {}IN ({})", c, filter.negate ? "NOT " : "", list);
}

Result<std::string> SelectList(const ScanSpec& spec, const CatalogTable& table, Schema* schema) {
  std::set<std::string_view> seen;
  std::string list;
  for (const std::string& name : spec.columns) {
    ASSIGN_OR_RETURN(const CatalogColumn* column, FindColumn(table, name));
    if (!column->type) return UnmappedColumnError(table, *column);
    if (!seen.insert(name).second) {
      return InvalidArgument("column '{}' of warehouse table '{}' is selected twice", name,
                             table.name);
    }
    if (!list.empty()) list += ", ";
    list += QuoteSqlIdentifier(column->name);
    schema->fields.push_back({column->name, *column->type, column->nullable});
  }
  return list.empty() ? std::string("1") : list;
}

}  // namespace

Result<ScanQuery> PlanScanQuery(const ScanSpec& spec, const CatalogTable& table) {
  if (spec.batch_rows == 0 || spec.batch_bytes == 0) {
    return InvalidArgument("scan of '{}': batch_rows and batch_bytes must be positive", table.name);
  }
  ScanQuery query;
  ASSIGN_OR_RETURN(std::string select_list, SelectList(spec, table, &query.schema));
  std::vector<std::string> conditions;
  if (spec.time_filter) {
    ASSIGN_OR_RETURN(std::string condition, TimeCondition(*spec.time_filter, table, &query.params));
    conditions.push_back(std::move(condition));
  }
  for (const InListFilter& filter : spec.in_filters) {
    ASSIGN_OR_RETURN(std::string condition, InListCondition(filter, table, &query.params));
    conditions.push_back(std::move(condition));
  }
  if (query.params.size() > kMaxParams) {
    return InvalidArgument("scan of '{}' needs {} bound values, more than SQLite's {}", table.name,
                           query.params.size(), kMaxParams);
  }
  query.sql = fmt::format("SELECT {} FROM {}", select_list, QuoteSqlIdentifier(table.name));
  for (size_t i = 0; i < conditions.size(); ++i) {
    query.sql += i == 0 ? " WHERE " : " AND ";
    query.sql += conditions[i];
  }
  if (!spec.order_by.empty()) {
    ASSIGN_OR_RETURN(const CatalogColumn* column, FindColumn(table, spec.order_by));
    query.sql += " ORDER BY " + QuoteSqlIdentifier(column->name);
  }
  return query;
}

}  // namespace de::warehouse_sqlite
