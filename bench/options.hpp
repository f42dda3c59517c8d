#pragma once
// mixtape-bench command line: flags (and MIXTAPE_KEY) -> options. Parsing never exits or
// prints; errors come back as core::problem with field = the flag and a one-line message.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/flag_walker.hpp"
#include "core/result.hpp"

namespace mixtape::bench {

// Each scenario but mixed issues the operation of the same name; mixed picks by --mix.
enum class scenario { get, create, update, list, add_track, remove_track, tracks, reorder, resolve, mixed };
enum class operation { get, create, update, list, add_track, remove_track, tracks, reorder, resolve };
inline constexpr std::size_t operation_count = 9;

std::string_view name_of(scenario s);
std::string_view name_of(operation o);  // "add-track", "remove-track", ... as on the command line

// Relative weights of the operations in the mixed scenario, indexed by operation.
struct mix_ratio {
  unsigned weight[operation_count] = {80, 10, 10};  // the rest 0
  unsigned total() const;
  unsigned of(operation o) const { return weight[static_cast<std::size_t>(o)]; }
};

// "get=80,create=10,update=10,list=0,add-track=5": names may be omitted (weight 0) but not
// repeated; weights are integers 0..1000000 and must not all be 0.
core::result<mix_ratio> parse_mix(std::string_view text);

// Where the load goes. Only loopback targets are accepted: 127.0.0.0/8, ::1, localhost.
struct target {
  std::string host;  // as given, without IPv6 brackets
  std::uint16_t port = 8080;
  std::string host_header;  // "HOST:PORT", brackets kept for IPv6
};

// "http://HOST[:PORT][/]" -> target; refuses other schemes, paths and non-loopback hosts.
core::result<target> parse_url(std::string_view url);
bool is_loopback_name(std::string_view host);  // a literal loopback address or "localhost"

struct options {
  target server{"127.0.0.1", 8080, "127.0.0.1:8080"};
  std::string url = "http://127.0.0.1:8080";
  std::string key;  // --key, else MIXTAPE_KEY
  std::string org = "org_local";
  scenario what = scenario::get;
  mix_ratio mix;
  unsigned connections = 64;
  unsigned threads = 1;
  double duration_s = 10;
  double warmup_s = 2;
  std::optional<double> rate;  // total requests per second (open loop); nullopt: closed loop
  unsigned prepare = 1000;     // collections created before the warmup
  unsigned tracks = 0;         // tracks added to each prepared collection (0..100000)
  std::optional<unsigned> page_offset;  // tracks: this offset; nullopt: a random page start in [0, tracks)
  double timeout_s = 10;       // per connect / request
  unsigned source_addresses = 0;  // > 0: connection i binds to 127.0.0.1 + (i mod N) (per-IP limits)
  bool json = false;
  bool help = false;

  // Which operations this run issues (the scenario, or the non-zero weights of the mix).
  bool uses(operation o) const;
  // Whether the run needs prepared collections (any operation but create).
  bool needs_collections() const;
};

using core::env_lookup;
using core::process_environment;

// Parses argv without argv[0]. With --help, returns options with help = true and does
// not require anything else.
core::result<options> parse_args(const std::vector<std::string>& args, const env_lookup& env);

std::string usage();

}  // namespace mixtape::bench
