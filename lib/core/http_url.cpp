#include "core/http_url.hpp"

namespace mixtape::core {

std::optional<http_url> parse_http_url(std::string url) {
  constexpr std::string_view scheme = "http://";
  if (url.compare(0, scheme.size(), scheme) != 0) return std::nullopt;
  url.erase(0, scheme.size());
  const auto slash = url.find('/');
  http_url e;
  std::string authority = url.substr(0, slash);
  e.base_path = slash == std::string::npos ? "" : url.substr(slash);
  while (!e.base_path.empty() && e.base_path.back() == '/') e.base_path.pop_back();
  std::size_t colon = authority.rfind(':');
  if (!authority.empty() && authority.front() == '[') {  // [v6]:port
    const auto close = authority.find(']');
    if (close == std::string::npos) return std::nullopt;
    e.host = authority.substr(1, close - 1);
    colon = authority.find(':', close);
  } else {
    e.host = authority.substr(0, colon);
  }
  e.port = colon == std::string::npos ? "80" : authority.substr(colon + 1);
  if (e.host.empty() || e.port.empty()) return std::nullopt;
  return e;
}

std::string reason_of(const std::string& body) {
  const auto at = body.find("\"system_message\":\"");
  if (at == std::string::npos) return body.substr(0, 200);
  const auto start = at + 18;
  return body.substr(start, body.find('"', start) - start);
}

}  // namespace mixtape::core
