// Scenarios written inline in a test: decode one that must be valid. Header-only; a test that
// includes it links connsim_scenarios (the loader) itself.
#pragma once

#include <string>
#include <utility>

#include <boost/test/unit_test.hpp>

#include "scenarios/loader.hpp"

namespace connsim::test_support {

/// The scenario `text` decodes to. When it does not decode, the test case fails there, with
/// every loader error in the log (so a broken fixture says what is wrong with it).
inline scenarios::Scenario load_valid_scenario(const std::string& text, const std::string& file_name = "inline.json") {
  scenarios::LoadResult loaded = scenarios::load_scenario_text(text, file_name);
  for (const auto& error : loaded.errors()) BOOST_TEST_MESSAGE(error.to_string());
  BOOST_TEST_REQUIRE(loaded.ok());
  return std::move(loaded.scenario());
}

}  // namespace connsim::test_support
