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
  --scenario NAME       get | create | update | list | mixed         [get]
                          get     GET   /v1/music/ORG/collections/ID   (ID: a prepared collection)
                          create  POST  /v1/music/ORG/collections      (~20-char name, ~40-char description)
                          update  PATCH /v1/music/ORG/collections/ID   (new name and description)
                          list    GET   /v1/music/ORG/collections?limit=50
                          mixed   each request picks one of the above by --mix weights
  --mix RATIOS          weights for mixed, e.g. get=80,create=10,update=10,list=0
                        (omitted names weigh 0; --mix alone implies --scenario mixed)
                                                                     [get=80,create=10,update=10,list=0]
  --prepare N           collections created before the warmup (get and update pick among
                        them, list pages through them; skipped for create alone);
                        the time this takes is reported                [1000]

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

Output
  --json                print exactly one JSON object on stdout (progress goes to stderr):
                        scenario, connections, threads, duration_s, warmup_s, rate (null when
                        closed loop), requests, throughput_rps, elapsed_s,
                        errors {"<status>": n, ..., "transport": n}, unsent,
                        latency_us {p50, p90, p99, p999, max, mean}, prepared, prepare_s
  --help, -h            this text

Numbers: requests = responses received for requests whose (intended) send time fell in the
measured window; throughput = requests / elapsed (start of the window to the last of those
responses); errors = responses with a non-2xx status, by status, and transport errors
(connect, write, read or timeout failures); latency in microseconds over all responses,
from an HDR-style histogram (<0.5% relative error).

Exit status: 0 after a run (errors are in the report), 1 when the server cannot be reached
or preparing data fails, 2 on bad arguments.
)";
}

}  // namespace mixtape::bench
