// mixtape-bench: argv/env -> options -> connect, prepare (collections, tracks, share links),
// warmup + measured run -> report.
// Exit codes: 0 after a run, 1 when the server cannot be reached or preparing fails,
// 2 on bad arguments.
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "options.hpp"
#include "report.hpp"
#include "runner.hpp"

namespace bench = mixtape::bench;

namespace {

int run(const bench::options& o) {
  bench::runner r{o};
  if (auto st = r.connect(); !st) {
    std::cerr << "mixtape-bench: " << st.error().message << '\n';
    return 1;
  }
  if (auto st = r.prepare(); !st) {
    std::cerr << "mixtape-bench: " << st.error().message << '\n';
    return 1;
  }
  if (r.prepared() > 0)
    std::cerr << "mixtape-bench: prepared " << r.prepared() << " collections in " << r.prepare_seconds() << " s\n";
  if (r.prepared_tracks() > 0)
    std::cerr << "mixtape-bench: prepared " << r.prepared_tracks() << " tracks (" << o.tracks << " per collection) in "
              << r.tracks_seconds() << " s\n";
  if (r.prepared_shares() > 0)
    std::cerr << "mixtape-bench: prepared " << r.prepared_shares() << " public share links in " << r.shares_seconds()
              << " s\n";
  std::cerr << "mixtape-bench: warming up for " << o.warmup_s << " s, then measuring for " << o.duration_s << " s\n";
  bench::report rep{o, r.prepared(), r.prepare_seconds(), r.run(), 0};
  rep.elapsed_s = r.elapsed_seconds();
  rep.prepared_tracks = r.prepared_tracks();
  rep.prepare_tracks_s = r.tracks_seconds();
  rep.prepared_shares = r.prepared_shares();
  rep.prepare_shares_s = r.shares_seconds();
  if (o.json)
    std::cout << bench::format_json(rep) << std::endl;
  else
    std::cout << bench::format_table(rep) << std::flush;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  auto parsed = bench::parse_args(args, bench::process_environment());
  if (!parsed) {
    std::cerr << "mixtape-bench: " << parsed.error().message << '\n';
    return 2;
  }
  if (parsed->help) {
    std::cout << bench::usage();
    return 0;
  }
  try {
    return run(parsed.value());
  } catch (const std::exception& e) {
    std::cerr << "mixtape-bench: fatal: " << e.what() << '\n';
    return 1;
  }
}
