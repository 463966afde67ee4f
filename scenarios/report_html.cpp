#include "scenarios/report_html.hpp"

#include <ostream>

#include <nlohmann/json.hpp>

#include "scenarios/html/assets.hpp"
#include "scenarios/reporters.hpp"

namespace connsim::scenarios {

std::string json_for_script(const nlohmann::json& json) {
  const std::string text = json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size() + text.size() / 16);
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    // '<', '>' and '&' occur only inside JSON strings, where \u escapes mean the same.
    if (c == '<') {
      out += "\\u003c";
    } else if (c == '>') {
      out += "\\u003e";
    } else if (c == '&') {
      out += "\\u0026";
    } else if (c == '\xe2' && i + 2 < text.size() && text[i + 1] == '\x80' && (text[i + 2] == '\xa8' || text[i + 2] == '\xa9')) {
      out += text[i + 2] == '\xa8' ? "\\u2028" : "\\u2029";  // line/paragraph separators
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::string html_escape(std::string_view text) {
  return escape_markup(text, Markup::html);
}

void fill_page_template(std::ostream& out, std::string_view page, std::string_view style, std::string_view script,
                        std::string_view data, std::string_view title) {
  struct Slot {
    std::string_view marker;
    std::string_view value;
  };
  const Slot slots[] = {{"@CONNSIM_STYLE@", style}, {"@CONNSIM_SCRIPT@", script}, {"@CONNSIM_DATA@", data},
                        {"@CONNSIM_TITLE@", title}};
  for (const std::string_view text : {html::kPageHead, page}) {
    std::size_t at = 0;
    while (at < text.size()) {
      std::size_t next = text.size();
      const Slot* found = nullptr;
      for (const auto& slot : slots) {
        const std::size_t where = text.find(slot.marker, at);
        if (where < next) {
          next = where;
          found = &slot;
        }
      }
      out << text.substr(at, next - at);
      if (found == nullptr) break;
      out << found->value;
      at = next + found->marker.size();
    }
  }
}

void write_html_report(std::ostream& out, const std::vector<RunReport>& reports, const HtmlReportOptions& options) {
  std::size_t failed = 0;
  for (const auto& report : reports) failed += report.passed ? 0 : 1;
  const std::string title = "connsim run: " + std::to_string(reports.size() - failed) + " passed, " +
                            std::to_string(failed) + " failed";
  fill_page_template(out, html::kReportPage, html::kReportStyle, html::kReportScript,
                     json_for_script(html_report_model(reports, options)), html_escape(title));
}

}  // namespace connsim::scenarios
