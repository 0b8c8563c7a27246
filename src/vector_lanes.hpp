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

/// Lanes of `Width` doubles in GCC's vector extensions. With AVX-512, GCC 12 turns a comparison
/// that feeds a select straight into a mask register and a masked move, as intrinsics would.
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
using Lanes8 = GnuLanes<double8, int8, 8>;

}  // namespace
}  // namespace pact::detail

#endif

#endif  // PACT_SRC_VECTOR_LANES_HPP
