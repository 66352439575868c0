// The /download route: serves objects of the local object store through links signed by its
// LinkSigner (DESIGN.md §4.2):
//
//   GET|HEAD /download/{percent-encoded key}?expires={epoch seconds}&sig={hex HMAC}
//
// Answers: 200 with the whole object, or 206 for one satisfiable `Range: bytes=…` (notebook
// readers fetch Parquet footers this way), 416 for an unsatisfiable range; 400 for a key that is
// not a valid object key after decoding (traversal attempts land here); 403 "link expired",
// "invalid signature" or "malformed link" (missing, repeated or ill-formed parameters);
// 404 when the object does not exist. The body is streamed from the open file.
#pragma once

#include <cstdint>
#include <string_view>

#include "api/http_message.h"
#include "api/http_server.h"
#include "storage/local/local_object_store.h"

namespace de {

inline constexpr std::string_view kDownloadPathPrefix = "/download/";

// Registers the route on `server`. `store` must outlive the server.
void MountDownloadRoute(HttpServer& server, const LocalObjectStore& store);

// Answers one download request (its path starts with kDownloadPathPrefix). Thread-safe.
HttpResponse ServeDownload(const LocalObjectStore& store, const HttpRequest& request);

// Which part of an object a Range header asks for (RFC 9110 §14). Only a single byte range is
// honoured; a missing, multi-range or syntactically invalid header means the whole object.
struct ByteRangeRequest {
  enum class Kind { kWhole, kPartial, kUnsatisfiable };
  Kind kind = Kind::kWhole;
  uint64_t first = 0;   // kPartial: first byte
  uint64_t length = 0;  // kPartial: byte count, at least 1
};
ByteRangeRequest ResolveByteRange(std::string_view range_header, uint64_t object_size);

// The Content-Type for an object key: Parquet, JSON for manifests, else octet-stream.
std::string_view ContentTypeForKey(std::string_view key);

}  // namespace de
