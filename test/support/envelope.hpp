#pragma once
// The error envelope (docs/openapi.yaml, schemas/Error), checked field by field (for the
// integration tests).
#include <boost/test/unit_test.hpp>

#include <boost/json.hpp>

#include <string>
#include <string_view>

#include "support/http_client.hpp"
#include "support/http_date.hpp"

namespace mixtape::test {

// Checks the envelope and returns its "error" object.
inline boost::json::object check_envelope(const http_reply& r, unsigned status, std::string_view code) {
  boost::json::object error;
  BOOST_TEST_CONTEXT("status " << r.status << " body " << r.body) {
    BOOST_TEST(r.status == status);
    BOOST_TEST(r.header("Content-Type") == "application/json; charset=utf-8");
    const auto v = r.json();
    BOOST_TEST(v.at("success").as_bool() == false);
    const auto& e = v.at("error").as_object();
    BOOST_TEST(e.at("code").as_string() == code);
    BOOST_TEST(e.at("status").as_int64() == status);
    BOOST_TEST(!e.at("message").as_string().empty());
    BOOST_TEST(!e.at("system_message").as_string().empty());
    BOOST_TEST(!e.at("type").as_string().empty());
    BOOST_TEST(e.at("details").is_object());
    BOOST_TEST(e.at("trace_id").as_string() == r.header("X-Request-Id"));
    BOOST_TEST(e.at("timestamp").as_string().size() == 20u);
    check_http_date(r);
    error = e;
  }
  return error;
}

// details.field of an error object, or "" when absent.
inline std::string field_of(const boost::json::object& error) {
  const auto* f = error.at("details").as_object().if_contains("field");
  return f ? std::string{f->as_string()} : std::string{};
}

}  // namespace mixtape::test
