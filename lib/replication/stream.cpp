#include "replication/stream.hpp"

#include "replication/wire.hpp"

namespace mixtape::replication {
namespace {
constexpr std::size_t message_bytes = 256u << 10;
constexpr std::chrono::seconds heartbeat_every{1};
}  // namespace

core::result<std::shared_ptr<standby_stream>> standby_stream::open(
    const std::string& dir, std::uint64_t after, std::uint64_t held, standbys& registry, std::string name,
    std::vector<std::pair<std::string, std::string>> headers) {
  auto feed = record_feed::open(dir, after);
  if (!feed) return std::move(feed).error();
  const std::uint64_t id = registry.join(std::move(name), held);
  return std::shared_ptr<standby_stream>{new standby_stream(std::move(feed).value(), registry, id, std::move(headers))};
}

standby_stream::~standby_stream() { registry_.leave(id_); }

core::result<bool> standby_stream::next(std::string& out) {
  const std::uint64_t upto = registry_.written_seq();
  const auto now = std::chrono::steady_clock::now();
  if (sent_ < upto) {
    out.push_back(wire::records);
    // From the batches the registry keeps while the stream keeps up, else from the files.
    const std::uint64_t kept = registry_.copy_kept(sent_, out, message_bytes);
    if (kept > sent_) {
      sent_ = kept;
    } else {
      if (feed_.last_seq() != sent_) feed_.seek(sent_);
      auto n = feed_.next(out, upto, message_bytes);
      if (!n) return std::move(n).error();
      sent_ = feed_.last_seq();
    }
    last_sent_ = now;
    return true;
  }
  if (now - last_sent_ < heartbeat_every) return false;
  out.push_back(wire::heartbeat);
  wire::put_u64(out, upto);
  wire::put_u64(out, static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::system_clock::now().time_since_epoch()).count()));
  last_sent_ = now;
  return true;
}

// At most one registration at a time: an idle stream is asked every second.
void standby_stream::when_ready(std::function<void()> ready) {
  if (armed_.exchange(true)) return;
  registry_.when_written_past(sent_, [self = weak_from_this(), ready = std::move(ready)] {
    if (auto s = self.lock()) {
      s->armed_.store(false);
      ready();
    }
  });
}

core::status standby_stream::received(std::string_view message) {
  const auto seq = wire::get_u64(message, 1);
  if (message.size() != 9 || message[0] != wire::ack || !seq)
    return core::problem{core::errc::validation_failed, "", "replication stream: not an acknowledgement"};
  registry_.acknowledged(id_, *seq);
  return core::success();
}

}  // namespace mixtape::replication
