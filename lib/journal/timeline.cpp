#include "journal/timeline.hpp"

#include <charconv>
#include <limits>

#include "core/fs.hpp"
#include "core/ids.hpp"

namespace mixtape::journal {
namespace {

bool parse_u64(std::string_view s, std::uint64_t& out) {
  if (s.empty()) return false;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && end == s.data() + s.size();
}

bool valid_id(std::string_view id) {
  if (id.size() != 16) return false;
  for (const char c : id)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

// One entry from its three fields, split on `sep`.
bool parse_entry(std::string_view text, char sep, epoch_entry& e) {
  const auto a = text.find(sep);
  const auto b = a == std::string_view::npos ? a : text.find(sep, a + 1);
  if (b == std::string_view::npos) return false;
  e.id = std::string{text.substr(b + 1)};
  return parse_u64(text.substr(0, a), e.epoch) && parse_u64(text.substr(a + 1, b - a - 1), e.first_seq) &&
         e.first_seq >= 1 && e.epoch >= 1 && valid_id(e.id);
}

}  // namespace

// An entry whose successor starts at the same seq holds no record: it is dropped, so that
// entries_ strictly ascend in first_seq and compare equal whenever they assign the same epochs.
void timeline::add(epoch_entry e) {
  while (!entries_.empty() && entries_.back().first_seq >= e.first_seq) entries_.pop_back();
  entries_.push_back(std::move(e));
}

core::result<timeline> timeline::load(const std::string& dir) {
  const std::string path = dir + "/" + std::string{timeline_file_name};
  std::string text;
  bool exists = false;
  if (const auto ec = core::fs::read_whole_file(path, text, core::fs::if_missing::ignore, exists))
    return core::problem{core::errc::io_error, "", path + ": read: " + ec.message()};
  timeline t;
  t.known_ = exists;
  std::size_t line_no = 0;
  for (std::size_t at = 0; at < text.size();) {
    const auto nl = text.find('\n', at);
    const std::string_view line{text.data() + at, (nl == std::string::npos ? text.size() : nl) - at};
    at = nl == std::string::npos ? text.size() : nl + 1;
    ++line_no;
    epoch_entry e;
    if (!parse_entry(line, ' ', e) || (!t.entries_.empty() && e.epoch <= t.entries_.back().epoch))
      return core::problem{core::errc::corrupt_data, "", path + ": line " + std::to_string(line_no) + " is not \"EPOCH FIRST_SEQ ID\" with a rising epoch"};
    t.add(std::move(e));
  }
  return t;
}

core::result<timeline> timeline::decode(std::string_view text) {
  timeline t;
  t.known_ = true;
  // Every comma is followed by an entry ("1:1:ID," is malformed).
  for (bool more = !text.empty(); more;) {
    const auto comma = text.find(',');
    epoch_entry e;
    if (!parse_entry(text.substr(0, comma), ':', e) || (!t.entries_.empty() && e.epoch <= t.entries_.back().epoch))
      return core::problem{core::errc::corrupt_data, "", "malformed epoch history"};
    t.add(std::move(e));
    more = comma != std::string_view::npos;
    if (more) text = text.substr(comma + 1);
  }
  return t;
}

core::status timeline::save(const std::string& dir) const {
  std::string text;
  for (const auto& e : entries_)
    text += std::to_string(e.epoch) + " " + std::to_string(e.first_seq) + " " + e.id + "\n";
  const std::string path = dir + "/" + std::string{timeline_file_name};
  if (const auto ec = core::fs::replace_atomically(path, text, core::fs::if_exists::overwrite))
    return core::problem{core::errc::io_error, "", path + ": write: " + ec.message()};
  return core::success();
}

std::string timeline::encode() const {
  std::string out;
  for (const auto& e : entries_) {
    if (!out.empty()) out += ',';
    out += std::to_string(e.epoch) + ":" + std::to_string(e.first_seq) + ":" + e.id;
  }
  return out;
}

std::uint64_t timeline::begin_epoch(std::uint64_t first_seq, std::uint64_t at_least) {
  const std::uint64_t epoch = std::max(current_epoch() + 1, at_least);
  add(epoch_entry{epoch, first_seq, core::random_hex(8)});
  return epoch;
}

std::uint64_t timeline::epoch_of(std::uint64_t seq) const noexcept {
  std::uint64_t epoch = 0;
  for (const auto& e : entries_)
    if (e.first_seq <= seq) epoch = e.epoch;
  return epoch;
}

std::uint64_t fork_seq(const timeline& a, const timeline& b) {
  constexpr std::uint64_t none = std::numeric_limits<std::uint64_t>::max();
  const auto& x = a.entries_;
  const auto& y = b.entries_;
  std::size_t i = 0;
  while (i < x.size() && i < y.size() && x[i] == y[i]) ++i;
  const std::uint64_t from_x = i < x.size() ? x[i].first_seq : none;
  const std::uint64_t from_y = i < y.size() ? y[i].first_seq : none;
  return std::min(from_x, from_y);
}

}  // namespace mixtape::journal
