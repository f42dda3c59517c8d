// libFuzzer target: the strict JSON body of every endpoint (model/requests.hpp), all five
// parsers on the same input. Properties:
//  - every error is validation_failed with a one-line, non-empty message; its field is
//    "body" (or the duplicated key) when the text is not one strict JSON object, and
//    otherwise a key of the object or the missing required field;
//  - the body parsers never accept what parse_strict_object refuses (an empty body is {}
//    only for a share), and parse_strict_object's object survives a serialize/parse round
//    trip unchanged (it is plain JSON that Boost.JSON itself reads back);
//  - accepted values obey their field rules: a name is 1..512 code points, track ids are
//    track ids, a cover URL is a cover URL, reorder ids are distinct, a share's expiry is
//    1..90 days; a created collection's cached JSON reads back the same text fields.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include <boost/json.hpp>

#include "check.hpp"
#include "model/collection.hpp"
#include "model/requests.hpp"
#include "model/validation.hpp"

namespace {

namespace json = boost::json;
namespace model = mixtape::model;
using mixtape::core::errc;
using mixtape::core::problem;

void check_message(const problem& p) {
  FUZZ_CHECK(p.code == errc::validation_failed, "a body error is a 422");
  FUZZ_CHECK(!p.message.empty(), "an error has a message");
  FUZZ_CHECK(p.message.find_first_of("\r\n") == std::string::npos, "an error message is one line");
}

bool is_name(std::string_view s) {
  const auto n = model::utf8_length(s);
  return n && *n >= 1 && *n <= model::max_name_chars;
}

// An error for a body that parse_strict_object accepted as `obj`: its field is one the
// body has, or the required one that it lacks.
void check_field(const problem& p, const json::object* obj, std::string_view required, const problem* strict_error) {
  check_message(p);
  if (obj == nullptr) {
    FUZZ_CHECK(strict_error != nullptr, "strict refusal recorded");
    FUZZ_CHECK(p.field == strict_error->field && p.message == strict_error->message,
               "a body that is not a strict object is refused as parse_strict_object refuses it");
    return;
  }
  const bool names_a_key = obj->contains(p.field);
  const bool names_missing = !required.empty() && p.field == required && !obj->contains(required);
  FUZZ_CHECK(names_a_key || names_missing, "an error names a field of the body or the missing required one");
}

bool has_non_finite(const json::value& v) {
  if (v.is_double()) return !std::isfinite(v.get_double());
  if (v.is_array())
    for (const auto& e : v.get_array())
      if (has_non_finite(e)) return true;
  if (v.is_object())
    for (const auto& kv : v.get_object())
      if (has_non_finite(kv.value())) return true;
  return false;
}
bool has_non_finite(const json::object& o) { return has_non_finite(json::value(o)); }

// Equality, but with doubles within a few ULPs: Boost.JSON 1.81 does not round every
// decimal to the nearest double, so a serialized double may read back one ULP off.
bool same_json(const json::value& a, const json::value& b) {
  if (a.is_double() && b.is_double()) {
    const double x = a.get_double(), y = b.get_double();
    return x == y || std::fabs(x - y) <= 1e-14 * std::max(std::fabs(x), std::fabs(y));
  }
  if (a.kind() != b.kind()) return false;
  if (a.is_array()) {
    const auto &p = a.get_array(), &q = b.get_array();
    if (p.size() != q.size()) return false;
    for (std::size_t i = 0; i < p.size(); ++i)
      if (!same_json(p[i], q[i])) return false;
    return true;
  }
  if (a.is_object()) {
    const auto &p = a.get_object(), &q = b.get_object();
    if (p.size() != q.size()) return false;
    for (const auto& kv : p) {
      const json::value* other = q.if_contains(kv.key());
      if (other == nullptr || !same_json(kv.value(), *other)) return false;
    }
    return true;
  }
  return a == b;
}

void check_optional_url(const std::optional<std::string>& u) {
  if (u) FUZZ_CHECK(model::is_cover_image_url(*u), "an accepted cover_image_url is a cover URL");
}
void check_optional_track(const std::optional<std::string>& t) {
  if (t) FUZZ_CHECK(model::is_track_id(*t), "an accepted cover_track_id is a track id");
}
void check_optional_utf8(const std::optional<std::string>& d) {
  if (d) FUZZ_CHECK(model::utf8_length(*d).has_value(), "an accepted description is UTF-8");
}
void check_update(const model::nullable_update& u, void (*check)(const std::optional<std::string>&)) {
  if (u) check(*u);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);

  auto strict = model::parse_strict_object(body);
  const json::object* obj = strict ? &strict.value() : nullptr;
  const problem* strict_error = strict ? nullptr : &strict.error();
  if (strict_error) {
    check_message(*strict_error);
    FUZZ_CHECK(strict_error->field == "body" || strict_error->message.starts_with("duplicate key "),
               "a strict JSON refusal names the body, or the duplicated key");
  } else {
    // Plain JSON: Boost.JSON reads the same text, and the object round-trips. (Boost.JSON
    // 1.81 reads a number beyond double's range, 1e400, as infinity and writes that as
    // "Infinity", which is not JSON, and reads some doubles one ULP off; no body field
    // takes a double, so such values only ever lead to a refusal: the round trip is
    // checked without infinities, and doubles compare within a few ULPs.)
    json::error_code ec;
    (void)json::parse(body, ec);
    FUZZ_CHECK(!ec, "what parse_strict_object accepts is JSON to Boost.JSON");
    if (!has_non_finite(*obj)) {
      auto reparsed = model::parse_strict_object(json::serialize(*obj));
      FUZZ_CHECK(reparsed.ok(), "a serialized strict object parses strictly");
      FUZZ_CHECK(same_json(json::value(reparsed.value()), json::value(*obj)), "a strict object round-trips through serialize");
    }
  }

  if (auto c = model::parse_create(body)) {
    FUZZ_CHECK(obj != nullptr, "parse_create accepts only strict objects");
    FUZZ_CHECK(is_name(c->name), "a created name is 1..512 code points");
    check_optional_utf8(c->description);
    check_optional_track(c->cover_track_id);
    check_optional_url(c->cover_image_url);
    // The store keeps the text fields only in the cached JSON: they must read back as sent.
    const auto cached = model::render("mcoll_0123456789ab", c->name, c->description, c->cover_track_id,
                                      c->cover_image_url, 1, 2);
    model::collection back;
    FUZZ_CHECK(model::read_text_fields(cached, back), "render() output reads back");
    FUZZ_CHECK(back.name == c->name && back.description == c->description &&
                   back.cover_track_id == c->cover_track_id && back.cover_image_url == c->cover_image_url,
               "a created collection's text fields survive render/read_text_fields");
    std::string full;
    model::append_json(full, cached, std::size_t{3});
    json::error_code ec;
    const json::value v = json::parse(full, ec);
    FUZZ_CHECK(!ec && v.is_object(), "a collection renders as a JSON object");
    FUZZ_CHECK(v.as_object().at("name").as_string() == c->name, "the rendered name is the name");
  } else {
    check_field(c.error(), obj, "name", strict_error);
  }

  if (auto p = model::parse_patch(body)) {
    FUZZ_CHECK(obj != nullptr, "parse_patch accepts only strict objects");
    if (p->name) FUZZ_CHECK(is_name(*p->name), "a patched name is 1..512 code points");
    check_update(p->description, check_optional_utf8);
    check_update(p->cover_track_id, check_optional_track);
    check_update(p->cover_image_url, check_optional_url);
  } else {
    check_field(p.error(), obj, "", strict_error);
  }

  if (auto a = model::parse_add_track(body)) {
    FUZZ_CHECK(obj != nullptr, "parse_add_track accepts only strict objects");
    FUZZ_CHECK(!a->track_ids.empty() && (a->batch ? a->track_ids.size() <= 100 : a->track_ids.size() == 1),
               "one track, or a batch of 1..100");
    std::set<std::string> distinct(a->track_ids.begin(), a->track_ids.end());
    FUZZ_CHECK(distinct.size() == a->track_ids.size(), "a batch has no repeats");
    for (const auto& id : a->track_ids) FUZZ_CHECK(model::is_track_id(id), "an added track is a track id");
  } else {
    check_field(a.error(), obj, "track_id", strict_error);
  }

  if (auto r = model::parse_reorder(body)) {
    FUZZ_CHECK(obj != nullptr, "parse_reorder accepts only strict objects");
    std::set<std::string> distinct;
    for (const auto& id : r->ordered_track_ids) {
      FUZZ_CHECK(model::is_track_id(id), "reordered ids are track ids");
      FUZZ_CHECK(distinct.insert(id).second, "reordered ids are distinct");
    }
    FUZZ_CHECK(r->ordered_track_ids.size() == obj->at("ordered_track_ids").as_array().size(),
               "every listed id is kept");
  } else {
    check_field(r.error(), obj, "ordered_track_ids", strict_error);
  }

  if (auto s = model::parse_share(body)) {
    FUZZ_CHECK(obj != nullptr || body.empty(), "parse_share accepts only strict objects or nothing");
    FUZZ_CHECK(s->visibility == model::share_visibility::link_only || s->visibility == model::share_visibility::public_,
               "a share's visibility is one of the two");
    if (s->expires_in_days)
      FUZZ_CHECK(*s->expires_in_days >= 1 && *s->expires_in_days <= model::max_share_days,
                 "a share expires in 1..90 days");
  } else {
    FUZZ_CHECK(!body.empty(), "an empty share body is {}");
    check_field(s.error(), obj, "", strict_error);
  }
  return 0;
}
