#include "export/export_slots.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace de {
namespace {

TEST(ExportSlotsTest, CountsHeldSlotsAndReleasesThemOnDestruction) {
  ExportSlots slots(2);
  EXPECT_EQ(slots.limit(), 2u);
  {
    Result<ExportSlots::Slot> a = slots.Acquire(nullptr);
    ASSERT_TRUE(a.ok());
    EXPECT_TRUE(a->held());
    EXPECT_EQ(slots.in_use(), 1u);
    Result<ExportSlots::Slot> b = slots.Acquire(nullptr);
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(slots.in_use(), 2u);
  }
  EXPECT_EQ(slots.in_use(), 0u);
}

TEST(ExportSlotsTest, MovingASlotKeepsOneHold) {
  ExportSlots slots(2);
  ExportSlots::Slot first = std::move(slots.Acquire(nullptr)).value();
  ExportSlots::Slot moved(std::move(first));
  EXPECT_FALSE(first.held());  // NOLINT(bugprone-use-after-move): a moved-from slot is empty
  EXPECT_TRUE(moved.held());
  EXPECT_EQ(slots.in_use(), 1u);

  ExportSlots::Slot second = std::move(slots.Acquire(nullptr)).value();
  EXPECT_EQ(slots.in_use(), 2u);
  moved = std::move(second);  // releases what `moved` held
  EXPECT_EQ(slots.in_use(), 1u);
  ExportSlots::Slot empty;
  EXPECT_FALSE(empty.held());
  moved = std::move(empty);
  EXPECT_EQ(slots.in_use(), 0u);
}

TEST(ExportSlotsTest, AWaiterGetsTheSlotThatIsFreed) {
  ExportSlots slots(1);
  std::optional<ExportSlots::Slot> held = std::move(slots.Acquire(nullptr)).value();
  std::atomic<bool> acquired{false};
  std::thread waiter([&] {
    Result<ExportSlots::Slot> slot = slots.Acquire(nullptr);
    EXPECT_TRUE(slot.ok());
    acquired = true;
  });
  EXPECT_FALSE(acquired.load());
  EXPECT_EQ(slots.in_use(), 1u);
  held.reset();
  waiter.join();
  EXPECT_TRUE(acquired.load());
  EXPECT_EQ(slots.in_use(), 0u);
}

TEST(ExportSlotsTest, CancellingAWaiterEndsItsWait) {
  ExportSlots slots(1);
  ExportSlots::Slot held = std::move(slots.Acquire(nullptr)).value();
  CancellationToken cancel;
  Status waited;
  std::thread waiter([&] { waited = slots.Acquire(&cancel).status(); });
  cancel.Cancel();
  waiter.join();
  EXPECT_EQ(waited.code(), StatusCode::kCancelled);
  EXPECT_EQ(waited.message(), "cancelled while waiting for one of 1 export slots");
  EXPECT_EQ(slots.in_use(), 1u);
}

TEST(ExportSlotsTest, AnAlreadyCancelledTokenGetsNoSlot) {
  ExportSlots slots(3);
  CancellationToken cancel;
  cancel.Cancel();
  EXPECT_EQ(slots.Acquire(&cancel).status().code(), StatusCode::kCancelled);
  EXPECT_EQ(slots.in_use(), 0u);
}

TEST(ExportSlotsTest, ManyThreadsNeverHoldMoreThanTheLimit) {
  constexpr size_t kLimit = 3;
  ExportSlots slots(kLimit);
  std::atomic<size_t> holding{0};
  std::atomic<size_t> peak{0};
  std::atomic<int> acquisitions{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        ExportSlots::Slot slot = std::move(slots.Acquire(nullptr)).value();
        size_t now = ++holding;
        size_t seen = peak.load();
        while (now > seen && !peak.compare_exchange_weak(seen, now)) {
        }
        std::this_thread::yield();
        --holding;
        ++acquisitions;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(acquisitions.load(), 8 * 200);
  EXPECT_LE(peak.load(), kLimit);
  EXPECT_GE(peak.load(), 1u);
  EXPECT_EQ(slots.in_use(), 0u);
}

}  // namespace
}  // namespace de
