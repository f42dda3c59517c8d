#include "options.hpp"

#include "core/flag_values.hpp"
#include "core/identifiers.hpp"

#include <boost/asio/ip/address.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>

namespace mixtape::bench {
namespace {

using core::problem;

problem bad(std::string flag, std::string message) {
  return problem::validation(std::move(flag), std::move(message));
}

core::result<unsigned> uint_flag(const std::string& flag, std::string_view text, unsigned lo, unsigned hi) {
  auto v = core::integer_flag(flag, text, lo, hi);
  if (!v) return std::move(v).error();
  return static_cast<unsigned>(v.value());
}

// A decimal number in (lo, hi] or, with lo_inclusive, [lo, hi].
core::result<double> seconds_flag(const std::string& flag, std::string_view text, double lo, bool lo_inclusive,
                                  double hi) {
  double v = 0;
  const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  const bool in_range = lo_inclusive ? v >= lo : v > lo;
  if (text.empty() || ec != std::errc{} || p != text.data() + text.size() || !in_range || v > hi)
    return bad(flag, flag + " must be a number " + (lo_inclusive ? ">= " : "> ") + std::to_string(int(lo)) +
                         " and at most " + std::to_string(static_cast<long long>(hi)));
  return v;
}

core::result<scenario> parse_scenario(std::string_view v) {
  for (std::size_t i = 0; i <= operation_count; ++i)
    if (name_of(static_cast<scenario>(i)) == v) return static_cast<scenario>(i);
  return bad("--scenario", "--scenario must be get, create, update, list, add-track, remove-track, tracks, "
                           "reorder, resolve or mixed");
}

// Applies one "--flag value" pair.
core::status apply(options& o, const std::string& flag, const std::string& v) {
  auto assign = [](auto& out, auto&& r) -> core::status {
    if (!r) return std::move(r).error();
    out = r.value();
    return core::success();
  };
  if (flag == "--url") {
    if (auto st = assign(o.server, parse_url(v)); !st) return st;
    o.url = v;
    return core::success();
  }
  if (flag == "--key") {
    o.key = v;
    return core::success();
  }
  if (flag == "--org") {
    if (!core::is_org_id(v)) return bad(flag, "--org must be " + std::string{core::org_id_rule});
    o.org = v;
    return core::success();
  }
  if (flag == "--scenario") return assign(o.what, parse_scenario(v));
  if (flag == "--mix") return assign(o.mix, parse_mix(v));
  if (flag == "--connections") return assign(o.connections, uint_flag(flag, v, 1, 10'000));
  if (flag == "--threads") return assign(o.threads, uint_flag(flag, v, 1, 64));
  if (flag == "--prepare") return assign(o.prepare, uint_flag(flag, v, 0, 10'000'000));
  if (flag == "--source-addresses") return assign(o.source_addresses, uint_flag(flag, v, 1, 1u << 24));
  if (flag == "--tracks") return assign(o.tracks, uint_flag(flag, v, 0, 100'000));
  if (flag == "--page-offset") {
    unsigned offset = 0;
    if (auto st = assign(offset, uint_flag(flag, v, 0, 10'000'000)); !st) return st;
    o.page_offset = offset;
    return core::success();
  }
  if (flag == "--duration") return assign(o.duration_s, seconds_flag(flag, v, 0, false, 86'400));
  if (flag == "--warmup") return assign(o.warmup_s, seconds_flag(flag, v, 0, true, 86'400));
  if (flag == "--timeout") return assign(o.timeout_s, seconds_flag(flag, v, 0, false, 3'600));
  if (flag == "--rate") {
    double r = 0;
    if (auto st = assign(r, seconds_flag(flag, v, 0, false, 10'000'000)); !st) return st;
    o.rate = r;
    return core::success();
  }
  return bad(flag, "unknown option " + flag + " (see --help)");
}

// Checks that need every flag: key present, prepared data for the operations that use
// it, threads <= connections.
core::status check(const options& o) {
  if (o.key.empty()) return bad("--key", "an API key is required: --key KEY or MIXTAPE_KEY");
  if (!std::all_of(o.key.begin(), o.key.end(), [](unsigned char c) { return c > 0x20 && c < 0x7f; }))
    return bad("--key", "the API key must be printable ASCII without spaces");
  const std::string what{name_of(o.what)};
  const bool reads_ids = o.uses(operation::get) || o.uses(operation::update) || o.uses(operation::add_track) ||
                         o.uses(operation::remove_track) || o.uses(operation::tracks) ||
                         o.uses(operation::reorder) || o.uses(operation::resolve);
  if (reads_ids && o.prepare == 0)
    return bad("--prepare", "--prepare must be at least 1: scenario " + what + " works on prepared collections");
  if (o.tracks > 0 && !o.needs_collections())
    return bad("--tracks", "--tracks fills prepared collections, which scenario " + what + " does not use");
  if (o.tracks > 0 && o.prepare == 0)
    return bad("--tracks", "--tracks needs --prepare of at least 1: it fills the prepared collections");
  for (auto op : {operation::remove_track, operation::reorder})
    if (o.uses(op) && o.tracks == 0)
      return bad("--tracks", "--tracks must be at least 1: " + std::string{name_of(op)} +
                                 " works on the prepared tracks");
  if (o.page_offset && !o.uses(operation::tracks))
    return bad("--page-offset", "--page-offset only applies to the tracks operation");
  if (o.threads > o.connections) return bad("--threads", "--threads must not exceed --connections");
  return core::success();
}

}  // namespace

std::string_view name_of(scenario s) {
  switch (s) {
    case scenario::get: return "get";
    case scenario::create: return "create";
    case scenario::update: return "update";
    case scenario::list: return "list";
    case scenario::add_track: return "add-track";
    case scenario::remove_track: return "remove-track";
    case scenario::tracks: return "tracks";
    case scenario::reorder: return "reorder";
    case scenario::resolve: return "resolve";
    case scenario::mixed: return "mixed";
  }
  return "?";
}

std::string_view name_of(operation o) {
  switch (o) {
    case operation::get: return "get";
    case operation::create: return "create";
    case operation::update: return "update";
    case operation::list: return "list";
    case operation::add_track: return "add-track";
    case operation::remove_track: return "remove-track";
    case operation::tracks: return "tracks";
    case operation::reorder: return "reorder";
    case operation::resolve: return "resolve";
  }
  return "?";
}

unsigned mix_ratio::total() const {
  unsigned sum = 0;
  for (unsigned w : weight) sum += w;
  return sum;
}

core::result<mix_ratio> parse_mix(std::string_view text) {
  mix_ratio m;
  bool seen[operation_count] = {};
  std::fill(std::begin(m.weight), std::end(m.weight), 0u);
  while (!text.empty()) {
    const auto comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    const auto eq = item.find('=');
    if (eq == std::string_view::npos) return bad("--mix", "--mix items must be NAME=WEIGHT, e.g. get=80,create=20");
    const std::string_view name = item.substr(0, eq);
    std::size_t i = 0;
    while (i < operation_count && name_of(static_cast<operation>(i)) != name) ++i;
    if (i == operation_count)
      return bad("--mix", "--mix: unknown operation '" + std::string{name} + "' (get, create, update, list, add-track, "
                                                                 "remove-track, tracks, reorder, resolve)");
    if (seen[i]) return bad("--mix", "--mix: " + std::string{name} + " is given twice");
    const auto w = core::parse_decimal(item.substr(eq + 1));
    if (!w || *w > 1'000'000) return bad("--mix", "--mix: weights must be integers between 0 and 1000000");
    seen[i] = true;
    m.weight[i] = static_cast<unsigned>(*w);
  }
  if (m.total() == 0) return bad("--mix", "--mix: at least one weight must be positive");
  return m;
}

bool is_loopback_name(std::string_view host) {
  std::string lower{host};
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (lower == "localhost" || lower == "localhost.") return true;
  boost::system::error_code ec;
  const auto addr = boost::asio::ip::make_address(lower, ec);
  return !ec && addr.is_loopback();
}

core::result<target> parse_url(std::string_view url) {
  constexpr std::string_view scheme = "http://";
  if (url.substr(0, scheme.size()) != scheme) return bad("--url", "--url must start with http:// (e.g. http://127.0.0.1:8080)");
  std::string_view rest = url.substr(scheme.size());
  const auto slash = rest.find('/');
  if (slash != std::string_view::npos && rest.substr(slash) != "/")
    return bad("--url", "--url must not have a path: give only http://HOST:PORT");
  const std::string_view authority = rest.substr(0, slash);
  if (authority.find('@') != std::string_view::npos) return bad("--url", "--url must not contain user information");
  target t;
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return bad("--url", "--url: unterminated [IPv6] address");
    t.host = authority.substr(1, close - 1);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty() && after.front() != ':') return bad("--url", "--url: expected :PORT after the IPv6 address");
    port_text = after.empty() ? "80" : after.substr(1);
  } else {
    const auto colon = authority.rfind(':');
    t.host = authority.substr(0, colon);
    port_text = colon == std::string_view::npos ? std::string_view{"80"} : authority.substr(colon + 1);
  }
  const auto port = core::parse_decimal(port_text);
  if (t.host.empty()) return bad("--url", "--url has no host");
  if (!port || *port == 0 || *port > 65535) return bad("--url", "--url: the port must be between 1 and 65535");
  if (!is_loopback_name(t.host))
    return bad("--url", "--url: refusing to send load to '" + t.host +
                            "': mixtape-bench only targets loopback (127.0.0.0/8, ::1, localhost)");
  t.port = static_cast<std::uint16_t>(*port);
  const bool v6 = t.host.find(':') != std::string::npos;
  t.host_header = (v6 ? "[" + t.host + "]" : t.host) + ":" + std::to_string(t.port);
  return t;
}

bool options::uses(operation o) const {
  if (what == scenario::mixed) return mix.of(o) > 0;
  return static_cast<std::size_t>(what) == static_cast<std::size_t>(o);  // same order, static_asserted below
}

bool options::needs_collections() const {
  for (std::size_t i = 0; i < operation_count; ++i)
    if (static_cast<operation>(i) != operation::create && uses(static_cast<operation>(i))) return true;
  return false;
}

static_assert(static_cast<std::size_t>(scenario::resolve) == static_cast<std::size_t>(operation::resolve) &&
              static_cast<std::size_t>(scenario::mixed) == operation_count);

core::result<options> parse_args(const std::vector<std::string>& args, const env_lookup& env) {
  // Only the key also comes from the environment (MIXTAPE_KEY).
  static constexpr core::flag_def defs[] = {
      {"--url", true, false},      {"--key"},                    {"--org", true, false},
      {"--scenario", true, false}, {"--mix", true, false},       {"--connections", true, false},
      {"--threads", true, false},  {"--prepare", true, false},   {"--duration", true, false},
      {"--warmup", true, false},   {"--timeout", true, false},   {"--rate", true, false},
      {"--tracks", true, false},   {"--page-offset", true, false}, {"--json", false, false},
      {"--source-addresses", true, false}};
  options o;
  bool scenario_given = false, mix_given = false;
  const auto set = [&](const core::flag_def& d, const std::string& v) -> core::status {
    const std::string flag{d.name};
    scenario_given |= flag == "--scenario";
    mix_given |= flag == "--mix";
    if (flag != "--json") return apply(o, flag, v);
    const auto b = core::parse_bool(v);
    if (!b) return bad(flag, "--json takes no value");
    o.json = *b;
    return core::success();
  };
  auto end = core::walk_flags(args, defs, env, set, false);
  if (!end) return std::move(end).error();
  if (end.value() == core::walk_end::help) {
    o.help = true;
    return o;
  }
  if (mix_given && !scenario_given) o.what = scenario::mixed;
  if (mix_given && o.what != scenario::mixed) return bad("--mix", "--mix only applies to --scenario mixed");
  if (auto st = check(o); !st) return std::move(st).error();
  return o;
}

}  // namespace mixtape::bench
