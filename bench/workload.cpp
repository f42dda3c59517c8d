#include "workload.hpp"

#include <cstdio>

namespace mixtape::bench {
namespace http = boost::beast::http;

std::uint64_t rng::next() noexcept {
  std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

operation_picker::operation_picker(const options& o) : what_(o.what), mix_(o.mix) {}

operation operation_picker::next(rng& r) const {
  switch (what_) {
    case scenario::get: return operation::get;
    case scenario::create: return operation::create;
    case scenario::update: return operation::update;
    case scenario::list: return operation::list;
    case scenario::mixed: break;
  }
  std::uint64_t x = r.below(mix_.total());
  for (std::size_t i = 0; i < operation_count; ++i) {
    if (x < mix_.weight[i]) return static_cast<operation>(i);
    x -= mix_.weight[i];
  }
  return operation::get;  // unreachable: total() > 0 for a parsed mix
}

namespace {

std::string counter_text(std::uint64_t n) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%08llu", static_cast<unsigned long long>(n % 100'000'000));
  return buf;
}

// Sets the headers every request of a connection carries, once.
void init(request& r, http::verb v, const options& o, bool has_body) {
  r.version(11);
  r.method(v);
  r.set(http::field::host, o.server.host_header);
  r.set(http::field::user_agent, "mixtape-bench");
  r.set("X-API-Key", o.key);
  r.keep_alive(true);
  if (has_body) r.set(http::field::content_type, "application/json");
}

}  // namespace

// A 20-character name and a 41-character description.
std::string create_body(const std::string& tag, std::uint64_t n) {
  const std::string c = counter_text(n);
  return R"({"name":"bench )" + tag + " " + c + R"(","description":"created by mixtape-bench, number )" + c + "\"}";
}

std::string update_body(const std::string& tag, std::uint64_t n) {
  const std::string c = counter_text(n);
  return R"({"name":"bench )" + tag + " " + c + R"(","description":"updated by mixtape-bench, number )" + c + "\"}";
}

workload::workload(const options& o, const std::vector<std::string>* ids, unsigned index)
    : picker_(o), rng_(0x6d69787461706500ull ^ (std::uint64_t{index} << 20)), ids_(ids),
      collections_("/v1/music/" + o.org + "/collections") {
  char tag[16];
  std::snprintf(tag, sizeof tag, "c%04u", index % 10'000);
  tag_ = tag;
  init(get_, http::verb::get, o, false);
  init(list_, http::verb::get, o, false);
  list_.target(collections_ + "?limit=50");
  init(create_, http::verb::post, o, true);
  create_.target(collections_);
  init(update_, http::verb::patch, o, true);
}

const std::string& workload::pick_id() { return (*ids_)[rng_.below(ids_->size())]; }

request& workload::build_create() {
  create_.body() = create_body(tag_, ++counter_);
  create_.prepare_payload();
  return create_;
}

request& workload::build_update() {
  update_.target(collections_ + "/" + pick_id());
  update_.body() = update_body(tag_, ++counter_);
  update_.prepare_payload();
  return update_;
}

request& workload::build(operation op) {
  switch (op) {
    case operation::get: get_.target(collections_ + "/" + pick_id()); return get_;
    case operation::list: return list_;
    case operation::create: return build_create();
    case operation::update: return build_update();
  }
  return get_;
}

}  // namespace mixtape::bench
