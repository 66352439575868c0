// Progress of an on-demand request (DESIGN.md §4.1 `progress`, 0..100) as it runs: it grows
// with finished tables and, inside a table, with the rows read; it never decreases; and it is
// written to request_table at most once per interval, so a fast export does not hammer the
// metadata store.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "common/clock.h"
#include "common/status.h"
#include "metadata/metadata_store.h"

namespace de {

// Rows after which a table without a row estimate counts as half done.
inline constexpr uint64_t kRowsHalfWay = 50'000;
// The share of a table that reading alone can reach before the table is finished.
inline constexpr double kMaxReadingShare = 0.99;

// Percentage for a request of `table_count` tables (> 0) of which `finished` are done, while
// the next one has read `rows` rows. The running table's fraction is rows / estimated_rows when
// an estimate is known, rows / (rows + kRowsHalfWay) otherwise; either way it stays below
// kMaxReadingShare, so reading never reaches the next table's share.
double RequestProgressPercent(size_t finished, size_t table_count, uint64_t rows,
                              std::optional<uint64_t> estimated_rows);

// Tracks and records one request's progress. Thread-compatible: used by the exporting thread.
class RequestProgress {
 public:
  // Writes no more often than every `min_interval_micros` of `clock`. Starts at
  // `initial_percent` (a resumed request keeps what it had reached: progress never goes back).
  RequestProgress(MetadataStore* metadata, const Clock* clock, std::string request_id,
                  double initial_percent, int64_t min_interval_micros = 500'000);

  // Table `index` of `count` starts; `estimated_rows` is its expected row count, if known.
  void StartTable(size_t index, size_t count, std::optional<uint64_t> estimated_rows);
  // The running table has read `rows` rows so far. Returns the metadata store's error when it
  // wrote and failed; Ok when it wrote, or skipped the write.
  Status Rows(uint64_t rows);
  // The running table is done. Errors as Rows.
  Status FinishTable();

  double percent() const { return percent_; }
  // Progress writes made so far.
  int writes() const { return writes_; }

 private:
  Status Advance(double percent);

  MetadataStore* metadata_;
  const Clock* clock_;
  std::string request_id_;
  int64_t min_interval_micros_;
  double percent_;          // highest value reached
  double written_;          // last value written
  int64_t last_write_ = 0;  // clock micros of the last write
  bool wrote_ = false;
  int writes_ = 0;
  size_t index_ = 0;
  size_t count_ = 1;
  std::optional<uint64_t> estimated_rows_;
};

}  // namespace de
