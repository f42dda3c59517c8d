#include "replication/standby.hpp"

#include <charconv>

#include "core/log.hpp"
#include "replication/wire.hpp"

namespace mixtape::replication {

std::int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

void standby_status::known(std::uint64_t seq) {
  if (seq > primary_seq.load()) primary_seq.store(seq);
  core::mutex_lock lock{mutex_};
  if (!known_.empty() && known_.back().first >= seq) return;
  constexpr std::size_t bound = 4096;  // past it the newest entry grows: the lag reads high, never low
  if (known_.size() >= bound) known_.back().first = seq;
  else known_.emplace_back(seq, steady_ms());
}

std::int64_t standby_status::lag_ms(std::uint64_t applied) const {
  const std::int64_t now = steady_ms();
  std::int64_t lag = 0;
  {
    core::mutex_lock lock{mutex_};
    while (!known_.empty() && known_.front().first <= applied) known_.pop_front();
    if (!known_.empty()) lag = now - known_.front().second;
  }
  constexpr std::int64_t heartbeat_allowance_ms = 1500;
  const std::int64_t heard = last_heard_ms.load();
  if (heard == 0 || !connected.load()) return std::max(lag, heard == 0 ? now : now - heard);
  return std::max(lag, now - heard - heartbeat_allowance_ms);
}

standby_link::standby_link(std::string dir, journal::timeline history, std::string database_id, std::string node_id,
                           journal::writer& writer, store::collection_store& store, standby_status& status)
    : dir_(std::move(dir)),
      history_(std::move(history)),
      database_id_(std::move(database_id)),
      node_id_(std::move(node_id)),
      writer_(writer),
      store_(store),
      status_(status),
      follower_(writer.written_seq()),
      log_(writer, store) {
  status_.epoch.store(history_.current_epoch());
}

std::string standby_link::target(const std::string& base_path) const {
  return base_path + "/admin/v1/replication?after=" + std::to_string(follower_.last_seq());
}

standby_link::fields standby_link::handshake_fields() const {
  return {{"X-Mixtape-History", history_.encode()}, {"X-Mixtape-Database", database_id_}, {"X-Mixtape-Node", node_id_}};
}

stop_reason standby_link::accepted(const std::function<std::string(std::string_view)>& field) {
  if (field("X-Mixtape-Node") == node_id_) return stop_reason::itself;
  if (field("X-Mixtape-Database") != database_id_) return stop_reason::not_this_data;
  auto theirs = journal::timeline::decode(field("X-Mixtape-History"));
  if (!theirs) return stop_reason::not_this_data;
  std::uint64_t seq = 0;
  const std::string s = field("X-Mixtape-Seq");
  std::from_chars(s.data(), s.data() + s.size(), seq);
  // A primary behind this node holds another history past its end, whatever the epochs say.
  fork_seq_ = std::min(history_.known() ? journal::fork_seq(history_, theirs.value()) : UINT64_MAX, seq + 1);
  if (fork_seq_ <= follower_.last_seq()) return stop_reason::diverged;
  if (theirs->entries() != history_.entries() || !history_.known()) {  // a new epoch there: this node's records all precede it
    history_ = std::move(theirs).value();
    if (auto st = history_.save(dir_); !st) {
      core::log::error("cannot record the primary's epochs; not following", {{"reason", st.error().message}});
      return stop_reason::broken;
    }
  }
  status_.epoch.store(history_.current_epoch());
  status_.known(seq);
  status_.last_heard_ms.store(steady_ms());
  return log_.healthy() ? stop_reason::none : stop_reason::broken;
}

core::status standby_link::message(std::string_view bytes) {
  if (!log_.healthy()) return core::problem{core::errc::unavailable, "", "the journal here failed"};
  status_.last_heard_ms.store(steady_ms());
  if (!bytes.empty() && bytes[0] == wire::heartbeat) {
    const auto seq = wire::get_u64(bytes, 1);
    if (bytes.size() != 17 || !seq) return core::problem{core::errc::corrupt_data, "", "replication stream: a bad heartbeat"};
    status_.known(*seq);
    return core::success();
  }
  if (bytes.empty() || bytes[0] != wire::records)
    return core::problem{core::errc::corrupt_data, "", "replication stream: an unknown message"};
  auto records = follower_.receive(bytes.substr(1));
  if (!records) return std::move(records).error();
  status_.known(follower_.last_seq());
  for (auto& r : records.value()) log_.append(std::move(r));
  return core::success();
}

std::optional<std::string> standby_link::ack() {
  const std::uint64_t durable = writer_.written_seq();
  if (durable <= acked_) return std::nullopt;
  acked_ = durable;
  std::string out(1, wire::ack);
  wire::put_u64(out, durable);
  return out;
}

}  // namespace mixtape::replication
