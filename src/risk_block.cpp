// The batch form of the risk's per-case code (see detail::block_features in pact/risk_model.hpp):
// a block's features, linear predictors, imputed counts and top factors, a feature at a time
// across the block's rows instead of a row at a time across the features.
//
// Row by row, linear_predictor switches on every feature's kind and top_factors makes three
// passes of compares over the features: a few hundred scalar instructions a case. Across a block,
// each step is one loop over the block's rows with the same operations in every row, which the
// compiler vectorises: the kind is decided once per feature and block, and a missing input is a
// select, not a branch.
//
// Bit-identity with the single case rests on the same facts as the instrument's block kernel:
// each row's linear predictor adds its terms in feature order with the same operations as
// linear_predictor, nothing is fused or reassociated (the file is compiled with
// -ffp-contract=off, see src/CMakeLists.txt), the effects are risk_effect's formula, and the
// picks follow top_factors' order (largest effect first, ties in feature order) in one insertion
// pass instead of three passes; tests/cpp/risk_block_test.cpp holds every build to both
// functions. The loop is compiled for the baseline
// instruction set, for AVX2 and for AVX-512, and the processor picks the widest it runs; a block
// of fewer than block_rows rows (the end of a batch) goes through the single-case functions.
#include "pact/risk_model.hpp"
#include "vector_lanes.hpp"

#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <utility>

namespace pact::detail {
namespace {

constexpr std::size_t rows = block_rows;
constexpr double nan = std::numeric_limits<double>::quiet_NaN();

/// block_features for a block of fewer than block_rows rows (or any block, without vector
/// extensions): the single-case functions row by row, their results put where full_block puts
/// them.
void short_block(const RiskModelData& m, const BlockFeatureInputs& in, BlockFeatures& out) noexcept {
  const std::size_t features = m.features.size();
  for (std::size_t r = 0; r < in.count; ++r) {
    const FeatureInputs row{in.responses + r * in.stride,
                            in.item_severity ? in.item_severity + r * in.items : nullptr,
                            in.dimension_score + r * in.dimensions,
                            in.results[r].composite,
                            in.log1p_values ? in.log1p_values + r : nullptr,
                            rows};
    std::int32_t imputed_count = 0;
    out.eta[r] = linear_predictor(m, row, out.row_values, out.row_imputed, imputed_count);
    out.imputed_count[r] = imputed_count;
    for (std::size_t k = 0; k < features; ++k) out.values[k * rows + r] = out.row_values[k];
    if (!in.top_factors) continue;
    std::int32_t top[max_top_factors];
    const std::size_t picked = top_factors(m, out.row_values, top);
    for (std::size_t pass = 0; pass < max_top_factors; ++pass) out.top[pass * rows + r] = pass < picked ? top[pass] : -1;
  }
}

#if defined(__GNUC__) || defined(__clang__)

/// `x` in every lane, written as one initialiser of equal values. GCC 12 keeps that a broadcast
/// where it inlines the code into a function for AVX-512; set lane by lane (as L::splat does, which
/// suits vmath's constants), a value read from the model became eight masked inserts, and every
/// comparison on it one scalar comparison per lane (measured: the block took longer than the
/// row-by-row code it replaces).
template <class L>
[[gnu::always_inline]] inline typename L::V broadcast(double x) noexcept {
  return [x]<std::size_t... J>(std::index_sequence<J...>) {
    return typename L::V{(static_cast<void>(J), x)...};
  }(std::make_index_sequence<L::width>{});
}

/// The values at p, p + stride, ... in the lanes of a vector.
template <class L>
[[gnu::always_inline]] inline typename L::V gather(const double* p, std::size_t stride) noexcept {
  typename L::V v;
  for (std::size_t j = 0; j < L::width; ++j) v[j] = p[j * stride];
  return v;
}

/// Feature `f`'s raw value (NaN = missing input, before imputation) in the rows [r0, r0 + width)
/// of the block, as linear_predictor reads it.
template <class L>
[[gnu::always_inline]] inline typename L::V read_feature(const RiskFeature& f, std::size_t k, std::size_t r0,
                                                         const BlockFeatureInputs& in,
                                                         const BlockFeatures& out) noexcept {
  using V = typename L::V;
  switch (f.kind) {
    case FeatureKind::dimension_score:
      return gather<L>(in.dimension_score + r0 * in.dimensions + f.source, in.dimensions);
    case FeatureKind::item_severity: return gather<L>(in.item_severity + r0 * in.items + f.source, in.items);
    case FeatureKind::item_value: return gather<L>(in.responses + r0 * in.stride + f.source, in.stride);
    case FeatureKind::log_item_value: return L::load(in.log1p_values + k * rows + r0);
    case FeatureKind::hinge_item_value: {
      // std::max(0.0, v - knot), and NaN where v is.
      const V v = gather<L>(in.responses + r0 * in.stride + f.source, in.stride);
      const V above = v - broadcast<L>(f.knot);
      return L::select(v == v, L::select(broadcast<L>(0.0) < above, above, broadcast<L>(0.0)), broadcast<L>(nan));
    }
    case FeatureKind::composite: {
      V v;
      for (std::size_t j = 0; j < L::width; ++j) v[j] = in.results[r0 + j].composite;
      return v;
    }
    case FeatureKind::indicator: {
      const V value = L::load(out.values + f.of[0] * rows + r0);
      const V imputed = L::load(out.imputed + f.of[0] * rows + r0);
      const V indicated = L::select(value >= broadcast<L>(f.at_least), broadcast<L>(1.0), broadcast<L>(0.0));
      return L::select(imputed == broadcast<L>(0.0), indicated, broadcast<L>(nan));
    }
    case FeatureKind::interaction: {
      const V first = L::load(out.values + f.of[0] * rows + r0);
      const V second = L::load(out.values + f.of[1] * rows + r0);
      const V imputed = L::load(out.imputed + f.of[0] * rows + r0) +
                        L::load(out.imputed + f.of[1] * rows + r0);
      return L::select(imputed == broadcast<L>(0.0), first * second, broadcast<L>(nan));
    }
  }
  return broadcast<L>(nan);
}

/// block_features for a full block, a vector of rows at a time: linear_predictor's features and
/// sum, then top_factors' picks.
template <class L>
[[gnu::always_inline]] inline void full_block(const RiskModelData& m, const BlockFeatureInputs& in,
                                              BlockFeatures& out) noexcept {
  // Every vector holds doubles, counts and feature indices included (exact at these sizes), and
  // every comparison feeds a select: one vector type and one kind of mask for the whole loop.
  using V = typename L::V;
  static_assert(rows % L::width == 0);
  const std::size_t features = m.features.size();
  const bool logistic = m.form == RiskForm::logistic;
  const V zero = broadcast<L>(0.0), one = broadcast<L>(1.0);
  for (std::size_t r0 = 0; r0 < rows; r0 += L::width) {
    V eta = broadcast<L>(m.intercept.coefficient);
    V imputed_count = zero;
    for (std::size_t k = 0; k < features; ++k) {
      const RiskFeature& f = m.features[k];
      const V x = read_feature<L>(f, k, r0, in, out);
      const V value = L::select(x == x, x, broadcast<L>(f.reference));
      const V imputed = L::select(x == x, zero, one);
      L::store(out.values + k * rows + r0, value);
      L::store(out.imputed + k * rows + r0, imputed);
      imputed_count = imputed_count + imputed;
      eta = eta + broadcast<L>(f.coefficient) * value;
      const V contribution = broadcast<L>(f.coefficient) * (value - broadcast<L>(f.reference));  // risk_effect's
      L::store(out.effect + k * rows + r0, logistic ? contribution : -contribution);
    }
    L::store(out.eta + r0, eta);
    for (std::size_t j = 0; j < L::width; ++j) out.imputed_count[r0 + j] = static_cast<std::int32_t>(imputed_count[j]);
    if (!in.top_factors) continue;

    // top_factors' picks in one pass over the features: each row keeps its picks so far in order
    // and inserts each feature's effect where it belongs. top_factors orders the effects above
    // zero largest first, equal ones in feature order; inserting only before a strictly smaller
    // effect gives that order, and an effect of zero, below zero or NaN is never inserted.
    static_assert(max_top_factors == 3, "the picks below are written out for three");
    V effect0 = zero, effect1 = zero, effect2 = zero;
    V pick0 = broadcast<L>(-1.0), pick1 = pick0, pick2 = pick0;
    for (std::size_t k = 0; k < features; ++k) {
      const V e = L::load(out.effect + k * rows + r0);
      const V index = broadcast<L>(static_cast<double>(k));
      // From the last pick up: a pick moves down a place when the effect goes above the pick
      // before it, and takes the effect when the effect goes above it only.
      pick2 = e > effect1 ? pick1 : e > effect2 ? index : pick2;
      effect2 = e > effect1 ? effect1 : e > effect2 ? e : effect2;
      pick1 = e > effect0 ? pick0 : e > effect1 ? index : pick1;
      effect1 = e > effect0 ? effect0 : e > effect1 ? e : effect1;
      pick0 = e > effect0 ? index : pick0;
      effect0 = e > effect0 ? e : effect0;
    }
    for (std::size_t j = 0; j < L::width; ++j) {
      out.top[r0 + j] = static_cast<std::int32_t>(pick0[j]);
      out.top[rows + r0 + j] = static_cast<std::int32_t>(pick1[j]);
      out.top[2 * rows + r0 + j] = static_cast<std::int32_t>(pick2[j]);
    }
  }
}

// Two doubles a vector for the baseline instruction set, one SSE2 register: GCC 12 splits the
// selects of a vector of four there into scalar branches.
void full_block_baseline(const RiskModelData& m, const BlockFeatureInputs& in, BlockFeatures& out) noexcept {
  full_block<Lanes2>(m, in, out);
}

#if defined(__x86_64__) || defined(__i386__)
#define PACT_RISK_BLOCK_X86 1
[[gnu::target("avx2")]] void full_block_avx2(const RiskModelData& m, const BlockFeatureInputs& in,
                                             BlockFeatures& out) noexcept {
  full_block<Lanes4>(m, in, out);
}

[[gnu::target("avx512f,avx512dq")]] void full_block_avx512(const RiskModelData& m, const BlockFeatureInputs& in,
                                                           BlockFeatures& out) noexcept {
  full_block<Lanes8>(m, in, out);
}
#endif

#else  // a compiler without vector extensions: the single-case functions, row by row

void full_block_baseline(const RiskModelData& m, const BlockFeatureInputs& in, BlockFeatures& out) noexcept {
  short_block(m, in, out);
}

#endif

}  // namespace

BlockFeatures::BlockFeatures(std::size_t features)
    // Left uninitialised: everything is written before it is read.
    : storage_(std::make_unique_for_overwrite<double[]>(3 * features * block_rows + features +
                                                        (features + sizeof(double) - 1) / sizeof(double))) {
  values = storage_.get();
  imputed = values + features * block_rows;
  effect = imputed + features * block_rows;
  row_values = effect + features * block_rows;
  row_imputed = reinterpret_cast<std::uint8_t*>(row_values + features);
}

std::vector<BlockFeaturesVariant> block_features_variants() {
  std::vector<BlockFeaturesVariant> variants;
#ifdef PACT_RISK_BLOCK_X86
  if (runs_avx512()) variants.push_back({"avx512", full_block_avx512});
  if (runs_avx2()) variants.push_back({"avx2", full_block_avx2});
#endif
  variants.push_back({"baseline", full_block_baseline});
  return variants;
}

void block_features(const RiskModelData& m, const BlockFeatureInputs& in, BlockFeatures& out) noexcept {
  if (in.count < block_rows) {
    short_block(m, in, out);
    return;
  }
  static const BlockFeaturesKernel kernel = block_features_variants().front().kernel;
  kernel(m, in, out);
}

}  // namespace pact::detail
