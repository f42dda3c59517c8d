#include "options.hpp"

namespace mixtape::bench {

std::string usage() {
  return R"(mixtape-bench: load generator for a mixtaped server on this machine

usage: mixtape-bench [options]

Target (loopback only: 127.0.0.0/8, ::1 or localhost; anything else is refused)
  --url URL             server base URL, http://HOST:PORT          [http://127.0.0.1:8080]
  --key KEY             API key (X-API-Key); default: $MIXTAPE_KEY (required)
  --org ORG             organization in the request paths           [org_local]

Workload
  --scenario NAME       get | create | update | list | add-track | remove-track | tracks |
                        reorder | resolve | mixed                    [get]
                        (... is /v1/music/ORG/collections; ID: a prepared collection)
                          get           GET    .../ID
                          create        POST   ...  (~20-char name, ~40-char description)
                          update        PATCH  .../ID  (new name and description)
                          list          GET    ...?limit=50
                          add-track     POST   .../ID/tracks  {"track_id": a new id each time};
                                        near the server's --max-tracks collections fill up (409)
                          remove-track  DELETE .../ID/tracks/TRACK, a prepared track still there;
                                        once all are gone, 200s that remove nothing
                          tracks        GET    .../ID/tracks?limit=200&offset=O
                                        (O: a random page start below --tracks, or --page-offset)
                          reorder       PATCH  .../ID/order  with all --tracks prepared ids of ID,
                                        rotated by a random amount
                          resolve       GET    /v1/music/shared/TOKEN, a public link of a
                                        prepared collection, without the key
                          mixed         each request picks one of the above by --mix weights
  --mix RATIOS          weights for mixed by operation name, e.g. get=80,create=10,update=10,
                        or tracks=50,add-track=25,remove-track=25
                        (omitted names weigh 0; --mix alone implies --scenario mixed)
                                                                     [get=80,create=10,update=10]
  --prepare N           collections created before the warmup (every operation but create picks
                        among them; list pages through them; skipped for create alone);
                        the time this takes is reported                [1000]
  --tracks N            then fill each prepared collection with N tracks (0-100000), in batch
                        adds of 100; ids "mtrack_" + 22 random-looking letters and digits, none
                        repeated within or across collections. The server's --max-tracks must be at least N (plus
                        what add-track adds). remove-track and reorder need N >= 1   [0]
  --page-offset O       tracks: always request the page at offset O (e.g. the last page)
                        instead of a random page start

Load shape
  --connections N       keep-alive connections                       [64]
  --threads N           client threads, each with its own io_context [1]
  --duration S          measured seconds (decimals allowed)          [10]
  --warmup S            seconds of load before measuring (not counted) [2]
  --rate R              open loop: R requests/s in total, sent at fixed intended times spread
                        over the connections; latency counts from the intended time, so time
                        spent waiting for a busy connection is included (no coordinated
                        omission). Without --rate: closed loop, each connection sends its
                        next request as soon as the previous response arrives (max throughput).
  --timeout S           limit for each connect and each request      [10]
                        (open loop: requests still unsent this long after the end are
                        reported as unsent)
  --source-addresses N  bind connection i to 127.0.0.1 + (i mod N) before connecting, so
                        per-client-IP limits see N clients (IPv4 loopback only)   [off]

Output
  --json                print exactly one JSON object on stdout (progress goes to stderr):
                        scenario, connections, threads, duration_s, warmup_s, rate (null when
                        closed loop), requests, throughput_rps, elapsed_s,
                        errors {"<status>": n, ..., "transport": n} (429 aside),
                        rate_limited (429s), unsent,
                        latency_us {p50, p90, p99, p999, max, mean}, prepared, prepare_s,
                        tracks, prepared_tracks, prepare_tracks_s, prepared_shares,
                        prepare_shares_s (and mix, the non-zero weights, for mixed)
  --help, -h            this text

Numbers: requests = responses received for requests whose (intended) send time fell in the
measured window; throughput = requests / elapsed (start of the window to the last of those
responses); errors = responses with a non-2xx status, by status, and transport errors
(connect, write, read or timeout failures); latency in microseconds over all responses,
from an HDR-style histogram (<0.5% relative error).

Rate limits: 429 responses are counted apart ("rate-limited", and "rate_limited" in --json), not
as errors. resolve against the server's per-IP share-link limit (on by default): with one source
address every connection shares one bucket; --source-addresses N spreads the connections over N
(each its own bucket), e.g. to measure the limiter's cost with buckets that never run dry.

Exit status: 0 after a run (errors are in the report), 1 when the server cannot be reached
or preparing data fails, 2 on bad arguments.
)";
}

}  // namespace mixtape::bench
