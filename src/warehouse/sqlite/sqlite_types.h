// How the SQLite warehouse maps a column's declared type to a columnar type.
//
// SQLite stores any value in any column; the declared type (as written in CREATE TABLE) is the
// only statement of intent, so the reader maps it and then checks every value against it.
// Matching ignores case and extra spaces. A declared type not listed here (including an empty
// one, bare NUMERIC/DECIMAL and STRING, which has NUMERIC affinity in SQLite) has no mapping:
// the column cannot be exported until the warehouse declares it properly (fail closed).
//
// | declared type (any case; (n) optional and unchecked)    | type         | values accepted
// |---------------------------------------------------------|--------------|--------------------
// | INTEGER, INT, BIGINT, INT8, UNSIGNED BIG INT            | int64        | integer; integral
// |                                                         |              | real
// | MEDIUMINT, INT4                                         | int32        | same, range-checked
// | SMALLINT, TINYINT, INT2                                 | int16        | same, range-checked
// | REAL, DOUBLE, DOUBLE PRECISION, FLOAT, FLOAT8           | double       | real; integer if
// |                                                         |              | exactly a double
// | TEXT, CLOB, VARCHAR(n), CHAR(n), CHARACTER(n),          | string       | UTF-8 text; integer
// |   CHARACTER VARYING(n), VARYING CHARACTER(n), NCHAR(n), |              | or real (as shortest
// |   NVARCHAR(n), NATIVE CHARACTER(n)                      |              | round-trip digits)
// | JSON                                                    | json         | as string
// | BLOB                                                    | binary       | blob; text (bytes)
// | BOOLEAN, BOOL                                           | bool         | integer 0 or 1; text
// |                                                         |              | true/false, any case
// | DATE                                                    | date         | text 'YYYY-MM-DD'
// | TIMESTAMP(n), DATETIME(n), TIMESTAMP WITHOUT TIME ZONE  | timestamp    | integer unix seconds;
// |                                                         |              | text 'YYYY-MM-DD
// |                                                         |              | HH:MM:SS[.ffffff]'
// |                                                         |              | ('T' also allowed)
// | TIMESTAMPTZ(n), TIMESTAMP WITH TIME ZONE                | timestamptz  | as timestamp, and text
// |                                                         |              | may end in Z, +HH:MM
// |                                                         |              | or -HH:MM (to UTC)
// | NUMERIC(p), NUMERIC(p,s), DECIMAL(p), DECIMAL(p,s)      | decimal(p,s) | integer; exact text;
// |   with 1 <= p <= 38, 0 <= s <= p (s = 0 if omitted)     |              | real whose shortest
// |                                                         |              | round-trip decimal
// |                                                         |              | fits p and s
// | UUID                                                    | uuid         | 36-char text; 16-byte
// |                                                         |              | blob
//
// Every type also accepts NULL. A value outside its column's accepted forms is kDataLoss.
#pragma once

#include <optional>
#include <string_view>

#include "columnar/data_type.h"

namespace de {

// The columnar type of a SQLite declared type per the table above, or nullopt if unmapped.
std::optional<DataType> DataTypeFromSqliteDeclaration(std::string_view declared_type);

}  // namespace de
