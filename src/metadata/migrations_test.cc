#include "metadata/migrations.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

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

}  // namespace
}  // namespace de
