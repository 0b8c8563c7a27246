// pact internal (compiled parts only): vectors of doubles in GCC's vector extensions (GCC and
// clang), as the vectorised kernels write them once over the lane type and compile them for
// several instruction sets (src/vector_math.cpp, src/risk_block.cpp), and which of those sets the
// processor runs (also for src/block_kernel.cpp). Each includer compiles the lanes with
// -ffp-contract=off (src/CMakeLists.txt): no fused multiply-adds.
#ifndef PACT_SRC_VECTOR_LANES_HPP
#define PACT_SRC_VECTOR_LANES_HPP

#if defined(__GNUC__) || defined(__clang__)

#include <cstddef>
#include <cstdint>
#include <cstring>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace pact::detail {
// Internal linkage: each file inlines these into functions compiled for its own instruction sets.
namespace {

// GCC drops a vector_size attribute that depends on a template parameter, hence the widths
// spelled out.
using double2 = double __attribute__((vector_size(16)));
using int2 = std::int64_t __attribute__((vector_size(16)));
using double4 = double __attribute__((vector_size(32)));
using int4 = std::int64_t __attribute__((vector_size(32)));
using double8 = double __attribute__((vector_size(64)));
using int8 = std::int64_t __attribute__((vector_size(64)));

/// Lanes of `Width` doubles in GCC's vector extensions, for the baseline instruction set and AVX2
/// (AVX-512 has Avx512Lanes below).
template <class Doubles, class Integers, std::size_t Width>
struct GnuLanes {
  using V = Doubles;
  using I = Integers;
  using M = I;
  static constexpr std::size_t width = Width;
  [[gnu::always_inline]] static V splat(double x) noexcept {
    V v;
    for (std::size_t j = 0; j < Width; ++j) v[j] = x;
    return v;
  }
  [[gnu::always_inline]] static I splat_bits(std::int64_t x) noexcept {
    I v;
    for (std::size_t j = 0; j < Width; ++j) v[j] = x;
    return v;
  }
  [[gnu::always_inline]] static M less(V a, V b) noexcept { return a < b; }
  [[gnu::always_inline]] static M greater(V a, V b) noexcept { return a > b; }
  [[gnu::always_inline]] static M greater_equal(V a, V b) noexcept { return a >= b; }
  [[gnu::always_inline]] static M equal(V a, V b) noexcept { return a == b; }
  [[gnu::always_inline]] static M is_nan(V a) noexcept { return a != a; }
  [[gnu::always_inline]] static V select(M mask, V a, V b) noexcept { return mask ? a : b; }
  [[gnu::always_inline]] static I bits(V a) noexcept { return reinterpret_cast<I>(a); }
  [[gnu::always_inline]] static V from_bits(I a) noexcept { return reinterpret_cast<V>(a); }
  [[gnu::always_inline]] static V load(const double* p) noexcept {
    V v;
    std::memcpy(&v, p, sizeof v);
    return v;
  }
  [[gnu::always_inline]] static void store(double* p, V v) noexcept { std::memcpy(p, &v, sizeof v); }
  /// Where gather reads lane j: p[j * stride]. Computed once for the many gathers of one stride.
  using Strided = std::size_t;
  [[gnu::always_inline]] static Strided strided(std::size_t stride) noexcept { return stride; }
  [[gnu::always_inline]] static V gather(const double* p, Strided stride) noexcept {
    V v;
    for (std::size_t j = 0; j < Width; ++j) v[j] = p[j * stride];
    return v;
  }
};

#if defined(__x86_64__) || defined(__i386__)
/// Whether this processor runs the kernels' AVX-512 builds: AVX-512F and DQ, whose masks and
/// 64-bit integer operations they use.
inline bool runs_avx512() noexcept {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq");
}

/// Whether this processor runs the kernels' AVX2 builds.
inline bool runs_avx2() noexcept {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2");
}
#endif

using Lanes2 = GnuLanes<double2, int2, 2>;
using Lanes4 = GnuLanes<double4, int4, 4>;

#if defined(__x86_64__) || defined(__i386__)
// Code between PACT_AVX512_BEGIN and PACT_AVX512_END is compiled for AVX-512 (F and DQ),
// templates included: what a template needs in order to inline Avx512Lanes, whose intrinsics a
// function compiled for another instruction set may not inline. Only functions that the processor
// check (runs_avx512) guards may be called from there. What a region defines must have internal
// linkage (the including files open it inside an anonymous namespace): an inline function with
// external linkage compiled there could be the copy the linker keeps for every file.
#if defined(__clang__)
#define PACT_AVX512_BEGIN \
  _Pragma("clang attribute push(__attribute__((target(\"avx512f,avx512dq\"))), apply_to = function)")
#define PACT_AVX512_END _Pragma("clang attribute pop")
#else
#define PACT_AVX512_BEGIN _Pragma("GCC push_options") _Pragma("GCC target(\"avx512f,avx512dq\")")
#define PACT_AVX512_END _Pragma("GCC pop_options")
#endif

#define PACT_AVX512_LANE [[gnu::target("avx512f,avx512dq"), gnu::always_inline]]
/// Eight doubles a vector, with comparisons into mask registers and selects as masked blends, in
/// intrinsics: over GnuLanes at eight doubles, GCC 12 compiles comparisons and selects to those in
/// some loops, and in others takes a select apart lane by lane behind a branch per lane (measured
/// in the risk's feature block, where that cost half of its time). Arithmetic stays in the vector
/// extensions, one instruction each. Usable only from an AVX-512 function or region.
struct Avx512Lanes {
  using V = double8;
  using I = int8;
  using M = __mmask8;
  static constexpr std::size_t width = 8;
  PACT_AVX512_LANE static V splat(double x) noexcept { return _mm512_set1_pd(x); }
  PACT_AVX512_LANE static I splat_bits(std::int64_t x) noexcept { return reinterpret_cast<I>(_mm512_set1_epi64(x)); }
  PACT_AVX512_LANE static I bits(V a) noexcept { return reinterpret_cast<I>(a); }
  PACT_AVX512_LANE static V from_bits(I a) noexcept { return reinterpret_cast<V>(a); }
  PACT_AVX512_LANE static M less(V a, V b) noexcept { return _mm512_cmp_pd_mask(a, b, _CMP_LT_OQ); }
  PACT_AVX512_LANE static M greater(V a, V b) noexcept { return _mm512_cmp_pd_mask(a, b, _CMP_GT_OQ); }
  PACT_AVX512_LANE static M greater_equal(V a, V b) noexcept { return _mm512_cmp_pd_mask(a, b, _CMP_GE_OQ); }
  PACT_AVX512_LANE static M equal(V a, V b) noexcept { return _mm512_cmp_pd_mask(a, b, _CMP_EQ_OQ); }
  PACT_AVX512_LANE static M is_nan(V a) noexcept { return _mm512_cmp_pd_mask(a, a, _CMP_UNORD_Q); }
  PACT_AVX512_LANE static V select(M mask, V a, V b) noexcept { return _mm512_mask_blend_pd(mask, b, a); }
  PACT_AVX512_LANE static V load(const double* p) noexcept { return _mm512_loadu_pd(p); }
  PACT_AVX512_LANE static void store(double* p, V v) noexcept { _mm512_storeu_pd(p, v); }
  /// The lanes' offsets 0, stride, ..., 7 stride: a 64-bit multiply, slow (15 cycles), made once
  /// per stride rather than once per gather.
  using Strided = __m512i;
  PACT_AVX512_LANE static Strided strided(std::size_t stride) noexcept {
    return _mm512_mullo_epi64(_mm512_setr_epi64(0, 1, 2, 3, 4, 5, 6, 7),
                              _mm512_set1_epi64(static_cast<long long>(stride)));
  }
  PACT_AVX512_LANE static V gather(const double* p, Strided index) noexcept {
    // Masked, from zeros: GCC 12's unmasked form starts from an undefined vector, which its
    // maybe-uninitialized check reports.
    return _mm512_mask_i64gather_pd(_mm512_setzero_pd(), 0xff, index, p, sizeof(double));
  }
};
#undef PACT_AVX512_LANE
#endif

}  // namespace
}  // namespace pact::detail

#endif

#endif  // PACT_SRC_VECTOR_LANES_HPP
