#pragma once
// What the admin routes (/admin/v1/..., docs/operations.md "Administration") need from
// outside the API layer: app/serve.cpp wires them to the data directory. An empty function
// means the operation is not available on this server (503).
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/byte_source.hpp"
#include "core/duplex.hpp"
#include "core/result.hpp"
#include "service/organizations.hpp"

namespace mixtape::api {

// A consistent copy of the whole state as of `seq` (the backup format of
// docs/journal-format.md §8), produced piece by piece.
struct backup_stream {
  std::uint64_t seq = 0;
  std::shared_ptr<core::byte_source> body;
};

// This node's place in replication (docs/replication.md), as /primary, /replica and
// promotion answer it.
struct node_role {
  bool primary = true;       // accepts writes (when false: a standby)
  bool admitted = true;      // a primary: enough standbys in sync for --sync-replicas
  std::uint64_t epoch = 0;
  std::uint64_t seq = 0;     // the last record applied here
  std::int64_t lag_ms = 0;   // a standby's lag; 0 on a primary
  std::string primary_url;   // a standby's primary (details.primary of NOT_PRIMARY)
};

// {"role","epoch","seq","lag_ms"}: the body of /primary, /replica and a promotion.
std::string role_json(const node_role& r);

// A standby's request for the replication stream (its handshake fields).
struct stream_request {
  std::uint64_t after = 0;
  std::string_view history;
  std::string_view database;
  std::string_view node;
};

struct replication_hooks {
  // Empty: a server on its own, always the primary.
  std::function<node_role()> role;
  std::function<bool()> accepts_writes;  // role().primary, cheaply (asked on every write)
  // Errors: not_found (the standby must bootstrap: 409 with details.reason "bootstrap"),
  // conflict (another database), validation.
  std::function<core::result<std::shared_ptr<core::duplex>>(const stream_request&)> stream;
  // Makes this standby the primary (a new epoch); on a primary, answers its role as it is.
  std::function<core::result<node_role>()> promote;
  // Calls done(true) once the record `seq` is applied here, done(false) after --read-wait-ms.
  std::function<void(std::uint64_t seq, std::function<void(bool)> done)> wait_for_seq;
  std::int64_t max_replica_lag_ms = 5000;
  std::string node_id;  // this process's X-Mixtape-Node: a standby pointed at itself is told so
};

struct admin_hooks {
  std::function<core::result<backup_stream>()> backup;
  // An organization's export (docs/operations.md, "Moving an organization"): JSON lines as
  // of `seq`, in a backup_stream too, handed to `done` — later, from a thread of its own: it
  // waits for a snapshot, which an I/O thread must not.
  using export_done = std::function<void(core::result<backup_stream>)>;
  std::function<void(const std::string& org, export_done done)> export_org;
  // Freeze, unfreeze, delete, import. Null: not available (503).
  service::organizations* organizations = nullptr;
  replication_hooks replication;
};

}  // namespace mixtape::api
