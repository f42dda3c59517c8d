#include "journal/writer.hpp"

#include <algorithm>
#include <utility>

#include "core/error.hpp"
#include "core/log.hpp"
#include "core/thread_name.hpp"
#include "journal/format.hpp"

namespace mixtape::journal {
namespace {
constexpr std::size_t max_payload = max_record_length - (record_fixed_size - record_prefix_size);
}  // namespace

writer::writer(std::unique_ptr<file> f, std::uint64_t next_seq, writer_options options)
    : file_(std::move(f)),
      options_(options),
      next_seq_(next_seq),
      gather_max_(options.gather_max),
      last_written_seq_(next_seq - 1),
      written_seq_(next_seq - 1),
      last_sync_(std::chrono::steady_clock::now()) {
  stats_.file_bytes = file_->size();
  thread_ = std::thread([this] { run(); });
}

writer::~writer() { close(); }

void writer::submit(std::uint8_t type, std::string payload, completion done, unconfirmed_fn late) {
  if (payload.size() > max_payload) {
    done(core::errc::internal, 0);
    return;
  }
  core::mutex_lock lock{mutex_};
  if (closing_) {
    lock.unlock();
    done(core::errc::unavailable, 0);  // on the caller's thread; see `completion`
    return;
  }
  queue_.push_back(pending{next_seq_++, type, std::move(payload), std::move(done), std::move(late)});
  const bool wake = queue_.size() >= wake_at_;
  lock.unlock();
  if (wake) wake_.notify_one();
}

void writer::close() {
  {
    core::mutex_lock lock{mutex_};
    closing_ = true;
  }
  if (options_.confirm) options_.confirm->stop();
  wake_.notify_one();
  std::call_once(join_once_, [this] { thread_.join(); });
}

bool writer::request_rotation(rotation r) {
  core::mutex_lock lock{mutex_};
  if (closing_ || rotation_ || !healthy_) return false;
  rotation_ = std::make_unique<rotation>(std::move(r));
  lock.unlock();
  wake_.notify_one();
  return true;
}

bool writer::healthy() const noexcept { return healthy_.load(); }

void writer::set_gather_max(std::chrono::microseconds gather_max) {
  core::mutex_lock lock{mutex_};
  gather_max_ = gather_max;
}

writer_stats writer::stats() const {
  core::mutex_lock lock{mutex_};
  return stats_;
}

// The writer thread. Invariants: records leave queue_ in submit order, and each batch
// is finished (written, maybe synced, completed) before the next one is taken, so the
// file order and the completion order are both the sequence order. The mutex is never
// held during I/O or a completion.
void writer::run() {
  core::name_this_thread("mixtape-journal");
  core::mutex_lock lock{mutex_};
  while (wait_for_work()) {
    if (rotation_ && !closing_) {  // between batches: everything written has completed
      auto r = std::move(rotation_);
      lock.unlock();
      rotate(std::move(*r));
      lock.lock();
      continue;
    }
    if (queue_.empty()) {  // only the batch-policy timer wakes us with nothing queued
      lock.unlock();
      sync_if_due();
      lock.lock();
      continue;
    }
    gather();
    std::deque<pending> batch = take_batch();
    lock.unlock();
    if (healthy_)
      commit(batch);
    else
      fail_all(batch, core::errc::unavailable);
    lock.lock();
  }
  lock.unlock();
  // Closing with an empty queue: make a clean shutdown durable in every policy.
  if (!healthy_) return;
  file_->release_reserve();
  if (unsynced_)
    if (auto ec = sync_now()) poison("sync", ec);
}

// Waits until there is a batch to write, the batch-policy sync is due, or close() was
// called with nothing left queued; returns false only in that last case.
bool writer::wait_for_work() {
  if (options_.policy == fsync_policy::batch && unsynced_ && healthy_) {
    const auto sync_due = last_sync_ + options_.interval;
    while (!has_work())
      if (wake_.wait_until(mutex_, sync_due) == std::cv_status::timeout) break;
  } else {
    while (!has_work()) wake_.wait(mutex_);
  }
  return !queue_.empty() || !closing_;
}

bool writer::has_work() const { return !queue_.empty() || closing_ || rotation_; }

// Group commit, `always` mode: an fdatasync costs about as much for one record as for
// sixty, so before starting a batch, wait for the writes on their way: until as many
// records are queued as were in flight when the last batch completed (its own plus those
// queued behind it), for at most gather_max and the last sync's duration. A closed loop of
// N clients then commits in batches of N instead of alternating halves (measured: +30 %
// creates/s with 64 clients, bench/RESULTS.md); a lone client is its own whole flight and
// never waits.
void writer::gather() {
  if (options_.policy != fsync_policy::always || gather_max_.count() == 0) return;
  if (gathered()) return;
  wake_at_ = in_flight_;
  const auto deadline = std::chrono::steady_clock::now() +
                        std::min<std::chrono::steady_clock::duration>(gather_max_, last_sync_took_);
  while (!gathered())
    if (wake_.wait_until(mutex_, deadline) == std::cv_status::timeout) break;
  wake_at_ = 1;
}

bool writer::gathered() const { return queue_.size() >= in_flight_ || closing_ || rotation_; }

// The switch itself (writer thread, between batches). The old file is synced first so that
// a snapshot covering its records never relies on unsynced bytes, and so that recovery may
// treat any damage in a file followed by a newer one as corruption.
void writer::rotate(rotation r) {
  if (!healthy_) return;
  if (file_->size() <= header_size) {  // no record here: a new file would only repeat its name
    if (r.on_rotated) r.on_rotated(last_written_seq_);
    return;
  }
  file_->release_reserve();
  if (unsynced_)
    if (auto ec = sync_now()) return poison("sync before rotation", ec);
  std::error_code ec;
  auto next = r.open_next(last_written_seq_ + 1, ec);
  if (!next) return poison("open next journal file", ec ? ec : std::make_error_code(std::errc::io_error));
  file_ = std::move(next);
  {
    core::mutex_lock lock{mutex_};
    stats_.rotations += 1;
    stats_.file_bytes = file_->size();
  }
  if (r.on_rotated) r.on_rotated(last_written_seq_);
}

// Takes records from the front of the queue until the next one would
// take the batch over max_batch_bytes; always at least one record.
std::deque<writer::pending> writer::take_batch() {
  std::deque<pending> batch;
  std::size_t bytes = 0;
  while (!queue_.empty()) {
    const std::size_t size = record_fixed_size + queue_.front().payload.size();
    if (!batch.empty() && bytes + size > options_.max_batch_bytes) break;
    bytes += size;
    batch.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  return batch;
}

// One append for the whole batch, then (policy always) one sync, then the completions.
// Stats are updated before the completions so that a completed caller sees them.
void writer::commit(std::deque<pending>& batch) {
  frame_buffer_.clear();
  if (frame_buffer_.capacity() > 2 * options_.max_batch_bytes) frame_buffer_.shrink_to_fit();
  for (const auto& p : batch) append_record(frame_buffer_, p.type, p.seq, p.payload);
  if (auto ec = file_->append(frame_buffer_)) {
    poison("append", ec);
    return fail_all(batch, ec);
  }
  unsynced_ = true;
  last_written_seq_ = batch.back().seq;
  if (options_.after_append) options_.after_append(batch.front().seq, batch.back().seq, frame_buffer_);
  if (options_.policy == fsync_policy::always) {
    if (auto ec = sync_now()) {
      poison("sync", ec);
      return fail_all(batch, ec);
    }
  }
  {
    core::mutex_lock lock{mutex_};
    stats_.records += batch.size();
    stats_.bytes += frame_buffer_.size();
    stats_.batches += 1;
    if (batch.size() > stats_.largest_batch) stats_.largest_batch = batch.size();
    stats_.file_bytes = file_->size();
  }
  written_seq_.store(batch.back().seq, std::memory_order_release);  // before any answer goes out
  if (options_.after_write) options_.after_write(batch.back().seq);
  if (options_.confirm && !options_.confirm->wait(batch.back().seq, [&batch] { tell_late(batch); })) {
    tell_late(batch);  // closing: journaled here, never confirmed; a restart applies them
    return fail_all(batch, core::errc::unavailable);
  }
  for (auto& p : batch) p.done({}, p.seq);
  if (options_.after_completions) options_.after_completions(batch.back().seq);
  {
    core::mutex_lock lock{mutex_};
    in_flight_ = batch.size() + queue_.size();
  }
  if (options_.policy == fsync_policy::batch) sync_if_due();
  if (options_.after_batch) options_.after_batch(file_->size());
}

std::error_code writer::sync_now() {
  const auto started = std::chrono::steady_clock::now();
  if (auto ec = file_->sync()) return ec;
  unsynced_ = false;
  last_sync_ = std::chrono::steady_clock::now();
  last_sync_took_ = last_sync_ - started;
  core::mutex_lock lock{mutex_};
  stats_.syncs += 1;
  return {};
}

// Batch policy: sync once `interval` has passed since the last sync. The records it
// covers were already completed, so a failure here only poisons the journal.
void writer::sync_if_due() {
  if (!healthy_ || !unsynced_) return;
  if (std::chrono::steady_clock::now() - last_sync_ < options_.interval) return;
  if (auto ec = sync_now()) poison("sync", ec);
}

// Sticky: after this the file is never touched again (no retried fsync).
void writer::poison(const char* op, std::error_code ec) {
  healthy_ = false;
  core::log::error("journal failed; writes refused until restart", {{"op", op}, {"error", ec.message()}});
}

void writer::tell_late(std::deque<pending>& batch) {
  for (auto& p : batch)
    if (p.late) std::exchange(p.late, nullptr)();
}

void writer::fail_all(std::deque<pending>& batch, std::error_code ec) {
  for (auto& p : batch) p.done(ec, p.seq);
}

}  // namespace mixtape::journal
