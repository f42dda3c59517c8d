#include "core/thread_name.hpp"

#include <pthread.h>

#include <cstring>

namespace mixtape::core {

void name_this_thread(const char* name) noexcept {
  char cut[16] = {};
  std::strncpy(cut, name, sizeof cut - 1);
  (void)::pthread_setname_np(::pthread_self(), cut);
}

}  // namespace mixtape::core
