// Test support for the PostgreSQL warehouse's tests (postgres_warehouse_test.cc,
// pg_cursor_reader_test.cc): catalog columns without a server, and PostgresLiveBase, a fixture
// with its own connection to a fresh schema on the server named by DE_PG_CONNINFO
// (scripts/with-pg-cluster sets it; the tests skip without it). Test code only.
#pragma once

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "warehouse/postgres/pg_catalog.h"
#include "warehouse/postgres/postgres_warehouse.h"

namespace de::pg_test {

using Dialect = PostgresOptions::Dialect;
using warehouse_pg::CatalogColumn;
using warehouse_pg::CatalogTable;

constexpr int64_t kMar1 = 1709251200000000;  // 2024-03-01 00:00:00 UTC
constexpr int64_t kHour = 3600LL * 1000 * 1000;

inline CatalogColumn Col(std::string name, uint32_t oid, int32_t typmod = -1, bool array = false) {
  CatalogColumn c;
  c.name = std::move(name);
  c.declared_type = "decl";
  warehouse_pg::MapColumnType(oid, typmod, array, &c);
  return c;
}

inline CatalogTable EventsTable() {
  return {"public",
          "events",
          {Col("time", 1184), Col("wall", 1114), Col("metric", 25), Col("v", 23),
           Col("arr", 1007, -1, true), Col("iv", 1186)}};
}

inline constexpr char kSchema[] = "de_pgwh_test";

// A connection of the test's own to a fresh schema, and helpers to scan.
class PostgresLiveBase : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* conninfo = std::getenv("DE_PG_CONNINFO");
    if (conninfo == nullptr) GTEST_SKIP() << "DE_PG_CONNINFO is not set";
    conninfo_ = conninfo;
    conn_ = PQconnectdb(conninfo);
    ASSERT_EQ(PQstatus(conn_), CONNECTION_OK) << PQerrorMessage(conn_);
    Sql(std::string("DROP SCHEMA IF EXISTS ") + kSchema + " CASCADE; CREATE SCHEMA " + kSchema +
        "; SET search_path = " + kSchema);
  }
  void TearDown() override {
    if (conn_) {
      Sql(std::string("DROP SCHEMA IF EXISTS ") + kSchema + " CASCADE");
      PQfinish(conn_);
    }
  }

  // A warehouse on the test schema. fetch_rows is small by default so that FETCH results and
  // batches do not line up.
  std::unique_ptr<PostgresWarehouse> OpenWarehouse(Dialect dialect, int fetch_rows = 7,
                                                   int statement_timeout_ms = 0) {
    PostgresOptions options;
    options.conninfo = conninfo_;
    options.schema = kSchema;
    options.dialect = dialect;
    options.fetch_rows = fetch_rows;
    options.statement_timeout_ms = statement_timeout_ms;
    auto wh = PostgresWarehouse::Open(options);
    EXPECT_TRUE(wh.ok()) << wh.status().ToString();
    return wh.ok() ? std::move(*wh) : nullptr;
  }

  void Sql(const std::string& sql) {
    PGresult* r = PQexec(conn_, sql.c_str());
    ExecStatusType status = PQresultStatus(r);
    EXPECT_TRUE(status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
        << sql << ": " << PQresultErrorMessage(r);
    PQclear(r);
  }
  std::string Value(const std::string& sql) {
    PGresult* r = PQexec(conn_, sql.c_str());
    std::string v = PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "<no row>";
    PQclear(r);
    return v;
  }

  // All batches of a scan, and the final status.
  struct Scanned {
    std::vector<size_t> batch_rows;
    std::vector<std::vector<std::string>> rows;  // cells rendered by Render
    Status status;
  };
  static Scanned ScanWith(Warehouse* wh, const ScanSpec& spec, CancellationToken* cancel) {
    Scanned out;
    auto reader = wh->Scan(spec, cancel);
    if (!reader.ok()) {
      out.status = reader.status();
      return out;
    }
    Batch batch((*reader)->schema());
    while (true) {
      Result<bool> more = (*reader)->Next(&batch);
      if (!more.ok()) {
        out.status = more.status();
        return out;
      }
      if (!*more) return out;
      out.batch_rows.push_back(batch.num_rows());
      for (size_t r = 0; r < batch.num_rows(); ++r) {
        std::vector<std::string> row;
        for (size_t c = 0; c < batch.num_columns(); ++c) row.push_back(Render(batch.column(c), r));
        out.rows.push_back(row);
      }
    }
  }
  // A cell as text for the types the tests compare by value, and exactly (the value's bytes)
  // for every other type.
  static std::string Render(const ColumnVector& col, size_t r) {
    if (col.IsNull(r)) return "NULL";
    switch (col.type().id) {
      case TypeId::kInt32:
        return std::to_string(col.Value<int32_t>(r));
      case TypeId::kInt64:
      case TypeId::kTimestamp:
        return std::to_string(col.Value<int64_t>(r));
      case TypeId::kString:
      case TypeId::kJson:
      case TypeId::kBinary:
        return std::string(col.Bytes(r));
      default:
        return FixedBytes(col, r);
    }
  }
  static std::string FixedBytes(const ColumnVector& col, size_t r) {
    size_t width = 0;
    switch (col.type().id) {
      case TypeId::kBool:
        width = 1;
        break;
      case TypeId::kInt16:
        width = 2;
        break;
      case TypeId::kInt32:
      case TypeId::kFloat:
      case TypeId::kDate:
        width = 4;
        break;
      case TypeId::kInt64:
      case TypeId::kDouble:
      case TypeId::kTimestamp:
        width = 8;
        break;
      case TypeId::kDecimal:
        width = col.type().precision <= 18 ? 8 : 16;
        break;
      case TypeId::kUuid:
        width = 16;
        break;
      default:
        return std::string(col.Bytes(r));
    }
    return "0x" + Hex(col.values<uint8_t>() + r * width, width);
  }
  static std::string Hex(const uint8_t* p, size_t n) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (size_t i = 0; i < n; ++i) {
      out.push_back(kHex[p[i] >> 4]);
      out.push_back(kHex[p[i] & 15]);
    }
    return out;
  }

  std::string conninfo_;
  PGconn* conn_ = nullptr;
};

inline constexpr char kAllTypes[] =
    "CREATE TABLE alltypes (b boolean, i2 smallint, i4 integer NOT NULL, i8 bigint, f4 real, "
    "f8 double precision, n numeric(12,2), n38 numeric(38,6), nu numeric, n50 numeric(50,2), "
    "t text, vc varchar(10), c char(4), j json, jb jsonb, by bytea, u uuid, d date, "
    "ts timestamp, tz timestamptz, tm time, arr integer[], tarr text[])";

}  // namespace de::pg_test
