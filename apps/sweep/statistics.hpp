// The statistics of a sweep: the mean of a sample with its 95 % confidence interval, and the
// paired differences of two samples drawn with the same seeds.
#pragma once

#include <cmath>
#include <cstddef>
#include <optional>
#include <vector>

namespace connsim::sweep {

/// The 0.975 quantile of Student's t with `degrees_of_freedom` (a table to 30, then the
/// Cornish-Fisher expansion around the normal quantile); NaN for 0 degrees of freedom.
double student_t975(std::size_t degrees_of_freedom);

/// A sample's size, mean and 95 % confidence half-width (Student's t). The mean is NaN for an
/// empty sample; the half-width is NaN for fewer than two values.
struct MeanCi {
  std::size_t n = 0;
  double mean = std::nan("");
  double ci95 = std::nan("");
};

MeanCi mean_ci(const std::vector<double>& values);

/// The values that are present, in order.
std::vector<double> present(const std::vector<std::optional<double>>& values);

/// values[i] - reference[i] for every i where both are present (the same seed measured at two
/// grid points: common random numbers make the paired interval far tighter than the
/// difference of two means). The shorter length bounds i.
std::vector<double> paired_differences(const std::vector<std::optional<double>>& values,
                                       const std::vector<std::optional<double>>& reference);

}  // namespace connsim::sweep
