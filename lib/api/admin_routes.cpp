// The admin routes (/admin/v1/..., docs/operations.md "Administration"): the backup, and an
// organization's export, import, freeze, unfreeze and deletion.
#include "api/errors.hpp"
#include "api/responses.hpp"
#include "api/router.hpp"
#include "core/identifiers.hpp"
#include "core/log.hpp"

namespace mixtape::api {
namespace {

// An import's failure in the envelope; a 422 names the body line beside the field.
response import_failure(const service::org_import::failure& f, const std::string& trace_id) {
  if (f.problem.code != core::errc::validation_failed || f.line == 0)
    return to_response(service::reply{f.problem}, 201, {}, trace_id);
  std::string details = details_of("field", f.problem.field);
  details.pop_back();
  details += ",\"line\":" + std::to_string(f.line) + "}";
  return error_response(error_kind::validation, f.problem.message, details, trace_id);
}

// A 503 with Retry-After: the operation cannot run now.
response unavailable(std::string_view why, const std::string& trace_id) {
  auto r = error_response(error_kind::unavailable, why, "{}", trace_id);
  r.retry_after = "5";
  return r;
}

// The answer of a backup or an export: `b`'s pieces, chunked.
response streamed(const backup_stream& b, std::string_view content_type, const std::string& trace_id) {
  response r;
  r.request_id = trace_id;
  r.content_type = content_type;
  r.seq = b.seq;
  r.stream = b.body;
  return r;
}

// service::org_import as the HTTP layer's upload; `finish` accounts for the final answer.
class import_upload final : public upload {
 public:
  import_upload(std::shared_ptr<service::org_import> i, std::string trace_id, std::function<void(response&)> finish)
      : import_(std::move(i)), trace_id_(std::move(trace_id)), finish_(std::move(finish)) {}

  void write(std::string_view piece, std::function<void(std::optional<response>)> next) override {
    import_->write(piece, [this_trace = trace_id_, finish = finish_,
                           next = std::move(next)](std::optional<service::org_import::failure> f) {
      if (!f) return next(std::nullopt);
      auto r = import_failure(*f, this_trace);
      finish(r);
      next(std::move(r));
    });
  }
  void finish(respond_fn done) override {
    import_->finish([trace_id = trace_id_, finish = finish_, done = std::move(done)](
                        core::result<std::string> body, std::uint64_t line) {
      response r = body ? to_response(service::reply{std::move(body).value()}, 201, {}, trace_id)
                        : import_failure({std::move(body).error(), line}, trace_id);
      finish(r);
      done(std::move(r));
    });
  }
  void abandon() override { import_->abandon(); }

 private:
  std::shared_ptr<service::org_import> import_;
  std::string trace_id_;
  std::function<void(response&)> finish_;
};

}  // namespace

std::optional<response> router::handle_admin(const route_match& m, std::string trace_id, const request_context& ctx,
                                             const std::optional<core::rate_verdict>& limit, const respond_fn& done) {
  // Rate headers, CORS and accounting of the final answer; it may run later, on another
  // thread (everything by value).
  const auto settle = [this, ctx, limit](response& r) {
    if (r.status < 300 && !r.seq) r.seq = service_.applied_seq();  // a write's record (X-Mixtape-Seq)
    if (limit) set_rate_headers(r, *limit);
    finish(ctx, r);
  };
  const auto now = [&](response r) -> std::optional<response> {
    settle(r);
    return r;
  };
  const auto unavailable_now = [&](std::string_view why) { return now(unavailable(why, trace_id)); };
  // A use case's reply, maybe from the journal thread.
  const auto later = [&] {
    return [settle, done, trace_id](service::reply reply) {
      auto r = to_response(std::move(reply), 200, {}, trace_id);
      settle(r);
      done(std::move(r));
    };
  };
  service::organizations* orgs = admin_.organizations;
  if (m.id == route_id::admin_promote) return now(promote(trace_id));
  if (m.id != route_id::admin_backup && !core::is_org_id(m.org))
    return now(to_response(service::reply{core::problem::validation("org", "org must be " + std::string{core::org_id_rule})},
                           200, {}, trace_id));
  switch (m.id) {
    case route_id::admin_backup: {
      if (!admin_.backup) return unavailable_now("backups are not available on this server");
      auto b = admin_.backup();
      if (!b) {
        core::log::warn("backup refused", {{"reason", b.error().message}});
        return unavailable_now("the backup could not be started; see the server log");
      }
      return now(streamed(b.value(), "application/octet-stream", trace_id));
    }
    case route_id::admin_org_export: {
      if (!admin_.export_org) return unavailable_now("exports are not available on this server");
      admin_.export_org(std::string{m.org}, [settle, done, trace_id, org = std::string{m.org}](
                                                 core::result<backup_stream> e) {
        response r;
        if (!e && e.error().code == core::errc::conflict) {
          r = to_response(service::reply{std::move(e).error()}, 200, {}, trace_id);
        } else if (!e) {
          core::log::warn("export refused", {{"org", org}, {"reason", e.error().message}});
          r = unavailable("the export could not be started: " + e.error().message, trace_id);
        } else {
          r = streamed(e.value(), "application/x-ndjson", trace_id);
        }
        settle(r);
        done(std::move(r));
      });
      return std::nullopt;
    }
    case route_id::admin_org_freeze:
    case route_id::admin_org_unfreeze:
      if (!orgs) return unavailable_now("organizations cannot be frozen on this server");
      orgs->set_frozen(m.org, m.id == route_id::admin_org_freeze, later());
      return std::nullopt;
    case route_id::admin_org:
      if (!orgs) return unavailable_now("organizations cannot be deleted on this server");
      orgs->remove(m.org, later());
      return std::nullopt;
    case route_id::admin_org_import: {
      if (!orgs) return unavailable_now("imports are not available on this server");
      auto started = orgs->start_import(m.org);
      if (!started) return now(to_response(service::reply{std::move(started).error()}, 201, {}, trace_id));
      response r;  // not the answer: the HTTP layer feeds the body to it (and finish() accounts)
      r.request_id = trace_id;
      r.body_sink = std::make_shared<import_upload>(std::move(started).value(), trace_id, settle);
      return r;
    }
    default:
      return now(to_response(core::problem{core::errc::internal, "", "no admin handler for the route"}, 200, {}, trace_id));
  }
}

}  // namespace mixtape::api
