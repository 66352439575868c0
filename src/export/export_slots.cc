#include "export/export_slots.h"

#include <chrono>

namespace de {
namespace {

// How often a waiting Acquire looks at its cancellation token.
constexpr std::chrono::milliseconds kCancelPoll{50};

}  // namespace

ExportSlots::ExportSlots(size_t limit) : limit_(limit) {}

ExportSlots::Slot::Slot(Slot&& other) noexcept : owner_(other.owner_) { other.owner_ = nullptr; }

ExportSlots::Slot& ExportSlots::Slot::operator=(Slot&& other) noexcept {
  if (this != &other) {
    if (owner_ != nullptr) owner_->Release();
    owner_ = other.owner_;
    other.owner_ = nullptr;
  }
  return *this;
}

ExportSlots::Slot::~Slot() {
  if (owner_ != nullptr) owner_->Release();
}

Result<ExportSlots::Slot> ExportSlots::Acquire(CancellationToken* cancel) {
  std::unique_lock<std::mutex> lock(mu_);
  while (in_use_ >= limit_) {
    if (cancel != nullptr && cancel->cancelled()) {
      return Cancelled("cancelled while waiting for one of {} export slots", limit_);
    }
    freed_.wait_for(lock, kCancelPoll);
  }
  if (cancel != nullptr && cancel->cancelled()) {
    return Cancelled("cancelled while waiting for one of {} export slots", limit_);
  }
  ++in_use_;
  return Slot(this);
}

size_t ExportSlots::in_use() const {
  std::lock_guard<std::mutex> lock(mu_);
  return in_use_;
}

void ExportSlots::Release() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    --in_use_;
  }
  freed_.notify_one();
}

}  // namespace de
