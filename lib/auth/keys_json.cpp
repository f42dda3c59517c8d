// The keys-file format: JSON text <-> keyset (parse, to_json) and its field rules.
#include <boost/json.hpp>

#include <algorithm>
#include <string>
#include <unordered_set>

#include "auth/keys.hpp"
#include "auth/keys_detail.hpp"
#include "model/requests.hpp"
#include "core/identifiers.hpp"
#include "core/ids.hpp"
#include "core/text.hpp"

namespace mixtape::auth {
namespace json = boost::json;
using detail::corrupt;

namespace detail {

bool valid_capability(std::string_view s) noexcept {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

std::string quoted(std::string_view s) { return json::serialize(json::string_view(s.data(), s.size())); }

std::string entries_to_json(const std::vector<key_entry>& entries) {
  std::string out = "{\"keys\": [";
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const key_entry& e = entries[i];
    json::object o;
    o["id"] = e.id;
    o["sha256"] = core::to_hex(e.hash);
    o["principal"] = e.principal;
    o["organizations"] = json::value_from(e.organizations);
    o["capabilities"] = json::value_from(e.capabilities);
    if (e.rate_limit) {
      json::object limit{{"per_minute", e.rate_limit->per_minute}};
      if (e.rate_limit->burst != 0) limit["burst"] = e.rate_limit->burst;
      o["rate_limit"] = std::move(limit);
    }
    out += i == 0 ? "\n  " : ",\n  ";
    out += json::serialize(o);
  }
  out += entries.empty() ? "]}\n" : "\n]}\n";
  return out;
}

}  // namespace detail

namespace {

constexpr std::string_view entry_fields[] = {"id", "sha256", "principal", "organizations",
                                             "capabilities", "rate_limit"};
constexpr std::uint64_t max_rate = 1'000'000;  // per minute, and burst: as the flags allow

std::string at(std::size_t index, std::string_view id = {}) {
  std::string s = "keys[" + std::to_string(index) + "]";
  if (!id.empty()) s += " (" + std::string(id) + ")";
  return s;
}

// Each reader returns the reason `o` is invalid, or nullopt after storing the value.
using reason = std::optional<std::string>;

reason read_text(const json::object& o, std::string_view name, std::string& out) {
  const json::value* v = o.if_contains(name);
  if (v == nullptr) return "missing \"" + std::string(name) + "\"";
  const json::string* s = v->if_string();
  if (s == nullptr || s->empty() || core::has_control_chars(*s))
    return "\"" + std::string(name) + "\" must be a non-empty string without control characters";
  out.assign(s->data(), s->size());
  return std::nullopt;
}

// An array of strings each accepted by `valid`; `what` describes a valid element.
reason read_list(const json::object& o, std::string_view name, bool required,
                 bool (*valid)(std::string_view) noexcept, std::string_view what,
                 std::vector<std::string>& out) {
  const json::value* v = o.if_contains(name);
  if (v == nullptr) return required ? reason("missing \"" + std::string(name) + "\"") : std::nullopt;
  const json::array* a = v->if_array();
  if (a == nullptr) return "\"" + std::string(name) + "\" must be an array of strings";
  for (const json::value& item : *a) {
    const json::string* s = item.if_string();
    if (s == nullptr || !valid(*s))
      return "\"" + std::string(name) + "\" must hold only " + std::string(what) + ", not " +
             json::serialize(item);
    out.emplace_back(s->data(), s->size());
  }
  return std::nullopt;
}

// An integer field of `o` in [lo, max_rate]; absent leaves `out` alone unless required.
reason read_count(const json::object& o, std::string_view name, bool required, std::uint64_t lo,
                  std::uint32_t& out) {
  const json::value* v = o.if_contains(name);
  if (v == nullptr) return required ? reason("missing \"" + std::string(name) + "\"") : std::nullopt;
  const auto n = v->is_uint64() ? std::optional<std::uint64_t>(v->get_uint64())
                 : v->is_int64() && v->get_int64() >= 0 ? std::optional<std::uint64_t>(v->get_int64())
                                                         : std::nullopt;
  if (!n || *n < lo || *n > max_rate)
    return "\"" + std::string(name) + "\" must be an integer between " + std::to_string(lo) + " and " +
           std::to_string(max_rate);
  out = static_cast<std::uint32_t>(*n);
  return std::nullopt;
}

// "rate_limit": {"per_minute": N (0 = unlimited), "burst": B (optional, 1..)}.
reason read_rate_limit(const json::object& o, std::optional<core::rate_limit>& out) {
  const json::value* v = o.if_contains("rate_limit");
  if (v == nullptr) return std::nullopt;
  const json::object* limit = v->if_object();
  if (limit == nullptr) return "\"rate_limit\" must be an object {\"per_minute\": N, \"burst\": B}";
  for (const auto& field : *limit)
    if (field.key() != "per_minute" && field.key() != "burst")
      return "\"rate_limit\": unknown field " + detail::quoted(field.key());
  core::rate_limit r;
  if (auto why = read_count(*limit, "per_minute", true, 0, r.per_minute)) return "\"rate_limit\": " + *why;
  if (auto why = read_count(*limit, "burst", false, 1, r.burst)) return "\"rate_limit\": " + *why;
  out = r;
  return std::nullopt;
}

bool any_text(std::string_view s) noexcept { return !s.empty() && !core::has_control_chars(s); }

core::result<key_entry> parse_entry(const json::value& v, std::size_t index) {
  const json::object* o = v.if_object();
  if (o == nullptr) return corrupt(at(index) + ": entry must be an object");
  for (const auto& field : *o) {
    if (std::find(std::begin(entry_fields), std::end(entry_fields), field.key()) == std::end(entry_fields))
      return corrupt(at(index) + ": unknown field " + detail::quoted(field.key()));
  }
  key_entry e;
  if (auto why = read_text(*o, "id", e.id)) return corrupt(at(index) + ": " + *why);
  const std::string where = at(index, e.id);
  std::string hex;
  if (auto why = read_text(*o, "sha256", hex)) return corrupt(where + ": " + *why);
  if (!parse_digest_hex(hex, e.hash)) return corrupt(where + ": \"sha256\" must be 64 hex digits");
  if (auto why = read_text(*o, "principal", e.principal)) return corrupt(where + ": " + *why);
  if (auto why = read_list(*o, "organizations", false, core::is_org_id,
                           "organization ids (" + std::string{core::org_id_rule} + ")", e.organizations))
    return corrupt(where + ": " + *why);
  if (auto why = read_list(*o, "capabilities", false, any_text, "non-empty strings", e.capabilities))
    return corrupt(where + ": " + *why);
  if (auto why = read_rate_limit(*o, e.rate_limit)) return corrupt(where + ": " + *why);
  return e;
}

}  // namespace

core::result<keyset> keyset::parse(std::string_view json_text) {
  // Same strictness as request bodies: valid UTF-8 JSON, one object, no duplicate keys.
  auto root = model::parse_strict_object(json_text, "keys file");
  if (!root) return corrupt(root.error().message);
  const json::object* top = &root.value();
  if (top->size() != 1 || !top->contains("keys"))
    return corrupt("keys file must be an object with exactly one field \"keys\"");
  const json::array* list = top->at("keys").if_array();
  if (list == nullptr) return corrupt("\"keys\" must be an array");

  keyset out;
  std::unordered_set<std::string> ids;
  for (std::size_t i = 0; i < list->size(); ++i) {
    auto entry = parse_entry((*list)[i], i);
    if (!entry) return std::move(entry).error();
    if (!ids.insert(entry->id).second) return corrupt(at(i, entry->id) + ": duplicate id");
    const std::string raw(reinterpret_cast<const char*>(entry->hash.data()), entry->hash.size());
    if (const auto it = out.by_hash_.find(raw); it != out.by_hash_.end())
      return corrupt(at(i, entry->id) + ": duplicate sha256 (same key as " +
                     out.entries_[it->second].id + ")");
    out.by_hash_.emplace(raw, out.entries_.size());
    out.entries_.push_back(std::move(entry).value());
  }
  return out;
}

std::string keyset::to_json() const { return detail::entries_to_json(entries_); }

}  // namespace mixtape::auth
