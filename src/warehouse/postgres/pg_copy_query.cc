#include "warehouse/postgres/pg_copy_query.h"

#include <nlohmann/json.hpp>
#include <set>

#include "warehouse/sqlite/value_text.h"

namespace de::warehouse_pg {
namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kSecondsPerDay = 86'400;
// 0001-01-01 00:00:00 and 9999-12-31 23:59:59.999999 UTC.
constexpr int64_t kMinBoundMicros = -62'135'596'800'000'000;
constexpr int64_t kMaxBoundMicros = 253'402'300'799'999'999;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// Year, month, day of a day number (days since 1970-01-01), proleptic Gregorian calendar, by
// counting 400-year eras that start on March 1st.
void CivilFromDays(int64_t days, int64_t* year, int* month, int* day) {
  days += 719'468;  // 0000-03-01 → 1970-01-01
  int64_t era = FloorDiv(days, 146'097);
  int64_t day_of_era = days - era * 146'097;
  int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36'524 - day_of_era / 146'096) / 365;
  int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  int64_t mp = (5 * day_of_year + 2) / 153;  // month index starting at March
  *day = static_cast<int>(day_of_year - (153 * mp + 2) / 5 + 1);
  *month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *year = year_of_era + era * 400 + (*month <= 2 ? 1 : 0);
}

Result<const CatalogColumn*> FindColumn(const CatalogTable& table, const std::string& name) {
  const CatalogColumn* column = table.FindColumn(name);
  if (!column) return NotFound("warehouse table '{}' has no column '{}'", table.name, name);
  return column;
}

// Adds a session setting `name` = `value` to the query and returns the SQL that reads it back.
std::string Setting(std::string name, std::string value, CopyQuery* query) {
  query->settings_params.push_back(std::move(value));
  if (!query->settings_sql.empty()) query->settings_sql += ", ";
  query->settings_sql +=
      fmt::format("pg_catalog.set_config('{}', ${}, false)", name, query->settings_params.size());
  return fmt::format("pg_catalog.current_setting('{}')", name);
}

Result<std::string> TimeCondition(const TimeFilter& filter, const CatalogTable& table,
                                  CopyQuery* query) {
  ASSIGN_OR_RETURN(const CatalogColumn* column, FindColumn(table, filter.column));
  if (!column->pg_type || column->type.id != TypeId::kTimestamp) {
    return InvalidArgument(
        "time filter column '{}' of warehouse table '{}' is declared '{}', not a timestamp",
        filter.column, table.name, column->declared_type);
  }
  for (int64_t bound : {filter.start_us, filter.end_us}) {
    if (bound < kMinBoundMicros || bound > kMaxBoundMicros) {
      return InvalidArgument("time filter bound {} us is outside years 0001..9999", bound);
    }
  }
  const bool utc = column->type.utc;
  const char* cast = utc ? "timestamptz" : "timestamp";
  const char* zone = utc ? "+00" : "";
  std::string start = Setting("de.scan_start", FormatTimestampText(filter.start_us) + zone, query);
  std::string end = Setting("de.scan_end", FormatTimestampText(filter.end_us) + zone, query);
  std::string c = QuoteSqlIdentifier(column->name);
  return fmt::format("{0} >= {1}::{3} AND {0} < {2}::{3}", c, start, end, cast);
}

Result<std::string> InListCondition(const InListFilter& filter, size_t index,
                                    const CatalogTable& table, CopyQuery* query) {
  ASSIGN_OR_RETURN(const CatalogColumn* column, FindColumn(table, filter.column));
  if (!column->pg_type || column->pg_type != PgType::kText) {
    return InvalidArgument(
        "in-list filter column '{}' of warehouse table '{}' is declared '{}', not a string",
        filter.column, table.name, column->declared_type);
  }
  std::string c = QuoteSqlIdentifier(column->name);
  nlohmann::json values = nlohmann::json::array();
  for (const std::string& value : filter.values) {
    if (!IsValidUtf8(value)) {
      return InvalidArgument(
          "in-list filter on column '{}' of warehouse table '{}': a value is "
          "not valid UTF-8",
          filter.column, table.name);
    }
    if (value.find('\0') == std::string::npos) values.push_back(value);
  }
  if (values.empty()) return filter.negate ? c + " IS NOT NULL" : std::string("FALSE");
  std::string list = Setting(fmt::format("de.scan_in_{}", index), values.dump(), query);
  return fmt::format("{} {}IN (SELECT pg_catalog.jsonb_array_elements_text({}::jsonb))", c,
                     filter.negate ? "NOT " : "", list);
}

Result<std::string> SelectList(const ScanSpec& spec, const CatalogTable& table, CopyQuery* query) {
  std::set<std::string_view> seen;
  std::string list;
  for (const std::string& name : spec.columns) {
    ASSIGN_OR_RETURN(const CatalogColumn* column, FindColumn(table, name));
    if (!column->pg_type) return UnmappedColumnError(table, *column);
    if (!seen.insert(name).second) {
      return InvalidArgument("column '{}' of warehouse table '{}' is selected twice", name,
                             table.name);
    }
    if (!list.empty()) list += ", ";
    std::string quoted = QuoteSqlIdentifier(column->name);
    // No alias: ORDER BY must see the column, not the JSON.
    list += column->select_as_json ? fmt::format("pg_catalog.to_json({})", quoted) : quoted;
    query->columns.push_back({column->name, *column->pg_type, column->type});
    query->schema.fields.push_back({column->name, column->type, column->nullable});
  }
  return list;
}

}  // namespace

std::string FormatTimestampText(int64_t micros) {
  int64_t seconds = FloorDiv(micros, kMicrosPerSecond);
  int64_t fraction = micros - seconds * kMicrosPerSecond;
  int64_t days = FloorDiv(seconds, kSecondsPerDay);
  int64_t second_of_day = seconds - days * kSecondsPerDay;
  int64_t year;
  int month, day;
  CivilFromDays(days, &year, &month, &day);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:06}", year, month, day,
                     second_of_day / 3600, second_of_day / 60 % 60, second_of_day % 60, fraction);
}

Result<CopyQuery> PlanCopyQuery(const ScanSpec& spec, const CatalogTable& table) {
  if (spec.batch_rows == 0 || spec.batch_bytes == 0) {
    return InvalidArgument("scan of '{}': batch_rows and batch_bytes must be positive", table.name);
  }
  CopyQuery query;
  ASSIGN_OR_RETURN(std::string select_list, SelectList(spec, table, &query));
  std::vector<std::string> conditions;
  if (spec.time_filter) {
    ASSIGN_OR_RETURN(std::string condition, TimeCondition(*spec.time_filter, table, &query));
    conditions.push_back(std::move(condition));
  }
  for (size_t i = 0; i < spec.in_filters.size(); ++i) {
    ASSIGN_OR_RETURN(std::string condition, InListCondition(spec.in_filters[i], i, table, &query));
    conditions.push_back(std::move(condition));
  }
  std::string select =
      fmt::format("SELECT {} FROM {}.{}", select_list, QuoteSqlIdentifier(table.schema),
                  QuoteSqlIdentifier(table.name));
  for (size_t i = 0; i < conditions.size(); ++i) {
    select += i == 0 ? " WHERE " : " AND ";
    select += conditions[i];
  }
  if (!spec.order_by.empty()) {
    ASSIGN_OR_RETURN(const CatalogColumn* column, FindColumn(table, spec.order_by));
    if (column->pg_type == PgType::kJson && !column->select_as_json) {
      return InvalidArgument("warehouse table '{}' cannot be ordered by json column '{}'",
                             table.name, column->name);
    }
    select += " ORDER BY " + QuoteSqlIdentifier(column->name);
  }
  query.copy_sql = fmt::format("COPY ({}) TO STDOUT (FORMAT binary)", select);
  if (!query.settings_sql.empty()) query.settings_sql = "SELECT " + query.settings_sql;
  return query;
}

}  // namespace de::warehouse_pg
