#include "model/collection.hpp"

#include <charconv>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

namespace mixtape::model {
namespace {

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
  return render(c.id, c.name, c.description, c.cover_track_id, c.cover_image_url, c.created_at, c.updated_at);
}

cached_json render(std::string_view id, std::string_view name, const std::optional<std::string>& description,
                   const std::optional<std::string>& cover_track_id,
                   const std::optional<std::string>& cover_image_url, core::unix_seconds created_at,
                   core::unix_seconds updated_at) {
  thread_local std::string out;  // rendered here, then copied at its exact size
  out.clear();
  out += "{\"id\":";
  append_json_string(out, id);
  out += ",\"name\":";
  append_json_string(out, name);
  out += ",\"description\":";
  append_nullable(out, description);
  out += ",\"cover_track_id\":";
  append_nullable(out, cover_track_id);
  out += ",\"cover_image_url\":";
  append_nullable(out, cover_image_url);
  out += ",\"track_count\":";
  const auto count_at = static_cast<std::uint32_t>(out.size());
  out += ",\"created_at\":";
  append_timestamp(out, created_at);
  out += ",\"updated_at\":";
  append_timestamp(out, updated_at);
  out += '}';
  return {std::string{out.data(), out.size()}, count_at};
}

bool read_text_fields(const cached_json& j, collection& c) {
  std::string text;
  append_json(text, j, std::nullopt);
  boost::system::error_code ec;
  const boost::json::value v = boost::json::parse(text, ec);
  if (ec || !v.is_object()) return false;
  const boost::json::object& o = v.get_object();
  const auto string_at = [&](std::string_view key) -> const boost::json::string* {
    const boost::json::value* field = o.if_contains(key);
    return field ? field->if_string() : nullptr;
  };
  const auto read_optional = [&](std::string_view key, std::optional<std::string>& field) {
    if (const auto* s = string_at(key))
      field.emplace(s->data(), s->size());
    else
      field.reset();
  };
  const auto* name = string_at("name");
  if (!name) return false;
  c.name.assign(name->data(), name->size());
  read_optional("description", c.description);
  read_optional("cover_track_id", c.cover_track_id);
  read_optional("cover_image_url", c.cover_image_url);
  return true;
}

namespace {
constexpr std::string_view id_prefix = "mcoll_";
constexpr std::size_t id_digits = 12;
constexpr char hex_digits[] = "0123456789abcdef";
}  // namespace

std::optional<std::uint64_t> collection_number(std::string_view id) noexcept {
  if (id.size() != id_prefix.size() + id_digits || !id.starts_with(id_prefix)) return std::nullopt;
  std::uint64_t n = 0;
  for (const char ch : id.substr(id_prefix.size())) {
    unsigned digit;
    if (ch >= '0' && ch <= '9')
      digit = static_cast<unsigned>(ch - '0');
    else if (ch >= 'a' && ch <= 'f')
      digit = static_cast<unsigned>(ch - 'a' + 10);
    else
      return std::nullopt;
    n = n << 4 | digit;
  }
  return n;
}

std::string collection_id(std::uint64_t number) {
  std::string id{id_prefix};
  id.resize(id_prefix.size() + id_digits);
  for (std::size_t i = id.size(); i > id_prefix.size(); --i, number >>= 4) id[i - 1] = hex_digits[number & 0xf];
  return id;
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
