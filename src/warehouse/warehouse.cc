#include "warehouse/warehouse.h"

#include <algorithm>
#include <mutex>

namespace de {

int TableSchema::ColumnIndex(std::string_view name) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

Schema TableSchema::ToSchema() const {
  Schema schema;
  schema.fields.reserve(columns.size());
  for (const WarehouseColumn& c : columns) schema.fields.push_back({c.name, c.type, c.nullable});
  return schema;
}

std::string QuoteSqlIdentifier(std::string_view name) {
  std::string quoted = "\"";
  for (char c : name) {
    quoted += c;
    if (c == '"') quoted += '"';
  }
  quoted += '"';
  return quoted;
}

BatchShape::BatchShape(std::string table, const Schema& schema)
    : table_(std::move(table)), columns_(schema.size()) {
  for (size_t i = 0; i < schema.size(); ++i) {
    if (schema.fields[i].type.is_variable_width()) variable_width_.push_back(i);
  }
}

Status BatchShape::Check(const Batch& batch) const {
  if (batch.num_columns() == columns_) return Status::Ok();
  return InvalidArgument("batch has {} columns, the scan of '{}' produces {}", batch.num_columns(),
                         table_, columns_);
}

size_t BatchShape::ArenaBytes(const Batch& batch) const {
  size_t bytes = 0;
  for (size_t i : variable_width_) bytes += batch.column(i).arena_bytes();
  return bytes;
}

struct ScanGauge::Counts {
  std::mutex mu;
  size_t open = 0;  // guarded by mu
  size_t peak = 0;  // guarded by mu
};

namespace {

class TrackedReader final : public BatchReader {
 public:
  TrackedReader(std::unique_ptr<BatchReader> inner, std::shared_ptr<ScanGauge::Counts> counts)
      : inner_(std::move(inner)), counts_(std::move(counts)) {}
  ~TrackedReader() override {
    inner_.reset();  // the scan is closed before it stops counting
    std::lock_guard<std::mutex> lock(counts_->mu);
    --counts_->open;
  }
  const Schema& schema() const override { return inner_->schema(); }
  Result<bool> Next(Batch* batch) override { return inner_->Next(batch); }

 private:
  std::unique_ptr<BatchReader> inner_;
  std::shared_ptr<ScanGauge::Counts> counts_;
};

}  // namespace

ScanGauge::ScanGauge() : counts_(std::make_shared<Counts>()) {}

std::unique_ptr<BatchReader> ScanGauge::Track(std::unique_ptr<BatchReader> reader) const {
  {
    std::lock_guard<std::mutex> lock(counts_->mu);
    counts_->peak = std::max(counts_->peak, ++counts_->open);
  }
  return std::make_unique<TrackedReader>(std::move(reader), counts_);
}

size_t ScanGauge::open() const {
  std::lock_guard<std::mutex> lock(counts_->mu);
  return counts_->open;
}

size_t ScanGauge::peak() const {
  std::lock_guard<std::mutex> lock(counts_->mu);
  return counts_->peak;
}

void ScanGauge::ResetPeak() const {
  std::lock_guard<std::mutex> lock(counts_->mu);
  counts_->peak = counts_->open;
}

}  // namespace de
