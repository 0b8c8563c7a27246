#include "instrument_compile.hpp"

#include "pact/scoring.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>

namespace pact::detail {
namespace {

/// `curve` as CurveSegments, when the AVX-512 kernel can evaluate it that way (see there).
std::optional<CurveSegments> short_curve_segments(const SeverityCurve& curve) {
  const std::size_t n = curve.x.size();
  if (n < 2 || n > CurveSegments::max_points) return std::nullopt;
  if (std::any_of(curve.severity.begin(), curve.severity.end(), [](double s) { return std::signbit(s); }))
    return std::nullopt;
  CurveSegments segments{};
  segments.points = n;
  for (std::size_t k = 0; k < CurveSegments::max_points; ++k) {
    const std::size_t lo = std::min(k, n - 1);
    segments.x[k] = curve.x[lo];
    segments.x_low[k] = curve.x[lo];
    segments.severity_low[k] = curve.severity[lo];
    // As SeverityCurve::at computes them, between point lo and the next.
    segments.x_span[k] = lo + 1 < n ? curve.x[lo + 1] - curve.x[lo] : 1.0;
    segments.severity_span[k] = lo + 1 < n ? curve.severity[lo + 1] - curve.severity[lo] : 0.0;
  }
  return segments;
}

}  // namespace

double least_covering_weight(double weight_sum, double min_coverage) noexcept {
  const auto passes = [&](double w) { return w / weight_sum + coverage_slack >= min_coverage; };
  if (passes(0.0)) return 0.0;
  constexpr double infinity = std::numeric_limits<double>::infinity();
  if (!passes(infinity)) return std::numeric_limits<double>::quiet_NaN();
  // Non-negative doubles are ordered as their bit patterns: bisect those, failing at `low` and
  // passing at `high`.
  auto low = std::bit_cast<std::uint64_t>(0.0), high = std::bit_cast<std::uint64_t>(infinity);
  while (high - low > 1) {
    const std::uint64_t middle = low + (high - low) / 2;
    (passes(std::bit_cast<double>(middle)) ? high : low) = middle;
  }
  return std::bit_cast<double>(high);
}

void compile_instrument(InstrumentData& d) {
  double total = 0.0;
  for (const auto& dim : d.dimensions) total += dim.weight;
  for (auto& dim : d.dimensions) {
    dim.normalized_weight = dim.weight / total;
    dim.items.clear();
  }
  d.dimension_weight_sum.assign(d.dimensions.size(), 0.0);
  for (std::size_t j = 0; j < d.items.size(); ++j) {
    d.dimensions[d.items[j].dimension].items.push_back(j);
    d.dimension_weight_sum[d.items[j].dimension] += d.items[j].weight;
  }
  d.least_covering_weight.clear();
  for (std::size_t k = 0; k < d.dimensions.size(); ++k)
    d.least_covering_weight.push_back(least_covering_weight(d.dimension_weight_sum[k], d.dimensions[k].min_coverage));
  d.compiled.clear();
  d.severity_table.clear();
  d.curve_segments.clear();
  for (std::size_t j = 0; j < d.items.size(); ++j) {
    Item& item = d.items[j];
    item.weight_in_dimension = item.weight / d.dimension_weight_sum[item.dimension];
    CompiledItem c;
    c.required = item.required;
    c.dimension = static_cast<std::uint32_t>(item.dimension);
    c.first_in_dimension = d.dimensions[item.dimension].items.front() == j;
    c.weight = item.weight;
    switch (item.type) {
      case ResponseType::ordinal: {
        c.kind = RuleKind::table;
        int lo = item.options.front().value, hi = lo;
        for (const auto& o : item.options) {
          lo = std::min(lo, o.value);
          hi = std::max(hi, o.value);
        }
        c.min_value = lo;
        c.max_value = hi;
        c.table_offset = static_cast<std::uint32_t>(d.severity_table.size());
        d.severity_table.resize(d.severity_table.size() + static_cast<std::size_t>(hi - lo + 1),
                                std::numeric_limits<double>::quiet_NaN());
        for (const auto& o : item.options) d.severity_table[c.table_offset + static_cast<std::size_t>(o.value - lo)] = o.severity;
        c.lookup_size = static_cast<std::uint32_t>(hi - lo + 1);
        break;
      }
      case ResponseType::yes_no:
        c.kind = RuleKind::yes_no;
        c.severity_yes = item.severity_yes;
        c.severity_no = item.severity_no;
        c.min_value = 0.0;
        c.max_value = 1.0;
        c.table_offset = static_cast<std::uint32_t>(d.severity_table.size());
        d.severity_table.push_back(item.severity_no);
        d.severity_table.push_back(item.severity_yes);
        c.lookup_size = 2;
        break;
      case ResponseType::count:
      case ResponseType::months:
      case ResponseType::amount:
        c.kind = RuleKind::curve;
        c.whole_number = item.type == ResponseType::count;
        c.min_value = item.min_value;
        c.max_value = item.max_value;
        // A count's valid responses are the whole numbers in its range: with a whole minimum and
        // a short range, each one's severity is worked out here, by the curve score_row uses, so
        // that looking it up gives the same bits.
        if (c.whole_number && std::floor(c.min_value) == c.min_value && c.max_value - c.min_value < max_count_lookup) {
          const auto size = static_cast<std::size_t>(c.max_value - c.min_value) + 1;
          c.table_offset = static_cast<std::uint32_t>(d.severity_table.size());
          for (std::size_t k = 0; k < size; ++k)
            d.severity_table.push_back(item.curve.at(c.min_value + static_cast<double>(k)));
          c.lookup_size = static_cast<std::uint32_t>(size);
        }
        break;
    }
    if (c.lookup_size != 0) {
      const std::size_t padded = c.lookup_size < 8 ? 8 : c.lookup_size < 16 ? 16 : c.lookup_size + 1;
      d.severity_table.resize(c.table_offset + padded, std::numeric_limits<double>::quiet_NaN());
      // Every table's minimum is whole (an option value, 0 for yes/no, a count's whole minimum),
      // so one of 0 or more gives exact offsets (see BlockRule).
      c.block_rule = c.min_value < 0.0     ? BlockRule::checked_table
                     : c.lookup_size < 8  ? BlockRule::table8
                     : c.lookup_size < 16 ? BlockRule::table16
                                          : BlockRule::gathered_table;
    } else if (auto segments = short_curve_segments(item.curve)) {
      c.block_rule = BlockRule::short_curve;
      c.segments_offset = static_cast<std::uint32_t>(d.curve_segments.size());
      d.curve_segments.push_back(*segments);
    }
    d.compiled.push_back(c);
  }
  // NaN where severity_table has NaN: in a table (the weight times NaN) and in its padding.
  d.weighted_severity_table.assign(d.severity_table.size(), std::numeric_limits<double>::quiet_NaN());
  for (const CompiledItem& c : d.compiled)
    for (std::size_t k = c.table_offset; k < c.table_offset + c.lookup_size; ++k)
      d.weighted_severity_table[k] = c.weight * d.severity_table[k];
  d.item_index.clear();
  d.dimension_index.clear();
  for (std::size_t j = 0; j < d.items.size(); ++j) d.item_index.emplace_back(d.items[j].id, j);
  for (std::size_t k = 0; k < d.dimensions.size(); ++k) d.dimension_index.emplace_back(d.dimensions[k].id, k);
  std::sort(d.item_index.begin(), d.item_index.end());
  std::sort(d.dimension_index.begin(), d.dimension_index.end());
}

}  // namespace pact::detail
