#include "config/config.hpp"

namespace mixtape::config {

std::string usage() {
  return R"(mixtaped - self-hosted music collections server

Usage:
  mixtaped [options]            run the server
  mixtaped keys add --principal P --org O [--org O2 ...] [--capability C ...] [--keys FILE]
                                add an API key to the keys file and print it once
  mixtaped --help | --version

Options (each also read from the environment variable shown; flags win):
  --listen HOST:PORT        MIXTAPE_LISTEN            address to listen on [127.0.0.1:8080];
                                                      port 0 picks a free port (logged)
  --data-dir DIR            MIXTAPE_DATA_DIR          journal, snapshots, keys [./data]
  --keys FILE               MIXTAPE_KEYS              keys file [<data-dir>/keys.json];
                                                      created with one key if missing
  --threads N               MIXTAPE_THREADS           I/O threads [number of cores]
  --fsync MODE              MIXTAPE_FSYNC             always | batch | never [always]
  --fsync-interval-ms N     MIXTAPE_FSYNC_INTERVAL_MS sync period in batch mode [10]
  --group-commit-wait-us N  MIXTAPE_GROUP_COMMIT_WAIT_US
                                                      always mode: how long a sync may wait for
                                                      writes on their way, at most the last
                                                      sync's duration; 0: never [1000]
  --compact-bytes N         MIXTAPE_COMPACT_BYTES     journal size that triggers a snapshot [67108864]
  --public-url URL          MIXTAPE_PUBLIC_URL        base of share links [http://<listen address>]
  --max-body-bytes N        MIXTAPE_MAX_BODY_BYTES    request body limit, else 413 [65536]
  --max-header-bytes N      MIXTAPE_MAX_HEADER_BYTES  request header limit, else 413 [16384]
  --max-tracks N            MIXTAPE_MAX_TRACKS        tracks per collection, else 409 [10000]
  --repair                  MIXTAPE_REPAIR=1          cut a damaged journal at the damage (keeps a copy)
  --log-format FORMAT       MIXTAPE_LOG_FORMAT        text | json [text]
  --access-log on|off       MIXTAPE_ACCESS_LOG        one log line per request [on]
  --header-timeout SECONDS  MIXTAPE_HEADER_TIMEOUT    time to receive request headers [10]
  --body-timeout SECONDS    MIXTAPE_BODY_TIMEOUT      time to receive a request body [30]
  --idle-timeout SECONDS    MIXTAPE_IDLE_TIMEOUT      keep-alive idle time [60]
  --drain-timeout SECONDS   MIXTAPE_DRAIN_TIMEOUT     SIGTERM: time allowed for in-flight requests [10]

Signals: SIGTERM/SIGINT drain and exit 0; SIGHUP reloads the keys file.
)";
}

}  // namespace mixtape::config
