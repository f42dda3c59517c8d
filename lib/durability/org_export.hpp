#pragma once
// An organization's export (GET /admin/v1/orgs/{org}/export; docs/operations.md "Moving an
// organization"): its collections and share links as JSON lines (model/org_export.hpp), as
// of one seq S.
//
// Consistency: the export reads a snapshot written for it (compactor::snapshot_now), which
// holds exactly the records <= S, S covering every write acknowledged before the request. It
// never reads the live store, so it is as of S even while the organization takes writes
// (freeze it first for a move: then S is also its last change).
//
// Memory: the snapshot is mapped, not read; the export keeps the offsets of the
// organization's items (24 bytes each) to put them in creation order, and renders one piece
// (about 64 KiB, more by at most one collection) per next().
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/byte_source.hpp"
#include "core/result.hpp"
#include "durability/compactor.hpp"
#include "journal/snapshot_file.hpp"

namespace mixtape::durability {

class org_export_source final : public core::byte_source {
 public:
  // Takes a snapshot of `dir`'s state through `c` and indexes `org` in it. Errors:
  // unavailable (the snapshot could not be taken in time, or kept being replaced), io_error
  // or corrupt_data naming the snapshot file.
  static core::result<std::unique_ptr<org_export_source>> open(const std::string& dir, compactor& c,
                                                               const std::string& org,
                                                               std::chrono::milliseconds timeout);

  std::uint64_t seq() const noexcept { return snapshot_.covered_seq; }
  std::size_t collections() const noexcept { return collections_.size(); }
  std::size_t share_links() const noexcept { return shares_.size(); }

  core::result<bool> next(std::string& out) override;

 private:
  struct item {  // one snapshot item of the organization: where it is in the body
    std::uint64_t created_seq;
    std::uint64_t offset;
    std::uint64_t length;
  };
  org_export_source() = default;
  core::status index();
  std::string_view bytes_of(const item& i) const;

  std::string org_;
  journal::snapshot_contents snapshot_;
  std::vector<item> collections_, shares_;  // each oldest first
  std::size_t next_collection_ = 0, next_share_ = 0;
  enum class stage { header, collections, shares, end, done } stage_ = stage::header;
};

}  // namespace mixtape::durability
