#pragma once
// The systemd notify protocol (sd_notify(3)) without libsystemd: one datagram to the
// AF_UNIX socket named by $NOTIFY_SOCKET (a leading '@' means the abstract namespace).
#include <string_view>

namespace mixtape::core {

// Sends `state` (e.g. "READY=1") when $NOTIFY_SOCKET is set. Returns false when unset
// or the send failed; never throws. Safe to call from any thread.
bool sd_notify(std::string_view state) noexcept;

}  // namespace mixtape::core
