#pragma once
// Internal (not part of the module's contract): small POSIX helpers shared by the
// file implementation, recovery and journal creation. All return errno as a
// std::system_category error_code and retry EINTR.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

namespace mixtape::journal::detail {

// Writes all of `data` to `fd`, looping over short writes. `written` receives the
// number of bytes that reached the file, also when an error stopped the loop.
std::error_code write_all(int fd, std::string_view data, std::size_t& written);

// Replaces `out` with the whole content of `path`.
std::error_code read_whole_file(const std::string& path, std::string& out);

// A whole file mapped read-only (its pages come straight from the page cache: no copy and
// no fresh memory to zero, which made up much of a large journal's replay). bytes() must
// not be read past a truncation of the file made while it is mapped.
class mapped_file {
 public:
  mapped_file() = default;
  ~mapped_file();
  mapped_file(const mapped_file&) = delete;
  mapped_file& operator=(const mapped_file&) = delete;

  std::error_code open(const std::string& path);
  std::string_view bytes() const noexcept { return {data_, size_}; }

 private:
  const char* data_ = nullptr;
  std::size_t size_ = 0;
};

// Creates (mode 0600) or truncates `path`, writes `data` and fsyncs it. With
// `exclusive`, fails with EEXIST instead of touching an existing file.
std::error_code write_file_synced(const std::string& path, std::string_view data, bool exclusive);

// Truncates `path` to `size` bytes and fsyncs it.
std::error_code truncate_file_synced(const std::string& path, std::uint64_t size);

// The directory holding `path` ("." for a bare file name).
std::string parent_directory(const std::string& path);

}  // namespace mixtape::journal::detail
