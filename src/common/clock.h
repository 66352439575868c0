// Clock: the one source of "now" (STYLE.md habit 5), so tests can fix time.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace de {

// Thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  // Microseconds since the Unix epoch, UTC.
  virtual int64_t NowMicros() const = 0;
  int64_t NowSeconds() const { return NowMicros() / 1'000'000; }
  int64_t NowMillis() const { return NowMicros() / 1'000; }

  // The process-wide wall clock.
  static Clock* System();
};

// A clock that only moves when told. Thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t now_micros = 0) : now_(now_micros) {}
  int64_t NowMicros() const override { return now_.load(); }
  void SetMicros(int64_t now) { now_.store(now); }
  void AdvanceSeconds(int64_t s) { now_.fetch_add(s * 1'000'000); }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace de
