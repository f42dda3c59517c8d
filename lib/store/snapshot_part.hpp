#pragma once
// One snapshot part held as serialized items (share links, remembered keys): the copy-on-
// first-write of collection_store's snapshots for a part small enough to serialize whole.
// While a snapshot with epoch E is in progress, either the part is not captured for E and
// is unchanged since the cut, or it is captured for E and this holds (or the snapshot being
// written already took) the part as it was at the cut. Not thread-safe: the owning unit
// calls it under the part's lock.
//
//   before a change:  if (part.needs_capture(epoch)) serialize(part.capture_into(epoch));
//   the collector:    if (!part.take(epoch, out)) serialize(out);
#include <cstdint>
#include <string>

namespace mixtape::store {

class snapshot_part {
 public:
  // A change must first keep the part as it is: a snapshot is in progress (epoch != 0) and
  // the part is not captured for it yet.
  bool needs_capture(std::uint64_t epoch) const noexcept { return epoch != 0 && captured_epoch_ != epoch; }
  // Where that copy goes (emptied first); the part counts as captured for `epoch` from now.
  std::string& capture_into(std::uint64_t epoch) {
    bytes_.clear();
    captured_epoch_ = epoch;
    return bytes_;
  }
  // The collector: when the part was captured for `epoch`, appends that copy to `out`, frees
  // it and returns true. Otherwise returns false and the caller appends the part as it is
  // (unchanged since the cut); the part counts as captured from then on.
  bool take(std::uint64_t epoch, std::string& out) {
    const bool captured = captured_epoch_ == epoch;
    if (captured) {
      out += bytes_;
      release();
    }
    captured_epoch_ = epoch;
    return captured;
  }
  // The snapshot ended: frees a copy no collector took.
  void release() { std::string{}.swap(bytes_); }

 private:
  std::uint64_t captured_epoch_ = 0;
  std::string bytes_;
};

}  // namespace mixtape::store
