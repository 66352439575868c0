#include "common/status.h"

#include <gtest/gtest.h>

#include <memory>

#include "common/uuid.h"

namespace de {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) return InvalidArgument("{} is odd", x);
  return x / 2;
}

Result<int> Quarter(int x) {
  ASSIGN_OR_RETURN(int half, Half(x));
  ASSIGN_OR_RETURN(int quarter, Half(half));
  return quarter;
}

Status CheckEven(int x) {
  RETURN_IF_ERROR(Half(x));
  return Status::Ok();
}

TEST(StatusTest, MacrosPropagate) {
  EXPECT_EQ(*Quarter(8), 2);
  Result<int> bad = Quarter(6);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().ToString(), "INVALID_ARGUMENT: 3 is odd");
  EXPECT_TRUE(CheckEven(4).ok());
  EXPECT_EQ(CheckEven(5).code(), StatusCode::kInvalidArgument);
}

TEST(StatusTest, MoveOnlyResult) {
  Result<std::unique_ptr<int>> r = std::make_unique<int>(3);
  ASSERT_TRUE(r.ok());
  std::unique_ptr<int> p = std::move(r).value();
  EXPECT_EQ(*p, 3);
}

TEST(StatusTest, ContextAndTransient) {
  Status s = Unavailable("connection lost").WithContext("table way");
  EXPECT_EQ(s.message(), "table way: connection lost");
  EXPECT_TRUE(s.IsTransient());
  EXPECT_FALSE(PolicyViolation("x").IsTransient());
  EXPECT_EQ(ErrnoStatus(ENOENT, "open x").code(), StatusCode::kNotFound);
}

TEST(UuidTest, V4Format) {
  auto a = NewUuidV4();
  auto b = NewUuidV4();
  ASSERT_TRUE(a.ok());
  EXPECT_NE(*a, *b);
  EXPECT_TRUE(IsUuid(*a));
  EXPECT_EQ((*a)[14], '4');
  EXPECT_NE(std::string("89ab").find((*a)[19]), std::string::npos);
}

TEST(UuidTest, ParseAndFormat) {
  std::array<uint8_t, 16> bytes;
  ASSERT_TRUE(ParseUuid("123E4567-e89b-12d3-a456-426614174000", &bytes));
  EXPECT_EQ(bytes[0], 0x12);
  EXPECT_EQ(bytes[15], 0x00);
  EXPECT_EQ(FormatUuid(bytes.data()), "123e4567-e89b-12d3-a456-426614174000");
  EXPECT_FALSE(IsUuid("123e4567e89b12d3a456426614174000"));
  EXPECT_FALSE(IsUuid("123e4567-e89b-12d3-a456-42661417400g"));
  EXPECT_FALSE(IsUuid("123e4567-e89b-12d3-a456-4266141740000"));
  EXPECT_FALSE(IsUuid("123e4567-e89b-12d3-a4-56426614174000"));
}

}  // namespace
}  // namespace de
