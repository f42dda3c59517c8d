#include "store/owner_index.hpp"

namespace mixtape::store {

const owner_index::owner* owner_index::intern(std::string_view org, std::string_view principal) {
  {
    core::reader_lock lock{mutex_};
    if (const owner* o = find(org, principal)) return o;
  }
  core::writer_lock lock{mutex_};
  return &*owners_.emplace(org, principal).first;  // (or the one made meanwhile)
}

void owner_index::insert(const owner& o, std::uint64_t created_seq, std::uint64_t id) {
  core::writer_lock lock{mutex_};
  o.collections.insert({~created_seq, id});
}

void owner_index::erase(const owner& o, std::uint64_t created_seq, std::uint64_t id) {
  core::writer_lock lock{mutex_};
  o.collections.erase({~created_seq, id});
}

const owner_index::owner* owner_index::find(std::string_view org, std::string_view principal) const {
  const auto it = owners_.find(by_names::names{org, principal});
  return it == owners_.end() ? nullptr : &*it;
}

std::size_t owner_index::for_page(std::string_view org, std::string_view principal, std::size_t offset,
                                  std::size_t limit, const std::function<void(std::uint64_t)>& visit) const {
  core::reader_lock lock{mutex_};
  const owner* o = find(org, principal);
  if (!o || offset >= o->collections.size()) return 0;
  std::size_t n = 0;
  for (auto pos = o->collections.find_by_order(offset); pos != o->collections.end() && n < limit; ++pos, ++n)
    visit(pos->second);
  return n;
}

std::size_t owner_index::count(std::string_view org, std::string_view principal) const {
  core::reader_lock lock{mutex_};
  const owner* o = find(org, principal);
  return o ? o->collections.size() : 0;
}

std::vector<std::uint64_t> owner_index::ids_of_org(std::string_view org) const {
  std::vector<std::uint64_t> out;
  core::reader_lock lock{mutex_};
  for_each_of_org(org, [&](const owner& o) {
    for (const auto& [inverted_seq, id] : o.collections) out.push_back(id);
  });
  return out;
}

std::size_t owner_index::count_of_org(std::string_view org) const {
  std::size_t n = 0;
  core::reader_lock lock{mutex_};
  for_each_of_org(org, [&](const owner& o) { n += o.collections.size(); });
  return n;
}

}  // namespace mixtape::store
