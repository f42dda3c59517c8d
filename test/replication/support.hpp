#pragma once
// Shared by the replication suites: real mutations and the messages that carry them, and a
// data directory whose journal a real writer appends to (and rotates).
#include <cstdint>
#include <future>
#include <memory>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "core/error.hpp"
#include "journal/create.hpp"
#include "journal/data_files.hpp"
#include "journal/file.hpp"
#include "journal/format.hpp"
#include "journal/writer.hpp"
#include "model/mutation.hpp"
#include "support/temp_dir.hpp"

namespace replication_test {

namespace mj = mixtape::journal;
namespace model = mixtape::model;

inline const std::string coll = "mcoll_0123456789ab";

// The i-th mutation of a plausible history (any i): a collection, then tracks added to it.
inline model::mutation mutation_no(std::uint64_t i) {
  if (i % 50 == 0)
    return model::create_collection{coll, "org_a", "usr_a", "Road trip " + std::to_string(i), "Songs for the drive",
                                    std::nullopt, std::nullopt, 1700000000};
  return model::add_track{coll, "mtrack_" + std::to_string(i), static_cast<mixtape::core::unix_seconds>(1700000000 + i), 10000};
}

// Records first..last framed back to back, as the primary sends them (mutation_no(seq)).
inline std::string message(std::uint64_t first, std::uint64_t last) {
  std::string out;
  for (std::uint64_t seq = first; seq <= last; ++seq) {
    const auto m = mutation_no(seq);
    mj::append_record(out, model::type_byte(m), seq, model::encode(m));
  }
  return out;
}

// A data directory with journal-000..1.journal open in a real writer (fsync always).
// Records are written one submit after another; record `seq` has the type and payload of
// type_of(seq), payload_of(seq).
class live_journal {
 public:
  static std::uint8_t type_of(std::uint64_t seq) { return static_cast<std::uint8_t>(1 + seq % 3); }
  // Sizes vary from 40 bytes to about 6 KiB, so that a few hundred records need several reads.
  static std::string payload_of(std::uint64_t seq) {
    std::string p = "record " + std::to_string(seq) + " ";
    p.append(30 + (seq * 2654435761u) % 6000, static_cast<char>('a' + seq % 26));
    return p;
  }
  // The records from..to as the journal frames them.
  static std::string framed(std::uint64_t from, std::uint64_t to) {
    std::string out;
    for (std::uint64_t seq = from; seq <= to; ++seq) mj::append_record(out, type_of(seq), seq, payload_of(seq));
    return out;
  }

  live_journal() {
    writer_ = std::make_unique<mj::writer>(open_next(1), 1, mj::writer_options{});
  }
  ~live_journal() { writer_->close(); }

  const std::string& dir() const { return dir_.path(); }
  std::string journal_path(std::uint64_t first_seq) const { return dir_ / mj::journal_file_name(first_seq); }
  mj::writer& writer() { return *writer_; }
  std::uint64_t written() const { return writer_->written_seq(); }

  // Appends n records and waits until they are completed; throws on a journal error.
  void write(std::uint64_t n) {
    std::promise<std::error_code> last;
    for (std::uint64_t i = 0; i < n; ++i) {
      const std::uint64_t seq = next_++;
      mj::completion done = [](std::error_code, std::uint64_t) {};
      if (i + 1 == n) done = [&last](std::error_code ec, std::uint64_t) { last.set_value(ec); };
      writer_->submit(type_of(seq), payload_of(seq), std::move(done));
    }
    if (n > 0 && last.get_future().get()) throw std::runtime_error("journal write failed");
  }

  // Switches to a new journal file (starting at the next seq); returns when done.
  void rotate() {
    std::promise<std::uint64_t> rotated;
    mj::rotation r;
    r.open_next = [this](std::uint64_t first_seq, std::error_code& ec) -> std::unique_ptr<mj::file> {
      try {
        return open_next(first_seq);
      } catch (const std::exception&) {
        ec = std::make_error_code(std::errc::io_error);
        return nullptr;
      }
    };
    r.on_rotated = [&rotated](std::uint64_t covered) { rotated.set_value(covered); };
    if (!writer_->request_rotation(std::move(r))) throw std::runtime_error("rotation refused");
    if (rotated.get_future().get() != next_ - 1) throw std::runtime_error("rotation at an unexpected seq");
  }

 private:
  std::unique_ptr<mj::file> open_next(std::uint64_t first_seq) {
    const std::string path = journal_path(first_seq);
    if (!mj::create_journal_file(path).ok()) throw std::runtime_error("cannot create " + path);
    std::error_code ec;
    auto f = mj::open_journal_file(path, ec);
    if (!f || ec) throw std::runtime_error("cannot open " + path + ": " + ec.message());
    return f;
  }

  mixtape::test::temp_dir dir_;
  std::unique_ptr<mj::writer> writer_;
  std::uint64_t next_ = 1;
};

// The seqs of the framed records in `bytes`; throws when they are not whole, valid records.
inline std::vector<std::uint64_t> seqs_in(std::string_view bytes) {
  std::vector<std::uint64_t> seqs;
  while (!bytes.empty()) {
    mj::framed_record f;
    if (mj::read_frame(bytes, f) != mj::frame_status::ok) throw std::runtime_error("not a framed record");
    seqs.push_back(f.seq);
    bytes.remove_prefix(f.size);
  }
  return seqs;
}

inline std::vector<std::uint64_t> range(std::uint64_t from, std::uint64_t to) {
  std::vector<std::uint64_t> out;
  for (std::uint64_t s = from; s <= to; ++s) out.push_back(s);
  return out;
}

}  // namespace replication_test
