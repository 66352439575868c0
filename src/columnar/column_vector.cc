#include "columnar/column_vector.h"

namespace de {

ColumnVector::ColumnVector(DataType type) : type_(type) {
  if (type_.is_variable_width()) PushOffset();
}

void ColumnVector::Reserve(size_t rows, size_t arena_bytes) {
  validity_.Reserve((rows + 7) / 8);
  if (type_.is_variable_width()) {
    offsets_.Reserve((rows + 1) * sizeof(uint32_t));
    arena_.Reserve(arena_bytes);
  } else {
    values_.Reserve(rows * static_cast<size_t>(type_.byte_width()));
  }
}

void ColumnVector::Clear() {
  size_ = 0;
  null_count_ = 0;
  validity_.Clear();
  values_.Clear();
  offsets_.Clear();
  arena_.Clear();
  if (type_.is_variable_width()) PushOffset();
}

void ColumnVector::AppendFixedBytes(const void* bytes) {
  PushValidity(true);
  values_.Append(bytes, static_cast<size_t>(type_.byte_width()));
  ++size_;
}

void ColumnVector::AppendNull() {
  PushValidity(false);
  if (type_.is_variable_width()) {
    PushOffset();
  } else {
    values_.Resize(values_.size() + static_cast<size_t>(type_.byte_width()));
  }
  ++size_;
}

void ColumnVector::SetNull(size_t i) {
  if (!IsValid(i)) return;
  validity_.data()[i >> 3] &= static_cast<uint8_t>(~(1u << (i & 7)));
  ++null_count_;
}

Batch::Batch(Schema schema) : schema_(std::move(schema)) {
  columns_.reserve(schema_.fields.size());
  for (const Field& f : schema_.fields) columns_.emplace_back(f.type);
}

Status Batch::FinishRows(size_t rows) {
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (columns_[i].size() != rows) {
      return Internal("column '{}' holds {} values, batch has {} rows", schema_.fields[i].name,
                      columns_[i].size(), rows);
    }
  }
  num_rows_ = rows;
  return Status::Ok();
}

void Batch::Clear() {
  for (ColumnVector& c : columns_) c.Clear();
  num_rows_ = 0;
}

}  // namespace de
