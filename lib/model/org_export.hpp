#pragma once
// The JSON-lines format of an organization's export (GET /admin/v1/orgs/{org}/export; the
// body of POST /admin/v1/orgs/{org}/import): a header, the collections, the share links, an
// end line. One JSON object per line, members in the order below, strings escaped per
// RFC 8259, timestamps as "YYYY-MM-DDTHH:MM:SSZ":
//   {"type":"mixtape-org-export","version":1,"org":S,"seq":N}
//   {"type":"collection","id","owner","name","description","cover_track_id","cover_image_url",
//    "created_at","updated_at","version","tracks":[{"track_id","added_at"},...]}
//   {"type":"share","id","collection_id","token_sha256","visibility","expires_at","created_at",
//    "creator","revoked_at"}
//   {"type":"end","collections":N,"shares":M}
// A collection line carries no org, and neither does a share line: the importer sets it.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "core/result.hpp"
#include "model/collection.hpp"
#include "model/snapshot_item.hpp"

namespace mixtape::model {

inline constexpr std::uint32_t export_format_version = 1;

struct export_header {
  std::string org;
  std::uint64_t seq = 0;  // the export is the org as of this journal seq
};
// What the lines between header and end line hold.
struct export_end {
  std::uint64_t collections = 0;
  std::uint64_t shares = 0;
};
using export_line = std::variant<export_header, collection, share_state, export_end>;

// Each appends one line, ending with '\n'. A collection's org and created_seq are not
// written; a share's org and created_seq neither. Timestamps outside 1970..9999 are
// written clamped (core::append_utc), and then read back as the bound.
void append_export_line(std::string& out, const export_header& h);
void append_export_line(std::string& out, const collection& c);  // the tracks of c.tracks
// The tracks given separately; c.tracks is ignored.
void append_export_line(std::string& out, const collection& c, std::span<const snapshot_track> tracks);
void append_export_line(std::string& out, const share_state& s);
void append_export_line(std::string& out, const export_end& e);

struct export_limits {
  std::uint32_t max_tracks = 10'000;  // per collection line
};

// Parses one line, without its '\n' (a '\r' or '\n' anywhere is refused). Members may come
// in any order; an unknown, duplicate or missing member, or one of the wrong type, is
// refused. Every refusal is core::problem::validation(field, message), `field` naming the
// member ("type", "name", "tracks[3].added_at", "token_sha256"), or "line" when the line
// is not one JSON object. Text fields follow the create request's rules and messages
// (model/requests.hpp); ids are collection ids, share ids and track ids; a collection's
// tracks are at most limits.max_tracks, each id once; timestamps are RFC 3339 date-times
// from 1970 to 9999 (whole seconds kept); owner and creator are 1 to 256 bytes. The
// collection read has an empty org and created_seq 0; the share an empty org and
// created_seq 0.
core::result<export_line> parse_export_line(std::string_view line, const export_limits& limits);

}  // namespace mixtape::model
