#include "cli/daily.h"

#include <unistd.h>

#include <chrono>
#include <map>
#include <mutex>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "cli/commands.h"
#include "cli/progress.h"
#include "common/clock.h"
#include "export/layout.h"
#include "notify/fanout_notifier.h"
#include "notify/file_notifier.h"
#include "notify/log_notifier.h"
#include "notify/sns_notifier.h"
#include "notify/webhook_notifier.h"

namespace de {
namespace {

// The SNS notifier of notify.sns.topic_arn, signing with the storage's AWS credentials chain.
Result<std::unique_ptr<Notifier>> SnsFromConfig(const Config& config) {
  const NotifyConfig& notify = config.notify;
  Result<std::shared_ptr<s3::CredentialsProvider>> credentials = AwsCredentialsFromConfig(config);
  if (!credentials.ok()) return credentials.status().WithContext("notify.sns");
  SnsOptions options;
  options.topic_arn = notify.sns_topic_arn;
  options.endpoint = notify.sns_endpoint;
  options.region = notify.sns_region;
  Result<std::unique_ptr<SnsNotifier>> sns = SnsNotifier::Create(options, *credentials);
  if (!sns.ok()) return sns.status().WithContext("notify.sns");
  return std::unique_ptr<Notifier>(std::move(sns).value());
}

Result<std::unique_ptr<Notifier>> NotifierFromConfig(const Config& config) {
  const NotifyConfig& notify = config.notify;
  std::vector<std::unique_ptr<Notifier>> notifiers;
  notifiers.push_back(std::make_unique<LogNotifier>());
  if (!notify.file.empty()) notifiers.push_back(std::make_unique<FileNotifier>(notify.file));
  ASSIGN_OR_RETURN(std::string secret,
                   SecretFromConfig("notify.webhook_secret", notify.webhook_secret,
                                    notify.webhook_secret_file, 1));
  for (const std::string& url : notify.webhook_urls) {
    WebhookOptions options;
    options.url = url;
    options.secret = secret;
    options.signature_header = notify.webhook_signature_header;
    options.timeout_ms = notify.webhook_timeout_ms;
    options.max_attempts = static_cast<int>(notify.webhook_max_attempts);
    Result<std::unique_ptr<WebhookNotifier>> webhook = WebhookNotifier::Create(options);
    if (!webhook.ok()) {
      return InvalidArgument("notify.webhook_urls: {}", webhook.status().message());
    }
    notifiers.push_back(std::move(webhook).value());
  }
  if (!notify.sns_topic_arn.empty()) {
    ASSIGN_OR_RETURN(std::unique_ptr<Notifier> sns, SnsFromConfig(config));
    notifiers.push_back(std::move(sns));
  }
  return std::unique_ptr<Notifier>(std::make_unique<FanoutNotifier>(std::move(notifiers)));
}

// One line per table, redrawn in place on a terminal; plain lines otherwise. Called from the
// run's table workers.
class DailyProgress final : public DailyObserver {
 public:
  DailyProgress(std::FILE* out, bool interactive) : out_(out), interactive_(interactive) {}

  void OnPlanned(const std::vector<std::string>& tables) override {
    std::lock_guard<std::mutex> lock(mu_);
    for (const std::string& table : tables) {
      order_.push_back(table);
      lines_[table] = Line{};
    }
    Draw(true);
  }
  void OnAttempt(const std::string& table, int attempt) override {
    std::lock_guard<std::mutex> lock(mu_);
    Line& line = lines_[table];
    line.state = attempt == 1 ? "exporting" : fmt::format("retrying (attempt {})", attempt);
    line.rows = 0;
    line.started = std::chrono::steady_clock::now();
    if (!interactive_) fmt::print(out_, "{}: {}\n", table, line.state);
    Draw(true);
  }
  void OnRows(const std::string& table, uint64_t rows_read) override {
    std::lock_guard<std::mutex> lock(mu_);
    lines_[table].rows = rows_read;
    Draw(false);
  }
  void OnTableFinished(const DailyTableSummary& t) override {
    std::lock_guard<std::mutex> lock(mu_);
    Line& line = lines_[t.table];
    line.done = true;
    line.rows = t.rows_read;
    if (t.skipped) {
      line.state = "already completed (skipped)";
    } else if (t.status == "COMPLETED") {
      line.state = fmt::format("done: {} rows, {} file(s), {}", WithThousands(t.rows_written),
                               t.files, HumanBytes(t.bytes_written));
    } else {
      line.state = "FAILED: " + t.error;
    }
    if (!interactive_) fmt::print(out_, "{}: {}\n", t.table, line.state);
    Draw(true);
  }

 private:
  struct Line {
    std::string state = "waiting";
    uint64_t rows = 0;
    bool done = false;
    std::chrono::steady_clock::time_point started{};
  };

  // Redraws every table's line (terminal only), at most 10 times a second unless `force`.
  void Draw(bool force) {
    if (!interactive_) {
      std::fflush(out_);
      return;
    }
    auto now = std::chrono::steady_clock::now();
    if (!force && now - last_draw_ < std::chrono::milliseconds(100)) return;
    last_draw_ = now;
    if (drawn_ > 0) fmt::print(out_, "\033[{}A", drawn_);
    for (const std::string& table : order_) {
      const Line& line = lines_[table];
      std::string bar;
      if (line.done) {
        bar = "[####################]";
      } else if (line.state != "waiting") {
        // No row estimate from the warehouse: a bouncing block shows that rows are flowing.
        size_t at = static_cast<size_t>(line.rows / 4096) % 17;
        bar = "[" + std::string(at, '.') + "####" + std::string(16 - at, '.') + "]";
      } else {
        bar = "[....................]";
      }
      std::string rows = line.state == "waiting" ? "" : WithThousands(line.rows) + " rows";
      fmt::print(out_, "\r\033[K{:<24} {} {:>14}  {}\n", table, bar, rows, line.state);
    }
    drawn_ = order_.size();
    std::fflush(out_);
  }

  std::FILE* out_;
  bool interactive_;
  std::mutex mu_;
  std::vector<std::string> order_;
  std::map<std::string, Line> lines_;
  size_t drawn_ = 0;
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace

int ExitCodeForOutcome(DailyRunOutcome outcome) {
  switch (outcome) {
    case DailyRunOutcome::kSuccess:
      return kExitOk;
    case DailyRunOutcome::kPartialSuccess:
      return kExitPartial;
    case DailyRunOutcome::kFailed:
      break;
  }
  return kExitFailed;
}

Result<DailyStack> BuildDailyStack(const Services& services, ExportSlots* slots) {
  const Config& config = services.config;
  Result<TimeZone> zone = TimeZone::Find(config.schedule.time_zone);
  if (!zone.ok()) return InvalidArgument("schedule.time_zone: {}", zone.status().message());
  std::optional<CronSchedule> schedule;
  if (config.schedule.cron != "off") {
    Result<CronSchedule> parsed = CronSchedule::Parse(config.schedule.cron, zone->name());
    if (!parsed.ok()) return InvalidArgument("schedule.cron: {}", parsed.status().message());
    schedule = std::move(parsed).value();
  }
  ASSIGN_OR_RETURN(std::unique_ptr<Notifier> notifier, NotifierFromConfig(config));
  ASSIGN_OR_RETURN(ExportOptions options, ExportOptionsFromConfig(config, services.store_uri));
  DailyRunOptions run;
  run.max_retry_count = static_cast<int>(config.exporter.max_retry_count);
  run.retry_initial_backoff_ms = config.exporter.retry_initial_backoff_ms;
  run.retry_max_backoff_ms =
      std::max(config.exporter.retry_max_backoff_ms, config.exporter.retry_initial_backoff_ms);
  run.env = config.storage.env;
  run.time_zone = zone->name();
  run.owner = services.replica_id;
  run.lease_micros = config.metadata.lease_seconds * 1'000'000;
  auto exporter = std::make_unique<DailyExporter>(
      services.warehouse.get(), services.metadata.get(), services.store.get(), Clock::System(),
      slots, std::move(options), DailyLayout(config.storage.prefix, config.storage.env), run,
      notifier.get());
  std::unique_ptr<DailyScheduler> scheduler;
  if (schedule) {
    scheduler = std::make_unique<DailyScheduler>(
        *schedule, SchedulerOptions{static_cast<int>(config.schedule.catch_up_days)},
        Clock::System(), services.metadata.get(), exporter.get());
  }
  return DailyStack{std::move(zone).value(), std::move(schedule), std::move(notifier),
                    std::move(exporter), std::move(scheduler)};
}

void PrintDailySummary(const DailyRunSummary& summary, const std::string& day_directory,
                       std::FILE* out) {
  fmt::print(out, "\ndaily run {} ({} .. {}, {}): {}\n", summary.run_date,
             UtcIso8601(summary.start_time), UtcIso8601(summary.end_time), summary.time_zone,
             DailyRunOutcomeName(summary.outcome));
  fmt::print(out, "{:<18} {:<9} {:>8} {:>10} {:>8} {:>10} {:>5} {:>10}\n", "table", "status",
             "attempts", "rows read", "dropped", "written", "files", "bytes");
  for (const DailyTableSummary& t : summary.tables) {
    std::string status = t.skipped ? "SKIPPED" : t.status;
    fmt::print(out, "{:<18} {:<9} {:>8} {:>10} {:>8} {:>10} {:>5} {:>10}\n", t.table, status,
               t.attempts, WithThousands(t.rows_read), WithThousands(t.rows_dropped_by_policy),
               WithThousands(t.rows_written), t.files, HumanBytes(t.bytes_written));
  }
  for (const DailyTableSummary& t : summary.tables) {
    if (!t.error.empty()) fmt::print(out, "  {}: {}\n", t.table, t.error);
    if (!t.unclassified_columns.empty()) {
      fmt::print(out, "  {}: unclassified, not exported: {}\n", t.table,
                 fmt::join(t.unclassified_columns, ", "));
    }
  }
  const DailyClassificationsSummary& c = summary.classifications;
  if (!c.keys.empty()) {
    fmt::print(out, "classifications: {}{}\n", c.skipped ? "already there (skipped)" : c.status,
               c.error.empty() ? "" : ": " + c.error);
  }
  if (!summary.error.empty()) fmt::print(out, "error: {}\n", summary.error);
  fmt::print(out, "files under {}/\n", day_directory);
  std::fflush(out);
}

int RunDaily(const Config& config, const RunDailyArgs& args) {
  // Arguments are checked before anything is opened.
  Result<TimeZone> zone = TimeZone::Find(config.schedule.time_zone);
  if (!zone.ok()) {
    return ReportFailure(InvalidArgument("schedule.time_zone: {}", zone.status().message()));
  }
  LocalDate today = zone->DateOf(Clock::System()->NowSeconds());
  LocalDate day = today.AddDays(-1);
  if (!args.date.empty()) {
    Result<LocalDate> parsed = LocalDate::Parse(args.date);
    if (!parsed.ok()) return ReportFailure(parsed.status().WithContext("--date"));
    day = *parsed;
    if (day > today) {
      return ReportFailure(InvalidArgument("--date {} is in the future: today is {} in {}",
                                           args.date, today.ToString(), zone->name()));
    }
  }
  Result<Services> services = OpenServices(config, {});
  if (!services.ok()) return ReportFailure(services.status());
  ExportSlots slots(static_cast<size_t>(config.exporter.max_concurrency));
  Result<DailyStack> stack = BuildDailyStack(*services, &slots);
  if (!stack.ok()) return ReportFailure(stack.status());

  DayBounds bounds = zone->BoundsOf(day);
  DailyRunSpec spec;
  spec.run_date = day.ToString();
  spec.start_time = bounds.start;
  spec.end_time = bounds.end;
  if (!args.table.empty()) spec.table = args.table;
  spec.force = args.force;
  spec.trigger = "cli";
  if (day == today) {
    spdlog::warn("{} has not ended yet in {}: the run exports the day so far", spec.run_date,
                 zone->name());
  }
  fmt::print("daily run {} in {}: {} .. {}{}\n", spec.run_date, zone->name(),
             UtcIso8601(bounds.start), UtcIso8601(bounds.end), args.force ? " (forced)" : "");
  std::fflush(stdout);
  DailyProgress progress(stderr, ::isatty(STDERR_FILENO) != 0);
  Result<DailyRunSummary> summary = stack->exporter->Run(spec, nullptr, &progress);
  if (!summary.ok()) return ReportFailure(summary.status());
  PrintDailySummary(*summary, stack->exporter->layout().DayDirectory(spec.run_date), stdout);
  return ExitCodeForOutcome(summary->outcome);
}

}  // namespace de
