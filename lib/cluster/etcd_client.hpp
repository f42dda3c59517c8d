#pragma once
// A client of etcd's v3 API through its JSON gateway (docs/cluster.md): plain HTTP/1.1 POSTs
// of JSON bodies, keys and values base64-encoded, 64-bit numbers as strings. Blocking, one
// request at a time, each bounded by `timeout` (connect, send and answer together): a member
// that is stopped, paused or cut off costs at most that, and the next request goes to the
// next member. Not thread-safe: one thread (the node's cluster thread) owns it.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "core/http_url.hpp"
#include "core/result.hpp"

namespace mixtape::cluster {

struct key_value {
  std::string key;
  std::string value;
  std::int64_t create_revision = 0;
  std::int64_t mod_revision = 0;
  std::int64_t lease = 0;
};

class etcd_client {
 public:
  // `endpoints`: "http://HOST:PORT" of the members, tried in turn. validation_failed when
  // one is not such a URL or there is none.
  static core::result<etcd_client> connect(const std::vector<std::string>& endpoints, std::chrono::milliseconds timeout);

  // A lease of `ttl` seconds; its id.
  core::result<std::int64_t> grant(std::chrono::seconds ttl);
  // Renews the lease; its TTL from now in seconds, 0 when it is gone (expired or revoked).
  core::result<std::int64_t> keep_alive(std::int64_t lease);
  core::status revoke(std::int64_t lease);

  // Every key under `prefix`, and the store's revision as of the read.
  struct range_result {
    std::vector<key_value> kvs;
    std::int64_t revision = 0;
  };
  core::result<range_result> range_prefix(std::string_view prefix);
  core::result<std::optional<key_value>> get(std::string_view key);
  core::status put(std::string_view key, std::string_view value, std::int64_t lease = 0);
  // Creates `key` only where it is absent (one transaction). The revision of the put, or
  // nullopt when the key exists.
  core::result<std::optional<std::int64_t>> create(std::string_view key, std::string_view value, std::int64_t lease);
  // Puts `key` only while `guard` has create revision `guard_revision` (a leader writes only
  // while its leader key is the one it created). False when the guard no longer holds.
  core::result<bool> put_if(std::string_view key, std::string_view value, std::string_view guard,
                            std::int64_t guard_revision);
  // Deletes `key` only while its create revision is `revision`.
  core::result<bool> delete_if(std::string_view key, std::int64_t revision);

  const std::vector<core::http_url>& urls() const noexcept { return urls_; }
  // The member the last request went to (or tries next).
  const std::string& endpoint() const noexcept { return names_[current_]; }

 private:
  etcd_client(std::vector<core::http_url> urls, std::vector<std::string> names, std::chrono::milliseconds timeout)
      : urls_(std::move(urls)), names_(std::move(names)), timeout_(timeout) {}
  // POSTs `body` to `path` on a member, trying each once from the current one; the JSON
  // answer of the first that answers 200.
  core::result<boost::json::value> call(std::string_view path, const boost::json::value& body);
  core::result<bool> guarded_txn(boost::json::array compare, boost::json::array success);

  std::vector<core::http_url> urls_;
  std::vector<std::string> names_;
  std::chrono::milliseconds timeout_;
  std::size_t current_ = 0;
};

// A range request's JSON answer (as the gateway sends it) as keys and the revision;
// unavailable when it is not a JSON object. Fuzzed (test/fuzz/fuzz_etcd_answers.cpp).
core::result<etcd_client::range_result> range_from_answer(std::string_view json);

// Standard base64 (as etcd's gateway sends bytes).
std::string base64_encode(std::string_view bytes);
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace mixtape::cluster
