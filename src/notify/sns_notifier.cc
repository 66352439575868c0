#include "notify/sns_notifier.h"

#include <algorithm>
#include <cctype>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "notify/payload.h"
#include "storage/s3/aws_xml.h"
#include "storage/s3/sigv4.h"

namespace de {
namespace {

constexpr std::string_view kContentType = "application/x-www-form-urlencoded; charset=utf-8";

// The parts of arn:<partition>:sns:<region>:<account>:<name>.
struct TopicArn {
  std::string partition;
  std::string region;
};

bool IsRegionName(std::string_view text) {
  return !text.empty() && text.front() != '-' && text.back() != '-' &&
         std::all_of(text.begin(), text.end(), [](unsigned char c) {
           return std::islower(c) || std::isdigit(c) || c == '-';
         });
}

std::vector<std::string_view> SplitColons(std::string_view text) {
  std::vector<std::string_view> parts;
  for (size_t start = 0;;) {
    size_t colon = text.find(':', start);
    parts.push_back(text.substr(start, colon - start));
    if (colon == std::string_view::npos) return parts;
    start = colon + 1;
  }
}

// Topic names: 1..256 of letters, digits, '-' and '_'; a FIFO topic's end in ".fifo".
bool IsTopicName(std::string_view name) {
  if (name.ends_with(".fifo")) name.remove_suffix(5);
  return !name.empty() && name.size() <= 256 &&
         std::all_of(name.begin(), name.end(),
                     [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_'; });
}

Result<TopicArn> ParseTopicArn(const std::string& arn) {
  std::vector<std::string_view> p = SplitColons(arn);
  bool ok =
      p.size() == 6 && p[0] == "arn" && p[1].starts_with("aws") && p[2] == "sns" &&
      IsRegionName(p[3]) && p[4].size() == 12 &&
      std::all_of(p[4].begin(), p[4].end(), [](unsigned char c) { return std::isdigit(c) != 0; }) &&
      IsTopicName(p[5]);
  if (!ok) {
    return InvalidArgument(
        "sns: topic_arn '{}' is not an SNS topic ARN "
        "(arn:aws:sns:<region>:<12-digit account>:<topic name>)",
        arn);
  }
  return TopicArn{std::string(p[1]), std::string(p[3])};
}

// "http(s)://host[:port]" with one trailing '/' tolerated; the endpoint without it.
Result<std::string> CheckEndpoint(const std::string& given) {
  std::string endpoint = given;
  if (endpoint.size() > 1 && endpoint.ends_with("/") && !endpoint.ends_with("//")) {
    endpoint.pop_back();
  }
  size_t sep = endpoint.find("://");
  std::string_view scheme =
      sep == std::string::npos ? "" : std::string_view(endpoint).substr(0, sep);
  std::string_view authority =
      sep == std::string::npos ? "" : std::string_view(endpoint).substr(sep + 3);
  bool ok = (scheme == "http" || scheme == "https") && !authority.empty() &&
            std::none_of(authority.begin(), authority.end(), [](unsigned char c) {
              return c <= 0x20 || c == 0x7f || c == '/' || c == '?' || c == '#' || c == '@';
            });
  if (!ok) {
    return InvalidArgument("sns: endpoint '{}' is not http(s)://host[:port] without a path", given);
  }
  return endpoint;
}

Status CheckLimits(const SnsOptions& o) {
  if (o.timeout_ms < 1 || o.timeout_ms > 600'000) {
    return InvalidArgument("sns: timeout_ms must be 1..600000, got {}", o.timeout_ms);
  }
  if (o.retry.max_attempts < 1 || o.retry.max_attempts > 20) {
    return InvalidArgument("sns: retry.max_attempts must be 1..20, got {}", o.retry.max_attempts);
  }
  if (o.retry.initial_backoff_ms < 0 || o.retry.max_backoff_ms < o.retry.initial_backoff_ms) {
    return InvalidArgument(
        "sns: retry backoffs must satisfy 0 <= initial_backoff_ms ({}) <= max_backoff_ms ({})",
        o.retry.initial_backoff_ms, o.retry.max_backoff_ms);
  }
  return Status::Ok();
}

// Fills the endpoint and region defaults and checks everything.
Status Resolve(SnsOptions& o) {
  ASSIGN_OR_RETURN(TopicArn arn, ParseTopicArn(o.topic_arn));
  if (o.region.empty()) o.region = arn.region;
  if (!IsRegionName(o.region)) {
    return InvalidArgument("sns: region '{}' is not a region name (e.g. us-east-1)", o.region);
  }
  if (o.endpoint.empty()) {
    o.endpoint = fmt::format("https://sns.{}.amazonaws.com{}", o.region,
                             arn.partition == "aws-cn" ? ".cn" : "");
  }
  ASSIGN_OR_RETURN(o.endpoint, CheckEndpoint(o.endpoint));
  return CheckLimits(o);
}

// application/x-www-form-urlencoded as botocore writes it (Python's urlencode): RFC 3986
// unreserved characters kept, a space as '+', every other byte %XX. AWS reads either form of
// space, but moto recomputes the signature over a body it re-encodes this way.
std::string FormEncode(std::string_view value) {
  std::string encoded = s3::UriEncode(value, /*encode_slash=*/true);
  std::string out;
  out.reserve(encoded.size());
  for (size_t i = 0; i < encoded.size(); ++i) {
    if (encoded.compare(i, 3, "%20") == 0) {
      out += '+';
      i += 2;
    } else {
      out += encoded[i];
    }
  }
  return out;
}

std::string Render(const nlohmann::json& json) {
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// The payload with only the first `kept` tables (and their unclassified columns) and
// "tables_truncated" naming how many were dropped.
std::string CutPayload(const nlohmann::json& full, size_t kept) {
  nlohmann::json cut = full;
  nlohmann::json& tables = cut["tables"];
  size_t dropped = tables.size() - kept;
  tables.erase(tables.begin() + static_cast<std::ptrdiff_t>(kept), tables.end());
  if (cut.contains("unclassified_columns") && cut["unclassified_columns"].is_object()) {
    nlohmann::json kept_unclassified = nlohmann::json::object();
    for (const nlohmann::json& table : tables) {
      std::string name = table.value("table", "");
      if (cut["unclassified_columns"].contains(name)) {
        kept_unclassified[name] = cut["unclassified_columns"][name];
      }
    }
    cut["unclassified_columns"] = std::move(kept_unclassified);
  }
  cut["tables_truncated"] = dropped;
  return Render(cut);
}

}  // namespace

std::string SnsPublishBody(const std::string& topic_arn, const std::string& subject,
                           const std::string& message) {
  // Already in name order: Action < Message < Subject < TopicArn < Version.
  return fmt::format("Action=Publish&Message={}&Subject={}&TopicArn={}&Version=2010-03-31",
                     FormEncode(message), FormEncode(subject), FormEncode(topic_arn));
}

std::string SnsMessage(const DailyRunSummary& summary, size_t max_bytes) {
  std::string payload = DailyRunPayload(summary);
  if (payload.size() <= max_bytes) return payload;
  nlohmann::json full = DailyRunSummaryJson(summary);
  if (!full.contains("tables") || !full["tables"].is_array()) return payload;
  // The most tables that fit (the size grows with every table kept); none when even that
  // does not fit, so the outcome and counts still go out.
  size_t low = 0, high = full["tables"].size();
  while (low < high) {
    size_t mid = low + (high - low + 1) / 2;
    if (CutPayload(full, mid).size() <= max_bytes) {
      low = mid;
    } else {
      high = mid - 1;
    }
  }
  return CutPayload(full, low);
}

SnsNotifier::SnsNotifier(SnsOptions options, std::unique_ptr<s3::SignedHttpClient> http)
    : options_(std::move(options)), http_(std::move(http)) {}

Result<std::unique_ptr<SnsNotifier>> SnsNotifier::Create(
    SnsOptions options, std::shared_ptr<s3::CredentialsProvider> credentials, Clock* clock) {
  RETURN_IF_ERROR(Resolve(options));
  if (credentials == nullptr) return InvalidArgument("sns: no credentials");
  s3::SignedHttpOptions http;
  http.region = options.region;
  http.service = "sns";
  http.connect_timeout_ms = options.timeout_ms;
  http.attempt_timeout_ms = options.timeout_ms;
  http.stall_timeout_ms = 0;  // the attempt's time limit covers it
  http.retry = options.retry;
  ASSIGN_OR_RETURN(std::unique_ptr<s3::SignedHttpClient> client,
                   s3::SignedHttpClient::Create(std::move(http), std::move(credentials), clock));
  return std::unique_ptr<SnsNotifier>(new SnsNotifier(std::move(options), std::move(client)));
}

std::string SnsNotifier::name() const { return "sns " + options_.topic_arn; }

Result<std::string> SnsNotifier::Publish(const std::string& subject, const std::string& message) {
  const std::string what = fmt::format("SNS Publish to {}", options_.topic_arn);
  const std::string body = SnsPublishBody(options_.topic_arn, subject, message);
  s3::HttpRequestSpec request;
  request.method = "POST";
  request.scheme_host = options_.endpoint;
  request.path = "/";
  request.headers = {{"content-type", std::string(kContentType)}};
  request.body = body;
  Result<s3::HttpResponse> response = http_->Send(request);
  if (!response.ok()) return response.status().WithContext(what);
  if (response->status < 200 || response->status >= 300) {
    return s3::StatusOfAwsError(what, *response);
  }
  std::string message_id = s3::XmlText(response->body, "MessageId");
  if (message_id.empty()) {
    return Internal("{}: HTTP {} without a MessageId in the answer", what, response->status);
  }
  return message_id;
}

Status SnsNotifier::Notify(const DailyRunSummary& summary) {
  Result<std::string> id =
      Publish(std::string(DailyRunOutcomeName(summary.outcome)), SnsMessage(summary));
  if (!id.ok()) return id.status();
  spdlog::info("sns: run summary of {} published to {} as message {}", summary.run_date,
               options_.topic_arn, *id);
  return Status::Ok();
}

}  // namespace de
