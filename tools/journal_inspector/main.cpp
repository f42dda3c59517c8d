// mixtape-journal: inspect a mixtaped data directory without changing it.
//   mixtape-journal verify DATA_DIR   what a start would recover, or the damage that stops it
//   mixtape-journal dump DATA_DIR     every snapshot (summarized) and every journal record
// Exit codes: 0 clean; 1 damage, or something a start would repair or clean up (torn tail,
// temp files); 2 usage or an unreadable directory. Never writes, locks or truncates: safe
// next to a running server (whose newest journal may then show a torn tail).
#include <filesystem>
#include <iostream>
#include <string>

#include "core/log.hpp"
#include "describe.hpp"
#include "durability/recovery.hpp"
#include "journal/timeline.hpp"
#include "journal/data_files.hpp"
#include "journal/reader.hpp"
#include "model/mutation.hpp"

namespace {

using namespace mixtape;

constexpr const char* usage_text =
    "usage: mixtape-journal verify DATA_DIR\n"
    "       mixtape-journal dump DATA_DIR\n"
    "verify: checks snapshots and journals as a start would, changing nothing; exit 0 when\n"
    "        clean, 1 naming file and offset of any damage or leftover, 2 on usage errors.\n"
    "dump:   prints each snapshot's summary and one line per journal record:\n"
    "        FILE offset=N seq=N epoch=N type=NAME {fields as JSON}\n"
    "Both print the epochs of the directory's history (its timeline file) first.\n";

// The epochs (docs/journal-format.md §10), one line each; the origin alone when no file.
core::result<journal::timeline> print_epochs(const std::string& dir) {
  auto t = journal::timeline::load(dir);
  if (!t) return t;
  if (t->entries().empty()) std::cout << "epochs: none recorded (every record is of epoch 0)\n";
  for (const auto& e : t->entries())
    std::cout << "epoch " << e.epoch << " from seq " << e.first_seq << " (id " << e.id << ")\n";
  return t;
}

int verify(const std::string& dir) {
  if (auto t = print_epochs(dir); !t) {
    std::cout << "damaged: " << t.error().message << '\n';
    return 1;
  }
  store::collection_store scratch;
  auto r = durability::recover_data_dir(dir, durability::recovery_mode::verify, scratch);
  if (!r) {
    std::cout << "damaged: " << r.error().message << '\n';
    return 1;
  }
  std::cout << "snapshot: " << (r->snapshot_path.empty() ? "none" : r->snapshot_path) << " (covers seq "
            << r->snapshot_seq << ")\n"
            << "journal: " << r->journal_records << " records after it, last seq " << r->last_seq << '\n'
            << "state: " << scratch.size() << " collections, " << scratch.shares().size() << " share links\n";
  for (const auto& f : r->findings) std::cout << "warning: " << f << '\n';
  std::cout << (r->findings.empty() ? "clean\n" : "not clean: a start would change the files above\n");
  return r->findings.empty() ? 0 : 1;
}

// Prints one journal file's records; returns false when it is damaged or torn.
bool dump_journal(const journal::numbered_file& f, bool last, const journal::timeline& epochs) {
  const std::string name = std::filesystem::path(f.path).filename().string();
  auto report = journal::recover(
      f.path,
      [&](const journal::record_view& r) {
        std::cout << name << " offset=" << r.offset << " seq=" << r.seq << " epoch=" << epochs.epoch_of(r.seq) << " type=" << model::type_name(r.type) << ' ';
        auto m = model::decode(r.type, r.payload);
        if (m) std::cout << inspector::describe(m.value()) << '\n';
        else std::cout << "UNDECODABLE (" << m.error().message << ")\n";
        return core::success();
      },
      journal::recovery_mode::verify, last);
  if (!report) {
    std::cout << name << ": damaged: " << report.error().message << '\n';
    return false;
  }
  std::cout << name << ": " << report->records << " records, " << report->valid_bytes << " bytes";
  if (report->cut_bytes > 0)
    std::cout << ", torn tail at offset " << report->valid_bytes << " (" << report->cut_bytes << " bytes)";
  if (report->reserved_bytes > 0) std::cout << ", then " << report->reserved_bytes << " reserved zero bytes";
  std::cout << '\n';
  return report->cut_bytes == 0;
}

int dump(const std::string& dir) {
  auto files = journal::list_data_files(dir);
  if (!files) {
    std::cerr << "mixtape-journal: " << files.error().message << '\n';
    return 2;
  }
  auto epochs = print_epochs(dir);
  if (!epochs) {
    std::cout << "damaged: " << epochs.error().message << '\n';
    return 1;
  }
  bool clean = files->temps.empty();
  for (const auto& t : files->temps) std::cout << t << ": unfinished temp file\n";
  for (const auto& s : files->snapshots) {
    const auto summary = inspector::summarize_snapshot(s.path);
    std::cout << std::filesystem::path(s.path).filename().string() << ": "
              << (summary ? summary.value() : "damaged: " + summary.error().message) << '\n';
    clean = clean && summary.ok();
  }
  for (std::size_t i = 0; i < files->journals.size(); ++i)
    clean = dump_journal(files->journals[i], i + 1 == files->journals.size(), epochs.value()) && clean;
  return clean ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  core::log::set_min_level(core::log::level::error);
  if (argc != 3) {
    std::cerr << usage_text;
    return 2;
  }
  const std::string command = argv[1], dir = argv[2];
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    std::cerr << "mixtape-journal: " << dir << " is not a directory\n";
    return 2;
  }
  if (command == "verify") return verify(dir);
  if (command == "dump") return dump(dir);
  std::cerr << usage_text;
  return 2;
}
