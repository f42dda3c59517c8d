#pragma once
#include <string>

namespace mixtape::test {

// A fresh directory under $TMPDIR (or /tmp), removed recursively on destruction.
class temp_dir {
 public:
  temp_dir();
  ~temp_dir();
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace mixtape::test
