#include "storage/s3/s3_client.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include <fmt/format.h>

#include "storage/s3/aws_xml.h"

namespace de::s3 {
namespace {

constexpr size_t kDeleteBatch = 1000;
constexpr std::string_view kS3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/";

bool IsBucketChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
}

Status ValidateBucket(const std::string& bucket) {
  bool ok = bucket.size() >= 3 && bucket.size() <= 63 &&
            std::all_of(bucket.begin(), bucket.end(), IsBucketChar) &&
            std::isalnum(static_cast<unsigned char>(bucket.front())) != 0 &&
            std::isalnum(static_cast<unsigned char>(bucket.back())) != 0 &&
            bucket.find("..") == std::string::npos;
  if (ok) return Status::Ok();
  return InvalidArgument(
      "S3 bucket name '{}' is invalid: 3..63 of a-z 0-9 . -, starting and ending with a letter "
      "or digit",
      bucket);
}

// Splits "http(s)://host[:port]" (one trailing '/' tolerated) into scheme and authority.
Result<std::pair<std::string, std::string>> SplitEndpoint(std::string endpoint) {
  if (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  size_t sep = endpoint.find("://");
  std::string scheme = sep == std::string::npos ? "" : endpoint.substr(0, sep);
  std::string authority = sep == std::string::npos ? "" : endpoint.substr(sep + 3);
  if ((scheme != "http" && scheme != "https") || authority.empty() ||
      authority.find_first_of("/?#@ ") != std::string::npos) {
    return InvalidArgument("S3 endpoint '{}' is not http(s)://host[:port] without a path",
                           endpoint);
  }
  return std::make_pair(scheme, authority);
}

bool IsSuccess(long status) { return status >= 200 && status < 300; }

// S3's "200 OK with an <Error> body" (CopyObject, CompleteMultipartUpload).
bool HasEmbeddedError(const HttpResponse& response) {
  return IsSuccess(response.status) && response.body.find("<Error>") != std::string::npos &&
         !ParseAwsError(response).code.empty();
}

bool EmbeddedErrorIsTransient(const HttpResponse& response) {
  if (!HasEmbeddedError(response)) return false;
  std::string code = ParseAwsError(response).code;
  return code == "InternalError" || IsTransientAwsErrorCode(code);
}

std::string Unquote(std::string etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
    etag = etag.substr(1, etag.size() - 2);
  }
  return etag;
}

Result<uint64_t> ParseSize(std::string_view text, std::string_view what) {
  if (text.empty() || !std::all_of(text.begin(), text.end(), ::isdigit) || text.size() > 19) {
    return Internal("{}: S3 answered a size that is not a number: '{}'", what, text);
  }
  return std::strtoull(std::string(text).c_str(), nullptr, 10);
}

}  // namespace

Result<Addressing> ParseAddressing(std::string_view text) {
  if (text == "path") return Addressing::kPath;
  if (text == "virtual") return Addressing::kVirtualHosted;
  return InvalidArgument("S3 addressing '{}' is not \"path\" or \"virtual\"", text);
}

S3Client::S3Client(S3ClientOptions options, std::unique_ptr<SignedHttpClient> http)
    : options_(std::move(options)), http_(std::move(http)) {}

Result<std::unique_ptr<S3Client>> S3Client::Create(S3ClientOptions options,
                                                   std::shared_ptr<CredentialsProvider> credentials,
                                                   Clock* clock) {
  RETURN_IF_ERROR(ValidateBucket(options.bucket));
  if (options.endpoint.empty()) {
    options.endpoint = "https://s3." + options.http.region + ".amazonaws.com";
  }
  ASSIGN_OR_RETURN(auto parts, SplitEndpoint(options.endpoint));
  options.endpoint = parts.first + "://" + parts.second;
  if (options.addressing == Addressing::kVirtualHosted && parts.first == "https" &&
      options.bucket.find('.') != std::string::npos) {
    return InvalidArgument(
        "S3 bucket '{}' contains '.', which virtual-hosted addressing over https cannot use "
        "(the certificate would not match); use path addressing",
        options.bucket);
  }
  options.http.service = "s3";
  ASSIGN_OR_RETURN(auto http,
                   SignedHttpClient::Create(options.http, std::move(credentials), clock));
  return std::unique_ptr<S3Client>(new S3Client(std::move(options), std::move(http)));
}

std::pair<std::string, std::string> S3Client::Locate(const std::string& key) const {
  const std::string encoded = key.empty() ? "" : UriEncode(key, false);
  if (options_.addressing == Addressing::kPath) {
    std::string path = "/" + options_.bucket;
    if (!key.empty()) path += "/" + encoded;
    return {options_.endpoint, path};
  }
  size_t sep = options_.endpoint.find("://");
  std::string scheme_host = options_.endpoint.substr(0, sep + 3) + options_.bucket + "." +
                            options_.endpoint.substr(sep + 3);
  return {scheme_host, "/" + encoded};
}

std::string S3Client::Describe(const std::string& key) const {
  return "s3://" + options_.bucket + "/" + key;
}

namespace {

HttpRequestSpec MakeRequest(std::string method, std::pair<std::string, std::string> location) {
  HttpRequestSpec spec;
  spec.method = std::move(method);
  spec.scheme_host = std::move(location.first);
  spec.path = std::move(location.second);
  return spec;
}

// Sends and turns a non-2xx answer (or an embedded error) into a Status naming `what`.
Result<HttpResponse> SendChecked(SignedHttpClient& http, const HttpRequestSpec& spec,
                                 const std::string& what, const CancellationToken* cancel,
                                 bool embedded_errors) {
  std::function<bool(const HttpResponse&)> retry_if;
  if (embedded_errors) retry_if = EmbeddedErrorIsTransient;
  Result<HttpResponse> response = http.Send(spec, cancel, retry_if);
  if (!response.ok()) return response.status().WithContext(what);
  if (!IsSuccess(response->status) || (embedded_errors && HasEmbeddedError(*response))) {
    return StatusOfAwsError(what, *response);
  }
  return response;
}

}  // namespace

Result<std::string> S3Client::PutObject(const std::string& key, std::string_view body,
                                        const std::string& content_type,
                                        const CancellationToken* cancel) {
  HttpRequestSpec spec = MakeRequest("PUT", Locate(key));
  spec.headers = {{"content-md5", ContentMd5(body)}, {"content-type", content_type}};
  spec.body = body;
  spec.payload_sha256_hex = Sha256Hex(body);
  ASSIGN_OR_RETURN(HttpResponse response,
                   SendChecked(*http_, spec, "PutObject " + Describe(key), cancel, false));
  return Unquote(response.Header("etag"));
}

Result<std::string> S3Client::CreateMultipartUpload(const std::string& key,
                                                    const std::string& content_type) {
  HttpRequestSpec spec = MakeRequest("POST", Locate(key));
  spec.query = {{"uploads", ""}};
  spec.headers = {{"content-type", content_type}};
  const std::string what = "CreateMultipartUpload " + Describe(key);
  ASSIGN_OR_RETURN(HttpResponse response, SendChecked(*http_, spec, what, nullptr, false));
  std::string upload_id = XmlText(response.body, "UploadId");
  if (upload_id.empty()) return Internal("{}: S3's answer has no UploadId", what);
  return upload_id;
}

Result<std::string> S3Client::UploadPart(const std::string& key, const std::string& upload_id,
                                         int part_number, std::string_view body,
                                         const CancellationToken* cancel) {
  const std::string what = fmt::format("UploadPart {} part {}", Describe(key), part_number);
  if (part_number < 1 || part_number > 10000) {
    return InvalidArgument("{}: part numbers are 1..10000", what);
  }
  HttpRequestSpec spec = MakeRequest("PUT", Locate(key));
  spec.query = {{"partNumber", std::to_string(part_number)}, {"uploadId", upload_id}};
  spec.headers = {{"content-md5", ContentMd5(body)}};
  spec.body = body;
  spec.payload_sha256_hex = Sha256Hex(body);
  ASSIGN_OR_RETURN(HttpResponse response, SendChecked(*http_, spec, what, cancel, false));
  std::string etag = Unquote(response.Header("etag"));
  if (etag.empty()) return Internal("{}: S3's answer has no ETag", what);
  return etag;
}

Status S3Client::CompleteMultipartUpload(const std::string& key, const std::string& upload_id,
                                         const std::vector<CompletedPart>& parts) {
  std::string body = fmt::format("<CompleteMultipartUpload xmlns=\"{}\">", kS3Namespace);
  for (const CompletedPart& part : parts) {
    body += fmt::format("<Part><PartNumber>{}</PartNumber><ETag>\"{}\"</ETag></Part>",
                        part.part_number, XmlEscape(part.etag));
  }
  body += "</CompleteMultipartUpload>";
  HttpRequestSpec spec = MakeRequest("POST", Locate(key));
  spec.query = {{"uploadId", upload_id}};
  spec.headers = {{"content-type", "application/xml"}};
  spec.body = body;
  return SendChecked(*http_, spec, "CompleteMultipartUpload " + Describe(key), nullptr, true)
      .status();
}

Status S3Client::AbortMultipartUpload(const std::string& key, const std::string& upload_id) {
  HttpRequestSpec spec = MakeRequest("DELETE", Locate(key));
  spec.query = {{"uploadId", upload_id}};
  const std::string what = "AbortMultipartUpload " + Describe(key);
  Result<HttpResponse> response = http_->Send(spec);
  if (!response.ok()) return response.status().WithContext(what);
  if (IsSuccess(response->status)) return Status::Ok();
  if (ParseAwsError(*response).code == "NoSuchUpload") return Status::Ok();
  return StatusOfAwsError(what, *response);
}

Result<std::vector<MultipartUploadInfo>> S3Client::ListMultipartUploads(const std::string& prefix) {
  std::vector<MultipartUploadInfo> uploads;
  std::string key_marker;
  std::string upload_id_marker;
  const std::string what = "ListMultipartUploads " + Describe(prefix);
  while (true) {
    HttpRequestSpec spec = MakeRequest("GET", Locate(""));
    spec.query = {{"uploads", ""}, {"prefix", prefix}};
    if (!key_marker.empty()) spec.query.emplace_back("key-marker", key_marker);
    if (!upload_id_marker.empty()) spec.query.emplace_back("upload-id-marker", upload_id_marker);
    ASSIGN_OR_RETURN(HttpResponse response, SendChecked(*http_, spec, what, nullptr, false));
    for (std::string_view upload : XmlElements(response.body, "Upload")) {
      uploads.push_back({XmlText(upload, "Key"), XmlText(upload, "UploadId")});
    }
    if (XmlText(response.body, "IsTruncated") != "true") break;
    std::string next_key = XmlText(response.body, "NextKeyMarker");
    std::string next_id = XmlText(response.body, "NextUploadIdMarker");
    if (next_key.empty() || (next_key == key_marker && next_id == upload_id_marker)) {
      return Internal("{}: S3 said the list is truncated but gave no new markers", what);
    }
    key_marker = std::move(next_key);
    upload_id_marker = std::move(next_id);
  }
  return uploads;
}

Result<ListPage> S3Client::ListObjectsPage(const std::string& prefix,
                                           const std::string& continuation_token, int max_keys) {
  const std::string what = "ListObjectsV2 " + Describe(prefix);
  if (max_keys < 1 || max_keys > 1000) {
    return InvalidArgument("{}: max_keys must be 1..1000, got {}", what, max_keys);
  }
  HttpRequestSpec spec = MakeRequest("GET", Locate(""));
  spec.query = {{"list-type", "2"}, {"prefix", prefix}, {"max-keys", std::to_string(max_keys)}};
  if (!continuation_token.empty())
    spec.query.emplace_back("continuation-token", continuation_token);
  ASSIGN_OR_RETURN(HttpResponse response, SendChecked(*http_, spec, what, nullptr, false));
  ListPage page;
  for (std::string_view contents : XmlElements(response.body, "Contents")) {
    ObjectInfo info;
    info.key = XmlText(contents, "Key");
    ASSIGN_OR_RETURN(info.size, ParseSize(XmlText(contents, "Size"), what));
    page.objects.push_back(std::move(info));
  }
  if (XmlText(response.body, "IsTruncated") == "true") {
    page.next_continuation_token = XmlText(response.body, "NextContinuationToken");
    if (page.next_continuation_token.empty() ||
        page.next_continuation_token == continuation_token) {
      return Internal("{}: S3 said the list is truncated but gave no new continuation token", what);
    }
  }
  return page;
}

Result<std::vector<ObjectInfo>> S3Client::ListObjects(const std::string& prefix) {
  std::vector<ObjectInfo> objects;
  std::string token;
  do {
    ASSIGN_OR_RETURN(ListPage page, ListObjectsPage(prefix, token));
    for (ObjectInfo& info : page.objects) objects.push_back(std::move(info));
    token = std::move(page.next_continuation_token);
  } while (!token.empty());
  std::sort(objects.begin(), objects.end(),
            [](const ObjectInfo& a, const ObjectInfo& b) { return a.key < b.key; });
  return objects;
}

Result<ObjectHead> S3Client::HeadObject(const std::string& key) {
  const std::string what = "HeadObject " + Describe(key);
  ASSIGN_OR_RETURN(HttpResponse response,
                   SendChecked(*http_, MakeRequest("HEAD", Locate(key)), what, nullptr, false));
  ObjectHead head;
  ASSIGN_OR_RETURN(head.size, ParseSize(response.Header("content-length"), what));
  head.etag = Unquote(response.Header("etag"));
  head.content_type = response.Header("content-type");
  return head;
}

Result<std::string> S3Client::GetObject(const std::string& key) {
  ASSIGN_OR_RETURN(HttpResponse response,
                   SendChecked(*http_, MakeRequest("GET", Locate(key)),
                               "GetObject " + Describe(key), nullptr, false));
  return std::move(response.body);
}

Status S3Client::CopyObject(const std::string& from, const std::string& to) {
  HttpRequestSpec spec = MakeRequest("PUT", Locate(to));
  spec.headers = {{"x-amz-copy-source", "/" + options_.bucket + "/" + UriEncode(from, false)}};
  const std::string what = "CopyObject " + Describe(from) + " to " + Describe(to);
  return SendChecked(*http_, spec, what, nullptr, true).status();
}

Status S3Client::DeleteObject(const std::string& key) {
  const std::string what = "DeleteObject " + Describe(key);
  Result<HttpResponse> response = http_->Send(MakeRequest("DELETE", Locate(key)));
  if (!response.ok()) return response.status().WithContext(what);
  if (IsSuccess(response->status) || ParseAwsError(*response).code == "NoSuchKey") {
    return Status::Ok();
  }
  return StatusOfAwsError(what, *response);
}

Status S3Client::DeleteObjects(const std::vector<std::string>& keys) {
  for (size_t start = 0; start < keys.size(); start += kDeleteBatch) {
    size_t end = std::min(keys.size(), start + kDeleteBatch);
    std::string body = fmt::format(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Delete xmlns=\"{}\"><Quiet>true</Quiet>",
        kS3Namespace);
    for (size_t i = start; i < end; ++i) {
      body += "<Object><Key>" + XmlEscape(keys[i]) + "</Key></Object>";
    }
    body += "</Delete>";
    HttpRequestSpec spec = MakeRequest("POST", Locate(""));
    spec.query = {{"delete", ""}};
    spec.headers = {{"content-md5", ContentMd5(body)}, {"content-type", "application/xml"}};
    spec.body = body;
    const std::string what =
        fmt::format("DeleteObjects {} ({} keys from '{}')", Describe(""), end - start, keys[start]);
    ASSIGN_OR_RETURN(HttpResponse response, SendChecked(*http_, spec, what, nullptr, false));
    std::vector<std::string_view> errors = XmlElements(response.body, "Error");
    if (!errors.empty()) {
      return FailedPrecondition("{}: S3 could not delete {} key(s), the first '{}': {} {}", what,
                                errors.size(), XmlText(errors.front(), "Key"),
                                XmlText(errors.front(), "Code"),
                                XmlText(errors.front(), "Message"));
    }
  }
  return Status::Ok();
}

Status S3Client::HeadBucket() {
  return SendChecked(*http_, MakeRequest("HEAD", Locate("")), "HeadBucket " + Describe(""), nullptr,
                     false)
      .status();
}

Status S3Client::CreateBucket() {
  HttpRequestSpec spec = MakeRequest("PUT", Locate(""));
  std::string body;
  if (options_.http.region != "us-east-1") {
    body = fmt::format(
        "<CreateBucketConfiguration xmlns=\"{}\"><LocationConstraint>{}</LocationConstraint>"
        "</CreateBucketConfiguration>",
        kS3Namespace, XmlEscape(options_.http.region));
    spec.headers = {{"content-type", "application/xml"}};
  }
  spec.body = body;
  const std::string what = "CreateBucket " + Describe("");
  Result<HttpResponse> response = http_->Send(spec);
  if (!response.ok()) return response.status().WithContext(what);
  if (IsSuccess(response->status)) return Status::Ok();
  if (ParseAwsError(*response).code == "BucketAlreadyOwnedByYou") return Status::Ok();
  return StatusOfAwsError(what, *response);
}

Result<std::string> S3Client::PresignGet(const std::string& key, const Credentials& credentials,
                                         int64_t now_seconds, int64_t expires_seconds) const {
  auto [scheme_host, path] = Locate(key);
  return PresignUrl("GET", scheme_host, path, {}, credentials, options_.http.region, "s3",
                    now_seconds, expires_seconds);
}

}  // namespace de::s3
