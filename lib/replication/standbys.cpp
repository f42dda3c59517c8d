#include "replication/standbys.hpp"

#include <algorithm>

#include "journal/format.hpp"

namespace mixtape::replication {
namespace {
constexpr std::size_t max_write_times = 1u << 16;
constexpr std::size_t kept_limit = 8u << 20;
using clock = std::chrono::steady_clock;
}  // namespace

standbys::standbys(unsigned sync_replicas, std::chrono::milliseconds sync_timeout, std::uint64_t written_seq)
    : sync_replicas_(sync_replicas), sync_timeout_(sync_timeout), written_(written_seq) {}

void standbys::set_active(bool active) {
  core::mutex_lock lock{mutex_};
  active_ = active;
  changed_.notify_all();
}

std::uint64_t standbys::join(std::string name, std::uint64_t held_seq) {
  core::mutex_lock lock{mutex_};
  const std::uint64_t id = next_id_++;
  // Holding more than was written here, it holds records this primary never wrote (another
  // history: the handshake tells it it diverged, and it leaves). Joined before it decides, it
  // must confirm nothing meanwhile, nor count as in sync.
  const bool ahead = held_seq > written_;
  entries_.push_back({id, std::move(name), ahead ? 0 : held_seq, !ahead && held_seq >= written_});
  changed_.notify_all();
  return id;
}

void standbys::leave(std::uint64_t id) {
  core::mutex_lock lock{mutex_};
  std::erase_if(entries_, [id](const entry& e) { return e.id == id; });
  trim_write_times();
}

void standbys::acknowledged(std::uint64_t id, std::uint64_t seq) {
  core::mutex_lock lock{mutex_};
  for (auto& e : entries_)
    if (e.id == id) {
      e.acked = std::max(e.acked, seq);
      if (e.acked >= written_) e.in_sync = true;  // caught up: it counts for new writes again
    }
  trim_write_times();
  changed_.notify_all();
}

void standbys::written(std::uint64_t seq) {
  appended(seq, seq, {});
  core::mutex_lock lock{mutex_};
  confirmed_ = std::max(confirmed_, seq);  // written before: it may have been acknowledged
}

void standbys::appended(std::uint64_t first, std::uint64_t seq, std::string_view framed) {
  std::vector<std::function<void()>> ready;
  {
    core::mutex_lock lock{mutex_};
    written_ = seq;
    if (entries_.empty() || framed.empty()) {
      kept_.clear();
      kept_bytes_ = 0;
    } else {
      if (!kept_.empty() && kept_.back().last + 1 != first) {
        kept_.clear();
        kept_bytes_ = 0;
      }
      kept_.push_back({first, seq, std::make_shared<const std::string>(framed)});
      kept_bytes_ += framed.size();
      while (kept_bytes_ > kept_limit && kept_.size() > 1) {
        kept_bytes_ -= kept_.front().framed->size();
        kept_.pop_front();
      }
    }
    if (!entries_.empty()) {
      write_times_.emplace_back(seq, clock::now());
      if (write_times_.size() > max_write_times) write_times_.pop_front();
    }
    for (auto it = waiting_.begin(); it != waiting_.end();) {
      if (it->first < seq) {
        ready.push_back(std::move(it->second));
        it = waiting_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& f : ready) f();
}

std::uint64_t standbys::copy_kept(std::uint64_t after, std::string& out, std::size_t max_bytes) const {
  std::vector<kept_batch> batches;
  {
    core::mutex_lock lock{mutex_};
    for (const auto& b : kept_)
      if (b.last > after) batches.push_back(b);
  }
  if (batches.empty() || batches.front().first > after + 1) return after;
  const std::size_t start = out.size();
  std::uint64_t last = after;
  for (const auto& b : batches) {
    if (out.size() - start >= max_bytes) break;
    std::string_view bytes{*b.framed};
    while (b.first <= last && !bytes.empty()) {  // the stream stands inside this batch: skip what it has
      journal::framed_record f;
      if (journal::read_frame(bytes, f) != journal::frame_status::ok) return last;
      if (f.seq > last) break;
      bytes.remove_prefix(f.size);
    }
    out.append(bytes);
    last = b.last;
  }
  return last;
}

std::uint64_t standbys::written_seq() const {
  core::mutex_lock lock{mutex_};
  return written_;
}

void standbys::when_written_past(std::uint64_t after, std::function<void()> ready) {
  {
    core::mutex_lock lock{mutex_};
    if (written_ <= after) {
      waiting_.emplace_back(after, std::move(ready));
      return;
    }
  }
  ready();
}

bool standbys::accepting() const {
  core::mutex_lock lock{mutex_};
  if (!active_ || sync_replicas_ == 0) return true;
  if (!strict_) return in_sync_locked() >= sync_replicas_;
  if (sync_set_.size() < sync_replicas_) return false;
  for (const auto& name : sync_set_) {  // a loop, not a lambda: the lock analysis follows it
    bool in_sync = false;
    held_by(name, &in_sync);
    if (!in_sync) return false;
  }
  return true;
}

void standbys::require_sync_set() {
  core::mutex_lock lock{mutex_};
  strict_ = true;
}

bool standbys::add_to_sync_set(const std::string& name) {
  core::mutex_lock lock{mutex_};
  bool in_sync = false;
  if (std::find(sync_set_.begin(), sync_set_.end(), name) != sync_set_.end()) return true;
  if (held_by(name, &in_sync) < confirmed_ || !in_sync) return false;
  sync_set_.push_back(name);
  changed_.notify_all();  // a wait may be confirmed now
  return true;
}

void standbys::remove_from_sync_set(const std::string& name) {
  core::mutex_lock lock{mutex_};
  std::erase(sync_set_, name);
  changed_.notify_all();
}

std::vector<std::string> standbys::sync_set() const {
  core::mutex_lock lock{mutex_};
  return sync_set_;
}

std::uint64_t standbys::confirmed_seq() const {
  core::mutex_lock lock{mutex_};
  return confirmed_;
}

// The most any stream of `name` holds durably (a standby may briefly have two streams: the
// one it left and the one it opened).
std::uint64_t standbys::held_by(const std::string& name, bool* in_sync) const {
  std::uint64_t held = 0;
  for (const auto& e : entries_)
    if (e.name == name) {
      held = std::max(held, e.acked);
      if (in_sync && e.in_sync) *in_sync = true;
    }
  return held;
}

bool standbys::confirmed(std::uint64_t seq) const {
  if (!strict_) return confirmed_by(seq) >= sync_replicas_;
  if (sync_set_.size() < sync_replicas_) return false;
  for (const auto& name : sync_set_)
    if (held_by(name) < seq) return false;
  return true;
}

unsigned standbys::in_sync() const {
  core::mutex_lock lock{mutex_};
  return in_sync_locked();
}

unsigned standbys::in_sync_locked() const {
  return static_cast<unsigned>(std::count_if(entries_.begin(), entries_.end(), [](const entry& e) { return e.in_sync; }));
}

unsigned standbys::confirmed_by(std::uint64_t seq) const {
  return static_cast<unsigned>(std::count_if(entries_.begin(), entries_.end(), [seq](const entry& e) { return e.acked >= seq; }));
}

std::vector<standby_info> standbys::list() const {
  core::mutex_lock lock{mutex_};
  const auto now = clock::now();
  std::vector<standby_info> out;
  for (const auto& e : entries_) {
    standby_info i{e.id, e.name, e.acked, e.in_sync, 0};
    if (e.acked < written_) {
      // The first batch it lacks: the oldest write time recorded past its ack.
      const auto it = std::find_if(write_times_.begin(), write_times_.end(), [&](const auto& w) { return w.first > e.acked; });
      if (it != write_times_.end())
        i.lag_ms = std::chrono::duration_cast<std::chrono::milliseconds>(now - it->second).count();
    }
    out.push_back(std::move(i));
  }
  return out;
}

void standbys::trim_write_times() {
  std::uint64_t least = written_;
  for (const auto& e : entries_) least = std::min(least, e.acked);
  while (!write_times_.empty() && write_times_.front().first <= least) write_times_.pop_front();
}

// Waits for sync_replicas_ acknowledgements of `seq`. Past the timeout, every standby that has
// not confirmed is out of sync (new writes are refused until enough catch up again), the
// batch's clients are told the outcome is unknown, and the wait goes on: the records are
// journaled here and complete once confirmed (or at the next start, after a stop).
bool standbys::wait(std::uint64_t seq, const std::function<void()>& late) {
  core::mutex_lock lock{mutex_};
  const auto deadline = clock::now() + sync_timeout_;
  bool told = false;
  while (!stopped_ && active_ && sync_replicas_ > 0 && !confirmed(seq)) {
    if (told) {
      changed_.wait(mutex_);
      continue;
    }
    if (changed_.wait_until(mutex_, deadline) != std::cv_status::timeout) continue;
    if (confirmed(seq)) break;
    for (auto& e : entries_)
      if (e.acked < seq) e.in_sync = false;
    told = true;
    lock.unlock();
    late();
    lock.lock();
  }
  if (!stopped_) confirmed_ = std::max(confirmed_, seq);
  return !stopped_;
}

void standbys::stop() {
  core::mutex_lock lock{mutex_};
  stopped_ = true;
  changed_.notify_all();
}

}  // namespace mixtape::replication
