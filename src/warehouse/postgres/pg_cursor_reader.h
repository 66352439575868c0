// The portable read path of the PostgreSQL warehouse, for Amazon Redshift (which has no
// `COPY … TO STDOUT`) and, when configured, PostgreSQL. On the scan's own connection:
//
//   BEGIN READ ONLY
//   DECLARE de_scan CURSOR FOR SELECT …          -- the SELECT of pg_select_query.h; values
//                                                   -- as $n parameters (ValueBinding::kParameters)
//   FETCH FORWARD <fetch_rows> FROM de_scan         -- repeated; binary results (resultFormat 1,
//                                                   -- extended protocol), no BINARY cursor
//   CLOSE de_scan; COMMIT
//
// Each FETCH result's binary cells are decoded straight into the batch's columns by the same
// PgValueDecoders as the COPY path (pg_binary_value.h): no text round trip, no allocation per
// value. Rows of a result that do not fit the current batch stay in the result for the next one.
//
// Redshift notes (from its documentation and its drivers; not run against a cluster here): the
// first FETCH materialises the whole result on the leader node; FETCH FORWARD takes at most 1000
// rows on a single-node cluster (set fetch_rows accordingly); DECLARE uses only the form Redshift
// documents, `DECLARE name CURSOR FOR query` (forward-only FETCH needs nothing more). Its Python
// driver (redshift_connector) asks for numeric, date, time and SUPER in text format, so binary
// output of those is the least certain part: if the server sends a column in another format than
// binary, or as another type than the catalog says, the scan fails with kInternal naming the column
// rather than misreading it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/cancellation.h"
#include "postgres/pg_session.h"
#include "warehouse/postgres/pg_binary_value.h"
#include "warehouse/postgres/pg_catalog.h"
#include "warehouse/postgres/pg_query_canceller.h"
#include "warehouse/postgres/pg_select_query.h"
#include "warehouse/warehouse.h"

namespace de::warehouse_pg {

struct CursorQuery {
  std::string declare_sql;          // DECLARE de_scan CURSOR FOR SELECT …
  std::vector<std::string> params;  // $1 is params[0]
  std::vector<PgColumn> columns;    // how each selected column is decoded, in ScanSpec order
  Schema schema;                    // the selected columns, in ScanSpec order
  bool placeholder_column = false;  // the result has one ignored column more (none selected)
};

// Errors as PlanSelect (pg_select_query.h).
Result<CursorQuery> PlanCursorQuery(const ScanSpec& spec, const CatalogTable& table);

// Not thread-safe (one consumer), except that the cancellation token may fire from any thread:
// it sends a cancel request (PQcancel) for the running DECLARE or FETCH.
//
// Batches hold exactly batch_rows rows except the last, unless their string arenas pass
// batch_bytes first (checked after every row).
class CursorReader final : public BatchReader {
 public:
  struct Options {
    std::string table;  // for error messages
    size_t batch_rows = 0;
    size_t batch_bytes = 0;
    int fetch_rows = 0;                   // rows per FETCH, >= 1
    CancellationToken* cancel = nullptr;  // may be null; must outlive the reader
  };

  // Begins a read-only transaction on `conn` and sends the DECLARE without waiting for it (the
  // first Next does, so a cancellation can interrupt it). kInvalidArgument for a column whose
  // target type cannot be read from its PostgreSQL type; errors of BEGIN per pg::CommandError.
  static Result<std::unique_ptr<CursorReader>> Start(Options options, pg::Conn conn,
                                                     CursorQuery query);
  // Cancels a DECLARE still running, then closes the connection (the server rolls back).
  ~CursorReader() override;

  const Schema& schema() const override { return schema_; }
  // Errors: kCancelled after the token fired; kUnavailable when the connection is lost (a
  // transient error: the scan may be retried); kDeadlineExceeded after statement_timeout;
  // kDataLoss for a value that does not fit (names table, column and row); kInternal for a
  // result of another shape than the query's; kInvalidArgument for a batch of another width.
  // After an error every further call returns the same error.
  Result<bool> Next(Batch* batch) override;

 private:
  CursorReader(Options options, pg::Conn conn, Schema schema, std::vector<PgValueDecoder> decoders,
               bool placeholder_column);

  Status Fill(Batch* batch);
  // Sends the next FETCH and waits for its rows (and, the first time, for the DECLARE).
  Status Fetch();
  Status CheckResult(const PGresult* result) const;
  Status DecodeRow(Batch* batch);
  // CLOSE and COMMIT after the last row.
  Status Finish();
  Status Send(const std::string& sql, const std::vector<std::string>& params, int result_format);
  Result<pg::PgResult> Await(ExecStatusType expected);
  bool cancelled() const { return options_.cancel && options_.cancel->cancelled(); }
  std::string What() const;

  const Options options_;
  const Schema schema_;
  const BatchShape shape_;
  const std::string fetch_sql_;
  const bool placeholder_column_;
  pg::Conn conn_;
  QueryCanceller canceller_;
  std::vector<PgValueDecoder> decoders_;
  bool command_running_ = false;  // a command was sent and its result not yet read
  bool declared_ = false;         // the DECLARE succeeded
  pg::PgResult result_;           // the last FETCH's rows
  int result_rows_ = 0;
  int next_row_ = 0;         // the first row of result_ not yet decoded
  bool last_fetch_ = false;  // result_ holds the cursor's last rows
  bool done_ = false;
  uint64_t rows_ = 0;  // rows decoded so far
  Status failure_;     // first error; repeated by every later Next
};

}  // namespace de::warehouse_pg
