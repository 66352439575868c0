// FileSliceBody: a Boost.Beast body type that sends part of an open file (a FileSlice) in
// chunks of kChunkBytes read with pread, so memory stays bounded whatever the file size.
// Internal to the HTTP server.
#pragma once

#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <utility>

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/optional.hpp>

#include "api/http_message.h"

namespace de {

struct FileSliceBody {
  using value_type = FileSlice;

  static constexpr size_t kChunkBytes = 64 * 1024;

  static uint64_t size(const value_type& body) { return body.length; }

  // Serializes the slice; Beast calls get() until it returns no buffer.
  class writer {
   public:
    using const_buffers_type = boost::asio::const_buffer;

    template <bool kIsRequest, class Fields>
    writer(boost::beast::http::header<kIsRequest, Fields>& /*header*/, value_type& body)
        : body_(body) {}

    void init(boost::beast::error_code& ec) {
      ec = {};
      position_ = body_.offset;
      remaining_ = body_.length;
      buffer_ = std::make_unique<char[]>(std::min<uint64_t>(kChunkBytes, remaining_ + 1));
    }

    boost::optional<std::pair<const_buffers_type, bool>> get(boost::beast::error_code& ec) {
      if (remaining_ == 0) {
        ec = {};
        return boost::none;
      }
      size_t want = static_cast<size_t>(std::min<uint64_t>(kChunkBytes, remaining_));
      ssize_t n;
      do {
        n = ::pread(body_.fd.get(), buffer_.get(), want, static_cast<off_t>(position_));
      } while (n < 0 && errno == EINTR);
      if (n < 0) {
        ec = boost::beast::error_code(errno, boost::system::system_category());
        return boost::none;
      }
      if (n == 0) {  // the file shrank under us: the promised length cannot be sent
        ec = boost::beast::http::error::short_read;
        return boost::none;
      }
      position_ += static_cast<uint64_t>(n);
      remaining_ -= static_cast<uint64_t>(n);
      ec = {};
      return {{const_buffers_type(buffer_.get(), static_cast<size_t>(n)), remaining_ > 0}};
    }

   private:
    value_type& body_;
    uint64_t position_ = 0;
    uint64_t remaining_ = 0;
    std::unique_ptr<char[]> buffer_;
  };
};

}  // namespace de
