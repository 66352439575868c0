#include "warehouse/postgres/pg_query_canceller.h"

namespace de::warehouse_pg {
namespace {

void SendCancel(PGcancel* cancel) {
  char error[256];
  PQcancel(cancel, error, sizeof(error));  // best effort: the command's own error reports it
}

}  // namespace

QueryCanceller::QueryCanceller(PGconn* conn, CancellationToken* token)
    : target_(std::make_shared<Target>()) {
  target_->cancel = PQgetCancel(conn);
  if (token) {
    token->OnCancel([target = target_] {
      std::lock_guard<std::mutex> lock(target->mu);
      if (target->cancel) SendCancel(target->cancel);
    });
  }
}

QueryCanceller::~QueryCanceller() {
  std::lock_guard<std::mutex> lock(target_->mu);
  if (target_->cancel) PQfreeCancel(target_->cancel);
  target_->cancel = nullptr;
}

void QueryCanceller::CancelNow() {
  std::lock_guard<std::mutex> lock(target_->mu);
  if (target_->cancel) SendCancel(target_->cancel);
}

}  // namespace de::warehouse_pg
