// fuzz_make_seeds CORPUS_DIR: writes the binary seed inputs of fuzz_journal_record (one
// record of each type), fuzz_recovery (data directories in the format of
// recovery_input.hpp: clean ones, compaction leftovers, torn tails, damage, gaps...) and
// fuzz_replication_stream (messages of records, good and bad) into CORPUS_DIR/<target>/. The files are checked in; rerun this after a format change.
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "core/sha256.hpp"
#include "journal/format.hpp"
#include "journal/snapshot_file.hpp"
#include "model/mutation.hpp"
#include "recovery_input.hpp"
#include "store/collection_store.hpp"
#include "store_state.hpp"

namespace {

namespace model = mixtape::model;
namespace journal = mixtape::journal;
namespace fuzz = mixtape::fuzz;

const std::string coll = "mcoll_0123456789ab";  // fuzz_journal_record's base collection too

std::vector<model::mutation> history() {
  const auto token = mixtape::core::sha256("a share token");
  const auto token2 = mixtape::core::sha256("another share token");
  model::update_collection update{coll, "Road trip, the sequel", std::optional<std::string>{}, std::nullopt,
                                  std::optional<std::string>{"https://img.example.com/cover.png"}, 1700000500};
  return {
      model::create_collection{coll, "org_a", "usr_a", "Road trip", "Songs for the drive", "mtrack_1",
                               "https://img.example.com/c.png", 1700000000},
      model::add_track{coll, "mtrack_1", 1700000100, 10000},
      model::add_track{coll, "mtrack_2", 1700000101, 10000},
      model::add_track{coll, "mtrack_3", 1700000102, 10000},
      model::reorder_tracks{coll, {"mtrack_3", "mtrack_1", "mtrack_2"}, 1700000200},
      update,
      model::remove_track{coll, "mtrack_2", 1700000600},
      model::create_share{"mslink_00000000000a", coll, token, model::share_visibility::public_, 1700086400,
                          1700000700},
      model::create_collection{"mcoll_00000000000b", "org_a", "usr_b", "Second", std::nullopt, std::nullopt,
                               std::nullopt, 1700000800},
      model::delete_collection{"mcoll_00000000000b", 1700000900},
      model::create_share{"mslink_00000000000c", coll, token2, model::share_visibility::link_only, std::nullopt,
                          1700001000},
      model::add_tracks{coll, {"mtrack_4", "mtrack_5", "mtrack_1"}, 1700001100, 10000},
      model::revoke_share{"mslink_00000000000a", 1700001200},
      // Guarded writes (journal-format.md §2): at the current version (12, the add_tracks
      // above) with an Idempotency-Key, then at a stale one (a no-op).
      model::guarded_write{12, {"usr_a", "retry-1", mixtape::core::sha256("a request"), 1700087500},
                           std::make_shared<const model::mutation>(model::add_track{coll, "mtrack_6", 1700001200, 10000})},
      model::guarded_write{3, {}, std::make_shared<const model::mutation>(model::remove_track{coll, "mtrack_1", 1700001300})},
  };
}

void write_file(const std::string& dir, const std::string& name, const std::string& bytes) {
  ::mkdir(dir.c_str(), 0755);
  std::ofstream out(dir + "/" + name, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) {
    std::perror(("write " + dir + "/" + name).c_str());
    std::exit(1);
  }
}

// A journal file holding records first..last (1-based seqs of history()).
std::string journal_bytes(const std::vector<model::mutation>& h, std::size_t first, std::size_t last) {
  std::string out;
  journal::append_header(out);
  for (std::size_t seq = first; seq <= last; ++seq)
    journal::append_record(out, model::type_byte(h[seq - 1]), seq, model::encode(h[seq - 1]));
  return out;
}

// A snapshot file of the state after records 1..seq.
std::string snapshot_bytes(const std::vector<model::mutation>& h, std::size_t seq) {
  mixtape::store::collection_store store{4};
  for (std::size_t s = 1; s <= seq; ++s) (void)store.apply(h[s - 1], s);
  const std::string body = fuzz::snapshot_body(store, seq);
  std::string out{journal::snapshot_magic};
  for (std::uint64_t v : {std::uint64_t{journal::snapshot_version}, std::uint64_t{0}}) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  }
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((seq >> (8 * i)) & 0xff));
  out += body;
  out.append(journal::snapshot_footer_size, '\0');
  fuzz::fix_snapshot_footer(out);
  return out;
}

struct dir_seed {
  std::uint8_t flags = 0;
  std::string bytes;
  dir_seed& add(fuzz::kind k, std::string_view b, std::int8_t adjust = 0) {
    fuzz::append_entry(bytes, k, adjust, b);
    return *this;
  }
  std::string input() const { return std::string(1, static_cast<char>(flags)) + bytes; }
};

std::string zero_crcs(std::string j) {
  std::size_t pos = journal::header_size;
  while (pos + 8 <= j.size()) {
    const std::uint64_t length = fuzz::get_le(j, pos, 4);
    fuzz::set_le(j, pos + 4, 0, 4);
    pos += 8 + length;
  }
  return j;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
    return 2;
  }
  const std::string root = argv[1];
  const auto h = history();

  const std::string records = root + "/fuzz_journal_record";
  for (std::size_t i = 0; i < h.size(); ++i) {
    const std::string payload = model::encode(h[i]);
    write_file(records, "record-" + std::to_string(i + 1), std::string(1, static_cast<char>(model::type_byte(h[i]))) + payload);
  }

  const std::string dirs = root + "/fuzz_recovery";
  using fuzz::journal_file, fuzz::snapshot, fuzz::temp, fuzz::other;
  const std::string all = journal_bytes(h, 1, 11);
  std::string torn = all.substr(0, all.size() - 5);
  std::string corrupt = all;
  corrupt[journal::header_size + 60] ^= 0x40;  // inside the second record
  std::string bad_snapshot = snapshot_bytes(h, 6);
  bad_snapshot[30] ^= 0x01;
  std::string unfooted_snapshot = snapshot_bytes(h, 6);
  unfooted_snapshot.replace(unfooted_snapshot.size() - journal::snapshot_footer_size, journal::snapshot_footer_size,
                            journal::snapshot_footer_size, '\0');
  std::string header_only;
  journal::append_header(header_only);

  const std::vector<std::pair<std::string, dir_seed>> seeds = {
      {"01-journal", dir_seed{}.add(journal_file, all)},
      {"02-snapshot-then-journal", dir_seed{}.add(snapshot, snapshot_bytes(h, 6)).add(journal_file, journal_bytes(h, 7, 11))},
      {"03-compaction-leftovers", dir_seed{}
                                      .add(journal_file, journal_bytes(h, 1, 6))
                                      .add(snapshot, snapshot_bytes(h, 3))
                                      .add(snapshot, snapshot_bytes(h, 6))
                                      .add(journal_file, journal_bytes(h, 7, 11))},
      {"04-torn-tail", dir_seed{}.add(journal_file, torn)},
      {"05-corrupt-record", dir_seed{}.add(journal_file, corrupt)},
      {"06-corrupt-older-journal", dir_seed{}.add(journal_file, zero_crcs(journal_bytes(h, 1, 4))).add(journal_file, journal_bytes(h, 5, 11))},
      {"07-damaged-snapshot", dir_seed{}
                                  .add(journal_file, journal_bytes(h, 1, 6))
                                  .add(snapshot, bad_snapshot)
                                  .add(journal_file, journal_bytes(h, 7, 11))},
      {"08-temps-and-others", dir_seed{}
                                  .add(journal_file, journal_bytes(h, 1, 3))
                                  .add(temp, "partial", 4)
                                  .add(temp, snapshot_bytes(h, 2), 3)
                                  .add(other, "", 0)
                                  .add(other, "{\"keys\": []}\n", 1)
                                  .add(other, "junk", 2)},
      {"09-empty-dir", dir_seed{}},
      {"10-header-only", dir_seed{}.add(journal_file, header_only)},
      {"11-short-journal", dir_seed{}.add(journal_file, journal_bytes(h, 1, 5)).add(journal_file, "MIXTA", 5)},
      {"12-gap", dir_seed{}.add(journal_file, journal_bytes(h, 1, 3)).add(journal_file, journal_bytes(h, 5, 7))},
      {"13-snapshot-name-mismatch", dir_seed{}.add(snapshot, snapshot_bytes(h, 6), 1).add(journal_file, journal_bytes(h, 7, 11))},
      {"14-snapshot-only", dir_seed{}.add(snapshot, snapshot_bytes(h, 11))},
      {"15-snapshot-beyond-journal", dir_seed{}.add(journal_file, journal_bytes(h, 1, 4)).add(snapshot, snapshot_bytes(h, 6))},
      {"16-fix-crcs", dir_seed{3, {}}.add(journal_file, zero_crcs(journal_bytes(h, 1, 11)))},
      {"17-fix-footer", dir_seed{3, {}}.add(snapshot, unfooted_snapshot).add(journal_file, zero_crcs(journal_bytes(h, 7, 11)))},
      {"18-fix-both-compaction", dir_seed{3, {}}
                                     .add(journal_file, zero_crcs(journal_bytes(h, 1, 8)))
                                     .add(snapshot, unfooted_snapshot)
                                     .add(journal_file, zero_crcs(journal_bytes(h, 9, 11)))},
      {"19-bad-magic", dir_seed{}.add(journal_file, "MIXTAPEX" + all.substr(8))},
      // The writer's reserve (zeros after the records) in an older and in the newest file,
      // and a torn record inside it.
      {"20-reserved-zeros", dir_seed{}
                                .add(journal_file, journal_bytes(h, 1, 6) + std::string(300, '\0'))
                                .add(journal_file, journal_bytes(h, 7, 11) + std::string(200, '\0'))},
      {"21-torn-in-reserve", dir_seed{}.add(journal_file, torn + std::string(100, '\0'))},
  };
  for (const auto& [name, seed] : seeds) write_file(dirs, name, seed.input());

  // fuzz_replication_stream: the seq held at the start (one byte), then messages, each a
  // u16le length and the records it carries.
  const std::string stream = root + "/fuzz_replication_stream";
  const auto records_of = [&](std::size_t first, std::size_t last) {
    return journal_bytes(h, first, last).substr(journal::header_size);
  };
  const auto msg = [](const std::string& m) {
    if (m.size() > 0xffff) std::abort();
    return std::string{static_cast<char>(m.size() & 0xff), static_cast<char>(m.size() >> 8)} + m;
  };
  std::string bad_crc = records_of(1, 3);
  bad_crc[records_of(1, 1).size() + 30] ^= 0x08;  // in the second record
  const std::vector<std::pair<std::string, std::string>> stream_seeds = {
      {"01-one-message", std::string(1, '\0') + msg(records_of(1, 15))},
      {"02-three-messages", std::string(1, '\0') + msg(records_of(1, 5)) + msg(records_of(6, 10)) + msg(records_of(11, 15))},
      {"03-from-seq-6", std::string(1, '\6') + msg(records_of(7, 15))},
      {"04-empty-message", std::string(1, '\0') + msg("") + msg(records_of(1, 1))},
      {"05-gap", std::string(1, '\0') + msg(records_of(1, 3) + records_of(5, 6)) + msg(records_of(1, 3))},
      {"06-bad-crc-then-good", std::string(1, '\0') + msg(bad_crc) + msg(records_of(1, 3))},
      {"07-cut-short", std::string(1, '\0') + msg(records_of(1, 4).substr(0, records_of(1, 4).size() - 3))},
  };
  for (const auto& [name, seed] : stream_seeds) write_file(stream, name, seed);
  std::printf("wrote %zu record seeds to %s, %zu directory seeds to %s, %zu stream seeds to %s\n", h.size(),
              records.c_str(), seeds.size(), dirs.c_str(), stream_seeds.size(), stream.c_str());
  return 0;
}
