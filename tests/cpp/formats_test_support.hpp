// Helpers shared by the format tests: random valid assessments, an independent CSV encoder, and
// bitwise comparison of scores.
#ifndef PACT_TESTS_FORMATS_TEST_SUPPORT_HPP
#define PACT_TESTS_FORMATS_TEST_SUPPORT_HPP

#include "pact/assessment.hpp"
#include "pact/scoring.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <span>
#include <random>
#include <string>
#include <vector>

namespace pact_test {

/// Random assessments with valid responses: required items always answered, optional ones
/// missing one time in five; months and amounts fractional with full double precision so that
/// every round trip is tested on numbers that need all 17 digits.
inline std::vector<pact::Assessment> random_assessments(const pact::Instrument& instrument, std::size_t n,
                                                        unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  static const char* territories[] = {"leon", "salamanca", "valladolid", "Castilla y Le\xc3\xb3n, \"norte\""};
  std::vector<pact::Assessment> out;
  for (std::size_t i = 0; i < n; ++i) {
    pact::Assessment a;
    a.case_id = "case-" + std::to_string(seed) + "-" + std::to_string(i);
    if (u(rng) < 0.7) a.date = "2024-0" + std::to_string(1 + i % 9) + "-1" + std::to_string(i % 10);
    if (u(rng) < 0.8) a.attributes.emplace_back("territory", territories[i % 4]);
    if (u(rng) < 0.5) a.attributes.emplace_back("sex", i % 2 ? "f" : "m");
    a.responses.assign(instrument.item_count(), pact::missing);
    for (std::size_t j = 0; j < instrument.item_count(); ++j) {
      const pact::Item& item = instrument.items()[j];
      if (!item.required && u(rng) < 0.2) continue;
      double v = 0.0;
      switch (item.type) {
        case pact::ResponseType::ordinal:
          v = item.options[static_cast<std::size_t>(u(rng) * static_cast<double>(item.options.size()))].value;
          break;
        case pact::ResponseType::yes_no: v = u(rng) < 0.5 ? 0.0 : 1.0; break;
        default: {
          const double hi = std::isfinite(item.max_value) ? item.max_value : item.min_value + 200.0;
          v = item.min_value + u(rng) * (hi - item.min_value);
          if (item.type == pact::ResponseType::count) v = std::floor(v);
        }
      }
      a.responses[j] = v;
    }
    out.push_back(std::move(a));
  }
  return out;
}

/// RFC 4180 quoting written out here independently of pact's writer: quote every field that
/// holds a comma, a quote, a line break or a space, doubling quotes.
inline std::string csv_quote(const std::string& field) {
  if (field.find_first_of(",\"\r\n ") == std::string::npos) return field;
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

/// A double as text that reads back bit-identically, by printf (not pact's to_chars path).
inline std::string exact_text(double v) {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.17g", v);
  return buffer;
}

/// The assessments as CSV with columns case_id, date, territory, sex, then every item, with
/// the given line ending.
inline std::string assessments_csv(const pact::Instrument& instrument, const std::vector<pact::Assessment>& cases,
                                   const std::string& eol = "\r\n") {
  // Appended piece by piece: GCC 12 misreports "literal" + std::string under -Wrestrict.
  std::string out = "case_id,date,territory,sex";
  for (const auto& item : instrument.items()) out.append(",").append(item.id);
  out += eol;
  for (const auto& a : cases) {
    std::string territory, sex;
    for (const auto& [k, v] : a.attributes) (k == "territory" ? territory : sex) = v;
    out.append(csv_quote(a.case_id)).append(",").append(a.date).append(",");
    out.append(csv_quote(territory)).append(",").append(csv_quote(sex));
    for (double v : a.responses) out.append(",").append(std::isnan(v) ? std::string() : exact_text(v));
    out += eol;
  }
  return out;
}

inline bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

/// Asserts two CaseScores are identical, bit for bit.
inline void expect_same_scores(const pact::CaseScores& a, const pact::CaseScores& b, const std::string& where) {
  ASSERT_EQ(a.item_severity.size(), b.item_severity.size()) << where;
  for (std::size_t j = 0; j < a.item_severity.size(); ++j)
    EXPECT_TRUE(same_bits(a.item_severity[j], b.item_severity[j])) << where << " item " << j;
  ASSERT_EQ(a.dimensions.size(), b.dimensions.size()) << where;
  for (std::size_t d = 0; d < a.dimensions.size(); ++d) {
    EXPECT_TRUE(same_bits(a.dimensions[d].score, b.dimensions[d].score)) << where << " dimension " << d;
    EXPECT_TRUE(same_bits(a.dimensions[d].coverage, b.dimensions[d].coverage)) << where << " dimension " << d;
    EXPECT_EQ(a.dimensions[d].scored, b.dimensions[d].scored) << where;
    EXPECT_EQ(a.dimensions[d].deprived, b.dimensions[d].deprived) << where;
    EXPECT_EQ(a.dimensions[d].critical, b.dimensions[d].critical) << where;
  }
  EXPECT_TRUE(same_bits(a.composite, b.composite)) << where;
  EXPECT_TRUE(same_bits(a.composite_coverage, b.composite_coverage)) << where;
  EXPECT_EQ(a.level, b.level) << where;
  EXPECT_TRUE(same_bits(a.deprivation_score, b.deprivation_score)) << where;
  EXPECT_EQ(a.deprived_count, b.deprived_count) << where;
  ASSERT_EQ(a.critical_factors.size(), b.critical_factors.size()) << where;
  for (std::size_t k = 0; k < a.critical_factors.size(); ++k) {
    EXPECT_EQ(a.critical_factors[k].kind, b.critical_factors[k].kind) << where;
    EXPECT_EQ(a.critical_factors[k].index, b.critical_factors[k].index) << where;
    EXPECT_TRUE(same_bits(a.critical_factors[k].importance, b.critical_factors[k].importance)) << where;
  }
}

/// Asserts two responses vectors are identical, bit for bit (NaN = missing on both sides).
inline void expect_same_responses(std::span<const double> a, std::span<const double> b, const std::string& where) {
  ASSERT_EQ(a.size(), b.size()) << where;
  for (std::size_t j = 0; j < a.size(); ++j)
    EXPECT_TRUE(std::isnan(a[j]) ? std::isnan(b[j]) : same_bits(a[j], b[j])) << where << " item " << j << ": " << a[j]
                                                                              << " vs " << b[j];
}

}  // namespace pact_test

#endif  // PACT_TESTS_FORMATS_TEST_SUPPORT_HPP
