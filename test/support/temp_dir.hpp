#pragma once
#include <string>

namespace mixtape::test {

// A fresh directory, removed recursively on destruction: under `base` when given, else
// under $TMPDIR (or /tmp).
class temp_dir {
 public:
  temp_dir();
  explicit temp_dir(const std::string& base);
  ~temp_dir();
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  const std::string& path() const { return path_; }
  // The path of `name` in it (`dir.file("keys.json")`, or `dir / "keys.json"`).
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  std::string operator/(const std::string& name) const { return file(name); }

 private:
  std::string path_;
};

}  // namespace mixtape::test
