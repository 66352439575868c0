#include "warehouse/postgres/pg_select_query.h"

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

// Binds the values of one query as ValueBinding says and returns the SQL that reads each back.
class ValueBinder {
 public:
  ValueBinder(ValueBinding binding, SelectQuery* query) : binding_(binding), query_(query) {}

  // One value; `setting` names its session setting (kSessionSettings).
  std::string Bind(std::string_view setting, std::string value) {
    query_->params.push_back(std::move(value));
    const size_t n = query_->params.size();
    if (binding_ == ValueBinding::kParameters) return fmt::format("${}", n);
    if (!query_->settings_sql.empty()) query_->settings_sql += ", ";
    query_->settings_sql += fmt::format("pg_catalog.set_config('{}', ${}, false)", setting, n);
    return fmt::format("pg_catalog.current_setting('{}')", setting);
  }

  // `expression` (of bound values only) evaluated once per query: a read of a session setting is
  // a stable function call, which a WHERE clause would evaluate (and cast) once per row, so it
  // becomes a scalar subquery, an InitPlan run once.
  std::string Once(const std::string& expression) const {
    return binding_ == ValueBinding::kSessionSettings ? "(SELECT " + expression + ")" : expression;
  }

  // The parenthesised right-hand side of IN for a non-empty list.
  std::string BindList(std::string_view setting, const std::vector<std::string>& values) {
    if (binding_ == ValueBinding::kSessionSettings) {
      std::string list = Bind(setting, nlohmann::json(values).dump());
      return fmt::format("(SELECT pg_catalog.jsonb_array_elements_text({}::jsonb))", list);
    }
    std::string sql = "(";
    for (const std::string& value : values) {
      if (sql.size() > 1) sql += ", ";
      sql += Bind(setting, value);
    }
    return sql + ")";
  }

 private:
  const ValueBinding binding_;
  SelectQuery* const query_;
};

Result<std::string> TimeCondition(const TimeFilter& filter, const CatalogTable& table,
                                  ValueBinder* binder) {
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
  std::string start = binder->Bind("de.scan_start", FormatTimestampText(filter.start_us) + zone);
  std::string end = binder->Bind("de.scan_end", FormatTimestampText(filter.end_us) + zone);
  std::string c = QuoteSqlIdentifier(column->name);
  return fmt::format("{} >= {} AND {} < {}", c, binder->Once(start + "::" + cast), c,
                     binder->Once(end + "::" + cast));
}

Result<std::string> InListCondition(const InListFilter& filter, size_t index,
                                    const CatalogTable& table, ValueBinder* binder) {
  ASSIGN_OR_RETURN(const CatalogColumn* column, FindColumn(table, filter.column));
  if (column->pg_type != PgType::kText || column->type.id != TypeId::kString) {
    return InvalidArgument(
        "in-list filter column '{}' of warehouse table '{}' is declared '{}', not a string",
        filter.column, table.name, column->declared_type);
  }
  std::string c = QuoteSqlIdentifier(column->name);
  std::vector<std::string> values;
  for (const std::string& value : filter.values) {
    if (!IsValidUtf8(value)) {
      return InvalidArgument(
          "in-list filter on column '{}' of warehouse table '{}': a value is not valid UTF-8",
          filter.column, table.name);
    }
    if (value.find('\0') == std::string::npos) values.push_back(value);
  }
  if (values.empty()) return filter.negate ? c + " IS NOT NULL" : std::string("FALSE");
  std::string list = binder->BindList(fmt::format("de.scan_in_{}", index), values);
  return fmt::format("{} {}IN {}", c, filter.negate ? "NOT " : "", list);
}

// The select-list expression of a column. No alias: ORDER BY must see the column itself.
std::string SelectExpression(const CatalogColumn& column) {
  std::string quoted = QuoteSqlIdentifier(column.name);
  switch (column.select_as) {
    case SelectAs::kColumn:
      break;
    case SelectAs::kToJson:
      return fmt::format("pg_catalog.to_json({})", quoted);
    case SelectAs::kJsonSerialize:
      // Redshift only (SUPER). Unqualified: Redshift documents the function but not its schema;
      // pg_catalog is searched first all the same.
      return fmt::format("json_serialize({})", quoted);
  }
  return quoted;
}

Result<std::string> SelectList(const ScanSpec& spec, const CatalogTable& table,
                               SelectQuery* query) {
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
    list += SelectExpression(*column);
    query->columns.push_back({column->name, *column->pg_type, column->type});
    query->schema.fields.push_back({column->name, column->type, column->nullable});
  }
  return list;
}

Result<std::string> OrderBy(const ScanSpec& spec, const CatalogTable& table) {
  ASSIGN_OR_RETURN(const CatalogColumn* column, FindColumn(table, spec.order_by));
  const bool plain_json =
      column->pg_type == PgType::kJson && column->select_as == SelectAs::kColumn;
  if (plain_json || column->select_as == SelectAs::kJsonSerialize) {
    return InvalidArgument("warehouse table '{}' cannot be ordered by json column '{}'", table.name,
                           column->name);
  }
  return " ORDER BY " + QuoteSqlIdentifier(column->name);
}

Result<std::string> WhereClause(const ScanSpec& spec, const CatalogTable& table,
                                ValueBinder* binder) {
  std::vector<std::string> conditions;
  if (spec.time_filter) {
    ASSIGN_OR_RETURN(std::string condition, TimeCondition(*spec.time_filter, table, binder));
    conditions.push_back(std::move(condition));
  }
  for (size_t i = 0; i < spec.in_filters.size(); ++i) {
    ASSIGN_OR_RETURN(std::string condition, InListCondition(spec.in_filters[i], i, table, binder));
    conditions.push_back(std::move(condition));
  }
  std::string where;
  for (size_t i = 0; i < conditions.size(); ++i) {
    where += i == 0 ? " WHERE " : " AND ";
    where += conditions[i];
  }
  return where;
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

Result<SelectQuery> PlanSelect(const ScanSpec& spec, const CatalogTable& table,
                               ValueBinding binding) {
  if (spec.batch_rows == 0 || spec.batch_bytes == 0) {
    return InvalidArgument("scan of '{}': batch_rows and batch_bytes must be positive", table.name);
  }
  SelectQuery query;
  ValueBinder binder(binding, &query);
  ASSIGN_OR_RETURN(std::string select_list, SelectList(spec, table, &query));
  if (select_list.empty() && binding == ValueBinding::kParameters) {
    select_list = "NULL";
    query.placeholder_column = true;
  }
  ASSIGN_OR_RETURN(std::string where, WhereClause(spec, table, &binder));
  if (query.params.size() > kMaxBoundParameters) {
    return InvalidArgument("scan of '{}' has {} filter values, more than the {} that can be bound",
                           table.name, query.params.size(), kMaxBoundParameters);
  }
  query.select_sql =
      fmt::format("SELECT {} FROM {}.{}{}", select_list, QuoteSqlIdentifier(table.schema),
                  QuoteSqlIdentifier(table.name), where);
  if (!spec.order_by.empty()) {
    ASSIGN_OR_RETURN(std::string order_by, OrderBy(spec, table));
    query.select_sql += order_by;
  }
  if (!query.settings_sql.empty()) query.settings_sql = "SELECT " + query.settings_sql;
  return query;
}

}  // namespace de::warehouse_pg
