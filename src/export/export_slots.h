// ExportSlots: the MAX_CONCURRENCY_LIMIT of DESIGN.md §4.4, one counting semaphore shared by
// every kind of export (on-demand workers now, daily table jobs next), so the warehouse never
// sees more than `limit` exports at once.
//
// Thread-safety: all members may be called from any thread.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <mutex>

#include "common/cancellation.h"
#include "common/status.h"

namespace de {

class ExportSlots {
 public:
  explicit ExportSlots(size_t limit);

  // A held slot; released when destroyed. Movable, not copyable.
  class Slot {
   public:
    Slot() = default;
    Slot(Slot&& other) noexcept;
    Slot& operator=(Slot&& other) noexcept;
    ~Slot();
    bool held() const { return owner_ != nullptr; }

   private:
    friend class ExportSlots;
    explicit Slot(ExportSlots* owner) : owner_(owner) {}
    ExportSlots* owner_ = nullptr;
  };

  // Blocks until a slot is free. kCancelled when `cancel` fires first (it is polled at least
  // every 100 ms).
  Result<Slot> Acquire(CancellationToken* cancel);
  size_t limit() const { return limit_; }
  size_t in_use() const;

 private:
  void Release();

  const size_t limit_;
  mutable std::mutex mu_;
  std::condition_variable freed_;
  size_t in_use_ = 0;  // guarded by mu_
};

}  // namespace de
