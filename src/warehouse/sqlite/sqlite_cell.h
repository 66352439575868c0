// Converting one SQLite result value into a ColumnVector, strictly per sqlite_types.h.
#pragma once

#include <sqlite3.h>

#include <string>

#include "columnar/column_vector.h"

namespace de::warehouse_sqlite {

// Appends the value of result column `column` in the current row of `statement` to `out`,
// converted to out->type(). Returns false, with `out` unchanged and `problem` set to a
// description of the value (shortened) and why it does not fit, when the value is not one of the
// forms the type accepts. Allocates only on failure.
bool AppendCell(sqlite3_stmt* statement, int column, ColumnVector* out, std::string* problem);

}  // namespace de::warehouse_sqlite
