#include "cluster/etcd_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

namespace mixtape::cluster {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace json = boost::json;

constexpr std::size_t max_answer_bytes = 4u << 20;
constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

core::problem unavailable(std::string message) { return core::problem{core::errc::unavailable, "", std::move(message)}; }

// The gateway writes int64 fields as strings ("revision":"12"), and leaves zero values out.
std::int64_t int_field(const json::object& o, std::string_view name) {
  const auto* v = o.if_contains(name);
  if (!v) return 0;
  if (v->is_int64()) return v->as_int64();
  if (v->is_string()) return std::strtoll(v->as_string().c_str(), nullptr, 10);
  return 0;
}

std::string b64(std::string_view s) { return base64_encode(s); }

key_value key_value_of(const json::object& o) {
  key_value kv;
  const auto text = [&](std::string_view name) {
    const auto* v = o.if_contains(name);
    return v && v->is_string() ? base64_decode(v->as_string()).value_or("") : std::string{};
  };
  kv.key = text("key");
  kv.value = text("value");
  kv.create_revision = int_field(o, "create_revision");
  kv.mod_revision = int_field(o, "mod_revision");
  kv.lease = int_field(o, "lease");
  return kv;
}

// The key after every key that starts with `prefix` (etcd's range_end for a prefix).
std::string prefix_end(std::string_view prefix) {
  std::string end{prefix};
  while (!end.empty()) {
    if (static_cast<unsigned char>(end.back()) < 0xff) {
      end.back() = static_cast<char>(static_cast<unsigned char>(end.back()) + 1);
      return end;
    }
    end.pop_back();
  }
  return std::string(1, '\0');
}

json::object put_op(std::string_view key, std::string_view value, std::int64_t lease) {
  json::object put{{"key", b64(key)}, {"value", b64(value)}};
  if (lease != 0) put["lease"] = std::to_string(lease);
  return json::object{{"request_put", std::move(put)}};
}

json::object create_revision_is(std::string_view key, std::int64_t revision) {
  return json::object{{"key", b64(key)}, {"target", "CREATE"}, {"result", "EQUAL"},
                      {"create_revision", std::to_string(revision)}};
}

}  // namespace

std::string base64_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned n = static_cast<unsigned char>(bytes[i]) << 16 | static_cast<unsigned char>(bytes[i + 1]) << 8 |
                       static_cast<unsigned char>(bytes[i + 2]);
    for (int shift : {18, 12, 6, 0}) out += alphabet[(n >> shift) & 63];
  }
  if (const std::size_t rest = bytes.size() - i; rest > 0) {
    unsigned n = static_cast<unsigned char>(bytes[i]) << 16;
    if (rest == 2) n |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += rest == 2 ? alphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    unsigned n = 0;
    int pad = 0;
    for (std::size_t j = 0; j < 4; ++j) {
      const char c = text[i + j];
      if (c == '=' && i + 4 == text.size() && j >= 2) {
        ++pad;
        n <<= 6;
        continue;
      }
      const auto at = alphabet.find(c);
      if (at == std::string_view::npos || pad > 0) return std::nullopt;
      n = n << 6 | static_cast<unsigned>(at);
    }
    out += static_cast<char>(n >> 16 & 0xff);
    if (pad < 2) out += static_cast<char>(n >> 8 & 0xff);
    if (pad < 1) out += static_cast<char>(n & 0xff);
  }
  return out;
}

core::result<etcd_client> etcd_client::connect(const std::vector<std::string>& endpoints,
                                               std::chrono::milliseconds timeout) {
  if (endpoints.empty()) return core::problem::validation("--cluster-etcd", "--cluster-etcd needs at least one URL");
  std::vector<core::http_url> urls;
  for (const auto& e : endpoints) {
    auto url = core::parse_http_url(e);
    if (!url) return core::problem::validation("--cluster-etcd", "--cluster-etcd takes http://HOST:PORT URLs, not '" + e + "'");
    urls.push_back(std::move(*url));
  }
  return etcd_client{std::move(urls), endpoints, timeout};
}

core::result<json::value> etcd_client::call(std::string_view path, const json::value& body) {
  std::string failures;
  for (std::size_t attempt = 0; attempt < urls_.size(); ++attempt) {
    const auto& url = urls_[current_];
    asio::io_context io;
    beast::tcp_stream stream{io};
    bhttp::request<bhttp::string_body> req{bhttp::verb::post, url.base_path + std::string{path}, 11};
    req.set(bhttp::field::host, url.host_field());
    req.set(bhttp::field::content_type, "application/json");
    req.body() = json::serialize(body);
    req.prepare_payload();
    beast::flat_buffer buffer;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(max_answer_bytes);
    beast::error_code failed;
    try {
      asio::ip::tcp::resolver resolver{io};
      const auto addresses = resolver.resolve(url.host, url.port);
      stream.expires_after(timeout_);  // one deadline for connect, send and answer
      stream.async_connect(addresses, [&](beast::error_code ec, const auto&) {
        if (ec) return void(failed = ec);
        bhttp::async_write(stream, req, [&](beast::error_code ec2, std::size_t) {
          if (ec2) return void(failed = ec2);
          bhttp::async_read(stream, buffer, parser, [&](beast::error_code ec3, std::size_t) { failed = ec3; });
        });
      });
      io.run();
    } catch (const std::exception& e) {  // the name did not resolve
      failures += names_[current_] + ": " + e.what() + "; ";
      current_ = (current_ + 1) % urls_.size();
      continue;
    }
    if (!failed && parser.is_done()) {
      const auto& res = parser.get();
      boost::system::error_code jec;
      auto parsed = json::parse(res.body(), jec);
      if (res.result() == bhttp::status::ok && !jec && parsed.is_object()) return parsed;
      // A member that answers, but refuses (no leader, a bad request): the next may do better.
      failures += names_[current_] + " answered " + std::to_string(res.result_int()) + ": " + res.body().substr(0, 200) + "; ";
    } else if (failed) {
      failures += names_[current_] + ": " + failed.message() + "; ";
    }
    current_ = (current_ + 1) % urls_.size();
  }
  if (failures.size() >= 2) failures.resize(failures.size() - 2);
  return unavailable("etcd: " + failures);
}

core::result<std::int64_t> etcd_client::grant(std::chrono::seconds ttl) {
  auto r = call("/v3/lease/grant", json::object{{"TTL", std::to_string(ttl.count())}});
  if (!r) return std::move(r).error();
  const auto id = int_field(r->as_object(), "ID");
  if (id == 0) return unavailable("etcd granted no lease: " + json::serialize(r.value()));
  return id;
}

core::result<std::int64_t> etcd_client::keep_alive(std::int64_t lease) {
  auto r = call("/v3/lease/keepalive", json::object{{"ID", std::to_string(lease)}});
  if (!r) return std::move(r).error();
  const auto* result = r->as_object().if_contains("result");
  if (!result || !result->is_object()) return unavailable("etcd: keepalive answered " + json::serialize(r.value()));
  return int_field(result->as_object(), "TTL");  // absent: the lease is gone
}

core::status etcd_client::revoke(std::int64_t lease) {
  auto r = call("/v3/lease/revoke", json::object{{"ID", std::to_string(lease)}});
  if (!r) return std::move(r).error();
  return core::success();
}

namespace {

etcd_client::range_result range_of(const json::object& o) {
  etcd_client::range_result out;
  if (const auto* h = o.if_contains("header"); h && h->is_object()) out.revision = int_field(h->as_object(), "revision");
  if (const auto* kvs = o.if_contains("kvs"); kvs && kvs->is_array())
    for (const auto& kv : kvs->as_array())
      if (kv.is_object()) out.kvs.push_back(key_value_of(kv.as_object()));
  return out;
}

}  // namespace

core::result<etcd_client::range_result> range_from_answer(std::string_view text) {
  boost::system::error_code ec;
  const auto v = json::parse(text, ec);
  if (ec || !v.is_object()) return unavailable("etcd: a range answer that is not a JSON object");
  return range_of(v.as_object());
}

core::result<etcd_client::range_result> etcd_client::range_prefix(std::string_view prefix) {
  auto r = call("/v3/kv/range", json::object{{"key", b64(prefix)}, {"range_end", b64(prefix_end(prefix))}});
  if (!r) return std::move(r).error();
  return range_of(r->as_object());
}

core::result<std::optional<key_value>> etcd_client::get(std::string_view key) {
  auto r = call("/v3/kv/range", json::object{{"key", b64(key)}});
  if (!r) return std::move(r).error();
  if (const auto* kvs = r->as_object().if_contains("kvs"); kvs && kvs->is_array() && !kvs->as_array().empty() &&
                                                            kvs->as_array().front().is_object())
    return std::optional<key_value>{key_value_of(kvs->as_array().front().as_object())};
  return std::optional<key_value>{};
}

core::status etcd_client::put(std::string_view key, std::string_view value, std::int64_t lease) {
  auto r = call("/v3/kv/put", put_op(key, value, lease)["request_put"]);
  if (!r) return std::move(r).error();
  return core::success();
}

core::result<std::optional<std::int64_t>> etcd_client::create(std::string_view key, std::string_view value,
                                                               std::int64_t lease) {
  json::object txn{{"compare", json::array{create_revision_is(key, 0)}}, {"success", json::array{put_op(key, value, lease)}}};
  auto r = call("/v3/kv/txn", txn);
  if (!r) return std::move(r).error();
  const auto& o = r->as_object();
  const auto* ok = o.if_contains("succeeded");
  if (!ok || !ok->is_bool() || !ok->as_bool()) return std::optional<std::int64_t>{};
  const auto* h = o.if_contains("header");
  const std::int64_t revision = h && h->is_object() ? int_field(h->as_object(), "revision") : 0;
  if (revision == 0) return unavailable("etcd: a transaction answered no revision: " + json::serialize(r.value()));
  return std::optional<std::int64_t>{revision};
}

core::result<bool> etcd_client::guarded_txn(json::array compare, json::array success) {
  auto r = call("/v3/kv/txn", json::object{{"compare", std::move(compare)}, {"success", std::move(success)}});
  if (!r) return std::move(r).error();
  const auto* ok = r->as_object().if_contains("succeeded");
  return ok && ok->is_bool() && ok->as_bool();
}

core::result<bool> etcd_client::put_if(std::string_view key, std::string_view value, std::string_view guard,
                                       std::int64_t guard_revision) {
  return guarded_txn(json::array{create_revision_is(guard, guard_revision)}, json::array{put_op(key, value, 0)});
}

core::result<bool> etcd_client::delete_if(std::string_view key, std::int64_t revision) {
  return guarded_txn(json::array{create_revision_is(key, revision)},
                     json::array{json::object{{"request_delete_range", json::object{{"key", b64(key)}}}}});
}

}  // namespace mixtape::cluster
