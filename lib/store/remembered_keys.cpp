#include "store/remembered_keys.hpp"

namespace mixtape::store {

void remembered_keys::remember(model::remembered_write w, core::unix_seconds now) {
  core::mutex_lock lock{mutex_};
  if (const auto epoch = snapshot_epoch_.load(); part_.needs_capture(epoch)) serialize(part_.capture_into(epoch));
  table_.remember(std::move(w), now);
}

std::optional<model::remembered_write> remembered_keys::find(std::string_view principal, std::string_view key,
                                                             core::unix_seconds now) const {
  core::mutex_lock lock{mutex_};
  return table_.find(principal, key, now);
}

void remembered_keys::set_limit(std::size_t max_entries) {
  core::mutex_lock lock{mutex_};
  table_.set_max_entries(max_entries);
}

std::size_t remembered_keys::size() const {
  core::mutex_lock lock{mutex_};
  return table_.size();
}

std::uint64_t remembered_keys::forgotten_early() const {
  core::mutex_lock lock{mutex_};
  return table_.forgotten_early();
}

void remembered_keys::serialize(std::string& out) const {
  table_.for_each([&](const model::remembered_write& w) { model::append_snapshot_item(out, w); });
}

void remembered_keys::collect_snapshot_part(std::uint64_t epoch, std::string& out) {
  core::mutex_lock lock{mutex_};
  if (!part_.take(epoch, out)) serialize(out);
}

void remembered_keys::end_snapshot() {
  core::mutex_lock lock{mutex_};
  part_.release();
}

void remembered_keys::load(model::remembered_write w) {
  core::mutex_lock lock{mutex_};
  table_.remember(std::move(w), 0);
}

}  // namespace mixtape::store
