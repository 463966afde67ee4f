// The HTML run report (`connsim run --html FILE`): one self-contained page for a whole run, a
// summary table and per scenario a timeline with a lane per wallet. It fetches nothing: the
// page's style and script (scenarios/html/, embedded at build time) and the run's data (JSON
// in a <script type="application/json"> element) are all inline.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "scenarios/runner.hpp"

namespace connsim::scenarios {

struct HtmlReportOptions {
  /// The size budget: at most this many drawn items (status writes, activity events, connects,
  /// attempts, dials, session changes) per scenario. A scenario with more keeps everything
  /// before a cut-off time and the page says so (how many were kept, up to when).
  std::size_t max_items_per_scenario = 60000;
};

/// Writes the page for `reports` (any number, none included).
void write_html_report(std::ostream& out, const std::vector<RunReport>& reports, const HtmlReportOptions& options = {});

/// The data the page draws, one object per scenario (its layout is documented in
/// scenarios/html/report.js, which reads it).
nlohmann::json html_report_model(const std::vector<RunReport>& reports, const HtmlReportOptions& options = {});

/// `json` as text that is safe inside a <script> element: every '<', '>' and '&' (so no
/// "</script>" or "<!--" can appear) and U+2028/U+2029 written as \u escapes; invalid UTF-8 is
/// replaced. JSON.parse reads back the same value.
std::string json_for_script(const nlohmann::json& json);

/// Fills a page template's placeholders: @CONNSIM_STYLE@, @CONNSIM_SCRIPT@, @CONNSIM_DATA@
/// and @CONNSIM_TITLE@ (already escaped for HTML text). Writes every page's shared head
/// (scenarios/html/head.html) and then `page` (from <body> on) to `out`.
void fill_page_template(std::ostream& out, std::string_view page, std::string_view style, std::string_view script,
                        std::string_view data, std::string_view title);

/// Text escaped for HTML element content and attribute values.
std::string html_escape(std::string_view text);

}  // namespace connsim::scenarios
