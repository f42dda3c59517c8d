// The online backup (docs/operations.md, "Backup" and "Restore"): GET /admin/v1/backup under
// an admin key, `mixtaped backup` while writes go on, `mixtaped restore`, and a server on the
// restored directory answering every read as the source did at the backup's seq.
#define BOOST_TEST_MODULE integration_backup
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <array>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <boost/asio.hpp>

#include "collections_support.hpp"
#include "realistic_state.hpp"
#include "support/wait.hpp"

using namespace mixtape::test;

namespace {

namespace asio = boost::asio;

std::uint64_t seq_printed(const std::string& out) {
  const auto at = out.find("backup of seq ");
  BOOST_REQUIRE_MESSAGE(at != std::string::npos, out);
  return std::stoull(out.substr(at + 14));
}

std::string base_url(const live_server& s) { return "http://127.0.0.1:" + std::to_string(s.process->port()); }

// `mixtaped backup` of the server `s` under the admin key into `file`.
run_result backup_of(const live_server& s, const std::string& file) {
  return run_mixtaped({"backup", "--from", base_url(s), "--key", admin_key, "--out", file});
}

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_all(const std::string& path, const std::string& bytes) { std::ofstream(path, std::ios::binary) << bytes; }

bool exists(const std::string& path) { return std::filesystem::exists(path); }

// A server on `dir` (a restored directory): the test keys, then start.
std::unique_ptr<server_process> start_on(const std::string& dir) {
  write_test_keys(dir + "/keys.json");
  return std::make_unique<server_process>(dir);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(backup)

BOOST_AUTO_TEST_CASE(a_restored_directory_answers_every_read_as_the_source_did_at_the_backups_seq) {
  live_server s{{"--compact-bytes", "4096"}};
  BOOST_REQUIRE(s.process->started());
  const state st = build_state(s);
  BOOST_REQUIRE(s.process->wait_for_stderr("compaction done"));
  const auto before = observe(s, st);

  // Carol writes in her own org all through the backup; alice's and bob's state stays put.
  std::atomic<bool> stop{false};
  std::atomic<int> carol_writes{0};
  std::thread writer{[&] {
    http_client c{s.process->port()};
    for (int i = 0; !stop.load(); ++i) {
      const auto r = c.request("POST", "/v1/music/org_other/collections", R"({"name":"Carol )" + std::to_string(i) + "\"}",
                               key_header(carol_key));
      if (r.status == 201) carol_writes.fetch_add(1);
    }
  }};
  BOOST_REQUIRE(wait_until([&] { return carol_writes.load() >= 20; }, std::chrono::seconds(10)));
  temp_dir out;
  const auto made = backup_of(s, out / "state.bak");
  BOOST_REQUIRE(wait_until([&] { return carol_writes.load() >= 40; }, std::chrono::seconds(10)));
  stop = true;
  writer.join();
  BOOST_REQUIRE_MESSAGE(made.exit_code == 0, made.err);
  const std::uint64_t seq = seq_printed(made.out);
  struct stat info {};
  BOOST_REQUIRE(::stat((out / "state.bak").c_str(), &info) == 0);
  BOOST_TEST((info.st_mode & 0777) == 0600u);
  BOOST_TEST(!exists(out / "state.bak.tmp"));

  const auto restored = run_mixtaped({"restore", "--from", out / "state.bak", "--data-dir", out / "restored"});
  BOOST_REQUIRE_MESSAGE(restored.exit_code == 0, restored.err);
  BOOST_TEST(restored.out.find("restored seq " + std::to_string(seq)) != std::string::npos, restored.out);
  // The source goes on serving; `s` now talks to a server on the restored directory.
  const auto source = std::move(s.process);
  s.process = start_on(out / "restored");
  BOOST_REQUIRE(s.process->started());
  s.client = std::make_unique<http_client>(s.process->port());
  BOOST_TEST(observe(s, st) == before);
  // Carol's collections: those created by seq S, each exactly as the source has it.
  http_client src{source->port()};
  const auto carol = [](http_client& c) {
    std::vector<json::value> all;
    for (int offset = 0;; offset += 100) {
      const auto page = c.request("GET", "/v1/music/org_other/collections?limit=100&offset=" + std::to_string(offset), "",
                                  key_header(carol_key))
                            .json();
      for (const auto& item : page.at("items").as_array()) all.push_back(item);
      if (page.at("items").as_array().size() < 100) return all;
    }
  };
  const auto restored_carol = carol(*s.client), source_carol = carol(src);
  BOOST_TEST(restored_carol.size() >= 20u);
  BOOST_TEST(restored_carol.size() < source_carol.size());
  // Listings are newest first: the restored ones are the source's oldest.
  BOOST_TEST((std::vector<json::value>(source_carol.end() - static_cast<std::ptrdiff_t>(restored_carol.size()),
                                       source_carol.end()) == restored_carol));
  // And the restored server goes on from there.
  BOOST_TEST(!s.create("After the restore").empty());
}

BOOST_AUTO_TEST_CASE(admin_routes_need_an_admin_key_and_never_answer_cors) {
  live_server s{{"--cors-origins", "https://app.example"}};
  BOOST_REQUIRE(s.process->started());
  const auto none = s.call("GET", "/admin/v1/backup", "", "");
  check_envelope(none, 401, "AUTHENTICATION_REQUIRED");
  check_envelope(s.call("GET", "/admin/v1/backup", "", alice_key), 403, "INSUFFICIENT_PERMISSIONS");
  check_envelope(s.call("GET", "/admin/v1/backup", "", nocap_key), 403, "INSUFFICIENT_PERMISSIONS");
  // An admin key has no rights under /v1/music/.
  check_envelope(s.call("GET", s.collections_url(), "", admin_key), 403, "INSUFFICIENT_PERMISSIONS");
  const auto from_browser = s.client->request("GET", "/admin/v1/backup", "",
                                              {{"X-API-Key", admin_key}, {"Origin", "https://app.example"}});
  BOOST_TEST(from_browser.status == 200u);
  BOOST_TEST(from_browser.header("Access-Control-Allow-Origin").empty());
  BOOST_TEST(from_browser.header("Cache-Control") == "no-store");
  BOOST_TEST(!from_browser.header("X-Mixtape-Seq").empty());
  const auto preflight = s.client->request("OPTIONS", "/admin/v1/backup", "",
                                           {{"Origin", "https://app.example"}, {"Access-Control-Request-Method", "GET"}});
  BOOST_TEST(preflight.status == 405u);
  BOOST_TEST(preflight.header("Access-Control-Allow-Origin").empty());
}

BOOST_AUTO_TEST_CASE(restore_refuses_a_used_directory_and_a_damaged_or_truncated_backup) {
  live_server s;
  BOOST_REQUIRE(s.process->started());
  for (int i = 0; i < 30; ++i) BOOST_REQUIRE(!s.create("C" + std::to_string(i)).empty());
  temp_dir out;
  const auto made = backup_of(s, out / "good.bak");
  BOOST_REQUIRE_MESSAGE(made.exit_code == 0, made.err);
  const std::string good = read_all(out / "good.bak");

  // Into the live source directory: refused, naming what it holds.
  const auto used = run_mixtaped({"restore", "--from", out / "good.bak", "--data-dir", s.dir.path()});
  BOOST_TEST(used.exit_code == 1);
  BOOST_TEST(used.err.find("already a data directory") != std::string::npos, used.err);

  std::string damaged = good;
  damaged[damaged.size() / 2] ^= 0x20;
  write_all(out / "damaged.bak", damaged);
  const auto bad = run_mixtaped({"restore", "--from", out / "damaged.bak", "--data-dir", out / "d1"});
  BOOST_TEST(bad.exit_code == 1);
  BOOST_TEST(bad.err.find("damaged.bak") != std::string::npos, bad.err);
  BOOST_TEST(bad.err.find("checksum mismatch") != std::string::npos, bad.err);

  write_all(out / "short.bak", good.substr(0, good.size() - 10));
  const auto cut = run_mixtaped({"restore", "--from", out / "short.bak", "--data-dir", out / "d2"});
  BOOST_TEST(cut.exit_code == 1);
  BOOST_TEST(cut.err.find("short.bak: truncated") != std::string::npos, cut.err);
  // Nothing was left behind: both directories can still take a good restore.
  for (const auto* dir : {"d1", "d2"}) {
    const auto again = run_mixtaped({"restore", "--from", out / "good.bak", "--data-dir", out / dir});
    BOOST_TEST(again.exit_code == 0, again.err);
  }
  // A wrong key, or a URL that is no mixtape: a message, no FILE.
  const auto wrong = run_mixtaped({"backup", "--from", base_url(s), "--key", alice_key, "--out", out / "x.bak"});
  BOOST_TEST(wrong.exit_code == 1);
  BOOST_TEST(wrong.err.find("403") != std::string::npos, wrong.err);
  BOOST_TEST(!exists(out / "x.bak"));
  BOOST_TEST(!exists(out / "x.bak.tmp"));
}

// A stand-in server that answers the backup request with a real head and the first half of
// a real backup, then either closes or stalls (until the test ends).
class half_a_backup {
 public:
  half_a_backup(std::string head_and_half, bool stall) : bytes_(std::move(head_and_half)), stall_(stall) {
    acceptor_.open(asio::ip::tcp::v4());
    acceptor_.bind({asio::ip::make_address("127.0.0.1"), 0});
    acceptor_.listen();
    thread_ = std::thread{[this] {
      boost::system::error_code ec;
      acceptor_.accept(socket_, ec);
      if (ec) return;
      std::array<char, 4096> request;
      (void)socket_.read_some(asio::buffer(request), ec);
      asio::write(socket_, asio::buffer(bytes_), ec);
      if (stall_) (void)socket_.read_some(asio::buffer(request), ec);  // until the client dies
      else ::shutdown(socket_.native_handle(), SHUT_RDWR);             // cut off
    }};
  }
  ~half_a_backup() {
    // Wakes the thread wherever it blocks: in accept, or reading from a client still alive.
    ::shutdown(acceptor_.native_handle(), SHUT_RDWR);
    if (socket_.is_open()) ::shutdown(socket_.native_handle(), SHUT_RDWR);
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()); }

 private:
  std::string bytes_;
  bool stall_;
  asio::io_context io_;
  asio::ip::tcp::acceptor acceptor_{io_};
  asio::ip::tcp::socket socket_{io_};
  std::thread thread_;
};

std::string chunked_head_and_half(const std::string& backup, std::uint64_t seq) {
  const std::string half = backup.substr(0, backup.size() / 2);
  std::ostringstream out;
  out << "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n"
      << "X-Mixtape-Seq: " << seq << "\r\n\r\n"
      << std::hex << half.size() << "\r\n" << half << "\r\n";
  return out.str();
}

BOOST_AUTO_TEST_CASE(a_backup_cut_off_or_killed_midway_leaves_no_file) {
  live_server s;
  BOOST_REQUIRE(s.process->started());
  for (int i = 0; i < 50; ++i) BOOST_REQUIRE(!s.create("C" + std::to_string(i)).empty());
  temp_dir out;
  const auto made = backup_of(s, out / "real.bak");
  BOOST_REQUIRE_MESSAGE(made.exit_code == 0, made.err);
  const std::string real = read_all(out / "real.bak");
  const std::string half = chunked_head_and_half(real, seq_printed(made.out));

  {  // The connection breaks off: exit 1, a message, no file.
    half_a_backup server{half, false};
    const auto r = run_mixtaped({"backup", "--from", server.url(), "--key", admin_key, "--out", out / "a.bak"});
    BOOST_TEST(r.exit_code == 1);
    BOOST_TEST(r.err.find("broke off") != std::string::npos, r.err);
    BOOST_TEST(!exists(out / "a.bak"));
    BOOST_TEST(!exists(out / "a.bak.tmp"));
  }
  {  // kill -9 of `mixtaped backup` with half the stream written: no FILE.
    half_a_backup server{half, true};
    const pid_t pid = spawn_mixtaped({"backup", "--from", server.url(), "--key", admin_key, "--out", out / "b.bak"},
                                     out / "b.out", out / "b.err");
    BOOST_REQUIRE(wait_until([&] { return exists(out / "b.bak.tmp") && std::filesystem::file_size(out / "b.bak.tmp") > 0; },
                             std::chrono::seconds(10)));
    ::kill(pid, SIGKILL);
    BOOST_TEST(wait_for_exit(pid, std::chrono::seconds(10)) == 128 + SIGKILL);
    BOOST_TEST(!exists(out / "b.bak"));
  }
  // The next backup to the same FILE succeeds over the leftover temp file.
  const auto again = backup_of(s, out / "b.bak");
  BOOST_TEST(again.exit_code == 0, again.err);
  BOOST_TEST(!exists(out / "b.bak.tmp"));
}

// Backups taken while compactions replace the files under them (a snapshot every few KB):
// each one opens a consistent set (or starts over), and each restores and loads.
BOOST_AUTO_TEST_CASE(backups_race_compactions_and_each_one_restores) {
  live_server s{{"--compact-bytes", "4096"}};
  BOOST_REQUIRE(s.process->started());
  const std::string id = s.create("Busy");
  std::atomic<bool> stop{false};
  std::thread writer{[&] {
    http_client c{s.process->port()};
    for (int round = 0; !stop.load(); ++round) {
      std::string body = R"({"track_ids":[)";
      for (int i = 0; i < 20; ++i) body += (i ? ",\"" : "\"") + std::string{"mtrack_w"} + std::to_string(round) + "n" + std::to_string(i) + "\"";
      (void)c.request("POST", coll_url(s, id) + "/tracks", body + "]}", key_header(alice_key));
      (void)c.request("POST", s.collections_url(), R"({"name":"more"})", key_header(alice_key));
    }
  }};
  BOOST_REQUIRE(s.process->wait_for_stderr("compaction done", std::chrono::seconds(20)));
  temp_dir out;
  std::uint64_t last = 0;
  for (int i = 0; i < 5; ++i) {
    const std::string file = out / ("b" + std::to_string(i) + ".bak");
    const auto made = backup_of(s, file);
    BOOST_REQUIRE_MESSAGE(made.exit_code == 0, made.err);
    const auto seq = seq_printed(made.out);
    BOOST_TEST(seq > last);
    last = seq;
    const auto restored = run_mixtaped({"restore", "--from", file, "--data-dir", out / ("d" + std::to_string(i))});
    BOOST_TEST(restored.exit_code == 0, restored.err);
    BOOST_TEST(restored.out.find("restored seq " + std::to_string(seq) + " ") == 0u, restored.out);
  }
  stop = true;
  writer.join();
  BOOST_TEST(s.process->wait_for_stderr("compaction done", std::chrono::seconds(1), 3));
}

// RFC 9112 §6.1: no chunked coding for an HTTP/1.0 request; the body ends with the connection.
BOOST_AUTO_TEST_CASE(an_http_1_0_client_gets_the_backup_ending_with_the_connection) {
  live_server s;
  BOOST_REQUIRE(s.process->started());
  for (int i = 0; i < 5; ++i) BOOST_REQUIRE(!s.create("C" + std::to_string(i)).empty());
  const auto r = raw_exchange(s.process->port(),
                              "GET /admin/v1/backup HTTP/1.0\r\nX-API-Key: " + admin_key + "\r\n\r\n", std::chrono::seconds(10));
  BOOST_TEST(r.closed_by_server);
  const auto end = r.received.find("\r\n\r\n");
  BOOST_REQUIRE(end != std::string::npos);
  const std::string head = r.received.substr(0, end);
  BOOST_TEST(head.find("200 OK") != std::string::npos);
  BOOST_TEST(head.find("Transfer-Encoding") == std::string::npos, head);
  BOOST_TEST(head.find("Connection: close") != std::string::npos, head);
  temp_dir out;
  write_all(out / "raw.bak", r.received.substr(end + 4));
  const auto restored = run_mixtaped({"restore", "--from", out / "raw.bak", "--data-dir", out / "d"});
  BOOST_TEST(restored.exit_code == 0, restored.err);
  BOOST_TEST(restored.out.find("(5 collections)") != std::string::npos, restored.out);
}

BOOST_AUTO_TEST_CASE(kill_9_of_the_server_midway_through_a_backup_loses_nothing) {
  live_server s{{"--compact-bytes", "4096"}};
  BOOST_REQUIRE(s.process->started());
  const state st = build_state(s);
  const auto before = observe(s, st);
  // A client that asks for a backup and reads only its head, then the server dies.
  asio::io_context io;
  asio::ip::tcp::socket socket{io};
  socket.connect({asio::ip::make_address("127.0.0.1"), s.process->port()});
  const std::string request = "GET /admin/v1/backup HTTP/1.1\r\nHost: x\r\nX-API-Key: " + admin_key + "\r\n\r\n";
  asio::write(socket, asio::buffer(request));
  std::string head;
  asio::read_until(socket, asio::dynamic_buffer(head), "\r\n\r\n");
  BOOST_TEST(head.find("200 OK") != std::string::npos);
  s.client.reset();
  s.process->kill_hard();
  s.process = std::make_unique<server_process>(s.dir.path(), std::vector<std::string>{"--compact-bytes", "4096"});
  BOOST_REQUIRE(s.process->started());
  s.client = std::make_unique<http_client>(s.process->port());
  BOOST_TEST(observe(s, st) == before);
}

BOOST_AUTO_TEST_SUITE_END()
