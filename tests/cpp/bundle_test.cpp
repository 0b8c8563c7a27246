// Compiled bundles: a bundle loads back to the same instrument and model (same hashes, same data,
// same scores bit for bit) as the JSON it was compiled from; bundles written by the first format
// (tests/data/bundles) still load; and every damaged, foreign, too-new, wrong-architecture or
// inconsistent bundle is a pact error, never a crash (truncations at every length, every byte of
// the header flipped, payload flips with and without a recomputed checksum, crafted content).
#include "pact/bundle.hpp"
#include "pact/risk_model.hpp"
#include "pact/version.hpp"

#include "bundle_internal.hpp"
#include "sha256.hpp"

#include "formats_test_support.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
namespace layout = pact::detail::bundle_layout;

const double NA = std::numeric_limits<double>::quiet_NaN();

const pact::Instrument& small() {
  static const auto instrument = pact::Instrument::load(pact_test::data_path("instruments/small.json"));
  return instrument;
}
const pact::RiskModel& hazard() {
  static const auto model = pact::RiskModel::load(pact_test::data_path("models/hazard.json"), small());
  return model;
}
const pact::RiskModel& logistic() {
  static const auto model = pact::RiskModel::load(pact_test::data_path("models/logistic.json"), small());
  return model;
}

bool same(double a, double b) { return std::isnan(a) ? std::isnan(b) : pact_test::same_bits(a, b); }

// The tables compile_instrument derives, compared bit for bit.
void expect_same_derived_tables(const pact::detail::InstrumentData& a, const pact::detail::InstrumentData& b) {
  ASSERT_EQ(a.compiled.size(), b.compiled.size());
  for (std::size_t j = 0; j < a.compiled.size(); ++j) {
    const auto &x = a.compiled[j], &y = b.compiled[j];
    EXPECT_EQ(x.kind, y.kind);
    EXPECT_EQ(x.required, y.required);
    EXPECT_EQ(x.whole_number, y.whole_number);
    EXPECT_EQ(x.dimension, y.dimension);
    EXPECT_TRUE(same(x.weight, y.weight));
    EXPECT_TRUE(same(x.min_value, y.min_value));
    EXPECT_TRUE(same(x.max_value, y.max_value));
    EXPECT_EQ(x.table_offset, y.table_offset);
    EXPECT_EQ(x.lookup_size, y.lookup_size);
    EXPECT_EQ(x.block_rule, y.block_rule);
    EXPECT_EQ(x.first_in_dimension, y.first_in_dimension);
    EXPECT_EQ(x.segments_offset, y.segments_offset);
    EXPECT_TRUE(same(x.severity_no, y.severity_no));
    EXPECT_TRUE(same(x.severity_yes, y.severity_yes));
    EXPECT_TRUE(same(a.items[j].weight_in_dimension, b.items[j].weight_in_dimension));
  }
  ASSERT_EQ(a.severity_table.size(), b.severity_table.size());
  for (std::size_t k = 0; k < a.severity_table.size(); ++k) EXPECT_TRUE(same(a.severity_table[k], b.severity_table[k]));
  ASSERT_EQ(a.weighted_severity_table.size(), b.weighted_severity_table.size());
  for (std::size_t k = 0; k < a.weighted_severity_table.size(); ++k)
    EXPECT_TRUE(same(a.weighted_severity_table[k], b.weighted_severity_table[k]));
  ASSERT_EQ(a.curve_segments.size(), b.curve_segments.size());
  for (std::size_t c = 0; c < a.curve_segments.size(); ++c) {
    const auto &x = a.curve_segments[c], &y = b.curve_segments[c];
    EXPECT_EQ(x.points, y.points);
    for (std::size_t k = 0; k < pact::detail::CurveSegments::max_points; ++k) {
      EXPECT_TRUE(same(x.x[k], y.x[k]));
      EXPECT_TRUE(same(x.x_low[k], y.x_low[k]));
      EXPECT_TRUE(same(x.x_span[k], y.x_span[k]));
      EXPECT_TRUE(same(x.severity_low[k], y.severity_low[k]));
      EXPECT_TRUE(same(x.severity_span[k], y.severity_span[k]));
    }
  }
  ASSERT_EQ(a.dimension_weight_sum.size(), b.dimension_weight_sum.size());
  for (std::size_t d = 0; d < a.dimensions.size(); ++d) {
    EXPECT_TRUE(same(a.dimension_weight_sum[d], b.dimension_weight_sum[d]));
    EXPECT_TRUE(same(a.dimensions[d].normalized_weight, b.dimensions[d].normalized_weight));
    EXPECT_EQ(a.dimensions[d].items, b.dimensions[d].items);
  }
  EXPECT_EQ(a.item_index, b.item_index);
  EXPECT_EQ(a.dimension_index, b.dimension_index);
}

// Everything scoring gives for many random cases, bit for bit: the instrument's scores, the
// risk with its survival curve, extra horizons and counterfactual, and the batch kernel.
void expect_same_scores(const pact::RiskModel& a, const pact::RiskModel& b, unsigned seed) {
  const auto cases = pact_test::random_assessments(a.instrument(), 300, seed);
  pact::RiskOptions options;
  if (a.form() == pact::RiskForm::discrete_hazard) options.horizons = {1, 37};
  for (const auto& c : cases) {
    const auto sa = pact::score(a.instrument(), c), sb = pact::score(b.instrument(), c);
    pact_test::expect_same_scores(sa, sb, c.case_id);
    if (a.duration_item() && std::isnan(c.responses[*a.duration_item()])) continue;
    const auto ra = pact::score_risk(a, c.responses, sa, options), rb = pact::score_risk(b, c.responses, sb, options);
    EXPECT_TRUE(pact_test::same_bits(ra.probability, rb.probability)) << c.case_id;
    EXPECT_TRUE(pact_test::same_bits(ra.linear_predictor, rb.linear_predictor)) << c.case_id;
    EXPECT_EQ(ra.band, rb.band);
    ASSERT_EQ(ra.survival.size(), rb.survival.size());
    for (std::size_t m = 0; m < ra.survival.size(); ++m) EXPECT_TRUE(pact_test::same_bits(ra.survival[m], rb.survival[m]));
    for (std::size_t k = 0; k < ra.contributions.size(); ++k)
      EXPECT_TRUE(pact_test::same_bits(ra.contributions[k].contribution, rb.contributions[k].contribution));
    EXPECT_EQ(ra.top_factors, rb.top_factors);
    ASSERT_EQ(ra.counterfactual.has_value(), rb.counterfactual.has_value()) << c.case_id;
    if (ra.counterfactual) {
      EXPECT_EQ(ra.counterfactual->item, rb.counterfactual->item);
      EXPECT_TRUE(pact_test::same_bits(ra.counterfactual->probability, rb.counterfactual->probability));
    }
  }
}

void expect_same_model(const pact::RiskModel& loaded, const pact::RiskModel& original) {
  EXPECT_EQ(loaded.hash(), original.hash());
  EXPECT_EQ(loaded.canonical_json(), original.canonical_json());
  EXPECT_EQ(loaded.instrument().hash(), original.instrument().hash());
  EXPECT_EQ(loaded.instrument().canonical_json(), original.instrument().canonical_json());
  EXPECT_EQ(loaded.stamp().model_version, original.stamp().model_version);
  EXPECT_EQ(loaded.data().uses_item_severity, original.data().uses_item_severity);
  EXPECT_EQ(loaded.data().log_features, original.data().log_features);
  const auto& a = loaded.data().hazard_segments;
  const auto& b = original.data().hazard_segments;
  EXPECT_EQ(a.first, b.first);
  EXPECT_EQ(a.coefficient, b.coefficient);
  EXPECT_EQ(a.months, b.months);
  EXPECT_EQ(a.last_band, b.last_band);
  EXPECT_EQ(a.widest, b.widest);
  // The stored data: encoding the loaded model gives the same bytes as encoding the original.
  EXPECT_EQ(pact::bundle_bytes(loaded), pact::bundle_bytes(original));
  expect_same_derived_tables(loaded.instrument().data(), original.instrument().data());
  expect_same_scores(loaded, original, 71);
}

TEST(Bundle, AModelLoadsBackIdenticalToItsJson) {
  for (const pact::RiskModel* model : {&hazard(), &logistic(), &pact::RiskModel::bundled()}) {
    SCOPED_TRACE(model->id());
    const std::string bytes = pact::bundle_bytes(*model);
    const pact::RiskModel loaded = pact::parse_bundle(bytes);
    expect_same_model(loaded, *model);
    const auto header = pact::read_bundle_header(bytes);
    EXPECT_EQ(header.format_version, 1u);
    EXPECT_EQ(header.library_version, static_cast<std::uint32_t>(PACT_VERSION_NUMBER));
    EXPECT_EQ(header.content, pact::BundleContent::instrument_and_model);
    EXPECT_EQ(header.payload_bytes, bytes.size() - pact::bundle_header_bytes);
  }
}

TEST(Bundle, AnInstrumentLoadsAloneOrFromAModelBundle) {
  for (const pact::Instrument* instrument : {&small(), &pact::Instrument::bundled()}) {
    const std::string bytes = pact::bundle_bytes(*instrument);
    EXPECT_EQ(pact::read_bundle_header(bytes).content, pact::BundleContent::instrument);
    const pact::Instrument loaded = pact::parse_instrument_bundle(bytes);
    EXPECT_EQ(loaded.hash(), instrument->hash());
    EXPECT_EQ(pact::bundle_bytes(loaded), bytes);
    expect_same_derived_tables(loaded.data(), instrument->data());
    try {
      (void)pact::parse_bundle(bytes);
      ADD_FAILURE() << "an instrument-only bundle has no model";
    } catch (const pact::ValidationError& e) {
      EXPECT_EQ(e.where(), "/header/content");
    }
  }
  const pact::Instrument of_model = pact::parse_instrument_bundle(pact::bundle_bytes(hazard()));
  EXPECT_EQ(of_model.hash(), small().hash());
}

TEST(Bundle, FilesAreWrittenAtomicallyAndReadBack) {
  const fs::path dir = fs::path(::testing::TempDir()) / "pact_bundle_files";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const fs::path file = dir / "model.bundle";
  pact::write_bundle(file, logistic());
  expect_same_model(pact::read_bundle(file), logistic());
  // Written again over itself, with another model: the new content, and no temporary file left.
  pact::write_bundle(file, hazard());
  EXPECT_EQ(pact::read_bundle(file).hash(), hazard().hash());
  pact::write_bundle(dir / "instrument.bundle", small());
  EXPECT_EQ(pact::read_instrument_bundle(dir / "instrument.bundle").hash(), small().hash());
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"instrument.bundle", "model.bundle"}));
  EXPECT_THROW(pact::write_bundle(dir / "no-such-dir" / "x.bundle", hazard()), pact::IoError);
  EXPECT_THROW(pact::read_bundle(dir / "missing.bundle"), pact::IoError);
  fs::remove_all(dir);
}

// ---------------------------------------------------------------------------------------------
// Compatibility: bundles written by the first format version, kept in tests/data/bundles
// ---------------------------------------------------------------------------------------------

std::string stored(const std::string& name) { return pact_test::read_text(pact_test::data_path("bundles/" + name)); }

bool written_on_this_architecture(const std::string& bytes) {
  const auto here = pact::detail::bundle_architecture();
  return bytes.size() >= layout::payload && std::memcmp(bytes.data() + layout::architecture, here.data(), here.size()) == 0;
}

TEST(BundleCompatibility, BundlesOfTheFirstFormatStillLoadAndScoreAsTheirJson) {
  const std::string dir = pact_test::data_path("bundles/");
  const auto instrument = pact::Instrument::load(dir + "small-instrument.json");
  for (const std::string& name : {std::string("hazard"), std::string("logistic")}) {
    SCOPED_TRACE(name);
    const std::string bytes = stored("small-" + name + "-v1.bundle");
    if (!written_on_this_architecture(bytes)) GTEST_SKIP() << "the stored bundles were written on x86_64";
    EXPECT_EQ(pact::read_bundle_header(bytes).format_version, 1u);
    const auto from_json = pact::RiskModel::load(dir + name + "-model.json", instrument);
    const auto from_bundle = pact::read_bundle(dir + "small-" + name + "-v1.bundle");
    EXPECT_EQ(from_bundle.hash(), from_json.hash());
    EXPECT_EQ(from_bundle.instrument().hash(), instrument.hash());
    expect_same_derived_tables(from_bundle.instrument().data(), instrument.data());
    expect_same_scores(from_bundle, from_json, 73);
  }
  const std::string bytes = stored("small-instrument-v1.bundle");
  EXPECT_EQ(pact::parse_instrument_bundle(bytes).hash(), instrument.hash());
}

// ---------------------------------------------------------------------------------------------
// Damaged and foreign input: always a pact error
// ---------------------------------------------------------------------------------------------

// Parses `bytes` as a model bundle and returns the error's where(), or "loaded".
std::string outcome(const std::string& bytes) {
  try {
    const pact::RiskModel model = pact::parse_bundle(bytes);
    // Whatever loaded must be usable: score a case of its instrument.
    const auto c = pact_test::random_assessments(model.instrument(), 1, 5)[0];
    try {
      (void)pact::score_risk(model, c);
    } catch (const pact::Error&) {
    }
    return "loaded";
  } catch (const pact::Error& e) {
    EXPECT_FALSE(e.reason().empty());
    return e.where();
  }
}

TEST(BundleDamage, EveryTruncationIsAnError) {
  const std::string bytes = pact::bundle_bytes(hazard());
  for (std::size_t length = 0; length < bytes.size(); ++length) {
    const std::string where = outcome(bytes.substr(0, length));
    const std::string expected = length == 0 ? "/header" : length < layout::payload ? "/header" : "/payload";
    ASSERT_EQ(where, expected) << "truncated to " << length << " bytes";
  }
  // The default model's bundle, at a sample of lengths.
  const std::string large = pact::bundle_bytes(pact::RiskModel::bundled());
  for (std::size_t length = 0; length < large.size(); length += length < 256 ? 1 : 1009)
    ASSERT_NE(outcome(large.substr(0, length)), "loaded") << length;
}

TEST(BundleDamage, EveryByteOfTheHeaderFlippedIsAnError) {
  const std::string bytes = pact::bundle_bytes(hazard());
  for (std::size_t at = 0; at < layout::payload; ++at)
    for (int mask : {0x01, 0x10, 0x80, 0xff}) {
      std::string damaged = bytes;
      damaged[at] = static_cast<char>(damaged[at] ^ mask);
      const std::string where = outcome(damaged);
      ASSERT_NE(where, "loaded") << "byte " << at << " ^ " << mask;
      // A changed payload length no longer matches the bytes that follow: the payload is then
      // reported as truncated or followed by extra bytes.
      const bool length_field = at >= layout::payload_bytes && at < layout::checksum;
      if (length_field && where == "/payload") continue;
      EXPECT_EQ(where.rfind("/header", 0), 0u) << "byte " << at << " ^ " << mask << ": " << where;
    }
}

TEST(BundleDamage, PayloadFlipsFailTheChecksum) {
  const std::string bytes = pact::bundle_bytes(pact::RiskModel::bundled());
  std::mt19937_64 rng(79);
  std::uniform_int_distribution<std::size_t> position(layout::payload, bytes.size() - 1);
  std::uniform_int_distribution<int> bit(0, 7);
  for (int trial = 0; trial < 400; ++trial) {
    std::string damaged = bytes;
    const std::size_t at = trial < 64 ? layout::payload + static_cast<std::size_t>(trial) : position(rng);
    damaged[at] = static_cast<char>(damaged[at] ^ (1 << bit(rng)));
    ASSERT_EQ(outcome(damaged), "/header/checksum") << "byte " << at;
  }
}

// A bundle whose payload was changed and its checksum computed again, as a deliberate forger or a
// faulty writer would: the loader must read it safely and refuse what is inconsistent.
std::string with_checksum(std::string bytes) {
  const auto digest = pact::detail::sha256_digest(
      {std::string_view(bytes).substr(0, layout::checksum), std::string_view(bytes).substr(layout::payload)});
  std::memcpy(bytes.data() + layout::checksum, digest.data(), digest.size());
  return bytes;
}

TEST(BundleDamage, EveryPayloadByteChangedUnderAValidChecksumIsReadSafely) {
  // Each byte of the payload replaced by three other values: every outcome must be a pact error
  // about the payload or a model that loads and scores (a changed digit of a coefficient is
  // still a valid model). Run under AddressSanitizer and UndefinedBehaviorSanitizer as well.
  const std::string bytes = pact::bundle_bytes(hazard());
  std::size_t refused = 0, loaded = 0;
  for (std::size_t at = layout::payload; at < bytes.size(); ++at)
    for (int mask : {0x01, 0x80, 0xff}) {
      std::string damaged = bytes;
      damaged[at] = static_cast<char>(damaged[at] ^ mask);
      const std::string where = outcome(with_checksum(damaged));
      if (where == "loaded") {
        ++loaded;
      } else {
        ++refused;
        EXPECT_EQ(where.rfind("/payload", 0), 0u) << "byte " << at << ": " << where;
      }
    }
  EXPECT_GT(refused, 0u);
  EXPECT_GT(loaded, 0u);
}

void expect_refused(const std::string& bytes, const std::string& where, const std::string& reason_part) {
  try {
    (void)pact::parse_bundle(bytes);
    ADD_FAILURE() << "loaded; expected an error at " << where;
  } catch (const pact::Error& e) {
    EXPECT_EQ(e.where(), where) << e.what();
    EXPECT_NE(e.reason().find(reason_part), std::string::npos) << e.what();
  }
}

TEST(BundleDamage, ForeignAndEmptyInputsAreNotBundles) {
  expect_refused("", "/header", "empty");
  expect_refused(pact_test::read_text(pact_test::data_path("models/hazard.json")), "/header/magic", "looks like JSON");
  expect_refused("\x89PNG\r\n\x1a\n" + std::string(100, '\0'), "/header/magic", "not a pact bundle");
  expect_refused(std::string(4096, '\0'), "/header/magic", "not a pact bundle");
  const std::string bytes = pact::bundle_bytes(hazard());
  expect_refused(bytes.substr(0, 8), "/header", "truncated");
  expect_refused(bytes.substr(0, 5), "/header", "truncated");
  expect_refused(bytes + "x", "/payload", "1 bytes follow");
  const fs::path empty = fs::path(::testing::TempDir()) / "pact_empty.bundle";
  { std::ofstream(empty, std::ios::binary); }
  try {
    (void)pact::read_bundle(empty);
    ADD_FAILURE();
  } catch (const pact::ValidationError& e) {
    EXPECT_EQ(e.where(), "/header");
  }
  fs::remove(empty);
}

TEST(BundleDamage, ABundleOfAnotherArchitectureIsRefusedBeforeItsPayload) {
  std::string bytes = pact::bundle_bytes(hazard());
  // A big-endian machine writes 0x01020304 as 01 02 03 04.
  const unsigned char big_endian[] = {1, 2, 3, 4};
  std::memcpy(bytes.data() + layout::architecture, big_endian, 4);
  expect_refused(with_checksum(bytes), "/header/architecture", "big-endian");
  bytes = pact::bundle_bytes(hazard());
  bytes[layout::architecture + 5] = 4;  // a long of 4 bytes (Windows)
  expect_refused(with_checksum(bytes), "/header/architecture", "long of 4 bytes");
}

void put_u32(std::string& bytes, std::size_t at, std::uint32_t value) {
  for (int k = 0; k < 4; ++k) bytes[at + static_cast<std::size_t>(k)] = static_cast<char>((value >> (8 * k)) & 0xff);
}

TEST(BundleDamage, NewerFormatsAndArchivesAndOversizedPayloadsAreRefused) {
  std::string bytes = pact::bundle_bytes(hazard());
  put_u32(bytes, layout::format_version, 2);
  expect_refused(with_checksum(bytes), "/header/format_version", "newer pact");
  put_u32(bytes, layout::format_version, 0);
  expect_refused(with_checksum(bytes), "/header/format_version", "does not exist");
  bytes = pact::bundle_bytes(hazard());
  put_u32(bytes, layout::archive_version, 1000);
  expect_refused(with_checksum(bytes), "/header/archive_version", "this build reads versions 1 to");
  bytes = pact::bundle_bytes(hazard());
  put_u32(bytes, layout::content, 3);
  expect_refused(with_checksum(bytes), "/header/content", "unknown content kind");
  bytes = pact::bundle_bytes(hazard());
  put_u32(bytes, layout::payload_bytes + 4, 1);  // 2^32 bytes and more
  try {
    (void)pact::parse_bundle(bytes);
    ADD_FAILURE();
  } catch (const pact::LimitError& e) {
    EXPECT_EQ(e.where(), "/header/payload_bytes");
  }
}

// ---------------------------------------------------------------------------------------------
// Inconsistent content under a valid checksum
// ---------------------------------------------------------------------------------------------

std::string encode(const pact::detail::RiskModelData& model) {
  return pact::detail::encode_bundle(model.instrument.data(), &model);
}

void expect_model_refused(const std::function<void(pact::detail::RiskModelData&)>& change, const pact::RiskModel& base,
                          const std::string& where) {
  pact::detail::RiskModelData data = base.data();
  change(data);
  expect_refused(encode(data), where, "");
}

TEST(BundleContent, AModelThatWouldReadOutOfBoundsIsRefused) {
  using Data = pact::detail::RiskModelData;
  const auto& h = hazard();
  const auto& l = logistic();
  expect_model_refused([](Data& m) { m.features[0].source = 6; }, h, "/payload/model/features/0/item");
  expect_model_refused([](Data& m) { m.features[0].source = 3; }, l, "/payload/model/features/0/dimension");
  expect_model_refused([](Data& m) { m.features[5].of[0] = 5; }, l, "/payload/model/features/5/of");
  expect_model_refused([](Data& m) { m.features[6].of[1] = 9; }, l, "/payload/model/features/6/of");
  expect_model_refused([](Data& m) { m.features[1].coefficient = NA; }, h, "/payload/model/features/1/coefficient");
  expect_model_refused([](Data& m) { m.features[1].id = m.features[0].id; }, h, "/payload/model/features/1/id");
  expect_model_refused([](Data& m) { m.features.clear(); }, h, "/payload/model/features");
  expect_model_refused([](Data& m) { m.duration_item = 17; }, h, "/payload/model/duration/item");
  expect_model_refused([](Data& m) { m.duration_item = 0; }, h, "/payload/model/duration/item");  // a1 is ordinal
  expect_model_refused([](Data& m) { m.duration_item.reset(); }, h, "/payload/model/duration");
  expect_model_refused([](Data& m) { m.baseline.clear(); }, h, "/payload/model/baseline");
  expect_model_refused([](Data& m) { m.baseline[2].from_month = 4; }, h, "/payload/model/baseline/2/from_month");
  expect_model_refused([](Data& m) { m.baseline[0].from_month = 2; }, h, "/payload/model/baseline/0/from_month");
  expect_model_refused([](Data& m) { m.intercept.coefficient = 1; }, h, "/payload/model/intercept");
  expect_model_refused([](Data& m) { m.baseline.push_back({13, 0, 0}); }, l, "/payload/model/form");
  expect_model_refused([](Data& m) { m.actionable_items = {3, 0}; }, h, "/payload/model/actionable_items/1");
  expect_model_refused([](Data& m) { m.actionable_items = {0, 6}; }, h, "/payload/model/actionable_items/1");
  expect_model_refused([](Data& m) { m.actionable_items = {2}; }, h, "/payload/model/actionable_items/0");
  expect_model_refused([](Data& m) { m.bands.pop_back(); }, h, "/payload/model/bands");
  expect_model_refused([](Data& m) { m.bands[2].min_probability = 0.05; }, h, "/payload/model/bands/2/min_probability");
  expect_model_refused([](Data& m) { m.bands[0].min_probability = 0.01; }, h, "/payload/model/bands/0/min_probability");
  expect_model_refused([](Data& m) { m.bands[3].id = "extreme"; }, h, "/payload/model/bands/3/id");
  expect_model_refused([](Data& m) { m.horizon_months = 0; }, h, "/payload/model/outcome/horizon_months");
  expect_model_refused([](Data& m) { m.instrument_id = "other"; }, h, "/payload/model/instrument/id");
  expect_model_refused([](Data& m) { m.default_language = "fr"; }, h, "/payload/model/default_language");
  expect_model_refused([](Data& m) { m.hash = "md5:1"; }, h, "/payload/model/hash");
}

void expect_instrument_refused(const std::function<void(pact::detail::InstrumentData&)>& change, const std::string& where) {
  pact::detail::InstrumentData data = small().data();
  change(data);
  try {
    (void)pact::parse_instrument_bundle(pact::detail::encode_bundle(data, nullptr));
    ADD_FAILURE() << "loaded; expected an error at " << where;
  } catch (const pact::ValidationError& e) {
    EXPECT_EQ(e.where(), where) << e.what();
  }
}

TEST(BundleContent, AnInstrumentThatWouldReadOutOfBoundsIsRefused) {
  using Data = pact::detail::InstrumentData;
  expect_instrument_refused([](Data& d) { d.items[1].dimension = 3; }, "/payload/instrument/items/1/dimension");
  expect_instrument_refused([](Data& d) { d.items[5].dimension = 0; }, "/payload/instrument/dimensions/2");  // c empty
  expect_instrument_refused([](Data& d) { d.items[0].options.resize(1); }, "/payload/instrument/items/0/response/options");
  expect_instrument_refused([](Data& d) { d.items[0].options[1].value = 5000; }, "/payload/instrument/items/0/response/options");
  expect_instrument_refused([](Data& d) { d.items[0].options[1].value = 1; }, "/payload/instrument/items/0/response/options/1/value");
  expect_instrument_refused([](Data& d) { d.items[0].options[2].severity = 1.5; },
                            "/payload/instrument/items/0/response/options/2/severity");
  expect_instrument_refused([](Data& d) { d.items[2].curve.severity.pop_back(); },
                            "/payload/instrument/items/2/response/severity/points");
  expect_instrument_refused([](Data& d) { d.items[2].curve.x[2] = 6; }, "/payload/instrument/items/2/response/severity/points/2/0");
  expect_instrument_refused([](Data& d) { d.items[2].max_value = -1; }, "/payload/instrument/items/2/response/max");
  expect_instrument_refused([](Data& d) { d.items[1].severity_yes = NA; }, "/payload/instrument/items/1/response");
  expect_instrument_refused([](Data& d) { d.items[3].weight = 0; }, "/payload/instrument/items/3/weight");
  expect_instrument_refused([](Data& d) { d.items[3].id = "a1"; }, "/payload/instrument/items/3/id");
  expect_instrument_refused([](Data& d) { d.dimensions[1].min_coverage = 0; }, "/payload/instrument/dimensions/1/min_coverage");
  expect_instrument_refused([](Data& d) { d.dimensions[0].weight = std::numeric_limits<double>::infinity(); },
                            "/payload/instrument/dimensions/0/weight");
  expect_instrument_refused([](Data& d) { d.levels[2].min_score = 0.2; }, "/payload/instrument/levels/2/min_score");
  expect_instrument_refused([](Data& d) { d.levels.resize(1); }, "/payload/instrument/levels");
  expect_instrument_refused([](Data& d) { d.items.clear(); }, "/payload/instrument/items");
  expect_instrument_refused([](Data& d) { d.default_language = "fr"; }, "/payload/instrument/default_language");
}

// The count limits of the JSON loaders (docs/reliability.md, "Limits") hold for bundles too: a
// 64 MiB payload could otherwise hold a million features, whose pairwise id check would take hours.
TEST(BundleContent, ListsPastTheCountLimitsAreRefused) {
  const auto expect_limit = [](const std::string& bytes, const std::string& where, const std::string& reason) {
    try {
      if (pact::read_bundle_header(bytes).content == pact::BundleContent::instrument)
        (void)pact::parse_instrument_bundle(bytes);
      else
        (void)pact::parse_bundle(bytes);
      ADD_FAILURE() << "loaded; expected a limit error at " << where;
    } catch (const pact::LimitError& e) {
      EXPECT_EQ(e.where(), where) << e.what();
      EXPECT_NE(e.reason().find(reason), std::string::npos) << e.what();
    }
  };
  pact::detail::RiskModelData model = hazard().data();
  const pact::RiskFeature feature = model.features[0];
  model.features.assign(pact::max_model_features + 1, feature);
  expect_limit(encode(model), "/payload/model/features", "expected at most 1024 elements (a limit of pact), got 1025");

  pact::detail::InstrumentData instrument = small().data();
  const pact::Item item = instrument.items[0];
  instrument.items.assign(pact::max_instrument_items + 1, item);
  expect_limit(pact::detail::encode_bundle(instrument, nullptr), "/payload/instrument/items", "got 4097");

  instrument = small().data();
  instrument.items[0].options.resize(pact::max_item_options + 1, instrument.items[0].options[0]);
  expect_limit(pact::detail::encode_bundle(instrument, nullptr), "/payload/instrument/items/0/response/options",
               "expected at most 256 elements (a limit of pact), got 257");
}

TEST(BundleContent, DerivedTablesAreRebuiltOnLoadNotTrusted) {
  // The kernel's lookup tables are not stored: damaging them in the data that is encoded changes
  // nothing, because the loader derives them again from the authored data.
  pact::detail::RiskModelData data = hazard().data();
  pact::detail::InstrumentData instrument = small().data();
  instrument.compiled[0].table_offset = 1000000;
  instrument.severity_table.clear();
  instrument.item_index.clear();
  const pact::RiskModel loaded = pact::parse_bundle(pact::detail::encode_bundle(instrument, &data));
  expect_same_derived_tables(loaded.instrument().data(), small().data());
  expect_same_scores(loaded, hazard(), 83);
}

}  // namespace
