#pragma once
// The replication stream's messages (docs/replication.md, "The stream"): binary WebSocket
// messages whose first byte says what follows.
//   primary -> standby  'R' framed journal records, back to back, as in the journal files
//                       'H' u64le seq | u64le unix ms: the primary's last written record (heartbeat)
//   standby -> primary  'A' u64le seq: every record <= seq is durable on the standby
// Handshake fields (HTTP): the standby sends X-Mixtape-History, X-Mixtape-Database and
// X-Mixtape-Node; the 101 carries the primary's X-Mixtape-History, X-Mixtape-Database,
// X-Mixtape-Node, X-Mixtape-Epoch and X-Mixtape-Seq.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mixtape::replication::wire {

inline constexpr char records = 'R';
inline constexpr char heartbeat = 'H';
inline constexpr char ack = 'A';

inline void put_u64(std::string& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
}
inline std::optional<std::uint64_t> get_u64(std::string_view in, std::size_t at) {
  if (in.size() < at + 8) return std::nullopt;
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(in[at + static_cast<std::size_t>(i)]);
  return v;
}

}  // namespace mixtape::replication::wire
