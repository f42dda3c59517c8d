// libFuzzer target: the lines of an organization export (model/org_export.hpp), the body of
// POST /admin/v1/orgs/{org}/import. The input is split on '\n' and each line parsed, with
// at most 8 tracks per collection (so that the limit is within reach). Properties:
//  - every refusal is validation_failed with a one-line, non-empty message; a line with a
//    '\r' is refused as "line"; one that parse_strict_object refuses is refused with its
//    message, as "line" (or as the duplicated member); any other refusal names a member
//    (which may be "", an unknown one);
//  - an accepted line obeys the format's rules: ids of their kinds, at most 8 distinct
//    track ids, a name of 1..512 code points, no org and created_seq 0 (the importer's);
//  - an accepted line renders (append_export_line) as one line that parses again to the
//    same kind and renders to the same text; a collection renders the same from its tracks
//    given separately.
#include <cstddef>
#include <cstdint>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "check.hpp"
#include "model/org_export.hpp"
#include "model/requests.hpp"
#include "model/validation.hpp"

namespace {

namespace model = mixtape::model;
using mixtape::core::errc;
using mixtape::core::problem;

constexpr model::export_limits limits{8};

void check_refusal(const problem& p, std::string_view line) {
  FUZZ_CHECK(p.code == errc::validation_failed, "a bad line is a validation problem");
  FUZZ_CHECK(!p.message.empty(), "a refusal has a message");
  FUZZ_CHECK(p.message.find_first_of("\r\n") == std::string::npos, "a refusal's message is one line");
  const bool has_cr = line.find('\r') != std::string_view::npos;
  auto strict = model::parse_strict_object(line, "line");
  if (has_cr) {
    FUZZ_CHECK(p.field == "line", "a line with a '\\r' is refused as a line");
  } else if (!strict.ok()) {
    const problem& q = strict.error();
    const bool duplicate = q.message.starts_with("duplicate key ");
    FUZZ_CHECK(p.field == (duplicate ? q.field : "line") && p.message == q.message,
               "a line that is not one strict JSON object is refused as parse_strict_object refuses it, "
               "named \"line\" unless a member is duplicated");
  } else {
    const bool names_member = strict->contains(p.field) || p.message == p.field + " is required" ||
                              p.field.starts_with("tracks[");
    FUZZ_CHECK(names_member, "a strict JSON object is refused for a member it has, lacks, or a track's");
  }
}

void check_values(const model::export_line& l) {
  if (const auto* c = std::get_if<model::collection>(&l)) {
    FUZZ_CHECK(model::collection_number(c->id).has_value(), "a collection id");
    FUZZ_CHECK(c->org.empty() && c->created_seq == 0, "the importer sets org and created_seq");
    FUZZ_CHECK(!c->owner.empty() && c->owner.size() <= 256, "an owner of 1 to 256 bytes");
    const auto n = model::utf8_length(c->name);
    FUZZ_CHECK(n && *n >= 1 && *n <= model::max_name_chars, "a name of 1..512 code points");
    if (c->cover_track_id) FUZZ_CHECK(model::is_track_id(*c->cover_track_id), "a cover track id");
    if (c->cover_image_url) FUZZ_CHECK(model::is_cover_image_url(*c->cover_image_url), "a cover URL");
    FUZZ_CHECK(c->tracks.size() <= limits.max_tracks, "at most max_tracks tracks");
    std::set<std::string_view> ids;
    for (const auto& t : c->tracks) {
      FUZZ_CHECK(model::is_track_id(t.track_id), "track ids are track ids");
      FUZZ_CHECK(ids.insert(t.track_id).second, "track ids are distinct");
    }
  } else if (const auto* s = std::get_if<model::share_state>(&l)) {
    FUZZ_CHECK(model::is_share_id(s->link.share_id), "a share id");
    FUZZ_CHECK(model::collection_number(s->link.collection_id).has_value(), "a share's collection id");
    FUZZ_CHECK(s->org.empty() && s->created_seq == 0, "the importer sets org and created_seq");
    FUZZ_CHECK(!s->owner.empty() && s->owner.size() <= 256, "a creator of 1 to 256 bytes");
  } else if (const auto* h = std::get_if<model::export_header>(&l)) {
    FUZZ_CHECK(!h->org.empty(), "a header names its org");
  }
}

std::string render(const model::export_line& l) {
  std::string out;
  std::visit([&](const auto& v) { model::append_export_line(out, v); }, l);
  return out;
}

void check_line(std::string_view line) {
  auto first = model::parse_export_line(line, limits);
  if (!first) return check_refusal(first.error(), line);
  check_values(first.value());
  const std::string text = render(first.value());
  FUZZ_CHECK(!text.empty() && text.back() == '\n', "a rendered line ends with '\\n'");
  const std::string_view rendered = std::string_view{text}.substr(0, text.size() - 1);
  FUZZ_CHECK(rendered.find_first_of("\r\n") == std::string_view::npos, "a rendered line is one line");
  if (const auto* c = std::get_if<model::collection>(&first.value())) {
    std::vector<model::snapshot_track> tracks;
    for (const auto& t : c->tracks) tracks.emplace_back(t.track_id, t.added_at);
    std::string separate;
    model::append_export_line(separate, *c, std::span<const model::snapshot_track>{tracks});
    FUZZ_CHECK(separate == text, "a collection renders the same with its tracks given separately");
  }
  auto second = model::parse_export_line(rendered, limits);
  FUZZ_CHECK(second.ok(), "a rendered line parses");
  FUZZ_CHECK(second->index() == first->index(), "a rendered line parses as the same kind");
  FUZZ_CHECK(render(second.value()) == text, "a rendered line parses to what it was rendered from");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  while (!input.empty()) {
    const std::size_t end = input.find('\n');
    check_line(input.substr(0, end));
    if (end == std::string_view::npos) break;
    input.remove_prefix(end + 1);
  }
  return 0;
}
