// QueryCanceller: interrupts the command running on one libpq connection (PQcancel) when a
// CancellationToken fires, for the COPY and cursor readers of the PostgreSQL warehouse.
#pragma once

#include <libpq-fe.h>

#include <memory>
#include <mutex>

#include "common/cancellation.h"

namespace de::warehouse_pg {

// Thread-safe: the token may fire from any thread, also after the canceller is gone (then it
// does nothing). A cancel request is best effort: the interrupted command's own error (SQLSTATE
// 57014) reports the outcome.
class QueryCanceller {
 public:
  // Takes the cancel key of `conn` (which may be closed before the canceller dies) and
  // registers with `token` when it is not null; `token` must outlive the canceller.
  QueryCanceller(PGconn* conn, CancellationToken* token);
  ~QueryCanceller();
  QueryCanceller(const QueryCanceller&) = delete;
  QueryCanceller& operator=(const QueryCanceller&) = delete;

  // Sends a cancel request for whatever the connection runs now.
  void CancelNow();

 private:
  struct Target {
    std::mutex mu;
    PGcancel* cancel = nullptr;  // guarded by mu; null once the canceller is gone
  };
  std::shared_ptr<Target> target_;
};

}  // namespace de::warehouse_pg
