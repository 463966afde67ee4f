// The README's worked examples are real files and real runs, so README.md and the program cannot
// drift apart. Contract of README.md checked here:
//  - Every ```json block is, byte for byte, the file `examples/NAME.json` that the prose since
//    the previous block names last.
//  - Every ```console block is run. Each `$ COMMAND` line runs in a scratch directory that
//    mirrors the source tree (with build/bin/connsim the connsim just built); a command whose
//    program is not build/bin/connsim and is not installed here (tshark) is skipped, and the
//    test says so. What a command prints, stdout then stderr, must be the lines under it, up to
//    the next `$` line. The only freedom is the README's own elisions: a line that is just `...`
//    (indented or not) stands for one or more printed lines, and a line ending in ` ...` for one
//    printed line that starts with the text before the ` ...`.
//  - Every file in examples/ is named in README.md.
#define BOOST_TEST_MODULE docs_readme
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

const fs::path kSource = CONNSIM_SOURCE_DIR;
const fs::path kConnsim = CONNSIM_COMMAND;
const fs::path kScratch = CONNSIM_SCRATCH_DIR;
const std::string kConnsimProgram = "build/bin/connsim";

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  BOOST_REQUIRE_MESSAGE(in, "cannot read " << path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string join_lines(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& line : lines) text += line + "\n";
  return text;
}

// A fenced block of a Markdown file: its info string ("json", "console", ...), the 1-based line
// of its opening fence, its lines, and the prose between the previous block and this one.
struct FencedBlock {
  std::string info;
  int line = 0;
  std::vector<std::string> lines;
  std::string prose_before;
};

std::vector<FencedBlock> fenced_blocks(const std::string& markdown) {
  std::vector<FencedBlock> blocks;
  std::string prose;
  bool inside = false;
  int number = 0;
  for (const std::string& line : split_lines(markdown)) {
    ++number;
    const bool fence = line.rfind("```", 0) == 0;
    if (fence && !inside) {
      blocks.push_back({line.substr(3), number, {}, prose});
      prose.clear();
      inside = true;
    } else if (fence) {
      inside = false;
    } else if (inside) {
      blocks.back().lines.push_back(line);
    } else {
      prose += line + "\n";
    }
  }
  BOOST_REQUIRE_MESSAGE(!inside, "README.md: the block opened at line " << blocks.back().line << " is never closed");
  return blocks;
}

std::vector<FencedBlock> readme_blocks(const std::string& info) {
  std::vector<FencedBlock> chosen;
  for (FencedBlock& block : fenced_blocks(read_file(kSource / "README.md"))) {
    if (block.info == info) chosen.push_back(std::move(block));
  }
  return chosen;
}

// The README's elisions (see the top of this file).
bool is_line_elision(const std::string& shown) {
  const auto first = shown.find_first_not_of(' ');
  return first != std::string::npos && shown.compare(first, std::string::npos, "...") == 0;
}

bool line_matches(const std::string& shown, const std::string& printed) {
  const std::string tail = " ...";
  if (shown.size() > tail.size() && shown.compare(shown.size() - tail.size(), tail.size(), tail) == 0) {
    return printed.rfind(shown.substr(0, shown.size() - tail.size() + 1), 0) == 0;
  }
  return shown == printed;
}

// Whether the shown lines from `i` on match the printed lines from `j` on. `failed` remembers the
// (i, j) pairs already known not to match, so several elisions stay cheap.
bool matches_from(const std::vector<std::string>& shown, std::size_t i, const std::vector<std::string>& printed,
                  std::size_t j, std::vector<std::vector<bool>>& failed) {
  if (failed[i][j]) return false;
  bool ok = false;
  if (i == shown.size()) {
    ok = j == printed.size();
  } else if (is_line_elision(shown[i])) {
    for (std::size_t k = j + 1; k <= printed.size() && !ok; ++k) ok = matches_from(shown, i + 1, printed, k, failed);
  } else {
    ok = j < printed.size() && line_matches(shown[i], printed[j]) && matches_from(shown, i + 1, printed, j + 1, failed);
  }
  if (!ok) failed[i][j] = true;
  return ok;
}

bool output_matches(const std::vector<std::string>& shown, const std::vector<std::string>& printed) {
  std::vector<std::vector<bool>> failed(shown.size() + 1, std::vector<bool>(printed.size() + 1, false));
  return matches_from(shown, 0, printed, 0, failed);
}

std::string quoted(const fs::path& path) { return "'" + path.string() + "'"; }

// The scratch directory a console block runs in: every top-level entry of the source tree but
// build directories and .git, linked, plus build/bin/connsim. Files the commands write (pcaps)
// land here, never in the source tree.
void make_scratch_directory() {
  fs::remove_all(kScratch);
  fs::create_directories(kScratch / "build" / "bin");
  for (const fs::directory_entry& entry : fs::directory_iterator(kSource)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("build", 0) == 0 || name == ".git") continue;
    fs::create_symlink(entry.path(), kScratch / name);
  }
  fs::create_symlink(kConnsim, kScratch / kConnsimProgram);
}

struct Printed {
  std::vector<std::string> lines;  // stdout's lines, then stderr's
};

Printed run_in_scratch(const std::string& command) {
  const fs::path out = kScratch / "stdout.txt";
  const fs::path err = kScratch / "stderr.txt";
  const std::string shell = "cd " + quoted(kScratch) + " && { " + command + "\n} >" + quoted(out) + " 2>" + quoted(err);
  std::system(shell.c_str());  // the exit status is not part of what a block shows
  Printed printed{split_lines(read_file(out))};
  for (std::string& line : split_lines(read_file(err))) printed.lines.push_back(std::move(line));
  return printed;
}

bool installed(const std::string& program) {
  return std::system(("command -v " + program + " >/dev/null 2>&1").c_str()) == 0;
}

// One `$ COMMAND` of a console block and the lines shown under it.
struct ShownCommand {
  std::string command;
  std::vector<std::string> output;
};

std::vector<ShownCommand> shown_commands(const FencedBlock& block) {
  std::vector<ShownCommand> commands;
  for (const std::string& line : block.lines) {
    if (line.rfind("$ ", 0) == 0) {
      commands.push_back({line.substr(2), {}});
    } else {
      BOOST_REQUIRE_MESSAGE(!commands.empty(), "README.md:" << block.line << ": console output before any `$` line");
      commands.back().output.push_back(line);
    }
  }
  return commands;
}

}  // namespace

BOOST_AUTO_TEST_CASE(elisions_are_the_only_freedom) {
  const std::vector<std::string> printed = {"PASS a", "history:", "  1s x", "  2s y", "  3s z", "reproduce: a --seed 1"};
  BOOST_TEST(output_matches({"PASS a", "history:", "  ...", "  3s z", "reproduce: a --seed 1"}, printed));
  BOOST_TEST(output_matches({"PASS a", "history:", "  1s x", "  ...", "reproduce: a ..."}, printed));
  BOOST_TEST(output_matches({"PASS a", "..."}, printed));
  BOOST_TEST(!output_matches({"PASS a", "history:", "  ...", "  2s y", "  3s z", "  ...", "reproduce: a --seed 1"},
                             printed));  // `...` stands for at least one line
  BOOST_TEST(!output_matches({"PASS a"}, printed));                            // no silent tail
  BOOST_TEST(!output_matches({"PASS a", "history:", "  1s x"}, {"PASS a", "history:", "  1s x "}));  // exact lines
  BOOST_TEST(!output_matches({"PASS b ..."}, {"PASS a b"}));                    // a prefix, not a substring
  BOOST_TEST(!output_matches({"Connected to Bob..."}, {"Connected to Bob... via relay"}));  // `...` inside text
}

BOOST_AUTO_TEST_CASE(json_blocks_are_the_example_files) {
  const std::regex named(R"(examples/[A-Za-z0-9._-]+\.json)");
  const std::vector<FencedBlock> blocks = readme_blocks("json");
  BOOST_TEST(!blocks.empty());
  for (const FencedBlock& block : blocks) {
    BOOST_TEST_CONTEXT("README.md:" << block.line) {
      std::string file;
      for (std::sregex_iterator it(block.prose_before.begin(), block.prose_before.end(), named), end; it != end; ++it) {
        file = it->str();
      }
      BOOST_TEST_REQUIRE(!file.empty(), "the prose before this json block names no examples/*.json file");
      BOOST_TEST(join_lines(block.lines) == read_file(kSource / file), "the block differs from " << file);
    }
  }
}

BOOST_AUTO_TEST_CASE(every_example_file_is_in_the_readme) {
  const std::string readme = read_file(kSource / "README.md");
  for (const fs::directory_entry& entry : fs::directory_iterator(kSource / "examples")) {
    if (entry.path().extension() != ".json") continue;
    const std::string name = "examples/" + entry.path().filename().string();
    BOOST_TEST(readme.find(name) != std::string::npos, name << " is not named in README.md");
  }
}

BOOST_AUTO_TEST_CASE(console_blocks_print_what_they_show) {
  make_scratch_directory();
  const std::vector<FencedBlock> blocks = readme_blocks("console");
  BOOST_TEST(!blocks.empty());
  for (const FencedBlock& block : blocks) {
    int connsim_runs = 0;
    for (const ShownCommand& shown : shown_commands(block)) {
      BOOST_TEST_CONTEXT("README.md:" << block.line << ": $ " << shown.command) {
        const std::string program = shown.command.substr(0, shown.command.find(' '));
        if (program != kConnsimProgram && !installed(program)) {
          BOOST_TEST_MESSAGE("README.md:" << block.line << ": skipped `" << shown.command << "`: " << program
                                          << " is not installed");
          continue;
        }
        connsim_runs += program == kConnsimProgram;
        const Printed printed = run_in_scratch(shown.command);
        BOOST_TEST(output_matches(shown.output, printed.lines),
                   "the README shows:\n" << join_lines(shown.output) << "the command printed:\n"
                                         << join_lines(printed.lines));
      }
    }
    BOOST_TEST(connsim_runs > 0, "README.md:" << block.line << ": a console block without a " << kConnsimProgram
                                              << " command");
  }
}
