#include "journal/backup_format.hpp"

#include "journal/encoding.hpp"
#include "journal/format.hpp"
#include "journal/snapshot_file.hpp"

namespace mixtape::journal {
namespace {

using detail::get_u32;
using detail::get_u64;
using detail::put_u32;
using detail::put_u64;

constexpr std::size_t end_payload_size = 24;
constexpr std::size_t secret_size = 32;

}  // namespace

void append_backup_header(std::string& out, std::uint64_t seq, std::uint64_t snapshot_seq) {
  const std::size_t at = out.size();
  out += backup_magic;
  put_u32(out, backup_version);
  put_u32(out, 0);
  put_u64(out, seq);
  put_u64(out, snapshot_seq);
  put_u32(out, mask_crc(crc32c(out.data() + at, out.size() - at)));
}

void append_backup_section(std::string& out, backup_section kind, std::string_view payload) {
  const std::size_t at = begin_backup_section(out, kind);
  out += payload;
  end_backup_section(out, at);
}

std::size_t begin_backup_section(std::string& out, backup_section kind) {
  const std::size_t at = out.size();
  out.push_back(static_cast<char>(kind));
  put_u32(out, 0);
  put_u32(out, 0);
  return at;
}

void end_backup_section(std::string& out, std::size_t at) {
  const std::size_t length = out.size() - at - backup_section_prefix;
  detail::set_u32(out, at + 1, static_cast<std::uint32_t>(length));
  std::uint32_t crc = crc32c(out.data() + at, 5);
  crc = crc32c(out.data() + at + backup_section_prefix, length, crc);
  detail::set_u32(out, at + 5, mask_crc(crc));
}

void append_backup_end(std::string& out, std::uint64_t seq, std::uint64_t records, std::uint64_t snapshot_bytes) {
  std::string payload;
  put_u64(payload, seq);
  put_u64(payload, records);
  put_u64(payload, snapshot_bytes);
  append_backup_section(out, backup_section::end, payload);
}

backup_reader::backup_reader(std::string name, sink s) : name_(std::move(name)), sink_(std::move(s)) {}

core::status backup_reader::fail(std::string what) {
  state_ = state::failed;
  failure_ = name_ + ": " + std::move(what);
  return core::problem{core::errc::corrupt_data, "", failure_};
}

core::status backup_reader::feed(std::string_view bytes) {
  if (state_ == state::failed) return core::problem{core::errc::corrupt_data, "", failure_};
  while (!bytes.empty()) {
    if (state_ == state::done) return fail("bytes after the end section at byte " + std::to_string(offset_));
    const bool header = state_ == state::header;
    const std::size_t want = header                                    ? backup_header_size
                             : pending_.size() < backup_section_prefix ? backup_section_prefix
                                                                       : backup_section_prefix + get_u32(pending_, 1);
    const std::size_t take = std::min(want - pending_.size(), bytes.size());
    pending_.append(bytes.data(), take);
    bytes.remove_prefix(take);
    if (pending_.size() < want) continue;
    if (header) {
      if (auto st = take_header(); !st) return st;
    } else if (want == backup_section_prefix && get_u32(pending_, 1) > 0) {
      if (get_u32(pending_, 1) > backup_max_section)
        return fail("a section of " + std::to_string(get_u32(pending_, 1)) + " bytes at byte " +
                    std::to_string(offset_) + " is over the limit");
      continue;  // its payload next
    } else {
      section_at_ = offset_;
      const std::uint32_t length = get_u32(pending_, 1);
      std::uint32_t crc = crc32c(pending_.data(), 5);
      crc = crc32c(pending_.data() + backup_section_prefix, length, crc);
      if (unmask_crc(get_u32(pending_, 5)) != crc)
        return fail("section checksum mismatch at byte " + std::to_string(section_at_));
      if (auto st = take_section(static_cast<std::uint8_t>(pending_[0]),
                                 std::string_view{pending_}.substr(backup_section_prefix));
          !st)
        return st;
    }
    offset_ += pending_.size();
    pending_.clear();
  }
  return core::success();
}

core::status backup_reader::take_header() {
  if (std::string_view{pending_}.substr(0, 8) != backup_magic) return fail("not a mixtape backup (bad magic)");
  if (get_u32(pending_, 8) != backup_version)
    return fail("unsupported backup version " + std::to_string(get_u32(pending_, 8)));
  if (unmask_crc(get_u32(pending_, 32)) != crc32c(pending_.data(), 32)) return fail("header checksum mismatch");
  seq_ = get_u64(pending_, 16);
  snapshot_seq_ = get_u64(pending_, 24);
  last_seq_ = snapshot_seq_;
  if (snapshot_seq_ > seq_) return fail("the header's snapshot seq is after its seq");
  state_ = state::section;
  return sink_.header ? sink_.header(seq_, snapshot_seq_) : core::success();
}

core::status backup_reader::finish() {
  if (state_ == state::failed) return core::problem{core::errc::corrupt_data, "", failure_};
  if (state_ != state::done)
    return fail("truncated: the stream ends at byte " + std::to_string(offset_ + pending_.size()) +
                " before its end section");
  return core::success();
}

core::status backup_reader::take_section(std::uint8_t kind, std::string_view payload) {
  const std::string at = " at byte " + std::to_string(section_at_);
  if (!have_secret_ && kind != static_cast<std::uint8_t>(backup_section::secret))
    return fail("the secret section must come first" + at);
  switch (static_cast<backup_section>(kind)) {
    case backup_section::secret:
      if (have_secret_) return fail("a second secret section" + at);
      if (payload.size() != secret_size) return fail("the secret is not 32 bytes" + at);
      have_secret_ = true;
      return sink_.secret ? sink_.secret(payload) : core::success();
    case backup_section::snapshot:
      if (snapshot_seq_ == 0) return fail("snapshot bytes in a backup without a snapshot" + at);
      if (records_started_) return fail("snapshot bytes after the records" + at);
      return take_snapshot_bytes(payload);
    case backup_section::records:
      if (!records_started_) {
        if (auto st = check_snapshot_end(); !st) return st;
        records_started_ = true;
      }
      return take_records(payload);
    case backup_section::end:
      if (!records_started_)
        if (auto st = check_snapshot_end(); !st) return st;
      return take_end(payload);
  }
  return fail("unknown section kind " + std::to_string(kind) + at);
}

core::status backup_reader::take_snapshot_bytes(std::string_view bytes) {
  // The first 24 bytes are the snapshot's header: magic, a known version, covered_seq = S0.
  if (snapshot_head_.size() < snapshot_header_size) {
    snapshot_head_.append(bytes.substr(0, snapshot_header_size - snapshot_head_.size()));
    if (snapshot_head_.size() == snapshot_header_size) {
      const std::uint32_t version = get_u32(snapshot_head_, 8);
      if (std::string_view{snapshot_head_}.substr(0, 8) == snapshot_magic &&
          (version < oldest_snapshot_version || version > snapshot_version))
        return fail("the snapshot's version " + std::to_string(version) + " is not one this mixtaped reads (" +
                    std::to_string(oldest_snapshot_version) + " to " + std::to_string(snapshot_version) +
                    "): restore with the version that made the backup");
      if (std::string_view{snapshot_head_}.substr(0, 8) != snapshot_magic || get_u64(snapshot_head_, 16) != snapshot_seq_)
        return fail("the snapshot's header does not match the backup's (snapshot seq " +
                    std::to_string(snapshot_seq_) + ")");
    }
  }
  snapshot_bytes_ += bytes.size();
  // The running CRC covers every byte but the last footer-size ones, held in snapshot_tail_.
  if (bytes.size() >= snapshot_footer_size) {
    snapshot_crc_ = crc32c(snapshot_tail_.data(), snapshot_tail_.size(), snapshot_crc_);
    snapshot_crc_ = crc32c(bytes.data(), bytes.size() - snapshot_footer_size, snapshot_crc_);
    snapshot_tail_.assign(bytes.substr(bytes.size() - snapshot_footer_size));
  } else {
    snapshot_tail_.append(bytes);
    const std::size_t spill = snapshot_tail_.size() - std::min(snapshot_tail_.size(), snapshot_footer_size);
    snapshot_crc_ = crc32c(snapshot_tail_.data(), spill, snapshot_crc_);
    snapshot_tail_.erase(0, spill);
  }
  return sink_.snapshot ? sink_.snapshot(bytes) : core::success();
}

// The snapshot's bytes are all in: its footer must hold the body's length and the CRC.
core::status backup_reader::check_snapshot_end() {
  if (snapshot_seq_ == 0) return core::success();
  if (snapshot_bytes_ < snapshot_header_size + snapshot_footer_size)
    return fail("the snapshot is truncated (" + std::to_string(snapshot_bytes_) + " bytes)");
  if (get_u64(snapshot_tail_, 0) != snapshot_bytes_ - snapshot_header_size - snapshot_footer_size)
    return fail("the snapshot's length does not match its footer");
  if (unmask_crc(get_u32(snapshot_tail_, 8)) != snapshot_crc_) return fail("the snapshot's checksum does not match");
  return core::success();
}

core::status backup_reader::take_records(std::string_view payload) {
  for (std::size_t pos = 0; pos < payload.size();) {
    const std::string at = " at byte " + std::to_string(section_at_ + backup_section_prefix + pos);
    framed_record f;
    switch (read_frame(payload.substr(pos), f)) {
      case frame_status::ok: break;
      case frame_status::incomplete: return fail("a partial journal record" + at);
      case frame_status::bad_length: return fail("a journal record with a bad length" + at);
      case frame_status::bad_checksum: return fail("journal record checksum mismatch" + at);
    }
    if (f.seq != last_seq_ + 1)
      return fail("journal record seq " + std::to_string(f.seq) + " where " + std::to_string(last_seq_ + 1) +
                  " was due" + at);
    if (f.seq > seq_) return fail("journal record seq " + std::to_string(f.seq) + " past the backup's seq" + at);
    last_seq_ = f.seq;
    ++records_;
    if (sink_.record)
      if (auto st = sink_.record(f.type, f.seq, f.payload, payload.substr(pos, f.size)); !st) return st;
    pos += f.size;
  }
  return core::success();
}

core::status backup_reader::take_end(std::string_view payload) {
  if (payload.size() != end_payload_size) return fail("the end section is not 24 bytes");
  if (get_u64(payload, 0) != seq_ || last_seq_ != seq_)
    return fail("the records end at seq " + std::to_string(last_seq_) + " but the backup is as of seq " +
                std::to_string(seq_));
  if (get_u64(payload, 8) != records_) return fail("the end section counts another number of records");
  if (get_u64(payload, 16) != snapshot_bytes_) return fail("the end section counts other snapshot bytes");
  state_ = state::done;
  return core::success();
}

}  // namespace mixtape::journal
