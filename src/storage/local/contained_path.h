// File-system access confined beneath a directory descriptor: every path component is opened
// relative to its parent with O_NOFOLLOW, so neither "..", nor an absolute path, nor a symbolic
// link (planted inside the tree or replacing a directory later) can lead outside the root.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "storage/local/unique_fd.h"

namespace de {

// Splits a validated object key into its '/'-separated segments.
std::vector<std::string_view> SplitKey(std::string_view key);

// Opens (with `create`, making missing ones with mode 0755) the directory reached from `root_fd`
// through `segments`. kNotFound if a component is missing and `create` is false;
// kPermissionDenied if one is a symbolic link or not a directory; `what` names the path in
// errors.
Result<UniqueFd> OpenDirectoryBeneath(int root_fd, const std::vector<std::string_view>& segments,
                                      bool create, std::string_view what);

// Opens the regular file reached from `root_fd` through `segments` (at least one) read-only.
// kNotFound if absent; kPermissionDenied if any component is a symbolic link or the final one is
// not a regular file.
Result<UniqueFd> OpenRegularFileBeneath(int root_fd, const std::vector<std::string_view>& segments,
                                        std::string_view what);

// Every regular file below `dir_fd`, as paths relative to it joined with '/', appended to
// `files` with their sizes. Symbolic links and entries that vanish during the walk are skipped.
struct FileEntry {
  std::string relative_path;
  uint64_t size = 0;
};
Status ListFilesBeneath(int dir_fd, const std::string& relative_dir, std::vector<FileEntry>* files);

}  // namespace de
