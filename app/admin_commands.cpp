#include "admin_commands.hpp"

#include <fcntl.h>

#include <iostream>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "core/fs.hpp"
#include "core/http_url.hpp"
#include "core/clock.hpp"
#include "durability/archive_restore.hpp"
#include "durability/restore.hpp"
#include "journal/backup_format.hpp"

namespace mixtape::app {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace fs = core::fs;

// A server (or proxy) that sends nothing for this long has stalled: the backup fails.
constexpr std::chrono::seconds idle_limit{60};

int failed(const std::string& what) {
  std::cerr << "mixtaped: " << what << '\n';
  return 1;
}

}  // namespace

core::result<downloaded> download_backup(const std::string& from, const std::string& key, const std::string& out_path) {
  const auto url = core::parse_http_url(from);
  if (!url) return core::problem{core::errc::validation_failed, "", "--from must be an http://HOST:PORT URL, not '" + from + "'"};
  const std::string temp = out_path + ".tmp";
  std::error_code ec;
  fs::unique_fd out = fs::open(temp, O_WRONLY | O_CREAT | O_TRUNC, ec, 0600);
  if (ec) return core::problem{core::errc::io_error, "", temp + ": create: " + ec.message()};
  // From here on every failure removes the temp file: no FILE, no partial file.
  const auto fail_clean = [&](const std::string& what) -> core::problem {
    out = {};
    (void)fs::remove(temp, fs::if_missing::ignore);
    return core::problem{core::errc::io_error, "", what};
  };
  journal::backup_reader check{from + "/admin/v1/backup", {}};
  std::uint64_t header_seq = 0;
  try {
    asio::io_context io;
    asio::ip::tcp::resolver resolver{io};
    beast::tcp_stream stream{io};
    stream.expires_after(idle_limit);
    stream.connect(resolver.resolve(url->host, url->port));
    bhttp::request<bhttp::empty_body> req{bhttp::verb::get, url->base_path + "/admin/v1/backup", 11};
    req.set(bhttp::field::host, url->host_field());
    req.set("X-API-Key", key);
    req.set(bhttp::field::user_agent, "mixtaped-backup");
    bhttp::write(stream, req);
    beast::flat_buffer buffer;
    bhttp::response_parser<bhttp::buffer_body> parser;
    parser.body_limit(boost::none);
    stream.expires_after(idle_limit);
    bhttp::read_header(stream, buffer, parser);
    const auto& head = parser.get();
    std::string piece(1u << 20, '\0');
    // The body bytes that arrived next (read_some: written as soon as they come), or `rec`.
    beast::error_code rec;
    const auto next_bytes = [&]() -> std::string_view {
      parser.get().body().data = piece.data();
      parser.get().body().size = piece.size();
      stream.expires_after(idle_limit);
      bhttp::read_some(stream, buffer, parser, rec);
      if (rec == bhttp::error::need_buffer) rec = {};
      return {piece.data(), piece.size() - parser.get().body().size};
    };
    if (head.result_int() != 200) {
      std::string body;
      while (!parser.is_done() && body.size() < 64 * 1024 && !rec) body += next_bytes();
      return fail_clean(from + " answered " + std::to_string(head.result_int()) + ": " + core::reason_of(body));
    }
    if (const auto it = head.find("X-Mixtape-Seq"); it != head.end())
      header_seq = std::strtoull(std::string{it->value()}.c_str(), nullptr, 10);
    while (!parser.is_done()) {
      const std::string_view got = next_bytes();
      if (rec)
        return fail_clean(from + ": the backup stream broke off after " + std::to_string(check.bytes()) +
                          " bytes: " + rec.message());
      if (auto st = check.feed(got); !st) return fail_clean(st.error().message);
      if ((ec = fs::write_all(out.get(), got))) return fail_clean(temp + ": write: " + ec.message());
    }
  } catch (const std::exception& e) {
    return fail_clean(from + ": " + e.what());
  }
  if (auto st = check.finish(); !st) return fail_clean(st.error().message);
  if (header_seq != check.seq())
    return fail_clean("the stream is as of seq " + std::to_string(check.seq()) + " but X-Mixtape-Seq said " +
                      std::to_string(header_seq));
  if ((ec = fs::sync_file(out.get()))) return fail_clean(temp + ": fsync: " + ec.message());
  if ((ec = out.close())) return fail_clean(temp + ": close: " + ec.message());
  if ((ec = fs::rename(temp, out_path))) return fail_clean(out_path + ": rename: " + ec.message());
  if ((ec = fs::sync_directory(fs::parent_directory(out_path)))) {
    (void)fs::remove(out_path, fs::if_missing::ignore);  // not durable: no FILE rather than one that may vanish
    return core::problem{core::errc::io_error, "", out_path + ": fsync directory: " + ec.message()};
  }
  return downloaded{check.seq(), check.bytes()};
}

int backup(const config::backup_command& cmd) {
  auto got = download_backup(cmd.from, cmd.key, cmd.out);
  if (!got) return failed(got.error().message);
  std::cout << "backup of seq " << got->seq << " (" << got->bytes << " bytes) written to " << cmd.out << '\n';
  return 0;
}

int restore(const config::restore_command& cmd) {
  if (!cmd.from.empty()) {
    auto r = durability::restore_backup(cmd.from, cmd.data_dir);
    if (!r) return failed(r.error().message);
    std::cout << "restored seq " << r->seq << " (" << r->collections << " collections) into " << cmd.data_dir << '\n';
    return 0;
  }
  const auto target = cmd.until_time  ? durability::restore_target::until_time(*cmd.until_time)
                      : cmd.until_seq ? durability::restore_target::until_seq(*cmd.until_seq)
                                      : durability::restore_target::everything();
  auto r = durability::restore_from_archive(cmd.from_archive, cmd.data_dir, target);
  if (!r) return failed(r.error().message);
  std::cout << "restored seq " << r->last_seq;
  if (r->last_time) std::cout << " (its record's time " << core::format_utc(*r->last_time) << ")";
  std::cout << " from " << cmd.from_archive << " into " << cmd.data_dir << '\n';
  return 0;
}

}  // namespace mixtape::app
