#include "store/owner_index.hpp"

#include <mutex>

namespace mixtape::store {

std::string owner_index::owner_key(std::string_view org, std::string_view owner) {
  std::string k;
  k.reserve(org.size() + owner.size() + 1);
  k.append(org).push_back('\n');  // '\n' appears in neither an org id nor a principal
  k.append(owner);
  return k;
}

void owner_index::insert(std::string_view org, std::string_view owner, std::uint64_t created_seq,
                         const std::string& id) {
  std::unique_lock lock{mutex_};
  by_owner_[owner_key(org, owner)].insert({~created_seq, id});
}

void owner_index::erase(std::string_view org, std::string_view owner, std::uint64_t created_seq,
                        const std::string& id) {
  std::unique_lock lock{mutex_};
  const auto it = by_owner_.find(owner_key(org, owner));
  if (it == by_owner_.end()) return;
  it->second.erase({~created_seq, id});
  if (it->second.empty()) by_owner_.erase(it);
}

std::size_t owner_index::for_page(std::string_view org, std::string_view owner, std::size_t offset,
                                  std::size_t limit, const std::function<void(const std::string&)>& visit) const {
  std::shared_lock lock{mutex_};
  const auto it = by_owner_.find(owner_key(org, owner));
  if (it == by_owner_.end() || offset >= it->second.size()) return 0;
  std::size_t n = 0;
  for (auto pos = it->second.find_by_order(offset); pos != it->second.end() && n < limit; ++pos, ++n)
    visit(pos->second);
  return n;
}

std::size_t owner_index::count(std::string_view org, std::string_view owner) const {
  std::shared_lock lock{mutex_};
  const auto it = by_owner_.find(owner_key(org, owner));
  return it == by_owner_.end() ? 0 : it->second.size();
}

}  // namespace mixtape::store
