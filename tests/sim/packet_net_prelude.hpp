// The prelude of the packet network's test files (topology, NAT routing), included after each
// defines BOOST_TEST_MODULE and includes its unit's header: Boost.Test, the kernel, the topology
// and its NAT routing, UdpEnd (tests/sim/udp_end.hpp) and the names those tests use unqualified.
#pragma once

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <memory>
#include <vector>

#include "sim/kernel.hpp"
#include "sim/packet/nat_routing.hpp"
#include "sim/packet/topology.hpp"
#include "tests/sim/udp_end.hpp"

using namespace std::chrono_literals;
using namespace connsim::sim;
using namespace connsim::sim::packet;
using connsim::sim::testing::UdpEnd;
