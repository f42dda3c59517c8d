// Recovery's two-thread applier gives exactly the state of applying in order on one thread.
#include <boost/test/unit_test.hpp>

#include "durability/partitioned_apply.hpp"
#include "harness.hpp"

using namespace durability_test;

BOOST_AUTO_TEST_CASE(two_thread_replay_equals_replay_in_order) {
  for (unsigned seed : {31u, 32u, 33u}) {
    history h{seed};
    history h_sequential = h;
    store::collection_store parallel{16}, sequential{16};
    {
      durability::partitioned_applier applier{parallel};
      // Many batches, every mutation kind, deletes and shares of collections made earlier.
      for (std::uint64_t seq = 1; seq <= 20000; ++seq) applier.apply(h.next(), seq);
      applier.finish();
    }
    for (std::uint64_t seq = 1; seq <= 20000; ++seq) sequential.apply(h_sequential.next(), seq);
    BOOST_TEST_REQUIRE(sequential.size() > 100u);
    BOOST_TEST(store_test::dump(parallel, h) == store_test::dump(sequential, h_sequential), "seed " << seed);
  }
}
