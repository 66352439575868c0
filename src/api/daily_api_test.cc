// The daily-run queries and the rerun mutation of the export schema, with the real engine and a
// real SQLite metadata store. The DailyRunLauncher (the scheduler, the API's collaborator) is a
// fake that records its calls and answers what the test configures.
#include "api/daily_api.h"

#include <gtest/gtest.h>

#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "api/auth.h"
#include "api/export_api.h"
#include "export/embedded_backends_testing.h"
#include "sqlite/sqlite.h"

namespace de {
namespace {

using graphql::Json;

// 2026-11-19 and 2026-11-20 as Australia/Melbourne days (UTC+11): [13:00Z of the day before,
// 13:00Z).
constexpr int64_t kDay19Start = 1'795'006'800;  // 2026-11-18T13:00:00Z
constexpr int64_t kDay20Start = 1'795'093'200;  // 2026-11-19T13:00:00Z
constexpr int64_t kDaySeconds = 86'400;
constexpr int64_t kMicros = 1'000'000;

class FakeLauncher final : public DailyRunLauncher {
 public:
  struct Call {
    std::string run_date;
    std::optional<std::string> table;
    bool force = false;
    std::string trigger;
    friend bool operator==(const Call&, const Call&) = default;
  };

  Result<DailyRun> Launch(const std::string& run_date, const std::optional<std::string>& table,
                          bool force, const std::string& trigger) override {
    std::lock_guard<std::mutex> lock(mu_);
    calls_.push_back(Call{run_date, table, force, trigger});
    return answer_;
  }

  void Answer(Result<DailyRun> answer) {
    std::lock_guard<std::mutex> lock(mu_);
    answer_ = std::move(answer);
  }
  std::vector<Call> calls() {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_;
  }

 private:
  std::mutex mu_;
  std::vector<Call> calls_;                                     // guarded by mu_
  Result<DailyRun> answer_ = Internal("no answer configured");  // guarded by mu_
};

// 2026-11-19: PARTIAL-SUCCESS, one table completed, one failed.
DailyRun PartialRun() {
  DailyRun run;
  run.run_date = "2026-11-19";
  run.state = DailyRunState::kPartialSuccess;
  run.trigger = "catch-up";
  run.start_time = kDay19Start;
  run.end_time = kDay19Start + kDaySeconds;
  run.started_at = (kDay19Start + kDaySeconds + 3'600) * kMicros + 250;  // 2026-11-19T14:00:00Z
  run.finished_at = run.started_at + 95 * kMicros;
  run.policy_version = 3;
  run.tables_total = 2;
  run.tables_completed = 1;
  run.tables_failed = 1;
  run.owner = "replica-a";
  return run;
}

// 2026-11-20: RUNNING, started by the API.
DailyRun RunningRun() {
  DailyRun run;
  run.run_date = "2026-11-20";
  run.state = DailyRunState::kRunning;
  run.trigger = "api";
  run.start_time = kDay20Start;
  run.end_time = kDay20Start + kDaySeconds;
  run.started_at = (kDay20Start + kDaySeconds + 7'200) * kMicros;  // 2026-11-20T15:00:00Z
  run.policy_version = 4;
  run.tables_total = 2;
  return run;
}

// 2026-11-18: FAILED before any table started.
DailyRun FailedRun() {
  DailyRun run;
  run.run_date = "2026-11-18";
  run.state = DailyRunState::kFailed;
  run.trigger = "schedule";
  run.start_time = kDay19Start - kDaySeconds;
  run.end_time = kDay19Start;
  run.started_at = (kDay19Start + 3'600) * kMicros;  // 2026-11-18T14:00:00Z
  run.finished_at = run.started_at + 2 * kMicros;
  run.policy_version = 3;
  run.error = "policy could not be loaded: database is locked";
  return run;
}

std::vector<TableJobStatus> PartialRunJobs() {
  TableJobStatus cctv;
  cctv.run_date = "2026-11-19";
  cctv.table_name = "cctv";
  cctv.state = JobState::kCompleted;
  cctv.attempt = 1;
  cctv.started_at = PartialRun().started_at + kMicros;
  cctv.finished_at =
      cctv.started_at + 40 * kMicros + 999'000;  // 14:00:41.99925Z, shown as 14:00:41Z
  cctv.rows_read = 6'000'000'000;                // past 32 bits: a Float
  cctv.rows_dropped_by_policy = 12;
  cctv.rows_written = 5'999'999'988;
  cctv.bytes_written = 5'000'000'000;
  cctv.files = 3;
  cctv.unclassified_columns = {"notes", "operator"};
  TableJobStatus way;
  way.run_date = "2026-11-19";
  way.table_name = "way";
  way.state = JobState::kFailed;
  way.attempt = 3;
  way.started_at = PartialRun().started_at + 60 * kMicros;
  way.finished_at = way.started_at + 30 * kMicros;
  way.error = "UNAVAILABLE: connection lost";
  return {way, cctv};  // stored in this order, listed by table
}

TableJobStatus RunningJob() {
  TableJobStatus job;
  job.run_date = "2026-11-20";
  job.table_name = "incident";
  job.state = JobState::kInProgress;
  job.attempt = 2;
  job.started_at = RunningRun().started_at + 5 * kMicros;
  job.owner = "replica-b";
  job.lease_expires_at = job.started_at + 60 * kMicros;
  return job;
}

constexpr const char* kRunFields =
    "date status statusName trigger startTime endTime startedAt finishedAt policyVersion "
    "tablesTotal tablesCompleted tablesFailed error";
constexpr const char* kJobFields =
    "table status statusName attempt startedAt finishedAt rowsRead rowsDroppedByPolicy "
    "rowsWritten bytesWritten files error unclassifiedColumns";

const char* kPartialRunJson = R"({"date":"2026-11-19","status":"PARTIAL_SUCCESS",
    "statusName":"PARTIAL-SUCCESS","trigger":"catch-up","startTime":1795006800,
    "endTime":1795093200,"startedAt":"2026-11-19T14:00:00Z","finishedAt":"2026-11-19T14:01:35Z",
    "policyVersion":3,"tablesTotal":2,"tablesCompleted":1,"tablesFailed":1,"error":null})";
const char* kRunningRunJson = R"({"date":"2026-11-20","status":"RUNNING","statusName":"RUNNING",
    "trigger":"api","startTime":1795093200,"endTime":1795179600,
    "startedAt":"2026-11-20T15:00:00Z","finishedAt":null,"policyVersion":4,"tablesTotal":2,
    "tablesCompleted":0,"tablesFailed":0,"error":null})";
const char* kFailedRunJson = R"({"date":"2026-11-18","status":"FAILED","statusName":"FAILED",
    "trigger":"schedule","startTime":1794920400,"endTime":1795006800,
    "startedAt":"2026-11-18T14:00:00Z","finishedAt":"2026-11-18T14:00:02Z","policyVersion":3,
    "tablesTotal":0,"tablesCompleted":0,"tablesFailed":0,
    "error":"policy could not be loaded: database is locked"})";
const char* kPartialJobsJson = R"([
    {"table":"cctv","status":"COMPLETED","statusName":"COMPLETED","attempt":1,
     "startedAt":"2026-11-19T14:00:01Z","finishedAt":"2026-11-19T14:00:41Z",
     "rowsRead":6000000000.0,"rowsDroppedByPolicy":12.0,"rowsWritten":5999999988.0,
     "bytesWritten":5000000000.0,"files":3,"error":null,"unclassifiedColumns":["notes","operator"]},
    {"table":"way","status":"FAILED","statusName":"FAILED","attempt":3,
     "startedAt":"2026-11-19T14:01:00Z","finishedAt":"2026-11-19T14:01:30Z","rowsRead":0.0,
     "rowsDroppedByPolicy":0.0,"rowsWritten":0.0,"bytesWritten":0.0,"files":0,
     "error":"UNAVAILABLE: connection lost","unclassifiedColumns":[]}])";
const char* kRunningJobsJson = R"([
    {"table":"incident","status":"IN_PROGRESS","statusName":"IN-PROGRESS","attempt":2,
     "startedAt":"2026-11-20T15:00:05Z","finishedAt":null,"rowsRead":0.0,"rowsDroppedByPolicy":0.0,
     "rowsWritten":0.0,"bytesWritten":0.0,"files":0,"error":null,"unclassifiedColumns":[]}])";

// `run` with `tables` added.
Json WithTables(const char* run, const char* tables) {
  Json out = Json::parse(run);
  out["tables"] = Json::parse(tables);
  return out;
}

class DailyApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing_support::FreshTestDirectory("daily_api");
    ASSERT_NO_FATAL_FAILURE(backends_.OpenMetadata(dir_, &clock_));
    ASSERT_NO_FATAL_FAILURE(BuildEngine(&launcher_));
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void BuildEngine(DailyRunLauncher* launcher) {
    ExportApiDeps deps;
    deps.metadata = backends_.metadata.get();
    deps.daily = launcher;
    auto schema = BuildExportSchema(deps);
    ASSERT_TRUE(schema.ok()) << schema.status().ToString();
    schema_ = std::move(schema).value();
    engine_ = std::make_unique<graphql::Engine>(schema_.get(), graphql::EngineLimits{});
  }

  void StoreRuns() {
    for (const DailyRun& run : {PartialRun(), RunningRun(), FailedRun()}) {
      ASSERT_TRUE(backends_.metadata->UpsertDailyRun(run).ok()) << run.run_date;
    }
    for (const TableJobStatus& job : PartialRunJobs()) {
      ASSERT_TRUE(backends_.metadata->UpsertTableJob(job).ok()) << job.table_name;
    }
    ASSERT_TRUE(backends_.metadata->UpsertTableJob(RunningJob()).ok());
  }

  Json Run(const std::string& query, Json variables = Json::object(),
           ApiCaller::Role role = ApiCaller::Role::kAdmin) {
    graphql::EngineRequest request;
    request.query = query;
    request.variables = std::move(variables);
    request.context = ApiCaller{role, true};
    return engine_->Run(std::move(request)).result.ToJson();
  }

  // The rerunDailyExport mutation with `variables` (date, table, force), selecting every field of
  // the run but its tables.
  Json Rerun(Json variables, ApiCaller::Role role = ApiCaller::Role::kAdmin) {
    return Run(std::string("mutation R($date: String!, $table: String, $force: Boolean) {\n") +
                   "  rerunDailyExport(date: $date, table: $table, force: $force) { " + kRunFields +
                   " } }",
               std::move(variables), role);
  }

  // {"errors":[one error at `path` with `message` and `code`],"data":null}, locations left out.
  static Json ErrorOnly(Json response) {
    for (Json& error : response["errors"]) error.erase("locations");
    return response;
  }
  static Json Error(const std::string& message, const std::string& path, const std::string& code,
                    Json data = nullptr) {
    return Json{{"errors", Json::array({Json{{"message", message},
                                             {"path", Json::array({path})},
                                             {"extensions", Json{{"code", code}}}}})},
                {"data", std::move(data)}};
  }

  std::string dir_;
  FakeClock clock_{(kDay20Start + 2 * kDaySeconds) * kMicros};
  testing_support::EmbeddedBackends backends_;
  FakeLauncher launcher_;
  std::unique_ptr<graphql::Schema> schema_;
  std::unique_ptr<graphql::Engine> engine_;
};

TEST_F(DailyApiTest, DailyRunsListsNewestDayFirstWithTheirTableJobs) {
  ASSERT_NO_FATAL_FAILURE(StoreRuns());
  Json response =
      Run(fmt::format("{{ dailyRuns {{ {} tables {{ {} }} }} }}", kRunFields, kJobFields));
  Json expected = {{"data",
                    {{"dailyRuns", Json::array({WithTables(kRunningRunJson, kRunningJobsJson),
                                                WithTables(kPartialRunJson, kPartialJobsJson),
                                                WithTables(kFailedRunJson, "[]")})}}}};
  EXPECT_EQ(response, expected) << response.dump();
  // Counts past 32 bits come out whole, as JSON numbers.
  EXPECT_NE(response.dump().find(R"("rowsRead":6000000000.0)"), std::string::npos);
}

TEST_F(DailyApiTest, DailyRunLooksUpOneDayOrNull) {
  ASSERT_NO_FATAL_FAILURE(StoreRuns());
  const std::string query =
      fmt::format("query D($date: String!) {{ dailyRun(date: $date) {{ {} tables {{ {} }} }} }}",
                  kRunFields, kJobFields);
  Json partial = Run(query, {{"date", "2026-11-19"}});
  Json expected = {{"data", {{"dailyRun", WithTables(kPartialRunJson, kPartialJobsJson)}}}};
  EXPECT_EQ(partial, expected) << partial.dump();
  EXPECT_EQ(Run(query, {{"date", "2026-11-21"}}), Json::parse(R"({"data":{"dailyRun":null}})"));
  // Reads are open to ordinary callers.
  EXPECT_EQ(
      Run("{ dailyRun(date: \"2026-11-20\") { status } }", Json::object(), ApiCaller::Role::kUser),
      Json::parse(R"({"data":{"dailyRun":{"status":"RUNNING"}}})"));
}

TEST_F(DailyApiTest, MalformedDatesAreBadUserInputNamingThem) {
  ASSERT_NO_FATAL_FAILURE(StoreRuns());
  const std::string long_date(100, '9');
  struct Case {
    std::string date;
    std::string shown;
  };
  const Case cases[] = {
      {"2026-02-29", "\"2026-02-29\""},  // not a leap year
      {"2026-11-5", "\"2026-11-5\""},
      {"2026-11-19T00:00", "\"2026-11-19T00:00\""},
      {"", "\"\""},
      {"yesterday", "\"yesterday\""},
      {long_date, "\"" + std::string(64, '9') + "...\""},
  };
  for (const Case& c : cases) {
    Json response =
        Run("query D($date: String!) { dailyRun(date: $date) { date } }", {{"date", c.date}});
    EXPECT_EQ(response,
              Json::parse(R"({"errors":[{"message":)" +
                          Json("date " + c.shown + " is not a calendar day as YYYY-MM-DD").dump() +
                          R"(,"locations":[{"line":1,"column":27}],"path":["dailyRun"],)"
                          R"("extensions":{"code":"BAD_USER_INPUT"}}],)"
                          R"("data":{"dailyRun":null}})"))
        << response.dump();
  }
}

TEST_F(DailyApiTest, DailyRunsLimitIsOneToAThousand) {
  for (int day = 1; day <= 25; ++day) {
    DailyRun run = FailedRun();
    run.run_date = fmt::format("2026-10-{:02}", day);
    ASSERT_TRUE(backends_.metadata->UpsertDailyRun(run).ok());
  }
  Json all = Run("{ dailyRuns { date } }");
  ASSERT_EQ(all["data"]["dailyRuns"].size(), 20u) << all.dump();  // the default
  EXPECT_EQ(all["data"]["dailyRuns"][0]["date"], "2026-10-25");
  EXPECT_EQ(all["data"]["dailyRuns"][19]["date"], "2026-10-06");
  EXPECT_EQ(Run("{ dailyRuns(limit: 1) { date } }"),
            Json::parse(R"({"data":{"dailyRuns":[{"date":"2026-10-25"}]}})"));
  EXPECT_EQ(Run("{ dailyRuns(limit: 1000) { date } }")["data"]["dailyRuns"].size(), 25u);
  for (int limit : {0, -1, 1001}) {
    Json response = Run(fmt::format("{{ dailyRuns(limit: {}) {{ date }} }}", limit));
    EXPECT_EQ(ErrorOnly(response), Error(fmt::format("limit must be 1 to 1000, got {}", limit),
                                         "dailyRuns", "BAD_USER_INPUT"))
        << response.dump();
  }
}

TEST_F(DailyApiTest, TablesAreReadOnlyWhenSelected) {
  ASSERT_NO_FATAL_FAILURE(StoreRuns());
  // Take the jobs table away under the store: a query that selects tables fails, one that does
  // not never reads it.
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ + "/metadata.db").c_str(), &raw), SQLITE_OK);
  sqlite::Connection db(raw);
  ASSERT_TRUE(sqlite::Execute(db.get(), "DROP TABLE table_export_job_statuses").ok());

  Json without =
      Run("{ dailyRuns { date tablesTotal } dailyRun(date: \"2026-11-19\") { status } }");
  EXPECT_EQ(without, Json::parse(R"({"data":{"dailyRuns":[
      {"date":"2026-11-20","tablesTotal":2},{"date":"2026-11-19","tablesTotal":2},
      {"date":"2026-11-18","tablesTotal":0}],"dailyRun":{"status":"PARTIAL_SUCCESS"}}})"));
  Json with = Run("{ dailyRun(date: \"2026-11-19\") { date tables { table } } }");
  ASSERT_EQ(with["errors"].size(), 1u) << with.dump();
  EXPECT_EQ(with["errors"][0]["path"], Json::parse(R"(["dailyRun","tables"])"));
  EXPECT_EQ(with["errors"][0]["extensions"]["code"], "INTERNAL");
  EXPECT_EQ(with["data"], Json::parse(R"({"dailyRun":null})"));
}

TEST_F(DailyApiTest, RerunLaunchesTheDayAndReturnsItsRow) {
  launcher_.Answer(RunningRun());
  Json response = Rerun({{"date", "2026-11-20"}});
  Json expected = {{"data", {{"rerunDailyExport", Json::parse(kRunningRunJson)}}}};
  EXPECT_EQ(response, expected) << response.dump();
  Json forced = Rerun({{"date", "2026-11-20"}, {"table", "cctv"}, {"force", true}});
  EXPECT_EQ(forced, expected) << forced.dump();
  Json unforced = Run(R"(mutation { rerunDailyExport(date: "2026-11-19", table: "way",
                         force: false) { date } })");
  EXPECT_EQ(unforced, Json::parse(R"({"data":{"rerunDailyExport":{"date":"2026-11-20"}}})"));

  using Call = FakeLauncher::Call;
  EXPECT_EQ(launcher_.calls(), (std::vector<Call>{{"2026-11-20", std::nullopt, false, "api"},
                                                  {"2026-11-20", "cctv", true, "api"},
                                                  {"2026-11-19", "way", false, "api"}}));
}

TEST_F(DailyApiTest, RerunSelectsTheLaunchedRunsTables) {
  ASSERT_NO_FATAL_FAILURE(StoreRuns());
  launcher_.Answer(RunningRun());
  Json response = Run(R"(mutation { rerunDailyExport(date: "2026-11-20") {
                           status tables { table statusName } } })");
  EXPECT_EQ(response, Json::parse(R"({"data":{"rerunDailyExport":{"status":"RUNNING",
      "tables":[{"table":"incident","statusName":"IN-PROGRESS"}]}}})"));
}

TEST_F(DailyApiTest, RerunNeedsAnAdminBeforeAnythingElse) {
  launcher_.Answer(RunningRun());
  for (const Json& variables : {Json{{"date", "2026-11-20"}}, Json{{"date", "not a date"}},
                                Json{{"date", "2026-11-20"}, {"table", ""}}}) {
    Json response = Rerun(variables, ApiCaller::Role::kUser);
    EXPECT_EQ(response,
              Json::parse(R"({"errors":[{"message":"rerunDailyExport needs an admin token",
        "locations":[{"line":2,"column":3}],"path":["rerunDailyExport"],
        "extensions":{"code":"FORBIDDEN"}}],"data":null})"))
        << response.dump();
  }
  // No ApiCaller in the context is an ordinary user too.
  graphql::EngineRequest anonymous;
  anonymous.query = R"(mutation { rerunDailyExport(date: "2026-11-20") { date } })";
  Json response = engine_->Run(std::move(anonymous)).result.ToJson();
  EXPECT_EQ(response["errors"][0]["extensions"]["code"], "FORBIDDEN") << response.dump();
  EXPECT_TRUE(launcher_.calls().empty());
}

TEST_F(DailyApiTest, RerunRefusesBadArgumentsWithoutLaunching) {
  launcher_.Answer(RunningRun());
  EXPECT_EQ(ErrorOnly(Rerun({{"date", "2026-13-01"}})),
            Error("date \"2026-13-01\" is not a calendar day as YYYY-MM-DD", "rerunDailyExport",
                  "BAD_USER_INPUT"));
  EXPECT_EQ(ErrorOnly(Rerun({{"date", "2026-11-20"}, {"table", ""}})),
            Error("table must not be empty (null means all tables)", "rerunDailyExport",
                  "BAD_USER_INPUT"));
  EXPECT_TRUE(launcher_.calls().empty());
}

TEST_F(DailyApiTest, LaunchErrorsMapToCodes) {
  struct Case {
    Status status;
    std::string code;
  };
  const Case cases[] = {
      {InvalidArgument("run date 2026-12-01 is after today (2026-11-21) in Australia/Melbourne"),
       "BAD_USER_INPUT"},
      {NotFound("table nope is not an enabled export table"), "NOT_FOUND"},
      {AlreadyExists("the daily run of 2026-11-20 is running already"), "FAILED_PRECONDITION"},
      {FailedPrecondition("the scheduler is stopping"), "FAILED_PRECONDITION"},
      {Unavailable("database is locked"), "UNAVAILABLE"},
      {Internal("broken invariant"), "INTERNAL"},
  };
  for (const Case& c : cases) {
    launcher_.Answer(c.status);
    Json response = Rerun({{"date", "2026-11-20"}, {"table", "nope"}});
    EXPECT_EQ(ErrorOnly(response), Error(c.status.message(), "rerunDailyExport", c.code))
        << response.dump();
  }
  EXPECT_EQ(launcher_.calls().size(), std::size(cases));
}

TEST_F(DailyApiTest, WithoutALauncherRerunIsUnavailableAndQueriesStillWork) {
  ASSERT_NO_FATAL_FAILURE(StoreRuns());
  ASSERT_NO_FATAL_FAILURE(BuildEngine(nullptr));
  EXPECT_EQ(ErrorOnly(Rerun({{"date", "2026-11-20"}})),
            Error("daily runs cannot be started here: this server runs no scheduler",
                  "rerunDailyExport", "UNAVAILABLE"));
  EXPECT_EQ(Run("{ dailyRuns(limit: 1) { date } }"),
            Json::parse(R"({"data":{"dailyRuns":[{"date":"2026-11-20"}]}})"));
}

// The fields of an introspected __Type as "field: Type" in SDL notation ("tables: [TableJob!]!").
std::vector<std::string> FieldsOf(const Json& type) {
  std::function<std::string(const Json&)> ref = [&](const Json& t) -> std::string {
    if (t["kind"] == "NON_NULL") return ref(t["ofType"]) + "!";
    if (t["kind"] == "LIST") return "[" + ref(t["ofType"]) + "]";
    return t["name"].get<std::string>();
  };
  std::vector<std::string> out;
  for (const Json& field : type["fields"]) {
    out.push_back(field["name"].get<std::string>() + ": " + ref(field["type"]));
  }
  return out;
}

TEST_F(DailyApiTest, IntrospectionDescribesTheDailyTypes) {
  Json types =
      Run(R"({ run: __type(name: "DailyRun") { ...F } job: __type(name: "TableJob") { ...F } }
      fragment F on __Type { fields { name type { kind name ofType { kind name
        ofType { kind name ofType { kind name } } } } } })");
  ASSERT_FALSE(types.contains("errors")) << types.dump();
  EXPECT_EQ(
      FieldsOf(types["data"]["run"]),
      (std::vector<std::string>{"date: String!", "status: DailyRunStatus!", "statusName: String!",
                                "trigger: String!", "startTime: Int!", "endTime: Int!",
                                "startedAt: String!", "finishedAt: String", "policyVersion: Int!",
                                "tablesTotal: Int!", "tablesCompleted: Int!", "tablesFailed: Int!",
                                "error: String", "tables: [TableJob!]!"}));
  EXPECT_EQ(FieldsOf(types["data"]["job"]),
            (std::vector<std::string>{
                "table: String!", "status: TableJobStatus!", "statusName: String!", "attempt: Int!",
                "startedAt: String!", "finishedAt: String", "rowsRead: Float!",
                "rowsDroppedByPolicy: Float!", "rowsWritten: Float!", "bytesWritten: Float!",
                "files: Int!", "error: String", "unclassifiedColumns: [String!]!"}));

  Json enums = Run(R"({ run: __type(name: "DailyRunStatus") { kind enumValues { name } }
                        job: __type(name: "TableJobStatus") { kind enumValues { name } } })");
  EXPECT_EQ(enums, Json::parse(R"({"data":{
      "run":{"kind":"ENUM","enumValues":[{"name":"RUNNING"},{"name":"SUCCESS"},
                                         {"name":"PARTIAL_SUCCESS"},{"name":"FAILED"}]},
      "job":{"kind":"ENUM","enumValues":[{"name":"IN_PROGRESS"},{"name":"COMPLETED"},
                                         {"name":"FAILED"}]}}})"));

  Json roots = Run(R"({ __schema { queryType { fields { name args { name defaultValue
                        type { kind name ofType { name } } } type { kind name } } }
                        mutationType { fields { name args { name defaultValue
                        type { kind name ofType { name } } } } } } })");
  Json queries = roots["data"]["__schema"]["queryType"]["fields"];
  ASSERT_GE(queries.size(), 2u) << roots.dump();
  EXPECT_EQ(queries[queries.size() - 2], Json::parse(R"({"name":"dailyRuns","args":[
      {"name":"limit","defaultValue":"20","type":{"kind":"SCALAR","name":"Int","ofType":null}}],
      "type":{"kind":"NON_NULL","name":null}})"));
  EXPECT_EQ(queries.back(), Json::parse(R"({"name":"dailyRun","args":[
      {"name":"date","defaultValue":null,"type":{"kind":"NON_NULL","name":null,
       "ofType":{"name":"String"}}}],"type":{"kind":"OBJECT","name":"DailyRun"}})"));
  EXPECT_EQ(roots["data"]["__schema"]["mutationType"]["fields"].back(), Json::parse(R"(
      {"name":"rerunDailyExport","args":[
        {"name":"date","defaultValue":null,"type":{"kind":"NON_NULL","name":null,
         "ofType":{"name":"String"}}},
        {"name":"table","defaultValue":null,"type":{"kind":"SCALAR","name":"String","ofType":null}},
        {"name":"force","defaultValue":"false",
         "type":{"kind":"SCALAR","name":"Boolean","ofType":null}}]})"));
}

}  // namespace
}  // namespace de
