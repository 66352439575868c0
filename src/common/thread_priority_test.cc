#include "common/thread_priority.h"

#include <thread>

#include <gtest/gtest.h>

namespace de {
namespace {

TEST(ThreadPriorityTest, LowersOnlyTheCallingThreadAndItsChildren) {
  const int before = ThisThreadNice();
  int lowered = -100;
  int child = -100;
  int again = -100;
  std::thread worker([&] {
    lowered = LowerThisThreadPriority(before + 3 > 19 ? 19 : before + 3);
    std::thread inner([&] { child = ThisThreadNice(); });  // inherits the nice value
    inner.join();
    again = LowerThisThreadPriority(0);  // never raised back
  });
  worker.join();
  EXPECT_EQ(lowered, before + 3 > 19 ? 19 : before + 3);
  EXPECT_EQ(child, lowered);
  EXPECT_EQ(again, lowered);
  EXPECT_EQ(ThisThreadNice(), before);  // the caller's thread is untouched
}

}  // namespace
}  // namespace de
