#pragma once
// The server's own secret (docs/operations.md, "Backup"; docs/openapi.yaml, Idempotency-Key):
// 32 random bytes in `<data-dir>/secret.key`, created at the first start (mode 0600, written
// to a temp file, fsynced, renamed without replacing, directory fsynced) and read at every
// later one. It keys the HMAC that makes a share created with an Idempotency-Key take the same
// token when replayed; it is backed up with the rest of the data directory, and losing it only
// means such replays get new tokens.
#include <array>
#include <string>

#include "core/result.hpp"

namespace mixtape::core {

using secret = std::array<unsigned char, 32>;

inline constexpr const char* secret_file_name = "secret.key";

// Reads the secret at `path`, or creates it when there is none. Errors: io_error (naming
// the file), corrupt_data when the file holds anything but 32 bytes.
result<secret> load_or_create_secret(const std::string& path);

}  // namespace mixtape::core
