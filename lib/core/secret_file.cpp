#include "core/secret_file.hpp"

#include <algorithm>

#include "core/fs.hpp"
#include "core/ids.hpp"

namespace mixtape::core {
namespace {

problem io_problem(const std::string& what, const std::string& path, std::error_code ec) {
  return {errc::io_error, "", what + " " + path + ": " + ec.message()};
}

result<secret> read_secret(const std::string& path, bool& exists) {
  std::string bytes;
  if (const auto ec = fs::read_whole_file(path, bytes, fs::if_missing::ignore, exists))
    return io_problem("cannot read", path, ec);
  secret s{};
  if (!exists) return s;
  if (bytes.size() != s.size())
    return problem{errc::corrupt_data, "",
                   path + " holds " + std::to_string(bytes.size()) + " bytes, not a 32-byte secret"};
  std::copy(bytes.begin(), bytes.end(), s.begin());
  return s;
}

}  // namespace

result<secret> load_or_create_secret(const std::string& path) {
  bool exists = false;
  auto found = read_secret(path, exists);
  if (!found || exists) return found;
  secret fresh{};
  fill_random(fresh);
  const std::string_view bytes{reinterpret_cast<const char*>(fresh.data()), fresh.size()};
  const auto ec = fs::replace_atomically(path, bytes, fs::if_exists::fail);
  if (ec == std::errc::file_exists) return read_secret(path, exists);  // made meanwhile: use that one
  if (ec) return io_problem("cannot create", path, ec);
  return fresh;
}

}  // namespace mixtape::core
