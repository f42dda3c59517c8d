#include "allocator.hpp"

#ifdef MIXTAPE_WITH_MIMALLOC
#include <mimalloc.h>
#endif

namespace mixtape::app {

void tune_allocator() noexcept {
#ifdef MIXTAPE_WITH_MIMALLOC
  mi_option_enable(mi_option_large_os_pages);
  mi_option_set(mi_option_eager_commit_delay, 0);  // commit each thread's first segment eagerly too
#endif
}

}  // namespace mixtape::app
