#include "api/http_message.h"

#include <algorithm>
#include <cctype>

namespace de {
namespace {

bool NamesEqual(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

void HttpHeaders::Add(std::string name, std::string value) {
  fields_.push_back({std::move(name), std::move(value)});
}

void HttpHeaders::Set(std::string_view name, std::string value) {
  std::erase_if(fields_, [&](const Field& field) { return NamesEqual(field.name, name); });
  fields_.push_back({std::string(name), std::move(value)});
}

std::optional<std::string_view> HttpHeaders::Get(std::string_view name) const {
  for (const Field& field : fields_) {
    if (NamesEqual(field.name, name)) return field.value;
  }
  return std::nullopt;
}

std::optional<std::string_view> HttpRequest::QueryParam(std::string_view name) const {
  for (const auto& [key, value] : query) {
    if (key == name) return value;
  }
  return std::nullopt;
}

size_t HttpRequest::QueryParamCount(std::string_view name) const {
  return static_cast<size_t>(
      std::count_if(query.begin(), query.end(), [&](const auto& kv) { return kv.first == name; }));
}

HttpResponse HttpResponse::Text(HttpStatus status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.headers.Add("Content-Type", "text/plain; charset=utf-8");
  response.body = std::move(body);
  return response;
}

HttpResponse HttpResponse::Json(HttpStatus status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.headers.Add("Content-Type", "application/json");
  response.body = std::move(body);
  return response;
}

HttpResponse HttpResponse::FromStatus(const Status& status) {
  HttpStatus http_status = HttpStatusFor(status.code());
  if (status.code() == StatusCode::kInternal) {
    return Text(http_status, "internal error\n");
  }
  return Text(http_status, status.message() + "\n");
}

HttpStatus HttpStatusFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return HttpStatus::ok;
    case StatusCode::kInvalidArgument:
      return HttpStatus::bad_request;
    case StatusCode::kNotFound:
      return HttpStatus::not_found;
    case StatusCode::kAlreadyExists:
      return HttpStatus::conflict;
    case StatusCode::kPermissionDenied:
      return HttpStatus::forbidden;
    case StatusCode::kUnauthenticated:
      return HttpStatus::unauthorized;
    case StatusCode::kFailedPrecondition:
      return HttpStatus::precondition_failed;
    case StatusCode::kPolicyViolation:
      return HttpStatus::forbidden;
    case StatusCode::kResourceExhausted:
      return HttpStatus::too_many_requests;
    case StatusCode::kUnavailable:
      return HttpStatus::service_unavailable;
    case StatusCode::kDeadlineExceeded:
      return HttpStatus::gateway_timeout;
    case StatusCode::kCancelled:
      return HttpStatus::service_unavailable;
    case StatusCode::kDataLoss:
      return HttpStatus::internal_server_error;
    case StatusCode::kInternal:
      return HttpStatus::internal_server_error;
  }
  return HttpStatus::internal_server_error;
}

}  // namespace de
