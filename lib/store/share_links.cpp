#include "store/share_links.hpp"

#include <algorithm>
#include <tuple>

namespace mixtape::store {
namespace {

std::string hash_key(const std::array<unsigned char, 32>& h) {
  return {reinterpret_cast<const char*>(h.data()), h.size()};
}

model::share_state snapshot_item(const std::string& hash, const share_link& link) {
  model::share_state st;
  model::create_share& s = st.link;
  s.share_id = link.id;
  s.collection_id = link.collection_id;
  for (std::size_t i = 0; i < s.token_sha256.size() && i < hash.size(); ++i)
    s.token_sha256[i] = static_cast<unsigned char>(hash[i]);
  s.visibility = link.visibility;
  s.expires_at = link.expires_at;
  s.at = link.created_at;
  if (link.creator) {
    st.org = link.creator->org;
    st.owner = link.creator->principal;
  }
  st.created_seq = link.created_seq;
  st.revoked_at = link.revoked_at;
  return st;
}

}  // namespace

outcome share_links::create(const model::create_share& m, std::uint64_t seq, std::uint64_t collection,
                            const owner_index::owner* creator) {
  const std::string key = hash_key(m.token_sha256);
  core::mutex_lock lock{mutex_};
  if (by_hash_.contains(key) || hash_of_id_.contains(m.share_id)) return outcome::unchanged;
  if (const auto epoch = snapshot_epoch_.load(); part_.needs_capture(epoch)) serialize(part_.capture_into(epoch));
  insert(key, share_link{m.share_id, m.collection_id, m.visibility, m.expires_at, m.at, creator, seq, std::nullopt},
         collection);
  return outcome::applied;
}

outcome share_links::revoke(const model::revoke_share& m) {
  core::mutex_lock lock{mutex_};
  const auto hash = hash_of_id_.find(m.share_id);
  if (hash == hash_of_id_.end()) return outcome::not_found;
  share_link& link = by_hash_.at(hash->second);
  if (link.revoked_at) return outcome::unchanged;
  if (const auto epoch = snapshot_epoch_.load(); part_.needs_capture(epoch)) serialize(part_.capture_into(epoch));
  link.revoked_at = m.at;
  return outcome::applied;
}

bool share_links::insert(const std::string& hash_key, share_link link, std::uint64_t collection) {
  if (by_hash_.contains(hash_key) || hash_of_id_.contains(link.id)) return false;
  hash_of_id_.emplace(link.id, hash_key);
  ids_of_collection_[collection].push_back(link.id);
  by_hash_.emplace(hash_key, std::move(link));
  return true;
}

std::optional<share_link> share_links::find_live(const std::array<unsigned char, 32>& token_hash) const {
  core::mutex_lock lock{mutex_};
  const auto it = by_hash_.find(hash_key(token_hash));
  if (it == by_hash_.end() || it->second.revoked_at) return std::nullopt;
  return it->second;
}

std::optional<share_link> share_links::find_by_id(std::string_view share_id, std::string_view org,
                                                  std::string_view owner) const {
  core::mutex_lock lock{mutex_};
  const auto hash = hash_of_id_.find(std::string{share_id});
  if (hash == hash_of_id_.end()) return std::nullopt;
  const share_link& link = by_hash_.at(hash->second);
  if (!link.creator || link.creator->org != org || link.creator->principal != owner) return std::nullopt;
  return link;
}

const owner_index::owner* share_links::creator_of(std::string_view share_id) const {
  core::mutex_lock lock{mutex_};
  const auto hash = hash_of_id_.find(std::string{share_id});
  return hash == hash_of_id_.end() ? nullptr : by_hash_.at(hash->second).creator;
}

std::size_t share_links::remove_of_org(std::string_view org) {
  core::mutex_lock lock{mutex_};
  std::vector<std::string> doomed;  // token hashes
  for (const auto& [hash, link] : by_hash_)
    if (link.creator && link.creator->org == org) doomed.push_back(hash);
  if (doomed.empty()) return 0;
  if (const auto epoch = snapshot_epoch_.load(); part_.needs_capture(epoch)) serialize(part_.capture_into(epoch));
  for (const auto& hash : doomed) {
    const auto it = by_hash_.find(hash);
    const auto number = model::collection_number(it->second.collection_id);
    if (const auto ids = number ? ids_of_collection_.find(*number) : ids_of_collection_.end();
        ids != ids_of_collection_.end()) {
      std::erase(ids->second, it->second.id);
      if (ids->second.empty()) ids_of_collection_.erase(ids);
    }
    hash_of_id_.erase(it->second.id);
    by_hash_.erase(it);
  }
  return doomed.size();
}

bool share_links::id_in_use(std::string_view share_id) const {
  core::mutex_lock lock{mutex_};
  return hash_of_id_.contains(std::string{share_id});
}

bool share_links::names_collection(std::uint64_t collection) const {
  core::mutex_lock lock{mutex_};
  return ids_of_collection_.contains(collection);
}

std::vector<share_link> share_links::links_of(std::uint64_t collection) const {
  std::vector<share_link> links;
  {
    core::mutex_lock lock{mutex_};
    const auto ids = ids_of_collection_.find(collection);
    if (ids == ids_of_collection_.end()) return links;
    links.reserve(ids->second.size());
    for (const auto& share_id : ids->second) links.push_back(by_hash_.at(hash_of_id_.at(share_id)));
  }
  std::sort(links.begin(), links.end(), [](const share_link& a, const share_link& b) {
    return std::tie(a.created_seq, a.created_at) > std::tie(b.created_seq, b.created_at);
  });
  return links;
}

std::size_t share_links::size() const {
  core::mutex_lock lock{mutex_};
  return by_hash_.size();
}

void share_links::serialize(std::string& out) const {
  for (const auto& [hash, link] : by_hash_) model::append_snapshot_item(out, snapshot_item(hash, link));
}

void share_links::collect_snapshot_part(std::uint64_t epoch, std::string& out) {
  core::mutex_lock lock{mutex_};
  if (!part_.take(epoch, out)) serialize(out);
}

void share_links::end_snapshot() {
  core::mutex_lock lock{mutex_};
  part_.release();
}

bool share_links::load(const model::share_state& item, std::uint64_t collection, const owner_index::owner* creator) {
  const model::create_share& m = item.link;
  core::mutex_lock lock{mutex_};
  return insert(hash_key(m.token_sha256),
                share_link{m.share_id, m.collection_id, m.visibility, m.expires_at, m.at, creator, item.created_seq,
                           item.revoked_at},
                collection);
}

void share_links::resolve_creators(const std::function<const owner_index::owner*(std::uint64_t)>& creator_of) {
  std::vector<std::pair<std::string, std::uint64_t>> missing;  // token hash, collection number
  {
    core::mutex_lock lock{mutex_};
    for (const auto& [hash, link] : by_hash_)
      if (!link.creator)
        if (const auto number = model::collection_number(link.collection_id)) missing.emplace_back(hash, *number);
  }
  for (const auto& [hash, number] : missing)
    if (const owner_index::owner* creator = creator_of(number)) {
      core::mutex_lock lock{mutex_};
      by_hash_.at(hash).creator = creator;
    }
}

}  // namespace mixtape::store
