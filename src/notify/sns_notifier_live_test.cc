// The SNS notifier against moto_server with SigV4 and IAM checks on (scripts/with-moto sets
// DE_S3_ENDPOINT, DE_S3_ACCESS_KEY_ID, DE_S3_SECRET_ACCESS_KEY and DE_S3_REGION; without them
// these tests skip). The topic, the SQS queue subscribed to it and the reading of that queue are
// done with boto3 (`python3 -c`), independently of our code.
#include <cstdio>
#include <cstdlib>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/uuid.h"
#include "notify/payload.h"
#include "notify/sns_notifier.h"

namespace de {
namespace {

// Python run with the DE_S3_* variables: `kw` holds boto3's client arguments.
constexpr char kPrelude[] =
    "import boto3, json, os, sys\n"
    "e = os.environ\n"
    "kw = dict(endpoint_url=e[\"DE_S3_ENDPOINT\"], region_name=e[\"DE_S3_REGION\"],\n"
    "          aws_access_key_id=e[\"DE_S3_ACCESS_KEY_ID\"],\n"
    "          aws_secret_access_key=e[\"DE_S3_SECRET_ACCESS_KEY\"])\n"
    "sns = boto3.client(\"sns\", **kw)\n"
    "sqs = boto3.client(\"sqs\", **kw)\n";

// Creates topic and queue named argv[1], subscribes the queue; prints {topic_arn, queue_url}.
constexpr char kSetUp[] =
    "arn = sns.create_topic(Name=sys.argv[1])[\"TopicArn\"]\n"
    "q = sqs.create_queue(QueueName=sys.argv[1])[\"QueueUrl\"]\n"
    "qarn = sqs.get_queue_attributes(QueueUrl=q, AttributeNames=[\"QueueArn\"])"
    "[\"Attributes\"][\"QueueArn\"]\n"
    "sns.subscribe(TopicArn=arn, Protocol=\"sqs\", Endpoint=qarn)\n"
    "print(json.dumps({\"topic_arn\": arn, \"queue_url\": q}))\n";

// Prints the SNS envelopes waiting in queue argv[1] as [{Subject, Message}, ...].
constexpr char kReadQueue[] =
    "r = sqs.receive_message(QueueUrl=sys.argv[1], MaxNumberOfMessages=10, WaitTimeSeconds=2)\n"
    "out = [json.loads(m[\"Body\"]) for m in r.get(\"Messages\", [])]\n"
    "print(json.dumps([{\"Subject\": m.get(\"Subject\"), \"Message\": m[\"Message\"]} "
    "for m in out]))\n";

// Runs `python3 -c <prelude + script> arg` and parses its standard output as JSON.
nlohmann::json RunPython(const std::string& script, const std::string& arg) {
  std::string program = std::string(kPrelude) + script;
  std::string command = fmt::format("python3 -c '{}' '{}'", program, arg);
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) {
    ADD_FAILURE() << "popen failed";
    return nullptr;
  }
  std::string out;
  char buffer[4096];
  size_t got;
  while ((got = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0) out.append(buffer, got);
  int rc = ::pclose(pipe);
  if (rc != 0) {
    ADD_FAILURE() << "python3 exited with " << rc << ": " << out;
    return nullptr;
  }
  return nlohmann::json::parse(out, nullptr, /*allow_exceptions=*/false);
}

class SnsNotifierLiveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* endpoint = std::getenv("DE_S3_ENDPOINT");
    if (endpoint == nullptr) GTEST_SKIP() << "DE_S3_ENDPOINT unset (run under scripts/with-moto)";
    endpoint_ = endpoint;
    access_key_id_ = std::getenv("DE_S3_ACCESS_KEY_ID");
    secret_ = std::getenv("DE_S3_SECRET_ACCESS_KEY");
    region_ = std::getenv("DE_S3_REGION");
  }

  Result<std::unique_ptr<SnsNotifier>> Make(const std::string& topic_arn,
                                            const std::string& secret) {
    SnsOptions options;
    options.topic_arn = topic_arn;
    options.endpoint = endpoint_;
    options.region = region_;
    options.retry = {2, 10, 50};
    return SnsNotifier::Create(
        options,
        s3::StaticCredentials({access_key_id_, secret, ""}, std::nullopt, "test", Clock::System()));
  }

  // A topic with a subscribed queue: {topic_arn, queue_url}.
  nlohmann::json NewTopic() {
    Result<std::string> uuid = NewUuidV4();
    std::string name = "de-runs-" + (uuid.ok() ? uuid->substr(0, 8) : std::string("x"));
    return RunPython(kSetUp, name);
  }

  std::string endpoint_, access_key_id_, secret_, region_;
};

DailyRunSummary Summary(DailyRunOutcome outcome) {
  DailyRunSummary s;
  s.run_date = "2026-11-21";
  s.outcome = outcome;
  s.env = "live";
  s.time_zone = "Australia/Melbourne";
  s.start_time = 1'795'179'600;
  s.end_time = 1'795'266'000;
  s.trigger = "schedule";
  s.policy_version = 7;
  DailyTableSummary ok;
  ok.table = "cctv";
  ok.status = "COMPLETED";
  ok.attempts = 1;
  ok.rows_written = 42;
  ok.unclassified_columns = {"camera note & more"};
  DailyTableSummary failed;
  failed.table = "way";
  failed.status = "FAILED";
  failed.attempts = 3;
  failed.error = "UNAVAILABLE: warehouse down \xE2\x9C\x97 a+b=c";
  s.tables = {ok, failed};
  return s;
}

TEST_F(SnsNotifierLiveTest, LiveSummaryArrivesInTheSubscribedQueue) {
  nlohmann::json topic = NewTopic();
  ASSERT_TRUE(topic.is_object()) << topic.dump();
  auto notifier = Make(topic["topic_arn"].get<std::string>(), secret_);
  ASSERT_TRUE(notifier.ok()) << notifier.status().ToString();
  for (auto [outcome, subject] : {std::pair{DailyRunOutcome::kPartialSuccess, "PARTIAL-SUCCESS"},
                                  std::pair{DailyRunOutcome::kSuccess, "SUCCESS"},
                                  std::pair{DailyRunOutcome::kFailed, "FAILED"}}) {
    DailyRunSummary summary = Summary(outcome);
    Status status = (*notifier)->Notify(summary);
    ASSERT_TRUE(status.ok()) << status.ToString();
    nlohmann::json messages = RunPython(kReadQueue, topic["queue_url"].get<std::string>());
    ASSERT_TRUE(messages.is_array()) << messages.dump();
    ASSERT_EQ(messages.size(), 1u) << messages.dump();
    EXPECT_EQ(messages[0]["Subject"], subject);
    EXPECT_EQ(messages[0]["Message"], DailyRunPayload(summary));
  }
}

TEST_F(SnsNotifierLiveTest, LiveWrongSecretIsSignatureDoesNotMatch) {
  nlohmann::json topic = NewTopic();
  ASSERT_TRUE(topic.is_object()) << topic.dump();
  auto notifier = Make(topic["topic_arn"].get<std::string>(), "not-the-secret-key-0123456789");
  ASSERT_TRUE(notifier.ok()) << notifier.status().ToString();
  Status status = (*notifier)->Notify(Summary(DailyRunOutcome::kSuccess));
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.code(), StatusCode::kUnauthenticated) << status.ToString();
  EXPECT_NE(status.message().find("SignatureDoesNotMatch"), std::string::npos) << status.ToString();
  EXPECT_EQ(status.message().find("not-the-secret-key"), std::string::npos);
  EXPECT_EQ(status.message().find(secret_), std::string::npos);
}

TEST_F(SnsNotifierLiveTest, LiveUnknownTopicCarriesSnsNotFound) {
  auto notifier =
      Make(fmt::format("arn:aws:sns:{}:123456789012:de-no-such-topic", region_), secret_);
  ASSERT_TRUE(notifier.ok()) << notifier.status().ToString();
  Status status = (*notifier)->Notify(Summary(DailyRunOutcome::kSuccess));
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("NotFound"), std::string::npos) << status.ToString();
  EXPECT_EQ(status.code(), StatusCode::kNotFound) << status.ToString();
}

}  // namespace
}  // namespace de
