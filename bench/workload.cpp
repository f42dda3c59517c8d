#include "workload.hpp"

#include <cstdio>
#include <cstring>

namespace mixtape::bench {

std::uint64_t rng::next() noexcept {
  std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

operation_picker::operation_picker(const options& o) : what_(o.what), mix_(o.mix) {}

operation operation_picker::next(rng& r) const {
  if (what_ != scenario::mixed) return static_cast<operation>(what_);  // the operation of the same name
  std::uint64_t x = r.below(mix_.total());
  for (std::size_t i = 0; i < operation_count; ++i) {
    if (x < mix_.weight[i]) return static_cast<operation>(i);
    x -= mix_.weight[i];
  }
  return operation::get;  // unreachable: total() > 0 for a parsed mix
}

namespace {

constexpr char base62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

// The splitmix64 finalizer: a bijection of the 64-bit words.
constexpr std::uint64_t mix64(std::uint64_t z) noexcept {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// "00", "01", ... "zz": the 62^2 two-digit strings, to halve the divisions.
struct digit_pairs {
  char text[62 * 62][2];
  constexpr digit_pairs() : text{} {
    for (int i = 0; i < 62 * 62; ++i) {
      text[i][0] = base62[i / 62];
      text[i][1] = base62[i % 62];
    }
  }
};
constexpr digit_pairs pairs;

// 5 base-62 digits of x < 62^5, in 32-bit arithmetic (cheaper than 64-bit division).
void write_base62_5(char* p, std::uint32_t x) noexcept {
  constexpr std::uint32_t d2 = 62 * 62;
  std::memcpy(p + 3, pairs.text[x % d2], 2);
  x /= d2;
  std::memcpy(p + 1, pairs.text[x % d2], 2);
  p[0] = base62[x / d2];
}

// 11 base-62 digits: enough for any 64-bit word (62^11 > 2^64), so distinct words differ.
// Split as a * 62^10 + b * 62^5 + c with a < 62: two independent 32-bit digit chains.
char* write_base62(char* p, std::uint64_t v) noexcept {
  constexpr std::uint64_t d5 = 62ull * 62 * 62 * 62 * 62;
  const std::uint64_t q = v / d5;
  p[0] = base62[q / d5];
  write_base62_5(p + 1, static_cast<std::uint32_t>(q % d5));
  write_base62_5(p + 6, static_cast<std::uint32_t>(v % d5));
  return p + 11;
}

// Writes the track_id_size characters of the id for `key` at `p`.
char* write_track_id(char* p, std::uint64_t key) noexcept {
  std::memcpy(p, "mtrack_", 7);
  p = write_base62(p + 7, mix64(key + 0x9e3779b97f4a7c15ull));  // injective in key
  return write_base62(p, mix64(key ^ 0x5851f42d4c957f2dull));
}

// Keys: prepared tracks have the top bit clear, added ones set, so they never meet.
constexpr std::uint64_t prepared_key(std::uint64_t k, std::uint64_t i) { return k << 20 | i; }
constexpr std::uint64_t added_key(std::uint64_t index, std::uint64_t n) {
  return 1ull << 63 | index << 44 | (n & ((1ull << 44) - 1));
}

void append_track_id(std::string& out, std::uint64_t key) {
  const std::size_t at = out.size();
  out.resize(at + track_id_size);
  write_track_id(out.data() + at, key);
}

std::string counter_text(std::uint64_t n) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%08llu", static_cast<unsigned long long>(n % 100'000'000));
  return buf;
}

}  // namespace

// A 20-character name and a 41-character description.
std::string create_body(const std::string& tag, std::uint64_t n) {
  const std::string c = counter_text(n);
  return R"({"name":"bench )" + tag + " " + c + R"(","description":"created by mixtape-bench, number )" + c + "\"}";
}

std::string update_body(const std::string& tag, std::uint64_t n) {
  const std::string c = counter_text(n);
  return R"({"name":"bench )" + tag + " " + c + R"(","description":"updated by mixtape-bench, number )" + c + "\"}";
}

std::string prepared_track_id(std::uint64_t collection, std::uint64_t position) {
  std::string s;
  append_track_id(s, prepared_key(collection, position));
  return s;
}

std::string added_track_id(unsigned index, std::uint64_t n) {
  std::string s;
  append_track_id(s, added_key(index, n));
  return s;
}

workload::workload(const options& o, const prepared_data* data, unsigned index)
    : picker_(o), rng_(0x6d69787461706500ull ^ (std::uint64_t{index} << 20)), data_(data), index_(index),
      connections_(o.connections), tracks_(o.tracks), page_offset_(o.page_offset),
      collections_("/v1/music/" + o.org + "/collections") {
  char tag[16];
  std::snprintf(tag, sizeof tag, "c%04u", index % 10'000);
  tag_ = tag;
  headers_ = "Host: " + o.server.host_header + "\r\nUser-Agent: mixtape-bench\r\n";
  key_header_ = "X-API-Key: " + o.key + "\r\n";
}

void workload::start(std::string_view method, const std::string* id) {
  out_.clear();
  out_.append(method).append(" ").append(collections_);
  if (id) out_.append("/").append(*id);
}

void workload::end_line(bool keyed) {
  out_.append(" HTTP/1.1\r\n").append(headers_);
  if (keyed) out_.append(key_header_);
}

void workload::finish_with_length(std::size_t length) {
  out_.append("Content-Type: application/json\r\nContent-Length: ").append(std::to_string(length)).append("\r\n\r\n");
}

void workload::finish_with_body(std::string_view body) {
  finish_with_length(body.size());
  out_.append(body);
}

// Connection i removes the prepared pairs j = i, i + connections, i + 2 connections, ...
// (collection j % P, position j / P): no two connections ever pick the same pair, so each
// request removes a track until all P * tracks are gone; then the pairs come round again
// (200, nothing removed).
void workload::build_remove() {
  const std::uint64_t count = data_->ids.size();
  const std::uint64_t pairs = count * tracks_;
  std::uint64_t j = index_ + std::uint64_t{connections_} * removals_++;
  if (pairs > 0) j %= pairs;
  const std::uint64_t k = count > 0 ? j % count : 0;
  start("DELETE", &data_->ids[k]);
  out_.append("/tracks/");
  append_track_id(out_, prepared_key(k, count > 0 ? j / count : 0));
  end_line();
  finish_without_body();
}

// All the prepared ids of a random collection, rotated by 1..tracks-1 (a real change),
// written in place: every element is the same size, so the length is known up front.
void workload::build_reorder() {
  constexpr std::string_view head = R"({"ordered_track_ids":[)", tail = "]}";
  constexpr std::size_t item = track_id_size + 3;  // "id",
  const std::size_t k = pick_collection();
  const std::size_t shift = tracks_ > 1 ? 1 + rng_.below(tracks_ - 1) : 0;
  const std::size_t length = head.size() + (tracks_ > 0 ? tracks_ * item - 1 : 0) + tail.size();
  start("PATCH", &data_->ids[k]);
  out_.append("/order");
  end_line();
  finish_with_length(length);
  out_.append(head);
  const std::size_t at = out_.size();
  out_.resize(at + tracks_ * item);
  char* p = out_.data() + at;
  for (std::size_t n = 0; n < tracks_; ++n) {
    const std::size_t position = shift + n < tracks_ ? shift + n : shift + n - tracks_;
    *p++ = '"';
    p = write_track_id(p, prepared_key(k, position));
    *p++ = '"';
    *p++ = ',';
  }
  if (tracks_ > 0) out_.pop_back();  // the last comma
  out_.append(tail);
}

const std::string& workload::build(operation op) {
  switch (op) {
    case operation::get:
      start("GET", &data_->ids[pick_collection()]);
      end_line();
      finish_without_body();
      break;
    case operation::list:
      start("GET", nullptr);
      out_.append("?limit=50");
      end_line();
      finish_without_body();
      break;
    case operation::create:
      start("POST", nullptr);
      end_line();
      finish_with_body(create_body(tag_, ++counter_));
      break;
    case operation::update:
      start("PATCH", &data_->ids[pick_collection()]);
      end_line();
      finish_with_body(update_body(tag_, ++counter_));
      break;
    case operation::add_track: {
      start("POST", &data_->ids[pick_collection()]);
      out_.append("/tracks");
      end_line();
      constexpr std::string_view head = R"({"track_id":")", tail = "\"}";
      finish_with_length(head.size() + track_id_size + tail.size());
      out_.append(head);
      append_track_id(out_, added_key(index_, ++counter_));
      out_.append(tail);
      break;
    }
    case operation::remove_track: build_remove(); break;
    case operation::tracks: {
      // A page start in [0, tracks): offsets 0, 200, ... (or --page-offset).
      const std::size_t pages = (tracks_ + track_page - 1) / track_page;
      const std::size_t offset = page_offset_ ? *page_offset_ : track_page * rng_.below(pages);
      start("GET", &data_->ids[pick_collection()]);
      out_.append("/tracks?limit=").append(std::to_string(track_page)).append("&offset=").append(std::to_string(offset));
      end_line();
      finish_without_body();
      break;
    }
    case operation::reorder: build_reorder(); break;
    case operation::resolve:
      out_.clear();
      out_.append("GET /v1/music/shared/").append(data_->tokens[rng_.below(data_->tokens.size())]);
      end_line(false);  // a public link: no key
      finish_without_body();
      break;
  }
  return out_;
}

const std::string& workload::build_add_batch(std::size_t k, std::size_t first, std::size_t count) {
  constexpr std::string_view head = R"({"track_ids":[)", tail = "]}";
  start("POST", &data_->ids[k]);
  out_.append("/tracks");
  end_line();
  finish_with_length(head.size() + count * (track_id_size + 3) - 1 + tail.size());
  out_.append(head);
  for (std::size_t i = first; i < first + count; ++i) {
    out_.append(i == first ? "\"" : ",\"");
    append_track_id(out_, prepared_key(k, i));
    out_.append("\"");
  }
  out_.append(tail);
  return out_;
}

const std::string& workload::build_share(std::size_t k) {
  start("POST", &data_->ids[k]);
  out_.append("/share");
  end_line();
  finish_with_body(R"({"visibility":"public"})");
  return out_;
}

}  // namespace mixtape::bench
