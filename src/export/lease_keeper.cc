#include "export/lease_keeper.h"

#include <algorithm>
#include <utility>

#include <spdlog/spdlog.h>

namespace de {

LeaseKeeper::LeaseKeeper(std::string what, RenewFn renew, int64_t lease_micros)
    : what_(std::move(what)),
      renew_(std::move(renew)),
      lease_micros_(std::max<int64_t>(lease_micros, 3)),
      thread_([this] { Loop(); }) {}

LeaseKeeper::~LeaseKeeper() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void LeaseKeeper::Hold(const std::string& key, std::function<void()> on_lost) {
  std::lock_guard<std::mutex> lock(mu_);
  held_[key] = Entry{std::move(on_lost), std::chrono::steady_clock::now()};
}

void LeaseKeeper::Drop(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  held_.erase(key);
}

std::vector<std::string> LeaseKeeper::Held() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> keys;
  for (const auto& [key, entry] : held_) keys.push_back(key);
  return keys;
}

void LeaseKeeper::Loop() {
  const auto period = std::chrono::microseconds(lease_micros_ / 3);
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    wake_.wait_for(lock, period, [&] { return stopping_; });
    if (stopping_) return;
    lock.unlock();
    RenewOnce();
    lock.lock();
  }
}

void LeaseKeeper::RenewOnce() {
  std::vector<std::string> keys = Held();
  if (keys.empty()) return;
  const SteadyTime started = std::chrono::steady_clock::now();
  Result<std::vector<std::string>> lost = renew_(keys);
  std::vector<std::pair<std::string, std::function<void()>>> to_call;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (lost.ok()) {
      for (const std::string& key : keys) {
        auto it = held_.find(key);
        if (it == held_.end()) continue;
        if (std::find(lost->begin(), lost->end(), key) != lost->end()) {
          spdlog::warn("{} {}: its lease was lost (finished or taken over elsewhere); stopping",
                       what_, key);
          to_call.emplace_back(key, std::move(it->second.on_lost));
          held_.erase(it);
        } else {
          it->second.renewed = started;
        }
      }
    } else {
      // Stop before the lease can expire, so nobody else starts while this one still runs.
      const auto limit = std::chrono::microseconds(lease_micros_ * 2 / 3);
      spdlog::warn("renewing {} leases failed: {}", what_, lost.status().ToString());
      for (auto it = held_.begin(); it != held_.end();) {
        if (started - it->second.renewed >= limit) {
          spdlog::warn("{} {}: no lease renewal for {} ms; stopping", what_, it->first,
                       limit.count() / 1000);
          to_call.emplace_back(it->first, std::move(it->second.on_lost));
          it = held_.erase(it);
        } else {
          ++it;
        }
      }
    }
  }
  for (auto& [key, on_lost] : to_call) {
    if (on_lost) on_lost();
  }
}

}  // namespace de
