#include "apps/sweep/statistics.hpp"

#include <algorithm>
#include <iterator>

namespace connsim::sweep {

double student_t975(std::size_t degrees_of_freedom) {
  static const double table[] = {0,     12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365,
                                 2.306, 2.262,  2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
                                 2.120, 2.110,  2.101, 2.093, 2.086, 2.080, 2.074, 2.069,
                                 2.064, 2.060,  2.056, 2.052, 2.048, 2.045, 2.042};
  if (degrees_of_freedom == 0) return std::nan("");
  if (degrees_of_freedom < std::size(table)) return table[degrees_of_freedom];
  const double z = 1.959963985;
  const double d = static_cast<double>(degrees_of_freedom);
  return z + (z * z * z + z) / (4 * d) +
         (5 * std::pow(z, 5) + 16 * z * z * z + 3 * z) / (96 * d * d);
}

MeanCi mean_ci(const std::vector<double>& values) {
  MeanCi out;
  out.n = values.size();
  if (values.empty()) return out;
  double sum = 0;
  for (double v : values) sum += v;
  out.mean = sum / static_cast<double>(values.size());
  if (values.size() < 2) return out;
  double squares = 0;
  for (double v : values) squares += (v - out.mean) * (v - out.mean);
  const double sd = std::sqrt(squares / static_cast<double>(values.size() - 1));
  out.ci95 = student_t975(values.size() - 1) * sd / std::sqrt(static_cast<double>(values.size()));
  return out;
}

std::vector<double> present(const std::vector<std::optional<double>>& values) {
  std::vector<double> out;
  for (const auto& value : values) {
    if (value) out.push_back(*value);
  }
  return out;
}

std::vector<double> paired_differences(const std::vector<std::optional<double>>& values,
                                       const std::vector<std::optional<double>>& reference) {
  std::vector<double> out;
  for (std::size_t i = 0; i < std::min(values.size(), reference.size()); ++i) {
    if (values[i] && reference[i]) out.push_back(*values[i] - *reference[i]);
  }
  return out;
}

}  // namespace connsim::sweep
