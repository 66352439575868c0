// A flag a caller sets to ask running work to stop. Thread-safe.
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <vector>

namespace de {

class CancellationToken {
 public:
  // Sets the flag and runs every registered callback once (on the calling thread).
  void Cancel() {
    std::vector<std::function<void()>> callbacks;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (cancelled_.exchange(true)) return;
      callbacks.swap(callbacks_);
    }
    for (auto& cb : callbacks) cb();
  }
  bool cancelled() const { return cancelled_.load(std::memory_order_relaxed); }

  // Runs `cb` on Cancel(), or now if already cancelled. Used to interrupt blocking calls
  // (sqlite3_interrupt, PQcancel). The callback must stay valid until the token dies.
  void OnCancel(std::function<void()> cb) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!cancelled_) {
        callbacks_.push_back(std::move(cb));
        return;
      }
    }
    cb();
  }

 private:
  std::atomic<bool> cancelled_{false};
  std::mutex mu_;  // guards callbacks_
  std::vector<std::function<void()>> callbacks_;
};

}  // namespace de
