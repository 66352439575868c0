// UUID v4 identifiers (request ids) from OpenSSL's CSPRNG.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace de {

// A random (version 4, RFC 4122 variant) UUID in canonical lower-case form
// "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx". kInternal if the RNG fails.
Result<std::string> NewUuidV4();

// True if `text` is a canonical 36-character UUID (any version, either case).
bool IsUuid(std::string_view text);

// Parses canonical text into 16 bytes; false if `text` is not a UUID.
bool ParseUuid(std::string_view text, std::array<uint8_t, 16>* out);

// Canonical lower-case text of 16 bytes.
std::string FormatUuid(const uint8_t* bytes);

}  // namespace de
