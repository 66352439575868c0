// LeaseKeeper: keeps the leases of the work a process holds alive (metadata_store.h, "leases")
// by renewing them in the background, and tells the holder when one is lost.
//
// Every lease_micros / 3 it renews every held key in one call. A key is lost when the renewal
// reports it (the work was finished or taken over elsewhere), or when no renewal has succeeded
// for 2/3 of the lease (the store is unreachable): the holder then stops before the lease can
// expire, so two replicas never work on the same thing at once. `on_lost` runs once per key, on
// the keeper's thread; the key is dropped.
//
// Thread-safe: Hold and Drop may be called from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"

namespace de {

class LeaseKeeper {
 public:
  // Renews the leases of `keys`; returns the keys no longer held, or an error (nothing renewed).
  using RenewFn =
      std::function<Result<std::vector<std::string>>(const std::vector<std::string>& keys)>;

  // Starts the renewal thread. lease_micros must be > 0.
  LeaseKeeper(std::string what, RenewFn renew, int64_t lease_micros);
  ~LeaseKeeper();  // stops the thread; held keys are simply forgotten
  LeaseKeeper(const LeaseKeeper&) = delete;
  LeaseKeeper& operator=(const LeaseKeeper&) = delete;

  // Starts keeping `key` (just claimed, so its lease is fresh). Replaces an earlier on_lost.
  void Hold(const std::string& key, std::function<void()> on_lost);
  // Stops keeping `key`; on_lost will not run for it afterwards (unless it is running now).
  void Drop(const std::string& key);
  // Keys held now.
  std::vector<std::string> Held() const;

  int64_t lease_micros() const { return lease_micros_; }

 private:
  using SteadyTime = std::chrono::steady_clock::time_point;
  struct Entry {
    std::function<void()> on_lost;
    SteadyTime renewed;  // claim time or last successful renewal
  };

  void Loop();
  void RenewOnce();

  const std::string what_;  // "request", "daily table job": for log lines
  const RenewFn renew_;
  const int64_t lease_micros_;

  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;              // guarded by mu_
  std::map<std::string, Entry> held_;  // guarded by mu_
  std::thread thread_;
};

}  // namespace de
