#include "durability/partitioned_apply.hpp"

#include <variant>

namespace mixtape::durability {
namespace {

constexpr std::size_t batch_size = 1024;
constexpr std::size_t max_queued_batches = 16;  // bounds the memory of a helper behind

// The collection a mutation is about.
const std::string& subject(const model::mutation& m) {
  return std::visit(
      [](const auto& x) -> const std::string& {
        if constexpr (requires { x.collection_id; })
          return x.collection_id;
        else
          return x.id;
      },
      m);
}

bool for_helper(const model::mutation& m) {
  const auto n = model::collection_number(subject(m));
  return n && ((*n * 0x9e3779b97f4a7c15ull) >> 63) != 0;  // ids that name none: caller's thread
}

}  // namespace

partitioned_applier::partitioned_applier(store::collection_store& store) : store_(store) {
  filling_.reserve(batch_size);
  helper_ = std::thread([this] { run(); });
}

partitioned_applier::~partitioned_applier() { finish(); }

void partitioned_applier::apply(model::mutation m, std::uint64_t seq) {
  if (!for_helper(m)) {
    store_.apply(m, seq);
    return;
  }
  filling_.emplace_back(std::move(m), seq);
  if (filling_.size() >= batch_size) hand_over();
}

void partitioned_applier::hand_over() {
  std::unique_lock lock{mutex_};
  changed_.wait(lock, [this] { return queue_.size() < max_queued_batches; });
  queue_.push_back(std::move(filling_));
  lock.unlock();
  changed_.notify_all();
  filling_ = {};
  filling_.reserve(batch_size);
}

void partitioned_applier::finish() {
  if (!helper_.joinable()) return;
  if (!filling_.empty()) hand_over();
  {
    std::lock_guard lock{mutex_};
    finishing_ = true;
  }
  changed_.notify_all();
  helper_.join();
}

void partitioned_applier::run() {
  for (;;) {
    batch work;
    {
      std::unique_lock lock{mutex_};
      changed_.wait(lock, [this] { return !queue_.empty() || finishing_; });
      if (queue_.empty()) return;  // finishing, and all applied
      work = std::move(queue_.front());
      queue_.erase(queue_.begin());
    }
    changed_.notify_all();  // room in the queue
    for (const auto& [m, seq] : work) store_.apply(m, seq);
  }
}

}  // namespace mixtape::durability
