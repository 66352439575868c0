// ColumnVector and Batch: the columnar unit that flows from a warehouse reader through the policy
// engine into the Parquet writer. Values are typed arrays with a validity bitmap; strings and
// binaries are offsets into one arena, so appending a value never allocates per value.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "columnar/buffer.h"
#include "columnar/data_type.h"
#include "common/status.h"

namespace de {

// One column of a Batch. Not thread-safe.
//
// Layout:
//   validity  bit i (LSB-first) is 1 when row i has a value, 0 when it is NULL
//   values    fixed-width types: size() values of the physical type (see DataType);
//             a NULL row holds a zero value
//   offsets   variable-width types: size() + 1 uint32 offsets into the arena;
//             value i is arena[offsets[i], offsets[i+1]); a NULL row is empty
class ColumnVector {
 public:
  explicit ColumnVector(DataType type);

  const DataType& type() const { return type_; }
  size_t size() const { return size_; }
  size_t null_count() const { return null_count_; }

  // Reserves room for `rows` values (and `arena_bytes` of string data).
  void Reserve(size_t rows, size_t arena_bytes = 0);
  // Empties the column, keeping its capacity.
  void Clear();

  bool IsValid(size_t i) const { return (validity_.data()[i >> 3] >> (i & 7)) & 1; }
  bool IsNull(size_t i) const { return !IsValid(i); }
  // The validity bitmap, ceil(size()/8) bytes.
  const uint8_t* validity() const { return validity_.data(); }

  // Fixed-width access. T must be the physical type of type() (see DataType).
  template <typename T>
  const T* values() const {
    return reinterpret_cast<const T*>(values_.data());
  }
  template <typename T>
  T* mutable_values() {
    return reinterpret_cast<T*>(values_.data());
  }
  template <typename T>
  T Value(size_t i) const {
    return values<T>()[i];
  }

  // Appends a fixed-width value. T must be the physical type of type().
  template <typename T>
  void Append(T value) {
    PushValidity(true);
    values_.Append(&value, sizeof(T));
    ++size_;
  }
  // Appends a 16-byte UUID or the raw bytes of any fixed-width value.
  void AppendFixedBytes(const void* bytes);

  // Appends a variable-width value (string, json, binary).
  // Precondition: the arena stays under 4 GiB (readers cap batches by arena_bytes()).
  void AppendBytes(std::string_view value) {
    PushValidity(true);
    arena_.Append(value.data(), value.size());
    PushOffset();
    ++size_;
  }
  std::string_view Bytes(size_t i) const {
    const uint32_t* o = offsets();
    return {reinterpret_cast<const char*>(arena_.data()) + o[i], o[i + 1] - o[i]};
  }
  const uint32_t* offsets() const { return reinterpret_cast<const uint32_t*>(offsets_.data()); }
  const char* arena() const { return reinterpret_cast<const char*>(arena_.data()); }
  size_t arena_bytes() const { return arena_.size(); }

  // Appends a NULL (a zero or empty value underneath).
  void AppendNull();
  // Marks row i NULL (keeps its stored value, which readers ignore).
  void SetNull(size_t i);

 private:
  void PushValidity(bool valid) {
    if ((size_ & 7) == 0) {
      uint8_t zero = 0;
      validity_.Append(&zero, 1);
    }
    if (valid) {
      validity_.data()[size_ >> 3] |= static_cast<uint8_t>(1u << (size_ & 7));
    } else {
      ++null_count_;
    }
  }
  void PushOffset() {
    if (arena_.size() > UINT32_MAX) std::abort();  // precondition violated: see AppendBytes
    uint32_t end = static_cast<uint32_t>(arena_.size());
    offsets_.Append(&end, sizeof(end));
  }

  DataType type_;
  size_t size_ = 0;
  size_t null_count_ = 0;
  Buffer validity_;
  Buffer values_;   // fixed-width types
  Buffer offsets_;  // variable-width types: size_ + 1 entries
  Buffer arena_;    // variable-width types
};

// A set of equally long columns with a schema. Not thread-safe.
class Batch {
 public:
  explicit Batch(Schema schema);

  const Schema& schema() const { return schema_; }
  size_t num_columns() const { return columns_.size(); }
  // Number of rows; every column holds this many values after FinishRows.
  size_t num_rows() const { return num_rows_; }

  ColumnVector& column(size_t i) { return columns_[i]; }
  const ColumnVector& column(size_t i) const { return columns_[i]; }

  // Declares that `rows` rows were appended to every column. Returns kInternal if a column's
  // length differs (a reader bug).
  Status FinishRows(size_t rows);
  // Empties every column, keeping capacity, so a reader can refill the batch.
  void Clear();

 private:
  Schema schema_;
  std::vector<ColumnVector> columns_;
  size_t num_rows_ = 0;
};

}  // namespace de
