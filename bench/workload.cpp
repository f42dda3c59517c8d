#include "workload.hpp"

#include <cstdio>

namespace mixtape::bench {

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
  headers_ = "Host: " + o.server.host_header + "\r\nUser-Agent: mixtape-bench\r\nX-API-Key: " + o.key + "\r\n";
}

const std::string& workload::pick_id() { return (*ids_)[rng_.below(ids_->size())]; }

// "METHOD /v1/music/ORG/collections{SEPARATOR}{TAIL} HTTP/1.1" and the constant headers.
void workload::start(std::string_view method, std::string_view separator, std::string_view tail) {
  out_.clear();
  out_.append(method).append(" ").append(collections_).append(separator).append(tail);
  out_.append(" HTTP/1.1\r\n").append(headers_);
}

void workload::finish_with_body(const std::string& body) {
  out_.append("Content-Type: application/json\r\nContent-Length: ").append(std::to_string(body.size()));
  out_.append("\r\n\r\n").append(body);
}

const std::string& workload::build(operation op) {
  switch (op) {
    case operation::get:
      start("GET", "/", pick_id());
      out_.append("\r\n");
      break;
    case operation::list:
      start("GET", "?limit=50", "");
      out_.append("\r\n");
      break;
    case operation::create:
      start("POST", "", "");
      finish_with_body(create_body(tag_, ++counter_));
      break;
    case operation::update:
      start("PATCH", "/", pick_id());
      finish_with_body(update_body(tag_, ++counter_));
      break;
  }
  return out_;
}

}  // namespace mixtape::bench
