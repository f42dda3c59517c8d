#include "journal/snapshot_file.hpp"

#include "core/fs.hpp"
#include "journal/encoding.hpp"
#include "journal/format.hpp"

namespace mixtape::journal {
namespace {

namespace fs = core::fs;

core::problem io_problem(const std::string& path, const char* what, std::error_code ec) {
  return {core::errc::io_error, "", path + ": " + what + ": " + ec.message()};
}

core::problem damaged(const std::string& path, const std::string& what) {
  return {core::errc::corrupt_data, "", path + ": damaged snapshot: " + what};
}

std::string header_bytes(std::uint64_t covered_seq) {
  std::string h{snapshot_magic};
  detail::put_u32(h, snapshot_version);
  detail::put_u32(h, 0);
  detail::put_u64(h, covered_seq);
  return h;
}

}  // namespace

snapshot_writer::snapshot_writer(std::string path, std::unique_ptr<file> f)
    : path_(std::move(path)), temp_(path_ + ".tmp"), file_(std::move(f)) {}

snapshot_writer::~snapshot_writer() {
  file_.reset();
  if (!committed_) (void)fs::remove(temp_, fs::if_missing::ignore);
}

core::result<std::unique_ptr<snapshot_writer>> snapshot_writer::start(const std::string& path,
                                                                      std::uint64_t covered_seq,
                                                                      const file_opener& open) {
  const std::string temp = path + ".tmp";
  if (auto ec = fs::remove(temp, fs::if_missing::ignore)) return io_problem(temp, "remove leftover", ec);
  std::error_code ec;
  auto f = open(temp, ec);
  if (!f) return io_problem(temp, "create", ec ? ec : std::make_error_code(std::errc::io_error));
  std::unique_ptr<snapshot_writer> w{new snapshot_writer(path, std::move(f))};
  const std::string header = header_bytes(covered_seq);
  if (auto st = w->write(header); !st) return std::move(st).error();
  w->header_size_ = header.size();
  return w;
}

core::status snapshot_writer::write(std::string_view bytes) {
  if (auto ec = file_->append(bytes)) return io_problem(temp_, "write", ec);
  crc_ = crc32c(bytes.data(), bytes.size(), crc_);
  return core::success();
}

core::status snapshot_writer::append(std::string_view body) {
  if (auto st = write(body); !st) return st;
  file_->start_writeback();  // paced: the journal's syncs never wait behind the whole snapshot
  body_bytes_ += body.size();
  return core::success();
}

// Order: footer, fdatasync, close, rename, fsync the directory. Until the rename the
// previous snapshot (if any) is what recovery uses; after the directory fsync this one is.
core::status snapshot_writer::commit() {
  std::string footer;
  detail::put_u64(footer, body_bytes_);
  detail::put_u32(footer, mask_crc(crc_));
  if (auto ec = file_->append(footer)) return io_problem(temp_, "write", ec);
  if (auto ec = file_->sync()) return io_problem(temp_, "fdatasync", ec);
  file_.reset();
  if (auto ec = fs::rename(temp_, path_)) return io_problem(path_, "rename", ec);
  committed_ = true;
  if (auto ec = fs::sync_directory(fs::parent_directory(path_))) return io_problem(path_, "fsync directory", ec);
  return core::success();
}

// The file is mapped, not read: the body is handed out as a view into the mapping (owned by
// the returned snapshot_contents), so a snapshot's bytes are never copied on the way to the
// store (reading it into a string and then cutting the body out copied them twice). Nothing
// shortens a snapshot once it is renamed into place (it is only replaced or removed, which
// leaves the mapping intact), so the view stays readable, as for the journal replay's map.
// The price, shared with that replay: a disk read error surfaces as SIGBUS, not as EIO.
core::result<snapshot_contents> read_snapshot_file(const std::string& path) {
  snapshot_contents out;
  if (auto ec = out.file.open(path)) return io_problem(path, "read", ec);
  const std::string_view buf = out.file.bytes();
  constexpr std::size_t fixed = snapshot_header_size + snapshot_footer_size;
  if (buf.size() < fixed) return damaged(path, "only " + std::to_string(buf.size()) + " bytes");
  if (buf.substr(0, snapshot_magic.size()) != snapshot_magic) return damaged(path, "bad magic");
  const std::uint32_t version = detail::get_u32(buf, 8);
  if (version < oldest_snapshot_version || version > snapshot_version) return damaged(path, "unsupported version " + std::to_string(version));
  const std::uint64_t body_length = detail::get_u64(buf, buf.size() - snapshot_footer_size);
  if (body_length != buf.size() - fixed)
    return damaged(path, "footer says " + std::to_string(body_length) + " body bytes, the file holds " +
                             std::to_string(buf.size() - fixed) + " (truncated or extended)");
  const std::size_t covered = buf.size() - snapshot_footer_size;
  const std::uint32_t stored = unmask_crc(detail::get_u32(buf, covered + 8));
  if (crc32c(buf.data(), covered) != stored) return damaged(path, "checksum mismatch");
  out.covered_seq = detail::get_u64(buf, 16);
  out.body = buf.substr(snapshot_header_size, body_length);
  return out;
}

}  // namespace mixtape::journal
