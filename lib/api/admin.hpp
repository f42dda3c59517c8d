#pragma once
// What the admin routes (/admin/v1/..., docs/operations.md "Administration") need from
// outside the API layer: app/serve.cpp wires them to the data directory. An empty function
// means the operation is not available on this server (503).
#include <cstdint>
#include <functional>
#include <memory>

#include "core/byte_source.hpp"
#include "core/result.hpp"
#include "service/organizations.hpp"

namespace mixtape::api {

// A consistent copy of the whole state as of `seq` (the backup format of
// docs/journal-format.md §8), produced piece by piece.
struct backup_stream {
  std::uint64_t seq = 0;
  std::shared_ptr<core::byte_source> body;
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
};

}  // namespace mixtape::api
