#include "warehouse/postgres/pg_cursor_reader.h"

namespace de::warehouse_pg {

using pg::CommandError;
using pg::Conn;
using pg::PgResult;
namespace {

constexpr char kCursor[] = "de_scan";
constexpr int kBinary = 1;
constexpr int kText = 0;

}  // namespace

Result<CursorQuery> PlanCursorQuery(const ScanSpec& spec, const CatalogTable& table) {
  ASSIGN_OR_RETURN(SelectQuery select, PlanSelect(spec, table, ValueBinding::kParameters));
  CursorQuery query;
  query.declare_sql = fmt::format("DECLARE {} CURSOR FOR {}", kCursor, select.select_sql);
  query.params = std::move(select.params);
  query.columns = std::move(select.columns);
  query.schema = std::move(select.schema);
  query.placeholder_column = select.placeholder_column;
  return query;
}

Result<std::unique_ptr<CursorReader>> CursorReader::Start(Options options, Conn conn,
                                                          CursorQuery query) {
  std::vector<PgValueDecoder> decoders;
  decoders.reserve(query.columns.size());
  for (const PgColumn& column : query.columns) {
    ASSIGN_OR_RETURN(PgValueDecoder decoder, PgValueDecoder::Create(options.table, column));
    decoders.push_back(std::move(decoder));
  }
  std::string what = fmt::format("scan of warehouse table '{}'", options.table);
  ASSIGN_OR_RETURN(PgResult begun,
                   pg::Exec(conn.get(), "BEGIN READ ONLY", {}, PGRES_COMMAND_OK, what));
  std::unique_ptr<CursorReader> reader(
      new CursorReader(std::move(options), std::move(conn), std::move(query.schema),
                       std::move(decoders), query.placeholder_column));
  RETURN_IF_ERROR(reader->Send(query.declare_sql, query.params, kText));
  return reader;
}

CursorReader::CursorReader(Options options, Conn conn, Schema schema,
                           std::vector<PgValueDecoder> decoders, bool placeholder_column)
    : options_(std::move(options)),
      schema_(std::move(schema)),
      shape_(options_.table, schema_),
      fetch_sql_(fmt::format("FETCH FORWARD {} FROM {}", options_.fetch_rows, kCursor)),
      placeholder_column_(placeholder_column),
      conn_(std::move(conn)),
      canceller_(conn_.get(), options_.cancel),
      decoders_(std::move(decoders)) {}

CursorReader::~CursorReader() {
  // A DECLARE may wait for a lock, and a FETCH run the query, until the server notices the
  // closed socket; ask it to stop now.
  if (command_running_) canceller_.CancelNow();
}

std::string CursorReader::What() const {
  return fmt::format("scan of warehouse table '{}'", options_.table);
}

Result<bool> CursorReader::Next(Batch* batch) {
  if (!failure_.ok()) return failure_;
  RETURN_IF_ERROR(shape_.Check(*batch));
  batch->Clear();
  if (done_) return false;
  Status status = Fill(batch);
  if (!status.ok()) {
    batch->Clear();
    failure_ = status;
    return status;
  }
  return batch->num_rows() > 0;
}

Status CursorReader::Fill(Batch* batch) {
  size_t rows = 0;
  while (rows < options_.batch_rows && shape_.ArenaBytes(*batch) < options_.batch_bytes) {
    if (cancelled()) return Cancelled("{} was cancelled", What());
    if (next_row_ < result_rows_) {
      RETURN_IF_ERROR(DecodeRow(batch));
      ++rows;
      continue;
    }
    if (last_fetch_) {
      RETURN_IF_ERROR(Finish());
      done_ = true;
      break;
    }
    RETURN_IF_ERROR(Fetch());
  }
  return batch->FinishRows(rows);
}

Status CursorReader::Fetch() {
  if (!declared_) {
    ASSIGN_OR_RETURN(PgResult declared, Await(PGRES_COMMAND_OK));
    declared_ = true;
  }
  result_.reset();  // before the next rows arrive: one result in memory at a time
  result_rows_ = next_row_ = 0;
  RETURN_IF_ERROR(Send(fetch_sql_, {}, kBinary));
  ASSIGN_OR_RETURN(result_, Await(PGRES_TUPLES_OK));
  RETURN_IF_ERROR(CheckResult(result_.get()));
  result_rows_ = PQntuples(result_.get());
  last_fetch_ = result_rows_ < options_.fetch_rows;
  return Status::Ok();
}

Status CursorReader::CheckResult(const PGresult* result) const {
  const int expected = static_cast<int>(decoders_.size()) + (placeholder_column_ ? 1 : 0);
  if (PQnfields(result) != expected) {
    return Internal("{}: the cursor returned {} columns, expected {}", What(), PQnfields(result),
                    expected);
  }
  for (size_t i = 0; i < decoders_.size(); ++i) {
    const int field = static_cast<int>(i);
    const PgColumn& column = decoders_[i].column();
    if (PQfformat(result, field) != kBinary) {
      return Internal(
          "{}: the server sent column '{}' in text format, not the binary format asked for", What(),
          column.name);
    }
    std::optional<PgType> sent = PgTypeFromOid(PQftype(result, field));
    if (sent != column.pg_type) {
      return Internal("{}: the server sent column '{}' as type OID {}, expected {}", What(),
                      column.name, PQftype(result, field), PgTypeName(column.pg_type));
    }
  }
  return Status::Ok();
}

Status CursorReader::DecodeRow(Batch* batch) {
  ++rows_;
  const PGresult* r = result_.get();
  const int row = next_row_++;
  for (size_t i = 0; i < decoders_.size(); ++i) {
    const int field = static_cast<int>(i);
    ColumnVector& out = batch->column(i);
    if (PQgetisnull(r, row, field)) {
      out.AppendNull();
      continue;
    }
    const auto* value = reinterpret_cast<const uint8_t*>(PQgetvalue(r, row, field));
    Status status = decoders_[i].Append(value, PQgetlength(r, row, field), &out);
    if (!status.ok()) {
      return DataLoss("warehouse table '{}', column '{}', row {} of the cursor: {}", options_.table,
                      decoders_[i].column().name, rows_, status.message());
    }
  }
  return Status::Ok();
}

Status CursorReader::Finish() {
  result_.reset();
  RETURN_IF_ERROR(Send(fmt::format("CLOSE {}", kCursor), {}, kText));
  ASSIGN_OR_RETURN(PgResult closed, Await(PGRES_COMMAND_OK));
  RETURN_IF_ERROR(Send("COMMIT", {}, kText));
  ASSIGN_OR_RETURN(PgResult committed, Await(PGRES_COMMAND_OK));
  return Status::Ok();
}

Status CursorReader::Send(const std::string& sql, const std::vector<std::string>& params,
                          int result_format) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const std::string& p : params) values.push_back(p.c_str());
  if (PQsendQueryParams(conn_.get(), sql.c_str(), static_cast<int>(values.size()), nullptr,
                        values.data(), nullptr, nullptr, result_format) == 0) {
    return CommandError(conn_.get(), nullptr, What(), cancelled());
  }
  command_running_ = true;
  return Status::Ok();
}

Result<PgResult> CursorReader::Await(ExecStatusType expected) {
  PgResult result(PQgetResult(conn_.get()));
  while (PgResult(PQgetResult(conn_.get()))) {
  }
  command_running_ = false;
  if (!result || PQresultStatus(result.get()) != expected) {
    return CommandError(conn_.get(), result.get(), What(), cancelled());
  }
  return result;
}

}  // namespace de::warehouse_pg
