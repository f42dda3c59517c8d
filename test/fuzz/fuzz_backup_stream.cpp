// libFuzzer target: the backup stream's reader (journal::backup_reader), which checks the
// bytes `mixtaped backup` receives and `mixtaped restore` reads (docs/journal-format.md §8).
// Properties:
//  - the outcome does not depend on how the bytes are cut into pieces: read whole and read
//    in pieces of a size taken from the input, the reader reaches the same verdict (the
//    same error message, or completion) and hands on the same secret, snapshot bytes and
//    record seqs;
//  - a complete stream handed on records S0+1..S in order, its snapshot bytes only when S0 > 0;
//  - after an error, every later call repeats it.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "check.hpp"
#include "core/error.hpp"
#include "journal/backup_format.hpp"

namespace {

using mixtape::journal::backup_reader;
namespace core = mixtape::core;

struct outcome {
  std::string verdict;  // "" when complete, else the first error's message
  std::uint64_t seq = 0, snapshot_seq = 0;
  std::string secret, snapshot;
  std::vector<std::uint64_t> seqs;
  bool operator==(const outcome&) const = default;
};

outcome read(std::string_view bytes, std::size_t step) {
  outcome o;
  backup_reader::sink s;
  s.header = [&](std::uint64_t seq, std::uint64_t snap) {
    o.seq = seq;
    o.snapshot_seq = snap;
    return core::success();
  };
  s.secret = [&](std::string_view b) { return o.secret = b, core::success(); };
  s.snapshot = [&](std::string_view b) { return o.snapshot += b, core::success(); };
  s.record = [&](std::uint8_t, std::uint64_t seq, std::string_view, std::string_view) {
    o.seqs.push_back(seq);
    return core::success();
  };
  backup_reader r{"fuzz", s};
  for (std::size_t at = 0; at < bytes.size() && o.verdict.empty(); at += step)
    if (auto st = r.feed(bytes.substr(at, step)); !st) o.verdict = st.error().message;
  if (o.verdict.empty())
    if (auto st = r.finish(); !st) o.verdict = st.error().message;
  if (!o.verdict.empty()) {
    auto again = r.feed("x");
    FUZZ_CHECK(!again && again.error().message == o.verdict, "an error repeats");
  }
  return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t step = 1 + data[0] % 64;
  const std::string_view bytes{reinterpret_cast<const char*>(data) + 1, size - 1};
  const outcome whole = read(bytes, bytes.size() + 1);
  const outcome pieces = read(bytes, step);
  FUZZ_CHECK(whole == pieces, "the verdict does not depend on the pieces");
  if (whole.verdict.empty()) {
    FUZZ_CHECK(whole.secret.size() == 32, "a complete stream has its secret");
    FUZZ_CHECK(whole.snapshot.empty() == (whole.snapshot_seq == 0), "snapshot bytes only with a snapshot");
    for (std::size_t i = 0; i < whole.seqs.size(); ++i)
      FUZZ_CHECK(whole.seqs[i] == whole.snapshot_seq + 1 + i, "records follow the snapshot with none missing");
    FUZZ_CHECK(whole.snapshot_seq + whole.seqs.size() == whole.seq, "the records reach the backup's seq");
  }
  return 0;
}
