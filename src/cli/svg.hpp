// Charts as inline SVG for the HTML report: drawn by pact, no scripts, no external assets.
#ifndef PACT_CLI_SVG_HPP
#define PACT_CLI_SVG_HPP

#include <string>
#include <string_view>
#include <vector>

namespace pact::cli::svg {

/// Text made safe for XML/HTML content and attribute values.
std::string escape(std::string_view text);

/// A histogram of values in [lo, hi] with counts per equal-width bin.
std::string histogram(const std::vector<std::size_t>& counts, double lo, double hi, const std::string& title,
                      const std::string& x_label, const std::string& y_label, const std::string& color = "#3b6ea5");

/// Horizontal bars: one per label, values in [0, max] (max 0 = the largest value), each bar
/// annotated with its text.
std::string bars(const std::vector<std::string>& labels, const std::vector<double>& values,
                 const std::vector<std::string>& annotations, const std::string& title, double max = 0.0,
                 const std::vector<std::string>& colors = {});

/// Bars that go left (negative) or right (positive) from zero: contributions to a linear predictor.
std::string diverging_bars(const std::vector<std::string>& labels, const std::vector<double>& values,
                           const std::string& title, const std::string& left_caption, const std::string& right_caption);

/// A radar chart of values in [0, 1] on labelled axes, with an optional second polygon (cut-offs).
std::string radar(const std::vector<std::string>& labels, const std::vector<double>& values,
                  const std::vector<double>& reference, const std::string& title, const std::string& value_caption,
                  const std::string& reference_caption);

/// A line from (x_i, y_i), y in [0, 1], with markers at `marks` (indices) labelled.
std::string curve(const std::vector<double>& x, const std::vector<double>& y, const std::string& title,
                  const std::string& x_label, const std::string& y_label, const std::vector<std::size_t>& marks = {});

/// A calibration plot: observed against predicted share per bin (point area by count), with the
/// diagonal of perfect calibration.
std::string calibration(const std::vector<double>& predicted, const std::vector<double>& observed,
                        const std::vector<std::size_t>& counts, const std::string& title, const std::string& x_label,
                        const std::string& y_label);

}  // namespace pact::cli::svg

#endif
