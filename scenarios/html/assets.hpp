// The HTML reports' page templates, styles and scripts: the files next to this header, compiled
// in by scenarios/html/embed.cmake (a generated source defines these from the files' bytes).
#pragma once

#include <string_view>

namespace connsim::scenarios::html {

extern const std::string_view kPageHead;      // head.html: every page's <head>, before its page
extern const std::string_view kReportPage;    // report.html
extern const std::string_view kReportStyle;   // report.css
extern const std::string_view kReportScript;  // report.js
extern const std::string_view kSweepPage;     // sweep.html
extern const std::string_view kSweepScript;   // sweep.js

}  // namespace connsim::scenarios::html
