// pact internal (compiled parts only): the tables the scoring kernels read, derived from an
// instrument's authored data. The JSON loader and the bundle loader both derive them here, so
// that an instrument gives the same tables, bit for bit, however it was loaded.
#ifndef PACT_SRC_INSTRUMENT_COMPILE_HPP
#define PACT_SRC_INSTRUMENT_COMPILE_HPP

#include "pact/instrument.hpp"

namespace pact::detail {

/// The widest span of option codes an ordinal item may have: its codes are looked up in a table
/// this wide at most.
inline constexpr int max_option_span = 1000;

/// The widest range of a count whose severities compile_instrument tabulates for the batch kernel
/// (CompiledItem::lookup_size); wider counts are evaluated on their curve.
inline constexpr double max_count_lookup = 1024;

/// The least w >= 0 for which `w / weight_sum + coverage_slack >= min_coverage` holds in doubles;
/// NaN when none does. Each step of the test rounds monotonically, so it holds for every w from
/// this one up and for none below (InstrumentData::least_covering_weight).
double least_covering_weight(double weight_sum, double min_coverage) noexcept;

/// Fills the derived data of `data` from its authored data: each dimension's normalized weight
/// and item list, each item's weight in its dimension, the compiled items, the lookup
/// tables, the dimension weight sums and least covering weights, and the sorted id indexes (any previous derived data is
/// replaced). Requires authored data the loaders have validated: at least one dimension, every
/// item's dimension in range, every dimension with at least one item, finite positive weights,
/// ordinal items with at least one option and codes within max_option_span.
void compile_instrument(InstrumentData& data);

}  // namespace pact::detail

#endif  // PACT_SRC_INSTRUMENT_COMPILE_HPP
