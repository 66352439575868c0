#include "storage/object_store.h"

namespace de {

Status ValidateObjectKey(std::string_view key) {
  if (key.empty()) return InvalidArgument("object key is empty");
  if (key.size() > 1024) return InvalidArgument("object key is longer than 1024 bytes");
  if (key.front() == '/') return InvalidArgument("object key '{}' starts with '/'", key);
  for (char c : key) {
    if (c == '\\' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return InvalidArgument("object key '{}' holds a backslash or control character", key);
    }
  }
  size_t start = 0;
  while (start <= key.size()) {
    size_t end = key.find('/', start);
    if (end == std::string_view::npos) end = key.size();
    std::string_view segment = key.substr(start, end - start);
    if (segment.empty() || segment == "." || segment == "..") {
      return InvalidArgument("object key '{}' has an empty, '.' or '..' segment", key);
    }
    start = end + 1;
  }
  return Status::Ok();
}

Status ObjectStore::DeleteMany(const std::vector<std::string>& keys) {
  for (const std::string& key : keys) RETURN_IF_ERROR(Delete(key));
  return Status::Ok();
}

}  // namespace de
