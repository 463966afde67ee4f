// The prelude of a store unit's test file, included after it defines BOOST_TEST_MODULE and
// includes its unit's header: Boost.Test, the store harness (tests/support/store_harness.hpp) and
// the names those tests use unqualified.
#pragma once

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/support/store_harness.hpp"

using namespace connsim::store;
using namespace connsim::testing;
using std::chrono::milliseconds;
using std::chrono::seconds;
using Strings = std::vector<std::string>;
using Millis = std::vector<long long>;
