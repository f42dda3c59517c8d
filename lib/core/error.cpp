#include "core/error.hpp"

namespace mixtape::core {
namespace {
class category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "mixtape"; }
  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::ok: return "ok";
      case errc::validation_failed: return "validation failed";
      case errc::not_found: return "not found";
      case errc::collection_full: return "collection full";
      case errc::unavailable: return "service unavailable";
      case errc::io_error: return "i/o error";
      case errc::corrupt_data: return "corrupt data";
      case errc::internal: return "internal error";
      case errc::precondition_failed: return "precondition failed";
      case errc::idempotency_conflict: return "idempotency conflict";
      case errc::conflict: return "conflict";
    }
    return "unknown mixtape error";
  }
};
}  // namespace

const std::error_category& mixtape_category() noexcept {
  static const category instance;
  return instance;
}

std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), mixtape_category()};
}
}  // namespace mixtape::core
