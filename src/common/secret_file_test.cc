#include "common/secret_file.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace de {
namespace {

class SecretFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("de-secret-" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static std::string Read(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  std::filesystem::path dir_;
};

TEST_F(SecretFileTest, CreatesTheDirectoryAndAnOwnerOnlyFile) {
  std::string path = (dir_ / "keys" / "k").string();
  ASSERT_TRUE(CreateSecretFile(path, "s3cret\n", "test key").ok());
  EXPECT_EQ(Read(path), "s3cret\n");
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // No temporary file is left beside it.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir_ / "keys"), {}), 1);
}

TEST_F(SecretFileTest, NeverReplacesAnExistingFile) {
  std::string path = (dir_ / "k").string();
  ASSERT_TRUE(CreateSecretFile(path, "first", "test key").ok());
  ASSERT_TRUE(CreateSecretFile(path, "second", "test key").ok());
  EXPECT_EQ(Read(path), "first");
}

TEST_F(SecretFileTest, UncreatableDirectoryIsNamed) {
  std::filesystem::create_directories(dir_);
  { std::ofstream(dir_ / "file") << "x"; }
  Status s = CreateSecretFile((dir_ / "file" / "sub" / "k").string(), "x", "test key");
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(s.message().find((dir_ / "file").string()), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("test key"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace de
