#include "export/lease_keeper.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>

namespace de {
namespace {

constexpr int64_t kLeaseMicros = 60'000;  // renewals every 20 ms

// Polls until `done` holds; false after 20 s.
template <typename F>
bool WaitUntil(F done) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return done();
}

// A lease table: which keys are still ours, and whether the store answers.
struct FakeLeases {
  std::mutex mu;
  std::set<std::string> ours;
  bool failing = false;
  int calls = 0;

  LeaseKeeper::RenewFn Fn() {
    return [this](const std::vector<std::string>& keys) -> Result<std::vector<std::string>> {
      std::lock_guard<std::mutex> lock(mu);
      ++calls;
      if (failing) return Unavailable("the store is down");
      std::vector<std::string> lost;
      for (const std::string& key : keys) {
        if (!ours.contains(key)) lost.push_back(key);
      }
      return lost;
    };
  }
  int Calls() {
    std::lock_guard<std::mutex> lock(mu);
    return calls;
  }
};

TEST(LeaseKeeperTest, RenewsHeldKeysAndReportsALostOneOnce) {
  FakeLeases leases;
  leases.ours = {"a", "b"};
  LeaseKeeper keeper("request", leases.Fn(), kLeaseMicros);
  std::atomic<int> lost_a = 0;
  std::atomic<int> lost_b = 0;
  keeper.Hold("a", [&] { ++lost_a; });
  keeper.Hold("b", [&] { ++lost_b; });
  ASSERT_TRUE(WaitUntil([&] { return leases.Calls() >= 3; }));
  EXPECT_EQ(lost_a.load(), 0);
  EXPECT_EQ(lost_b.load(), 0);
  {
    std::lock_guard<std::mutex> lock(leases.mu);
    leases.ours.erase("b");  // taken over elsewhere
  }
  ASSERT_TRUE(WaitUntil([&] { return lost_b.load() == 1; }));
  int calls = leases.Calls();
  ASSERT_TRUE(WaitUntil([&] { return leases.Calls() >= calls + 3; }));
  EXPECT_EQ(lost_b.load(), 1);  // once, then dropped
  EXPECT_EQ(lost_a.load(), 0);
  EXPECT_EQ(keeper.Held(), std::vector<std::string>{"a"});
}

TEST(LeaseKeeperTest, AStoreThatStopsAnsweringLosesTheLeaseBeforeItExpires) {
  FakeLeases leases;
  leases.ours = {"a"};
  LeaseKeeper keeper("daily table job", leases.Fn(), kLeaseMicros);
  std::atomic<bool> lost = false;
  std::chrono::steady_clock::time_point lost_at;
  keeper.Hold("a", [&] {
    lost_at = std::chrono::steady_clock::now();
    lost = true;
  });
  ASSERT_TRUE(WaitUntil([&] { return leases.Calls() >= 2; }));
  const auto failing_since = std::chrono::steady_clock::now();
  {
    std::lock_guard<std::mutex> lock(leases.mu);
    leases.failing = true;
  }
  ASSERT_TRUE(WaitUntil([&] { return lost.load(); }));
  // Given up after at least two thirds of a lease without a renewal (measured from the last
  // success, which came before `failing_since`).
  EXPECT_GE(lost_at, failing_since);
  EXPECT_TRUE(keeper.Held().empty());
}

TEST(LeaseKeeperTest, DroppedKeysAreNeitherRenewedNorReported) {
  FakeLeases leases;
  std::vector<std::vector<std::string>> seen;
  std::mutex seen_mu;
  LeaseKeeper keeper(
      "request",
      [&](const std::vector<std::string>& keys) -> Result<std::vector<std::string>> {
        std::lock_guard<std::mutex> lock(seen_mu);
        seen.push_back(keys);
        return keys;  // every key is lost
      },
      kLeaseMicros);
  std::atomic<int> lost = 0;
  keeper.Hold("x", [&] { ++lost; });
  keeper.Drop("x");
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(lost.load(), 0);
  std::lock_guard<std::mutex> lock(seen_mu);
  EXPECT_TRUE(seen.empty()) << "nothing held: no renewal call";
}

}  // namespace
}  // namespace de
