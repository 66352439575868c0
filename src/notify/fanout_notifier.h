// FanoutNotifier: sends one summary to several notifiers (e.g. log + file + webhooks), so the
// daily exporter holds a single Notifier.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "export/daily_summary.h"

namespace de {

// Thread-safe when every wrapped notifier is (all of notify/'s are).
class FanoutNotifier final : public Notifier {
 public:
  // Owns `notifiers`; they are called in this order. Null entries are not allowed.
  explicit FanoutNotifier(std::vector<std::unique_ptr<Notifier>> notifiers)
      : notifiers_(std::move(notifiers)) {}

  std::string name() const override { return "fanout"; }

  // Calls every notifier in order, each after the previous one returned. A failure is logged
  // (warn, with the notifier's name) and does not stop the next one. Always OK: a notification
  // never fails a run.
  Status Notify(const DailyRunSummary& summary) override;

  size_t size() const { return notifiers_.size(); }

 private:
  const std::vector<std::unique_ptr<Notifier>> notifiers_;
};

}  // namespace de
