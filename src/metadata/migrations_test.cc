#include "metadata/migrations.h"

#include <gtest/gtest.h>

#include <cctype>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace de {
namespace {

TEST(MigrationsTest, VersionsStartAtOneWithoutGapsAndNamesAreUnique) {
  const std::vector<Migration>& migrations = MetadataMigrations();
  ASSERT_FALSE(migrations.empty());
  std::set<std::string_view> names;
  for (size_t i = 0; i < migrations.size(); ++i) {
    EXPECT_EQ(migrations[i].version, static_cast<int64_t>(i + 1));
    EXPECT_FALSE(migrations[i].name.empty());
    EXPECT_TRUE(names.insert(migrations[i].name).second) << migrations[i].name;
    EXPECT_FALSE(migrations[i].statements.empty()) << migrations[i].name;
    for (std::string_view sql : migrations[i].statements) {
      // One statement per string: PostgreSQL's extended protocol takes one at a time.
      std::string trimmed(sql);
      while (!trimmed.empty() && (trimmed.back() == ' ' || trimmed.back() == '\n')) {
        trimmed.pop_back();
      }
      EXPECT_EQ(trimmed.find(';'), std::string::npos) << sql;
    }
  }
  EXPECT_EQ(LatestSchemaVersion(), migrations.back().version);
}

TEST(MigrationsTest, ReleasedMigrationsKeepTheirVersionAndName) {
  // schema_migrations in existing databases records these; renaming one locks those out.
  const std::vector<std::pair<int64_t, std::string_view>> released = {
      {1, "request_tables"},         {2, "policy_tables"}, {3, "classification_tables"},
      {4, "request_policy_version"}, {5, "daily_runs"},    {6, "replica_leases"},
  };
  const std::vector<Migration>& migrations = MetadataMigrations();
  ASSERT_GE(migrations.size(), released.size());
  for (size_t i = 0; i < released.size(); ++i) {
    EXPECT_EQ(migrations[i].version, released[i].first);
    EXPECT_EQ(migrations[i].name, released[i].second);
  }
}

TEST(MigrationsTest, StatementsAvoidSyntaxOnlyOneDialectKnows) {
  // Spellings only SQLite accepts (AUTOINCREMENT .. DATETIME) or only PostgreSQL (SERIAL, ::
  // casts); identifiers stay unquoted, so no backticks or double quotes.
  const std::vector<std::string_view> forbidden = {
      "AUTOINCREMENT", "WITHOUT ROWID", ") STRICT", "INSERT OR ", "REPLACE INTO", "PRAGMA",
      "NOCASE",        "DATETIME",      "`",        "\"",         "SERIAL",       "::",
  };
  for (const Migration& migration : MetadataMigrations()) {
    for (std::string_view sql : migration.statements) {
      std::string upper(sql);
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      for (std::string_view token : forbidden) {
        EXPECT_EQ(upper.find(token), std::string::npos)
            << migration.name << " uses " << token << ": " << sql;
      }
    }
  }
}

}  // namespace
}  // namespace de
