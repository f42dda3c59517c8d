#pragma once
// "http://HOST[:PORT][/base]" as the tools that call a server take it (mixtaped backup,
// --replicate-from). https is not spoken: run them on the server's network or through a tunnel.
#include <optional>
#include <string>

namespace mixtape::core {

struct http_url {
  std::string host;       // without the brackets of an IPv6 literal
  std::string port;       // "80" when absent
  std::string base_path;  // without a trailing '/'
  std::string host_field() const { return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + port; }
};

std::optional<http_url> parse_http_url(std::string url);

// What a server's refusal says: its error envelope's system_message, or the body's start.
std::string reason_of(const std::string& body);

}  // namespace mixtape::core
