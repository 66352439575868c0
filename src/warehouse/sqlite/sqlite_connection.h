// Opening the SQLite warehouse file. Handles, statements and error mapping are the shared ones of
// sqlite/sqlite.h, named here for the warehouse's code.
#pragma once

#include <string>

#include "common/status.h"
#include "sqlite/sqlite.h"

namespace de::warehouse_sqlite {

using sqlite::Connection;
using sqlite::SqliteError;
using sqlite::Statement;

// How long a statement waits for a writer's lock before failing with kUnavailable.
inline constexpr int kBusyTimeoutMillis = 5000;

// Opens an existing database file read-only, with a busy timeout, never creating it.
// kNotFound naming `path` if there is no such file, kInvalidArgument if it is not a SQLite
// database, kPermissionDenied if it cannot be read.
Result<Connection> OpenReadOnly(const std::string& path);

}  // namespace de::warehouse_sqlite
