#include "export/request_progress.h"

#include <algorithm>

namespace de {

double RequestProgressPercent(size_t finished, size_t table_count, uint64_t rows,
                              std::optional<uint64_t> estimated_rows) {
  if (table_count == 0) return 0;
  if (finished >= table_count) return 100;
  double r = static_cast<double>(rows);
  double fraction = estimated_rows && *estimated_rows > 0
                        ? r / static_cast<double>(*estimated_rows)
                        : r / (r + static_cast<double>(kRowsHalfWay));
  fraction = std::clamp(fraction, 0.0, kMaxReadingShare);
  return 100.0 * (static_cast<double>(finished) + fraction) / static_cast<double>(table_count);
}

RequestProgress::RequestProgress(MetadataStore* metadata, const Clock* clock,
                                 std::string request_id, double initial_percent,
                                 int64_t min_interval_micros)
    : metadata_(metadata),
      clock_(clock),
      request_id_(std::move(request_id)),
      min_interval_micros_(min_interval_micros),
      percent_(std::clamp(initial_percent, 0.0, 100.0)),
      written_(percent_) {}

void RequestProgress::StartTable(size_t index, size_t count, std::optional<uint64_t> estimated) {
  index_ = index;
  count_ = std::max<size_t>(count, 1);
  estimated_rows_ = estimated;
}

Status RequestProgress::Rows(uint64_t rows) {
  return Advance(RequestProgressPercent(index_, count_, rows, estimated_rows_));
}

Status RequestProgress::FinishTable() {
  return Advance(RequestProgressPercent(index_ + 1, count_, 0, std::nullopt));
}

Status RequestProgress::Advance(double percent) {
  percent_ = std::max(percent_, percent);
  // 100 is FinishRequest's to write, together with the files.
  double target = std::min(percent_, 99.99);
  if (target <= written_) return Status::Ok();
  int64_t now = clock_->NowMicros();
  if (wrote_ && now - last_write_ < min_interval_micros_) return Status::Ok();
  wrote_ = true;
  last_write_ = now;
  ++writes_;
  written_ = target;
  return metadata_->UpdateProgress(request_id_, target);
}

}  // namespace de
