#include "common/output_stream.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace de {
namespace {

class FileOutputStream final : public OutputStream {
 public:
  FileOutputStream(std::string path, std::string tmp_path, int fd)
      : path_(std::move(path)), tmp_path_(std::move(tmp_path)), fd_(fd) {}
  ~FileOutputStream() override { Abort(); }

  Status Write(std::string_view bytes) override {
    if (fd_ < 0) return FailedPrecondition("write to closed file {}", path_);
    while (!bytes.empty()) {
      ssize_t n = ::write(fd_, bytes.data(), bytes.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return ErrnoStatus(errno, "write " + tmp_path_);
      }
      bytes.remove_prefix(static_cast<size_t>(n));
      position_ += static_cast<uint64_t>(n);
    }
    return Status::Ok();
  }

  Status Close() override {
    if (fd_ < 0) return FailedPrecondition("file {} already closed", path_);
    int fd = fd_;
    fd_ = -1;
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
      Status s = ErrnoStatus(errno, "close " + tmp_path_);
      ::unlink(tmp_path_.c_str());
      return s;
    }
    if (::rename(tmp_path_.c_str(), path_.c_str()) != 0) {
      Status s = ErrnoStatus(errno, "rename to " + path_);
      ::unlink(tmp_path_.c_str());
      return s;
    }
    return Status::Ok();
  }

  void Abort() override {
    if (fd_ < 0) return;
    ::close(fd_);
    fd_ = -1;
    ::unlink(tmp_path_.c_str());
  }

  uint64_t position() const override { return position_; }

 private:
  std::string path_;
  std::string tmp_path_;
  int fd_;
  uint64_t position_ = 0;
};

}  // namespace

Result<std::unique_ptr<OutputStream>> OpenFileOutputStream(const std::string& path) {
  std::string tmp = path + ".tmp-XXXXXX";
  int fd = ::mkstemp(tmp.data());
  if (fd < 0) return ErrnoStatus(errno, "create " + path);
  return std::unique_ptr<OutputStream>(new FileOutputStream(path, tmp, fd));
}

}  // namespace de
