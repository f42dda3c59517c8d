#include "support/temp_dir.hpp"

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace mixtape::test {

temp_dir::temp_dir() : temp_dir(std::filesystem::temp_directory_path().string()) {}

temp_dir::temp_dir(const std::string& base) {
  std::string tmpl = base + "/mixtape-test-XXXXXX";
  if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed under " + base);
  path_ = tmpl;
}

temp_dir::~temp_dir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace mixtape::test
