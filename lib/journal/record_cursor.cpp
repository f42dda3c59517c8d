#include "journal/record_cursor.hpp"

#include <unistd.h>

#include <cerrno>

#include "journal/encoding.hpp"
#include "journal/format.hpp"

namespace mixtape::journal {
namespace {

constexpr std::size_t read_bytes = 256u << 10;

core::problem corrupt(const std::string& path, std::uint64_t offset, const char* what) {
  return {core::errc::corrupt_data, "", path + ": " + what + " at offset " + std::to_string(offset)};
}

}  // namespace

core::result<record_cursor> record_cursor::open(core::fs::unique_fd fd, std::string path) {
  record_cursor c{std::move(fd), std::move(path)};
  if (auto st = c.fill(header_size); !st) return std::move(st).error();
  if (c.buffer_.size() < header_size || std::string_view{c.buffer_}.substr(0, 8) != file_magic ||
      detail::get_u32(c.buffer_, 8) != format_version)
    return corrupt(c.path_, 0, "not a mixtape journal (bad header)");
  c.at_ = header_size;
  return c;
}

core::status record_cursor::fill(std::size_t n) {
  // Drop what lies before at_, then read until n bytes from at_ are held or the file ends.
  const std::size_t consumed = static_cast<std::size_t>(at_ - buffer_offset_);
  buffer_.erase(0, consumed);
  buffer_offset_ = at_;
  while (buffer_.size() < n) {
    const std::size_t had = buffer_.size();
    const std::size_t want = std::max(n - had, read_bytes);
    buffer_.resize(had + want);
    ssize_t got;
    do got = ::pread(fd_.get(), buffer_.data() + had, want, static_cast<off_t>(buffer_offset_ + had));
    while (got < 0 && errno == EINTR);
    if (got < 0) {
      const int err = errno;
      buffer_.resize(had);
      return core::problem{core::errc::io_error, "", path_ + ": read: " + std::error_code{err, std::system_category()}.message()};
    }
    buffer_.resize(had + static_cast<std::size_t>(got));
    if (got == 0) break;
  }
  return core::success();
}

void record_cursor::forget_buffered() noexcept {
  buffer_.clear();
  buffer_offset_ = at_;
}

core::result<std::optional<cursor_record>> record_cursor::next() {
  if (auto st = fill(record_fixed_size); !st) return std::move(st).error();
  std::string_view held = std::string_view{buffer_}.substr(static_cast<std::size_t>(at_ - buffer_offset_));
  if (held.empty()) return std::optional<cursor_record>{};
  const std::uint32_t length = held.size() >= 4 ? detail::get_u32(held, 0) : 0;
  if (length == 0 && held.size() >= 4) return std::optional<cursor_record>{};  // the writer's zero reserve
  if (length <= max_record_length) {  // read the whole record (a bad length is named below)
    if (auto st = fill(record_prefix_size + length); !st) return std::move(st).error();
    held = std::string_view{buffer_}.substr(static_cast<std::size_t>(at_ - buffer_offset_));
  }
  framed_record f;
  switch (read_frame(held, f)) {
    case frame_status::ok: break;
    case frame_status::incomplete: return corrupt(path_, at_, "incomplete journal record");
    case frame_status::bad_length: return corrupt(path_, at_, "journal record with a bad length");
    case frame_status::bad_checksum: return corrupt(path_, at_, "journal record checksum mismatch");
  }
  if (f.seq <= last_seq_) return corrupt(path_, at_, "journal record out of sequence");
  last_seq_ = f.seq;
  at_ += f.size;
  return std::optional<cursor_record>{cursor_record{f.type, f.seq, held.substr(0, f.size), f.payload}};
}

}  // namespace mixtape::journal
