#include "model/collection.hpp"

#include <charconv>

namespace mixtape::model {
namespace {


std::size_t size_of(const std::optional<std::string>& s) noexcept { return s ? s->size() : 0; }

void append_nullable(std::string& out, const std::optional<std::string>& s) {
  if (s)
    append_json_string(out, *s);
  else
    out += "null";
}

void append_timestamp(std::string& out, core::unix_seconds t) {
  out += '"';
  core::append_utc(out, t);
  out += '"';
}

}  // namespace

cached_json render(const collection& c) {
  cached_json j;
  std::string& out = j.text;
  out.reserve(160 + c.id.size() + c.name.size() + size_of(c.description) +
              size_of(c.cover_track_id) + size_of(c.cover_image_url));
  out += "{\"id\":";
  append_json_string(out, c.id);
  out += ",\"name\":";
  append_json_string(out, c.name);
  out += ",\"description\":";
  append_nullable(out, c.description);
  out += ",\"cover_track_id\":";
  append_nullable(out, c.cover_track_id);
  out += ",\"cover_image_url\":";
  append_nullable(out, c.cover_image_url);
  out += ",\"track_count\":";
  j.count_at = static_cast<std::uint32_t>(out.size());
  out += ",\"created_at\":";
  append_timestamp(out, c.created_at);
  out += ",\"updated_at\":";
  append_timestamp(out, c.updated_at);
  out += '}';
  return j;
}

void append_json(std::string& out, const cached_json& j, std::optional<std::size_t> count) {
  const std::string_view text = j.text;
  out.append(text.substr(0, j.count_at));
  if (count) {
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, *count);
    out.append(buf, r.ptr);
  } else {
    out += "null";
  }
  out.append(text.substr(j.count_at));
}

}  // namespace mixtape::model
