// parse_strict_object: Boost.JSON's basic_parser driven by a handler that builds the value
// (as boost::json::parser does) and also rejects duplicate keys, which Boost.JSON 1.81
// would silently collapse.
#include <limits>
#include <string>
#include <unordered_set>
#include <vector>

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/value_stack.hpp>

#include "model/collection.hpp"
#include "model/requests.hpp"

namespace mixtape::model {
namespace {

namespace json = boost::json;
using json::error_code;
using json::string_view;

constexpr std::size_t max_depth = 32;

struct strict_handler {
  static constexpr std::size_t max_object_size = json::object::max_size();
  static constexpr std::size_t max_array_size = json::array::max_size();
  static constexpr std::size_t max_key_size = json::string::max_size();
  static constexpr std::size_t max_string_size = json::string::max_size();

  json::value_stack st;
  // keys[d] holds the keys seen so far in the d-th open object; entries beyond `open`
  // are kept only so their buckets are reused.
  std::vector<std::unordered_set<std::string>> keys;
  std::size_t open = 0;
  std::string key;           // the key being assembled from on_key_part pieces
  std::string number;        // the number being assembled from on_number_part pieces
  std::string duplicate;     // set when a duplicate key stopped the parse
  bool found_duplicate = false;

  bool on_document_begin(error_code&) { return true; }
  bool on_document_end(error_code&) { return true; }
  bool on_object_begin(error_code&) {
    if (open == keys.size()) keys.emplace_back();
    ++open;
    return true;
  }
  bool on_object_end(std::size_t n, error_code&) {
    keys[--open].clear();
    st.push_object(n);
    return true;
  }
  bool on_array_begin(error_code&) { return true; }
  bool on_array_end(std::size_t n, error_code&) {
    st.push_array(n);
    return true;
  }
  bool on_key_part(string_view s, std::size_t, error_code&) {
    key.append(s.data(), s.size());
    st.push_chars(s);
    return true;
  }
  bool on_key(string_view s, std::size_t, error_code& ec) {
    key.append(s.data(), s.size());
    if (!keys[open - 1].insert(key).second) {
      duplicate = std::move(key);
      found_duplicate = true;
      ec = json::error::syntax;
      return false;
    }
    key.clear();
    st.push_key(s);
    return true;
  }
  bool on_string_part(string_view s, std::size_t, error_code&) {
    st.push_chars(s);
    return true;
  }
  bool on_string(string_view s, std::size_t, error_code&) {
    st.push_string(s);
    return true;
  }
  bool on_number_part(string_view s, error_code&) {
    number.append(s.data(), s.size());
    return true;
  }
  bool on_int64(std::int64_t i, string_view, error_code&) {
    number.clear();
    st.push_int64(i);
    return true;
  }
  bool on_uint64(std::uint64_t u, string_view, error_code&) {
    number.clear();
    st.push_uint64(u);
    return true;
  }
  // Boost.JSON turns an integer literal beyond 64 bits into a double; it saturates instead
  // (to UINT64_MAX, or INT64_MIN when negative), so that it is still an integer: a large
  // one is clamped like any other (every integer a request body may hold is >= 1:
  // docs/openapi.yaml, ShareRequest.expires_in_days).
  bool on_double(double d, string_view s, error_code&) {
    number.append(s.data(), s.size());
    if (is_integer_literal(number)) {
      if (number.front() == '-') st.push_int64(std::numeric_limits<std::int64_t>::min());
      else st.push_uint64(std::numeric_limits<std::uint64_t>::max());
    } else {
      st.push_double(d);
    }
    number.clear();
    return true;
  }
  static bool is_integer_literal(std::string_view n) {
    if (!n.empty() && n.front() == '-') n.remove_prefix(1);
    return !n.empty() && n.find_first_not_of("0123456789") == std::string_view::npos;
  }
  bool on_bool(bool b, error_code&) {
    st.push_bool(b);
    return true;
  }
  bool on_null(error_code&) {
    st.push_null();
    return true;
  }
  bool on_comment_part(string_view, error_code&) { return true; }
  bool on_comment(string_view, error_code&) { return true; }
};

core::problem body_problem(std::string message) {
  return core::problem::validation("body", std::move(message));
}

// The one-line reason for a parse failure that is not a duplicate key.
std::string describe(const error_code& ec, std::string_view what) {
  std::string m{what};
  if (ec == json::error::too_deep) return m + " is nested deeper than 32 levels";
  if (ec == json::error::incomplete) return m + " is not valid JSON (unexpected end)";
  return m + " is not valid JSON or not valid UTF-8";
}

}  // namespace

core::result<json::object> parse_strict_object(std::string_view body, std::string_view what) {
  json::parse_options opts;
  opts.max_depth = max_depth;
  json::basic_parser<strict_handler> p(opts);
  p.handler().st.reset();
  error_code ec;
  const std::size_t n = p.write_some(false, body.data(), body.size(), ec);
  if (p.handler().found_duplicate) {
    const std::string& k = p.handler().duplicate;
    std::string message = "duplicate key ";
    append_json_string(message, k);  // quoted and escaped: the message stays one line
    return core::problem::validation(k, std::move(message));
  }
  if (ec) return body_problem(describe(ec, what));
  if (n != body.size()) return body_problem(std::string{what} + " has data after the JSON value");
  json::value v = p.handler().st.release();
  if (!v.is_object()) return body_problem(std::string{what} + " must be a JSON object");
  return std::move(v.get_object());
}

}  // namespace mixtape::model
