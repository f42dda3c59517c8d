#include "durability/org_export.hpp"

#include <algorithm>

#include "journal/data_files.hpp"
#include "model/org_export.hpp"
#include "model/snapshot_item.hpp"

namespace mixtape::durability {
namespace {

constexpr std::size_t piece_bytes = 64 * 1024;
constexpr int attempts = 5;  // a newer compaction may delete our snapshot before it is mapped
constexpr std::size_t item_prefix = 1 + 4;

std::uint64_t item_length(std::string_view body, std::size_t offset) {
  std::uint32_t length = 0;
  for (int i = 3; i >= 0; --i) length = (length << 8) | static_cast<unsigned char>(body[offset + 1 + i]);
  return item_prefix + length;
}

}  // namespace

core::result<std::unique_ptr<org_export_source>> org_export_source::open(const std::string& dir, compactor& c,
                                                                         const std::string& org,
                                                                         std::chrono::milliseconds timeout) {
  std::unique_ptr<org_export_source> e{new org_export_source};
  e->org_ = org;
  for (int attempt = 1;; ++attempt) {
    auto seq = c.snapshot_now(timeout);
    if (!seq) return std::move(seq).error();
    auto snap = journal::read_snapshot_file(dir + "/" + journal::snapshot_file_name(seq.value()));
    if (snap) {
      e->snapshot_ = std::move(snap).value();
      break;
    }
    if (snap.error().code != core::errc::io_error || attempt == attempts) return std::move(snap).error();
  }
  if (auto st = e->index(); !st) return std::move(st).error();
  return e;
}

core::status org_export_source::index() {
  const std::string_view body = snapshot_.body;
  auto st = model::for_each_snapshot_view(body, [&](model::snapshot_item_view&& v, std::size_t offset) {
    if (const auto* c = std::get_if<model::collection_view>(&v); c && c->fields.org == org_)
      collections_.push_back({c->fields.created_seq, offset, item_length(body, offset)});
    else if (const auto* s = std::get_if<model::share_state>(&v); s && s->org == org_)
      shares_.push_back({s->created_seq, offset, item_length(body, offset)});
    return core::success();
  });
  if (!st) return st;
  const auto by_creation = [](const item& a, const item& b) { return a.created_seq < b.created_seq; };
  std::sort(collections_.begin(), collections_.end(), by_creation);
  std::sort(shares_.begin(), shares_.end(), by_creation);
  return core::success();
}

std::string_view org_export_source::bytes_of(const item& i) const { return snapshot_.body.substr(i.offset, i.length); }

core::result<bool> org_export_source::next(std::string& out) {
  const std::size_t start = out.size();
  const auto render = [&](const item& i) {  // the item was decoded once by index(): it decodes again
    return model::for_each_snapshot_view(bytes_of(i), [&](model::snapshot_item_view&& v, std::size_t) {
      if (auto* c = std::get_if<model::collection_view>(&v)) model::append_export_line(out, c->fields, c->tracks);
      else if (auto* s = std::get_if<model::share_state>(&v)) model::append_export_line(out, *s);
      return core::success();
    });
  };
  while (out.size() - start < piece_bytes) {
    switch (stage_) {
      case stage::header:
        model::append_export_line(out, model::export_header{org_, seq()});
        stage_ = stage::collections;
        break;
      case stage::collections:
      case stage::shares: {
        const bool of_collections = stage_ == stage::collections;
        const auto& items = of_collections ? collections_ : shares_;
        std::size_t& at = of_collections ? next_collection_ : next_share_;
        if (at == items.size()) stage_ = of_collections ? stage::shares : stage::end;
        else if (auto st = render(items[at++]); !st) return std::move(st).error();
        break;
      }
      case stage::end:
        model::append_export_line(out, model::export_end{collections_.size(), shares_.size()});
        stage_ = stage::done;
        snapshot_ = {};  // unmapped: nothing more is read
        break;
      case stage::done: return out.size() > start;
    }
  }
  return true;
}

}  // namespace mixtape::durability
