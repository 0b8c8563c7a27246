// pact internal: the data behind an Instrument, including the flat tables the scoring kernels
// read. Not part of the public API; include "pact/instrument.hpp" instead.
#ifndef PACT_DETAIL_INSTRUMENT_DATA_HPP
#define PACT_DETAIL_INSTRUMENT_DATA_HPP

#include "pact/instrument.hpp"

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace pact::detail {

/// How the kernel maps a response to a severity.
enum class RuleKind : std::uint8_t {
  table,   ///< ordinal: severity_table[table_offset + value - min_value], NaN where no option
  yes_no,  ///< 0 or 1 (min_value 0, max_value 1)
  curve,   ///< count, months, amount: a SeverityCurve, within [min_value, max_value]
};

/// How the batch kernel's AVX-512 build scores an item (src/block_kernel.cpp), decided once when
/// the instrument is compiled. A table whose minimum is 0 or more has exact offsets: a response
/// at or above the minimum lies exactly its difference from the minimum above it, which lets the
/// kernel test the range on that difference (table8, table16, gathered_table).
enum class BlockRule : std::uint8_t {
  curve,           ///< no lookup table: the rule's curve, its points scanned
  short_curve,     ///< no lookup table, a curve of at most 8 points: its segments looked up (CurveSegments)
  checked_table,   ///< a table whose minimum is negative: the range tested, then looked up
  table8,          ///< exact offsets, a table of fewer than 8 entries: permuted in a register
  table16,         ///< exact offsets, fewer than 16 entries: permuted across two registers
  gathered_table,  ///< exact offsets, a longer table: gathered
};

/// A curve of at most 8 points, as the AVX-512 kernel evaluates it (BlockRule::short_curve): a
/// response clamped to [x[0], x[n-1]] lies in segment k, the number of points x[1..n-1] at or
/// below it, and its severity is `severity_low[k] + ((value - x_low[k]) / x_span[k]) *
/// severity_span[k]` (linear) or `severity_low[k]` (step): SeverityCurve::at's operations on the
/// same operands, to the bit. A value at a point starts that point's segment, and `at` gives that
/// point's severity there: the fraction is 0 and adds +0 or -0, which leaves a severity of +0 or
/// more as it is (curves with a severity of -0 keep BlockRule::curve). The last segment, from
/// the last point on, is that point's severity with a span of 1 and a rise of 0. Each table has 8
/// entries; those past the curve's repeat its last segment.
struct CurveSegments {
  static constexpr std::size_t max_points = 8;
  double x_low[max_points];
  double x_span[max_points];
  double severity_low[max_points];
  double severity_span[max_points];
  double x[max_points];  ///< the curve's points, the last repeated past its end
  std::uint64_t points;
};

/// One item in the form the kernel wants: everything it touches for a response in one place.
struct CompiledItem {
  RuleKind kind = RuleKind::table;
  bool required = false;
  bool whole_number = false;  ///< count: a fractional value is an error
  bool first_in_dimension = false;  ///< the first of its dimension's items in instrument order
  std::uint32_t dimension = 0;
  double weight = 1.0;
  double min_value = 0.0;  ///< table: smallest option value; curve: smallest valid value
  double max_value = 0.0;  ///< table: largest option value; curve: largest valid value
  std::uint32_t table_offset = 0;
  /// Entries at severity_table[table_offset] when the valid responses are whole numbers from
  /// min_value on and each one's severity is in the table (NaN where none): always for ordinal
  /// and yes/no items, and for counts with a short range; 0 otherwise. The batch kernel looks
  /// these items up instead of evaluating their rule. Each table is followed by NaN entries, at
  /// least one, up to 8 entries in all when it has fewer than 8 and 16 when it has fewer than 16,
  /// so that the kernel can read a short one whole and send every response outside it to a NaN.
  std::uint64_t lookup_size = 0;  // 64 bits: the AVX-512 kernel broadcasts it from memory
  BlockRule block_rule = BlockRule::curve;
  /// BlockRule::short_curve: the item's CurveSegments at curve_segments[segments_offset].
  std::uint32_t segments_offset = 0;
  double severity_no = 0.0;
  double severity_yes = 1.0;
};

struct InstrumentData {
  std::string id;
  std::string version;
  std::string hash;
  std::string canonical_json;
  Label name;
  Label description;
  std::vector<std::string> languages;
  std::string default_language;
  std::optional<int> rating_window_days;
  double composite_min_coverage = 1.0;
  std::vector<Dimension> dimensions;
  std::vector<Item> items;
  std::vector<Level> levels;
  InstrumentAlertRules alerts;

  std::vector<CompiledItem> compiled;       ///< one per item, instrument order
  std::vector<double> severity_table;       ///< lookup tables (see CompiledItem), back to back
  /// severity_table's entries times their item's weight, the terms of the weighted sums as
  /// score_row computes them (NaN where the table has NaN).
  std::vector<double> weighted_severity_table;
  std::vector<CurveSegments> curve_segments;  ///< one per BlockRule::short_curve item
  std::vector<double> dimension_weight_sum; ///< per dimension: sum of its item weights
  /// Per dimension: the least answered weight w whose coverage passes finish_row's test, w /
  /// dimension_weight_sum + coverage_slack >= min_coverage, as doubles compute it (NaN when no
  /// weight does). The test gives the same answer as w >= this for every w, so that the batch
  /// kernel divides only for the coverages a caller asks for.
  std::vector<double> least_covering_weight;
  std::vector<std::pair<std::string, std::size_t>> item_index;       ///< sorted by id
  std::vector<std::pair<std::string, std::size_t>> dimension_index;  ///< sorted by id
};

inline std::optional<std::size_t> find_sorted(const std::vector<std::pair<std::string, std::size_t>>& index,
                                              std::string_view id) noexcept {
  auto it = std::lower_bound(index.begin(), index.end(), id,
                             [](const auto& entry, std::string_view key) { return entry.first < key; });
  if (it == index.end() || it->first != id) return std::nullopt;
  return it->second;
}

}  // namespace pact::detail

namespace pact {

inline const std::string& Instrument::id() const noexcept { return data_->id; }
inline const std::string& Instrument::version() const noexcept { return data_->version; }
inline const std::string& Instrument::hash() const noexcept { return data_->hash; }
inline const std::string& Instrument::canonical_json() const noexcept { return data_->canonical_json; }
inline const Label& Instrument::name() const noexcept { return data_->name; }
inline const Label& Instrument::description() const noexcept { return data_->description; }
inline const std::vector<std::string>& Instrument::languages() const noexcept { return data_->languages; }
inline const std::string& Instrument::default_language() const noexcept { return data_->default_language; }
inline std::optional<int> Instrument::rating_window_days() const noexcept { return data_->rating_window_days; }
inline const InstrumentAlertRules& Instrument::alert_rules() const noexcept { return data_->alerts; }
inline double Instrument::composite_min_coverage() const noexcept { return data_->composite_min_coverage; }
inline const std::vector<Dimension>& Instrument::dimensions() const noexcept { return data_->dimensions; }
inline const std::vector<Item>& Instrument::items() const noexcept { return data_->items; }
inline const std::vector<Level>& Instrument::levels() const noexcept { return data_->levels; }

inline std::optional<std::size_t> Instrument::find_item(std::string_view id) const noexcept {
  return detail::find_sorted(data_->item_index, id);
}
inline std::optional<std::size_t> Instrument::find_dimension(std::string_view id) const noexcept {
  return detail::find_sorted(data_->dimension_index, id);
}
inline std::optional<std::size_t> Instrument::find_level(std::string_view id) const noexcept {
  for (std::size_t i = 0; i < data_->levels.size(); ++i)
    if (data_->levels[i].id == id) return i;
  return std::nullopt;
}

}  // namespace pact

#endif  // PACT_DETAIL_INSTRUMENT_DATA_HPP
