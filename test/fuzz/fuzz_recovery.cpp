// libFuzzer target: recovery of a whole data directory (durability::recover_data_dir) from
// arbitrary journal, snapshot and other files; the input format is in recovery_input.hpp.
// Each mode runs on its own fresh copy of the files (a temp dir under /dev/shm or /tmp,
// removed after each input). Properties:
//  - every mode returns a state or an error (corrupt_data or io_error, with a message);
//  - verify changes nothing on disk, and agrees with strict: both refuse, or both recover
//    the same state (same last seq, same items);
//  - what strict recovers, repair recovers the same (repair differs only on damage);
//  - after a strict or repair recovery the directory is clean: a verify finds nothing, and
//    a second strict start recovers the very same state and appends to the same journal.
#include <sys/stat.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "check.hpp"
#include "core/log.hpp"
#include "durability/recovery.hpp"
#include "recovery_input.hpp"
#include "store/collection_store.hpp"
#include "store_state.hpp"
#include "support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using mixtape::durability::recover_data_dir;
using mixtape::durability::recovery_mode;
using mixtape::store::collection_store;

std::string g_base;    // where temp dirs go
bool g_verbose = false;  // MIXTAPE_FUZZ_VERBOSE=1: print each mode's outcome (to study an input)

struct outcome {
  bool ok = false;
  mixtape::durability::recovered r;
  std::vector<std::string> state;
  std::size_t size = 0, shares = 0;
  std::string error;
};

outcome recover(const std::string& dir, recovery_mode mode) {
  collection_store store{4};
  auto r = recover_data_dir(dir, mode, store);
  outcome o;
  if (!r) {
    const auto code = r.error().code;
    FUZZ_CHECK(code == mixtape::core::errc::corrupt_data || code == mixtape::core::errc::io_error,
               "recovery fails with corrupt_data or io_error");
    FUZZ_CHECK(!r.error().message.empty(), "a recovery error says why");
    o.error = r.error().message;
    return o;
  }
  o.ok = true;
  o.r = std::move(r).value();
  FUZZ_CHECK(o.r.last_seq >= o.r.snapshot_seq, "the state reaches at least the snapshot");
  FUZZ_CHECK(o.r.journal_records <= o.r.last_seq - o.r.snapshot_seq, "records replayed follow the snapshot");
  o.size = store.size();
  o.shares = store.shares().size();
  o.state = mixtape::fuzz::state_of(store, o.r.last_seq);
  return o;
}

bool same_state(const outcome& a, const outcome& b) {
  return a.r.last_seq == b.r.last_seq && a.size == b.size && a.shares == b.shares && a.state == b.state;
}

// The directory's files and their bytes.
std::map<std::string, std::string> contents(const std::string& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    std::ifstream in(e.path(), std::ios::binary);
    out[e.path().filename().string()] = std::string(std::istreambuf_iterator<char>(in), {});
  }
  return out;
}

// The shared temp_dir under g_base, holding `files`.
class scratch_dir : public mixtape::test::temp_dir {
 public:
  explicit scratch_dir(const std::vector<mixtape::fuzz::data_file>& files) : temp_dir(g_base) {
    for (const auto& f : files) {
      std::ofstream out(file(f.name), std::ios::binary | std::ios::trunc);
      out.write(f.bytes.data(), static_cast<std::streamsize>(f.bytes.size()));
      if (!out) std::abort();
    }
  }
};

// A start in `mode`, then the checks of a clean directory after it.
outcome start(const std::vector<mixtape::fuzz::data_file>& files, recovery_mode mode) {
  scratch_dir dir(files);
  outcome first = recover(dir.path(), mode);
  if (!first.ok) return first;
  FUZZ_CHECK(!first.r.journal_path.empty() && fs::is_regular_file(first.r.journal_path),
             "a start leaves a journal to append to");
  const auto before = contents(dir.path());
  const outcome check = recover(dir.path(), recovery_mode::verify);
  FUZZ_CHECK(contents(dir.path()) == before, "verify changes nothing on disk");
  FUZZ_CHECK(check.ok && check.r.findings.empty(), "after a start, verify finds a clean directory");
  FUZZ_CHECK(same_state(first, check), "verify after a start sees the state the start recovered");
  const outcome again = recover(dir.path(), recovery_mode::strict);
  FUZZ_CHECK(again.ok, "a directory a start recovered starts again");
  FUZZ_CHECK(same_state(first, again), "a second start recovers the same state");
  FUZZ_CHECK(again.r.journal_path == first.r.journal_path, "a second start appends to the same journal");
  return first;
}

outcome verify_only(const std::vector<mixtape::fuzz::data_file>& files) {
  scratch_dir dir(files);
  const auto before = contents(dir.path());
  outcome o = recover(dir.path(), recovery_mode::verify);
  FUZZ_CHECK(contents(dir.path()) == before, "verify changes nothing on disk");
  return o;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // Recovery logs every torn tail and damaged file; at this rate that would be most of the
  // run's time and output. Above `error` nothing is written.
  mixtape::core::log::set_min_level(static_cast<mixtape::core::log::level>(100));
  struct stat st {};
  g_verbose = std::getenv("MIXTAPE_FUZZ_VERBOSE") != nullptr;
  g_base = ::stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) && ::access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto files = mixtape::fuzz::decode_input({reinterpret_cast<const char*>(data), size});
  const outcome strict = start(files, recovery_mode::strict);
  const outcome repair = start(files, recovery_mode::repair);
  const outcome verify = verify_only(files);
  if (g_verbose) {
    for (const auto& f : files) std::fprintf(stderr, "  file %s (%zu bytes)\n", f.name.c_str(), f.bytes.size());
    for (const auto* o : {&strict, &repair, &verify}) {
      if (o->ok)
        std::fprintf(stderr, "  %s: last_seq=%llu snapshot_seq=%llu collections=%zu shares=%zu\n",
                     o == &strict ? "strict" : o == &repair ? "repair" : "verify",
                     static_cast<unsigned long long>(o->r.last_seq), static_cast<unsigned long long>(o->r.snapshot_seq),
                     o->size, o->shares);
      else
        std::fprintf(stderr, "  %s: error: %s\n", o == &strict ? "strict" : o == &repair ? "repair" : "verify",
                     o->error.c_str());
    }
  }
  FUZZ_CHECK(verify.ok == strict.ok, "verify refuses exactly what strict refuses");
  if (strict.ok) {
    FUZZ_CHECK(same_state(strict, verify), "verify and strict recover the same state");
    FUZZ_CHECK(repair.ok && same_state(strict, repair), "what strict recovers, repair recovers the same");
  }
  return 0;
}
