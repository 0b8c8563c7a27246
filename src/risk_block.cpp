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
// functions. The loop (src/risk_block_kernel.inc) is compiled for the baseline instruction set
// and AVX2 over GCC's vector extensions, and for AVX-512 over intrinsics (Avx512Lanes), and the
// processor picks the widest it runs; a block of fewer than block_rows rows (the end of a batch)
// goes through the single-case functions.
#include "pact/risk_model.hpp"
#include "vector_lanes.hpp"

#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>

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

// The feature block over a lane type, once for the instruction sets whose lanes are GCC's vector
// extensions, and once inside an AVX-512 region for Avx512Lanes (see risk_block_kernel.inc).
namespace portable {
#include "risk_block_kernel.inc"
}  // namespace portable

// Two doubles a vector for the baseline instruction set, one SSE2 register: GCC 12 splits the
// selects of a vector of four there into scalar branches.
void full_block_baseline(const RiskModelData& m, const BlockFeatureInputs& in, BlockFeatures& out) noexcept {
  portable::full_block<Lanes2>(m, in, out);
}

#if defined(__x86_64__) || defined(__i386__)
#define PACT_RISK_BLOCK_X86 1
[[gnu::target("avx2")]] void full_block_avx2(const RiskModelData& m, const BlockFeatureInputs& in,
                                             BlockFeatures& out) noexcept {
  portable::full_block<Lanes4>(m, in, out);
}

PACT_AVX512_BEGIN
namespace avx512 {
#include "risk_block_kernel.inc"
}  // namespace avx512

void full_block_avx512(const RiskModelData& m, const BlockFeatureInputs& in, BlockFeatures& out) noexcept {
  avx512::full_block<Avx512Lanes>(m, in, out);
}
PACT_AVX512_END
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
