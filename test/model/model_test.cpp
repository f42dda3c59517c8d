// Test module of lib/model: validation rules, strict JSON, request parsing, the cached
// collection JSON, the mutation codec and the organization export's lines (one file per
// source of lib/model).
#define BOOST_TEST_MODULE model
#include <boost/test/unit_test.hpp>
