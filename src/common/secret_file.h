// Creating files that hold secrets (signing and hashing keys).
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace de {

// Creates `path` with `content`, mode 0600, without ever replacing an existing file: the bytes go
// to a temporary sibling that is synced and then hard-linked into place, so a concurrent creator's
// file is kept (EEXIST counts as success; callers read the file back). A missing parent directory
// is created with mode 0700. `what` names the secret in errors ("link signing key"). Errors:
// kPermissionDenied naming the directory when it cannot be created; errno-based errors naming the
// file otherwise.
Status CreateSecretFile(const std::string& path, std::string_view content, std::string_view what);

}  // namespace de
