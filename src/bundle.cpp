// Compiled bundles: writing and reading an instrument and a risk model as one checked binary
// file (docs/formats.md, "Compiled bundles").
#include "pact/bundle.hpp"

#include "pact/version.hpp"

#include "bundle_internal.hpp"
#include "bundle_serialization.hpp"
#include "file_io.hpp"
#include "instrument_compile.hpp"
#include "sha256.hpp"

#include <boost/archive/archive_exception.hpp>
#include <boost/archive/basic_archive.hpp>
#include <boost/archive/binary_iarchive.hpp>
#include <boost/archive/binary_oarchive.hpp>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <new>
#include <sstream>
#include <string>
#include <system_error>

#if defined(__unix__) || defined(__APPLE__)
#include <fcntl.h>
#include <unistd.h>
#define PACT_BUNDLE_POSIX 1
#else
#include <fstream>
#endif

namespace pact {

// Defined with the JSON loaders; the classes' private constructors are reached through them.
Instrument detail_make_instrument(std::shared_ptr<const detail::InstrumentData> data);
RiskModel detail_make_risk_model(std::shared_ptr<const detail::RiskModelData> data);

namespace detail {

namespace {

namespace layout = bundle_layout;

std::uint32_t archive_version_here() {
  const boost::serialization::library_version_type version = boost::archive::BOOST_ARCHIVE_VERSION();
  const std::uint_least16_t number = version;  // the const conversion (the type is 16 bits wide)
  return number;
}

void put_u32(std::string& out, std::size_t at, std::uint32_t v) {
  for (int k = 0; k < 4; ++k) out[at + static_cast<std::size_t>(k)] = static_cast<char>((v >> (8 * k)) & 0xff);
}
void put_u64(std::string& out, std::size_t at, std::uint64_t v) {
  for (int k = 0; k < 8; ++k) out[at + static_cast<std::size_t>(k)] = static_cast<char>((v >> (8 * k)) & 0xff);
}
std::uint32_t get_u32(std::string_view in, std::size_t at) {
  std::uint32_t v = 0;
  for (int k = 3; k >= 0; --k) v = (v << 8) | static_cast<unsigned char>(in[at + static_cast<std::size_t>(k)]);
  return v;
}
std::uint64_t get_u64(std::string_view in, std::size_t at) {
  std::uint64_t v = 0;
  for (int k = 7; k >= 0; --k) v = (v << 8) | static_cast<unsigned char>(in[at + static_cast<std::size_t>(k)]);
  return v;
}

std::string describe_architecture(std::string_view marker) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned>(static_cast<unsigned char>(marker[k])); };
  std::string order = "an unknown byte order";
  if (byte(0) == 4 && byte(1) == 3 && byte(2) == 2 && byte(3) == 1) order = "little-endian";
  if (byte(0) == 1 && byte(1) == 2 && byte(2) == 3 && byte(3) == 4) order = "big-endian";
  return order + ", int of " + std::to_string(byte(4)) + " bytes, long of " + std::to_string(byte(5)) +
         " bytes, double of " + std::to_string(byte(6)) + " bytes" + (byte(7) == 1 ? " (IEEE 754)" : " (not IEEE 754)");
}

[[noreturn]] void fail(const std::string& where, const std::string& reason) { throw ValidationError(where, reason); }

// The count limits of the JSON loaders hold for bundles too: some checks compare every pair.
void limit_count(const std::string& where, std::size_t count, std::size_t limit) {
  if (count > limit)
    throw LimitError(where, "expected at most " + std::to_string(limit) + " elements (a limit of pact), got " +
                                std::to_string(count));
}

bool in_unit(double v) { return v >= 0.0 && v <= 1.0; }                   // false for NaN
bool in_unit_open_below(double v) { return v > 0.0 && v <= 1.0; }         // (0, 1]
bool positive_finite(double v) { return std::isfinite(v) && v > 0.0; }
bool is_content_hash(const std::string& h) { return h.size() == 71 && h.rfind("sha256:", 0) == 0; }

// ---------------------------------------------------------------------------------------------
// Invariants of the loaded data. A bundle with a valid checksum is still outside input: nothing
// in it is trusted until checked. The checks cover what the scoring kernels, the writers and the
// derived tables rely on (indices in range, sizes consistent, numbers finite and in range, cut-offs
// and bands ordered), so that an inconsistent bundle is refused rather than read out of bounds.
// ---------------------------------------------------------------------------------------------

void check_instrument(const InstrumentData& d) {
  const std::string at = "/payload/instrument";
  if (d.id.empty() || d.version.empty()) fail(at + "/id", "the instrument has no id or version");
  if (!is_content_hash(d.hash)) fail(at + "/hash", "expected \"sha256:\" and 64 hexadecimal digits");
  if (d.canonical_json.empty()) fail(at + "/canonical_json", "the instrument's canonical JSON is missing");
  if (d.languages.empty()) fail(at + "/languages", "the instrument has no language");
  limit_count(at + "/languages", d.languages.size(), max_instrument_languages);
  limit_count(at + "/levels", d.levels.size(), max_instrument_levels);
  limit_count(at + "/dimensions", d.dimensions.size(), max_instrument_dimensions);
  limit_count(at + "/items", d.items.size(), max_instrument_items);
  for (std::size_t j = 0; j < d.items.size(); ++j) {
    limit_count(at + "/items/" + std::to_string(j) + "/response/options", d.items[j].options.size(), max_item_options);
    limit_count(at + "/items/" + std::to_string(j) + "/response/severity/points", d.items[j].curve.x.size(),
                max_curve_points);
  }
  if (std::find(d.languages.begin(), d.languages.end(), d.default_language) == d.languages.end())
    fail(at + "/default_language", "the default language is not one of the instrument's languages");
  if (d.rating_window_days && (*d.rating_window_days < 1 || *d.rating_window_days > 3650))
    fail(at + "/rating_window_days", "expected a number of days in [1, 3650]");
  if (!in_unit_open_below(d.composite_min_coverage)) fail(at + "/composite/min_coverage", "expected a share in (0, 1]");
  if (d.alerts.dimension_worsening && !in_unit_open_below(*d.alerts.dimension_worsening))
    fail(at + "/alerts/dimension_worsening", "expected an amount in (0, 1]");
  if (d.alerts.reassessment_overdue_days &&
      (*d.alerts.reassessment_overdue_days < 1 || *d.alerts.reassessment_overdue_days > 3650))
    fail(at + "/alerts/reassessment_overdue_days", "expected a number of days in [1, 3650]");

  if (d.levels.size() < 2) fail(at + "/levels", "expected at least 2 levels");
  for (std::size_t l = 0; l < d.levels.size(); ++l) {
    const std::string where = at + "/levels/" + std::to_string(l) + "/min_score";
    const double s = d.levels[l].min_score;
    if (!in_unit(s)) fail(where, "expected a score in [0, 1]");
    if (l == 0 && s != 0.0) fail(where, "the first level must start at 0");
    if (l > 0 && !(s > d.levels[l - 1].min_score)) fail(where, "levels must be in increasing order of min_score");
  }

  if (d.dimensions.empty()) fail(at + "/dimensions", "the instrument has no dimension");
  for (std::size_t k = 0; k < d.dimensions.size(); ++k) {
    const Dimension& dim = d.dimensions[k];
    const std::string where = at + "/dimensions/" + std::to_string(k);
    if (dim.id.empty()) fail(where + "/id", "the dimension has no id");
    if (!positive_finite(dim.weight)) fail(where + "/weight", "expected a finite weight above 0");
    if (!in_unit_open_below(dim.min_coverage)) fail(where + "/min_coverage", "expected a share in (0, 1]");
    if (!in_unit_open_below(dim.deprivation_cutoff)) fail(where + "/deprivation_cutoff", "expected a cut-off in (0, 1]");
    if (dim.critical_cutoff && !in_unit_open_below(*dim.critical_cutoff))
      fail(where + "/critical_cutoff", "expected a cut-off in (0, 1]");
  }

  if (d.items.empty()) fail(at + "/items", "the instrument has no item");
  std::vector<std::size_t> items_per_dimension(d.dimensions.size(), 0);
  for (std::size_t j = 0; j < d.items.size(); ++j) {
    const Item& item = d.items[j];
    const std::string where = at + "/items/" + std::to_string(j);
    if (item.id.empty()) fail(where + "/id", "the item has no id");
    if (item.dimension >= d.dimensions.size())
      fail(where + "/dimension", "the dimension index " + std::to_string(item.dimension) + " is past the instrument's " +
                                     std::to_string(d.dimensions.size()) + " dimensions");
    ++items_per_dimension[item.dimension];
    if (!positive_finite(item.weight)) fail(where + "/weight", "expected a finite weight above 0");
    if (item.critical_cutoff && !in_unit_open_below(*item.critical_cutoff))
      fail(where + "/critical_cutoff", "expected a cut-off in (0, 1]");
    switch (item.type) {
      case ResponseType::ordinal: {
        if (item.options.size() < 2) fail(where + "/response/options", "an ordinal item needs at least 2 options");
        for (std::size_t o = 0; o < item.options.size(); ++o) {
          const ResponseOption& option = item.options[o];
          const std::string at_option = where + "/response/options/" + std::to_string(o);
          if (option.value < -1000000 || option.value > 1000000)
            fail(at_option + "/value", "expected an option code in [-1000000, 1000000]");
          if (!in_unit(option.severity)) fail(at_option + "/severity", "expected a severity in [0, 1]");
          for (std::size_t other = 0; other < o; ++other)
            if (item.options[other].value == option.value) fail(at_option + "/value", "the option code is used twice");
        }
        const auto [lo, hi] = std::minmax_element(item.options.begin(), item.options.end(),
                                                  [](const auto& a, const auto& b) { return a.value < b.value; });
        if (hi->value - lo->value > max_option_span)
          fail(where + "/response/options", "option codes must lie within a span of " + std::to_string(max_option_span));
        break;
      }
      case ResponseType::yes_no:
        if (!in_unit(item.severity_yes) || !in_unit(item.severity_no))
          fail(where + "/response", "expected yes and no severities in [0, 1]");
        break;
      case ResponseType::count:
      case ResponseType::months:
      case ResponseType::amount: {
        if (!std::isfinite(item.min_value)) fail(where + "/response/min", "expected a finite minimum");
        if (!(item.max_value > item.min_value)) fail(where + "/response/max", "the maximum must be above the minimum");
        const SeverityCurve& curve = item.curve;
        if (curve.x.size() < 2 || curve.x.size() != curve.severity.size())
          fail(where + "/response/severity/points", "expected at least 2 points, each with an x and a severity");
        for (std::size_t p = 0; p < curve.x.size(); ++p) {
          const std::string at_point = where + "/response/severity/points/" + std::to_string(p);
          if (!std::isfinite(curve.x[p])) fail(at_point + "/0", "expected a finite x");
          if (p > 0 && !(curve.x[p] > curve.x[p - 1])) fail(at_point + "/0", "the points' x must strictly increase");
          if (!in_unit(curve.severity[p])) fail(at_point + "/1", "expected a severity in [0, 1]");
        }
        break;
      }
    }
  }
  for (std::size_t k = 0; k < d.dimensions.size(); ++k)
    if (items_per_dimension[k] == 0) fail(at + "/dimensions/" + std::to_string(k), "the dimension has no items");
}

// After compile_instrument: the indexes are sorted, so repeated ids sit side by side.
void check_unique_ids(const InstrumentData& d) {
  for (std::size_t k = 1; k < d.item_index.size(); ++k)
    if (d.item_index[k].first == d.item_index[k - 1].first)
      fail("/payload/instrument/items/" + std::to_string(d.item_index[k].second) + "/id", "the item id is used twice");
  for (std::size_t k = 1; k < d.dimension_index.size(); ++k)
    if (d.dimension_index[k].first == d.dimension_index[k - 1].first)
      fail("/payload/instrument/dimensions/" + std::to_string(d.dimension_index[k].second) + "/id",
           "the dimension id is used twice");
}

void check_coefficient(const std::string& where, double coefficient, double se) {
  if (!std::isfinite(coefficient)) fail(where + "/coefficient", "expected a finite coefficient");
  if (!(std::isfinite(se) && se >= 0.0)) fail(where + "/se", "expected a finite standard error of at least 0");
}

void check_model(const RiskModelData& m) {
  const std::string at = "/payload/model";
  const Instrument& instrument = m.instrument;
  const std::size_t items = instrument.item_count(), dims = instrument.dimension_count();
  if (m.id.empty() || m.version.empty()) fail(at + "/id", "the model has no id or version");
  if (!is_content_hash(m.hash)) fail(at + "/hash", "expected \"sha256:\" and 64 hexadecimal digits");
  if (m.canonical_json.empty()) fail(at + "/canonical_json", "the model's canonical JSON is missing");
  if (m.alerts.probability_increase && !in_unit_open_below(*m.alerts.probability_increase))
    fail(at + "/alerts/probability_increase", "expected an amount in (0, 1]");
  if (m.languages.empty()) fail(at + "/languages", "the model has no language");
  for (std::size_t l = 0; l < m.languages.size(); ++l) {
    const auto& known = instrument.languages();
    if (std::find(known.begin(), known.end(), m.languages[l]) == known.end())
      fail(at + "/languages/" + std::to_string(l), "the language is not one of the instrument's");
  }
  if (std::find(m.languages.begin(), m.languages.end(), m.default_language) == m.languages.end())
    fail(at + "/default_language", "the default language is not one of the model's languages");
  if (m.instrument_id != instrument.id()) fail(at + "/instrument/id", "the model names another instrument");
  if (m.horizon_months < 1 || m.horizon_months > 240)
    fail(at + "/outcome/horizon_months", "expected a number of months in [1, 240]");

  if (m.form == RiskForm::logistic) {
    if (m.duration_item || !m.baseline.empty())
      fail(at + "/form", "a logistic model has no duration item and no baseline");
    check_coefficient(at + "/intercept", m.intercept.coefficient, m.intercept.se);
  } else {
    // The kernels add the intercept in both forms: the hazard form's must be zero.
    if (m.intercept.coefficient != 0.0 || m.intercept.se != 0.0)
      fail(at + "/intercept", "a discrete_hazard model has no intercept (its baseline takes its place)");
    if (!m.duration_item) fail(at + "/duration", "a discrete_hazard model needs its duration item");
    if (*m.duration_item >= items)
      fail(at + "/duration/item", "the item index " + std::to_string(*m.duration_item) + " is past the instrument's " +
                                      std::to_string(items) + " items");
    const Item& duration = instrument.items()[*m.duration_item];
    if ((duration.type != ResponseType::months && duration.type != ResponseType::count) || duration.min_value < 0.0)
      fail(at + "/duration/item", "the duration item must record months (months or count, minimum at least 0)");
    if (m.baseline.empty()) fail(at + "/baseline", "a discrete_hazard model needs at least one duration band");
    for (std::size_t b = 0; b < m.baseline.size(); ++b) {
      const std::string where = at + "/baseline/" + std::to_string(b);
      const int month = m.baseline[b].from_month;
      if (month < 1 || month > 1200) fail(where + "/from_month", "expected a month in [1, 1200]");
      if (b == 0 && month != 1) fail(where + "/from_month", "the first duration band must start at month 1");
      if (b > 0 && month <= m.baseline[b - 1].from_month)
        fail(where + "/from_month", "duration bands must start at strictly increasing months");
      check_coefficient(where, m.baseline[b].coefficient, m.baseline[b].se);
    }
  }

  if (m.features.empty()) fail(at + "/features", "the model has no feature");
  limit_count(at + "/features", m.features.size(), max_model_features);
  for (std::size_t k = 0; k < m.features.size(); ++k) {
    const RiskFeature& f = m.features[k];
    const std::string where = at + "/features/" + std::to_string(k);
    if (f.id.empty()) fail(where + "/id", "the feature has no id");
    for (std::size_t other = 0; other < k; ++other)
      if (m.features[other].id == f.id) fail(where + "/id", "the feature id is used twice");
    check_coefficient(where, f.coefficient, f.se);
    if (!std::isfinite(f.reference)) fail(where + "/reference", "expected a finite reference");
    switch (f.kind) {
      case FeatureKind::dimension_score:
        if (f.source >= dims)
          fail(where + "/dimension", "the dimension index " + std::to_string(f.source) + " is past the instrument's " +
                                         std::to_string(dims) + " dimensions");
        break;
      case FeatureKind::item_severity:
      case FeatureKind::item_value:
      case FeatureKind::log_item_value:
      case FeatureKind::hinge_item_value:
        if (f.source >= items)
          fail(where + "/item", "the item index " + std::to_string(f.source) + " is past the instrument's " +
                                    std::to_string(items) + " items");
        if (f.kind == FeatureKind::log_item_value && !(instrument.items()[f.source].min_value > -1.0 &&
                                                       instrument.items()[f.source].type != ResponseType::ordinal &&
                                                       instrument.items()[f.source].type != ResponseType::yes_no))
          fail(where + "/item", "ln(1 + value) needs a count, months or amount item whose minimum is above -1");
        if (f.kind == FeatureKind::hinge_item_value && !std::isfinite(f.knot)) fail(where + "/knot", "expected a finite knot");
        break;
      case FeatureKind::composite: break;
      case FeatureKind::indicator:
        if (f.of[0] >= k) fail(where + "/of", "a derived feature may use only features listed before it");
        if (!std::isfinite(f.at_least)) fail(where + "/at_least", "expected a finite threshold");
        break;
      case FeatureKind::interaction:
        if (f.of[0] >= k || f.of[1] >= k) fail(where + "/of", "a derived feature may use only features listed before it");
        break;
    }
  }

  for (std::size_t a = 0; a < m.actionable_items.size(); ++a) {
    const std::string where = at + "/actionable_items/" + std::to_string(a);
    const std::size_t j = m.actionable_items[a];
    if (j >= items) fail(where, "the item index " + std::to_string(j) + " is past the instrument's " + std::to_string(items) + " items");
    if (a > 0 && j <= m.actionable_items[a - 1]) fail(where, "actionable items must be unique and in instrument order");
    if (m.duration_item && j == *m.duration_item) fail(where, "the duration item cannot be actionable");
  }

  static constexpr const char* band_ids[] = {"low", "medium", "high", "very_high"};
  if (m.bands.size() != 4) fail(at + "/bands", "expected exactly 4 bands, low, medium, high and very_high");
  for (std::size_t b = 0; b < m.bands.size(); ++b) {
    const std::string where = at + "/bands/" + std::to_string(b);
    if (m.bands[b].id != band_ids[b]) fail(where + "/id", std::string("expected \"") + band_ids[b] + "\"");
    const double p = m.bands[b].min_probability;
    if (!(p >= 0.0 && p < 1.0)) fail(where + "/min_probability", "expected a probability in [0, 1)");
    if (b == 0 && p != 0.0) fail(where + "/min_probability", "the first band must start at 0");
    if (b > 0 && !(p > m.bands[b - 1].min_probability))
      fail(where + "/min_probability", "bands must be in increasing order of min_probability");
  }
}

// Runs `read` on a loading archive over `payload`, turning everything that can go wrong while
// reading into a pact error, and requires the payload to be read to its end.
// Boost's own archive header is neither written nor read: pact's header carries what it holds
// (the archive version, the architecture), and Boost's reader of it would allocate a signature
// string of whatever length a damaged payload announced before anything could check it.
constexpr unsigned archive_flags = boost::archive::no_header | boost::archive::no_codecvt;

template <class Read>
void read_payload(std::string_view payload, std::uint32_t archive_version, Read read) {
  bundle_io::PayloadBuffer buffer(payload.data(), payload.size());
  try {
    boost::archive::binary_iarchive archive(buffer, archive_flags);
    archive.set_library_version(
        boost::serialization::library_version_type(static_cast<std::uint_least16_t>(archive_version)));
    archive.get_helper<bundle_io::PayloadLimit>(&bundle_io::payload_limit_key).buffer = &buffer;
    read(archive);
  } catch (const Error&) {
    throw;
  } catch (const boost::archive::archive_exception& e) {
    fail("/payload", std::string("the payload cannot be read (Boost.Serialization: ") + e.what() + ")");
  } catch (const std::bad_alloc&) {
    throw LimitError("/payload", "the payload asks for more memory than is available");
  } catch (const std::exception& e) {
    fail("/payload", std::string("the payload cannot be read: ") + e.what());
  }
  if (buffer.remaining() != 0)
    fail("/payload", std::to_string(buffer.remaining()) + " bytes are left over after the bundle's content");
}

struct CheckedBundle {
  BundleHeader header;
  std::string_view payload;
};

CheckedBundle check_bundle(std::string_view bytes) {
  const std::string_view magic(reinterpret_cast<const char*>(bundle_magic.data()), bundle_magic.size());
  if (bytes.empty()) fail("/header", "the bundle is empty (0 bytes)");
  const std::size_t seen = std::min(bytes.size(), magic.size());
  if (bytes.substr(0, seen) != magic.substr(0, seen)) {
    const bool json = bytes.find_first_not_of(" \t\r\n") != std::string_view::npos &&
                      bytes[bytes.find_first_not_of(" \t\r\n")] == '{';
    fail("/header/magic", std::string("not a pact bundle: it does not start with the bundle's magic bytes") +
                              (json ? " (it looks like JSON: load it with Instrument::load or RiskModel::load)" : ""));
  }
  if (bytes.size() < layout::payload)
    fail("/header", "the bundle is truncated: " + std::to_string(bytes.size()) + " bytes, and its header alone takes " +
                        std::to_string(layout::payload));

  CheckedBundle checked;
  BundleHeader& h = checked.header;
  h.format_version = get_u32(bytes, layout::format_version);
  if (h.format_version == 0) fail("/header/format_version", "bundle format version 0 does not exist");
  if (h.format_version > bundle_format_version)
    fail("/header/format_version", "the bundle was written in format version " + std::to_string(h.format_version) +
                                       " by a newer pact; this library reads format versions 1 to " +
                                       std::to_string(bundle_format_version));
  const auto here = bundle_architecture();
  const std::string_view marker = bytes.substr(layout::architecture, here.size());
  if (marker != std::string_view(reinterpret_cast<const char*>(here.data()), here.size()))
    fail("/header/architecture", "the bundle was written on another architecture (" + describe_architecture(marker) +
                                     "); this machine is " +
                                     describe_architecture({reinterpret_cast<const char*>(here.data()), here.size()}) +
                                     ": compile the bundle again from its JSON on this machine");
  h.library_version = get_u32(bytes, layout::library_version);
  h.archive_version = get_u32(bytes, layout::archive_version);
  if (h.archive_version == 0 || h.archive_version > archive_version_here())
    fail("/header/archive_version", "the bundle was written with Boost.Serialization archive version " +
                                        std::to_string(h.archive_version) + "; this build reads versions 1 to " +
                                        std::to_string(archive_version_here()));
  const std::uint32_t content = get_u32(bytes, layout::content);
  if (content != static_cast<std::uint32_t>(BundleContent::instrument) &&
      content != static_cast<std::uint32_t>(BundleContent::instrument_and_model))
    fail("/header/content", "unknown content kind " + std::to_string(content) +
                                " (1: an instrument, 2: an instrument and a risk model)");
  h.content = static_cast<BundleContent>(content);
  h.payload_bytes = get_u64(bytes, layout::payload_bytes);
  if (h.payload_bytes > max_bundle_payload_bytes)
    throw LimitError("/header/payload_bytes", "the bundle announces " + std::to_string(h.payload_bytes) +
                                                  " bytes of payload, more than the limit of " +
                                                  std::to_string(max_bundle_payload_bytes));
  const std::size_t held = bytes.size() - layout::payload;
  if (held < h.payload_bytes)
    fail("/payload", "the bundle is truncated: its header announces " + std::to_string(h.payload_bytes) +
                         " bytes of payload, and " + std::to_string(held) + " follow it");
  if (held > h.payload_bytes)
    fail("/payload", std::to_string(held - h.payload_bytes) + " bytes follow the announced payload of " +
                         std::to_string(h.payload_bytes) + " bytes");
  checked.payload = bytes.substr(layout::payload);
  const auto digest = sha256_digest({bytes.substr(0, layout::checksum), checked.payload});
  if (bytes.substr(layout::checksum, digest.size()) !=
      std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()))
    fail("/header/checksum", "the checksum does not match the header and payload: the bundle is corrupted");
  return checked;
}

std::shared_ptr<InstrumentData> load_instrument(boost::archive::binary_iarchive& archive) {
  auto data = std::make_shared<InstrumentData>();
  archive >> *data;
  check_instrument(*data);
  compile_instrument(*data);
  check_unique_ids(*data);
  return data;
}

std::shared_ptr<RiskModelData> load_model(boost::archive::binary_iarchive& archive, const Instrument& instrument) {
  auto data = std::make_shared<RiskModelData>(instrument);
  archive >> *data;
  check_model(*data);
  derive_model_data(*data);
  return data;
}

void write_atomically(const std::filesystem::path& file, std::string_view bytes) {
  static std::atomic<unsigned> counter{0};
  std::filesystem::path temporary = file;
#ifdef PACT_BUNDLE_POSIX
  temporary += ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) throw IoError(file.string(), std::string("cannot create a temporary file beside it: ") + std::strerror(errno));
  const char* p = bytes.data();
  std::size_t left = bytes.size();
  bool ok = true;
  int error = 0;
  while (ok && left > 0) {
    const ssize_t written = ::write(fd, p, left);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) {
      ok = false;
      error = errno;
      break;
    }
    p += written;
    left -= static_cast<std::size_t>(written);
  }
  if (ok && ::fsync(fd) != 0) {
    ok = false;
    error = errno;
  }
  if (::close(fd) != 0 && ok) {
    ok = false;
    error = errno;
  }
  if (!ok) {
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);
    throw IoError(file.string(), std::string("writing failed: ") + std::strerror(error));
  }
#else
  temporary += ".tmp-" + std::to_string(counter++);
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) {
      std::error_code ignored;
      std::filesystem::remove(temporary, ignored);
      throw IoError(file.string(), "writing failed");
    }
  }
#endif
  std::error_code ec;
  std::filesystem::rename(temporary, file, ec);
  if (ec) {
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);
    throw IoError(file.string(), "cannot rename the temporary file over it: " + ec.message());
  }
}

}  // namespace

std::array<unsigned char, 8> bundle_architecture() {
  const std::uint32_t probe = 0x01020304;
  std::array<unsigned char, 8> marker{};
  std::memcpy(marker.data(), &probe, 4);
  marker[4] = static_cast<unsigned char>(sizeof(int));
  marker[5] = static_cast<unsigned char>(sizeof(long));
  marker[6] = static_cast<unsigned char>(sizeof(double));
  marker[7] = std::numeric_limits<double>::is_iec559 ? 1 : 0;
  return marker;
}

std::string encode_bundle(const InstrumentData& instrument, const RiskModelData* model) {
  std::ostringstream stream;
  {
    boost::archive::binary_oarchive archive(*stream.rdbuf(), archive_flags);
    archive << instrument;
    if (model) archive << *model;
  }
  const std::string payload = std::move(stream).str();
  std::string bundle(layout::payload, '\0');
  std::memcpy(bundle.data() + layout::magic, bundle_magic.data(), bundle_magic.size());
  put_u32(bundle, layout::format_version, bundle_format_version);
  const auto architecture = bundle_architecture();
  std::memcpy(bundle.data() + layout::architecture, architecture.data(), architecture.size());
  put_u32(bundle, layout::library_version, static_cast<std::uint32_t>(PACT_VERSION_NUMBER));
  put_u32(bundle, layout::archive_version, archive_version_here());
  put_u32(bundle, layout::content,
          static_cast<std::uint32_t>(model ? BundleContent::instrument_and_model : BundleContent::instrument));
  put_u64(bundle, layout::payload_bytes, payload.size());
  const auto digest = sha256_digest({std::string_view(bundle).substr(0, layout::checksum), payload});
  std::memcpy(bundle.data() + layout::checksum, digest.data(), digest.size());
  bundle += payload;
  return bundle;
}

}  // namespace detail

std::string bundle_bytes(const RiskModel& model) {
  return detail::encode_bundle(model.instrument().data(), &model.data());
}

std::string bundle_bytes(const Instrument& instrument) { return detail::encode_bundle(instrument.data(), nullptr); }

void write_bundle(const std::filesystem::path& file, const RiskModel& model) {
  detail::write_atomically(file, bundle_bytes(model));
}

void write_bundle(const std::filesystem::path& file, const Instrument& instrument) {
  detail::write_atomically(file, bundle_bytes(instrument));
}

BundleHeader read_bundle_header(std::string_view bytes) { return detail::check_bundle(bytes).header; }

RiskModel parse_bundle(std::string_view bytes) {
  const detail::CheckedBundle bundle = detail::check_bundle(bytes);
  if (bundle.header.content != BundleContent::instrument_and_model)
    throw ValidationError("/header/content", "the bundle holds an instrument only, no risk model: read it with "
                                             "parse_instrument_bundle or read_instrument_bundle");
  std::shared_ptr<const detail::RiskModelData> model;
  detail::read_payload(bundle.payload, bundle.header.archive_version, [&](boost::archive::binary_iarchive& archive) {
    const Instrument instrument = detail_make_instrument(detail::load_instrument(archive));
    model = detail::load_model(archive, instrument);
  });
  return detail_make_risk_model(std::move(model));
}

Instrument parse_instrument_bundle(std::string_view bytes) {
  const detail::CheckedBundle bundle = detail::check_bundle(bytes);
  std::shared_ptr<const detail::InstrumentData> instrument;
  detail::read_payload(bundle.payload, bundle.header.archive_version, [&](boost::archive::binary_iarchive& archive) {
    instrument = detail::load_instrument(archive);
    // A model bundle's model follows its instrument; it must still be sound for the bundle to be.
    if (bundle.header.content == BundleContent::instrument_and_model)
      detail::load_model(archive, detail_make_instrument(instrument));
  });
  return detail_make_instrument(std::move(instrument));
}

RiskModel read_bundle(const std::filesystem::path& file) {
  return parse_bundle(detail::read_file(file, detail::bundle_layout::payload + max_bundle_payload_bytes));
}

Instrument read_instrument_bundle(const std::filesystem::path& file) {
  return parse_instrument_bundle(detail::read_file(file, detail::bundle_layout::payload + max_bundle_payload_bytes));
}

}  // namespace pact
