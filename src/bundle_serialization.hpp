// pact internal (compiled parts only): the Boost.Serialization of an instrument's and a risk
// model's data in compiled bundles (docs/formats.md, "Compiled bundles").
//
// Only the authored data is stored; the tables the scoring kernels read are derived again on
// load (compile_instrument), as the JSON loader derives them. Boost handles the archive and the
// class versions (BOOST_CLASS_VERSION below: a field added later is read only from archives of
// the version that has it, so that a newer library reads older bundles). Everything of variable
// size goes through the helpers here instead of Boost's own container serializers: a load
// refuses a count larger than the bytes left in the payload before it allocates anything, so a
// bundle crafted with a valid checksum cannot make the loader allocate without bound. Flags and
// enumerations are stored as bytes and range-checked, never loaded straight into a bool or an
// enum. Binary archives hold native integers and doubles: the bundle header's architecture
// marker keeps a bundle on the architecture that wrote it.
#ifndef PACT_SRC_BUNDLE_SERIALIZATION_HPP
#define PACT_SRC_BUNDLE_SERIALIZATION_HPP

#include "pact/error.hpp"
#include "pact/instrument.hpp"
#include "pact/risk_model.hpp"

#include <boost/serialization/level.hpp>
#include <boost/serialization/split_free.hpp>
#include <boost/serialization/tracking.hpp>
#include <boost/serialization/version.hpp>

#include <cstdint>
#include <optional>
#include <streambuf>
#include <string>
#include <utility>
#include <vector>

namespace pact::detail::bundle_io {

/// A read-only stream buffer over the payload, which knows how many bytes are left.
class PayloadBuffer : public std::streambuf {
 public:
  PayloadBuffer(const char* data, std::size_t size) {
    // The get area is never written through (no putback of a different character is possible
    // without a pbackfail override), so casting away const is safe.
    char* begin = const_cast<char*>(data);
    setg(begin, begin, begin + size);
  }
  std::size_t remaining() const noexcept { return static_cast<std::size_t>(egptr() - gptr()); }
};

/// Attached to a loading archive (Boost's helper mechanism) so that the helpers below can bound
/// what they allocate by the bytes left.
struct PayloadLimit {
  const PayloadBuffer* buffer = nullptr;
};
inline char payload_limit_key = 0;  // its address identifies the helper

template <class Archive>
std::size_t bytes_left(Archive& ar) {
  const PayloadLimit& limit = ar.template get_helper<PayloadLimit>(&payload_limit_key);
  if (!limit.buffer) throw Error(ErrorKind::internal, "/payload", "a bundle archive was opened without its payload limit");
  return limit.buffer->remaining();
}

/// A count of elements read from the payload, each taking at least `element_bytes` bytes.
template <class Archive>
std::size_t checked_count(Archive& ar, std::uint64_t count, std::size_t element_bytes) {
  const std::size_t left = bytes_left(ar);
  if (count > left / element_bytes)
    throw ValidationError("/payload", "the payload announces " + std::to_string(count) +
                                          " elements with only " + std::to_string(left) + " bytes left");
  return static_cast<std::size_t>(count);
}

template <class Archive>
void flag(Archive& ar, bool& value) {
  std::uint8_t byte = value ? 1 : 0;
  ar & byte;
  if constexpr (Archive::is_loading::value) {
    if (byte > 1) throw ValidationError("/payload", "a flag holds " + std::to_string(byte) + ", not 0 or 1");
    value = byte == 1;
  }
}

/// An enumeration stored as a byte; on load it must be at most `last`.
template <class Archive, class Enum>
void enumeration(Archive& ar, Enum& value, Enum last) {
  auto byte = static_cast<std::uint8_t>(value);
  ar & byte;
  if constexpr (Archive::is_loading::value) {
    if (byte > static_cast<std::uint8_t>(last))
      throw ValidationError("/payload", "an enumeration holds " + std::to_string(byte) + ", past its last value " +
                                            std::to_string(static_cast<unsigned>(last)));
    value = static_cast<Enum>(byte);
  }
}

template <class Archive>
void index(Archive& ar, std::size_t& value) {
  auto wide = static_cast<std::uint64_t>(value);
  ar & wide;
  if constexpr (Archive::is_loading::value) value = static_cast<std::size_t>(wide);
}

template <class Archive>
void whole(Archive& ar, int& value) {
  auto fixed = static_cast<std::int32_t>(value);
  ar & fixed;
  if constexpr (Archive::is_loading::value) value = fixed;
}

template <class Archive>
void text(Archive& ar, std::string& value) {
  std::uint64_t size = value.size();
  ar & size;
  if constexpr (Archive::is_loading::value) {
    value.resize(checked_count(ar, size, 1));
    if (!value.empty()) ar.load_binary(value.data(), value.size());
  } else {
    if (!value.empty()) ar.save_binary(value.data(), value.size());
  }
}

template <class Archive>
void numbers(Archive& ar, std::vector<double>& values) {
  std::uint64_t size = values.size();
  ar & size;
  if constexpr (Archive::is_loading::value) {
    values.resize(checked_count(ar, size, sizeof(double)));
    if (!values.empty()) ar.load_binary(values.data(), values.size() * sizeof(double));
  } else {
    if (!values.empty()) ar.save_binary(values.data(), values.size() * sizeof(double));
  }
}

/// A sequence whose elements `element(ar, value)` stores; each takes at least one byte.
template <class Archive, class T, class Element>
void sequence(Archive& ar, std::vector<T>& values, Element element) {
  std::uint64_t size = values.size();
  ar & size;
  if constexpr (Archive::is_loading::value) {
    const std::size_t count = checked_count(ar, size, 1);
    values.clear();
    for (std::size_t k = 0; k < count; ++k) {  // grows with what is actually read, never ahead
      T value{};
      element(ar, value);
      values.push_back(std::move(value));
    }
  } else {
    for (T& value : values) element(ar, value);
  }
}

/// A sequence of objects of a versioned class (Boost records each class's version once).
template <class Archive, class T>
void objects(Archive& ar, std::vector<T>& values) {
  sequence(ar, values, [](Archive& a, T& value) { a & value; });
}

template <class Archive>
void texts(Archive& ar, std::vector<std::string>& values) {
  sequence(ar, values, [](Archive& a, std::string& value) { text(a, value); });
}

template <class Archive>
void indices(Archive& ar, std::vector<std::size_t>& values) {
  sequence(ar, values, [](Archive& a, std::size_t& value) { index(a, value); });
}

/// An optional value: a presence flag, then the value stored by `element`.
template <class Archive, class T, class Element>
void optional(Archive& ar, std::optional<T>& value, Element element) {
  bool present = value.has_value();
  flag(ar, present);
  if constexpr (Archive::is_loading::value) {
    value.reset();
    if (!present) return;
    value.emplace();
  }
  if (present) element(ar, *value);
}

template <class Archive>
void optional_number(Archive& ar, std::optional<double>& value) {
  optional(ar, value, [](Archive& a, double& v) { a & v; });
}

template <class Archive>
void optional_count(Archive& ar, std::optional<std::int64_t>& value) {
  optional(ar, value, [](Archive& a, std::int64_t& v) { a & v; });
}

}  // namespace pact::detail::bundle_io

namespace boost::serialization {

namespace io = pact::detail::bundle_io;

template <class Archive>
void save(Archive& ar, const pact::Label& label, unsigned) {
  auto texts = label.texts();
  io::sequence(ar, texts, [](Archive& a, std::pair<std::string, std::string>& t) {
    io::text(a, t.first);
    io::text(a, t.second);
  });
}
template <class Archive>
void load(Archive& ar, pact::Label& label, unsigned) {
  std::vector<std::pair<std::string, std::string>> texts;
  io::sequence(ar, texts, [](Archive& a, std::pair<std::string, std::string>& t) {
    io::text(a, t.first);
    io::text(a, t.second);
  });
  label = pact::Label(std::move(texts));
}
template <class Archive>
void serialize(Archive& ar, pact::Label& label, unsigned version) {
  split_free(ar, label, version);
}

template <class Archive>
void serialize(Archive& ar, pact::ResponseOption& o, unsigned) {
  io::whole(ar, o.value);
  ar & o.label & o.anchor & o.severity;
}

template <class Archive>
void serialize(Archive& ar, pact::SeverityCurve& c, unsigned) {
  io::enumeration(ar, c.interpolation, pact::SeverityCurve::Interpolation::step);
  io::numbers(ar, c.x);
  io::numbers(ar, c.severity);
}

template <class Archive>
void serialize(Archive& ar, pact::Item& i, unsigned) {
  io::text(ar, i.id);
  io::index(ar, i.dimension);
  ar & i.label & i.question;
  io::enumeration(ar, i.type, pact::ResponseType::amount);
  io::objects(ar, i.options);
  ar & i.severity_yes & i.severity_no & i.min_value & i.max_value & i.unit & i.curve & i.weight;
  io::flag(ar, i.required);
  io::optional_number(ar, i.critical_cutoff);
  io::text(ar, i.rationale);
  io::texts(ar, i.references);
}

template <class Archive>
void serialize(Archive& ar, pact::Dimension& d, unsigned) {
  io::text(ar, d.id);
  ar & d.label & d.description & d.weight & d.min_coverage & d.deprivation_cutoff;
  io::optional_number(ar, d.critical_cutoff);
}

template <class Archive>
void serialize(Archive& ar, pact::Level& l, unsigned) {
  io::text(ar, l.id);
  ar & l.label & l.description & l.min_score;
}

template <class Archive>
void serialize(Archive& ar, pact::detail::InstrumentData& d, unsigned version) {
  io::text(ar, d.id);
  io::text(ar, d.version);
  io::text(ar, d.hash);
  io::text(ar, d.canonical_json);
  ar & d.name & d.description;
  io::texts(ar, d.languages);
  io::text(ar, d.default_language);
  io::optional(ar, d.rating_window_days, [](Archive& a, int& v) { io::whole(a, v); });
  ar & d.composite_min_coverage;
  io::objects(ar, d.dimensions);
  io::objects(ar, d.items);
  io::objects(ar, d.levels);
  // Version 2 added the alert rules; a version-1 bundle reads as an instrument without them.
  if (version >= 2) {
    io::optional_number(ar, d.alerts.dimension_worsening);
    io::flag(ar, d.alerts.level_increase);
    io::flag(ar, d.alerts.critical_item_appears);
    io::optional(ar, d.alerts.reassessment_overdue_days, [](Archive& a, int& v) { io::whole(a, v); });
  }
}

template <class Archive>
void serialize(Archive& ar, pact::Coefficient& c, unsigned) {
  ar & c.coefficient & c.se;
}

template <class Archive>
void serialize(Archive& ar, pact::DurationBand& b, unsigned) {
  io::whole(ar, b.from_month);
  ar & b.coefficient & b.se;
}

template <class Archive>
void serialize(Archive& ar, pact::RiskFeature& f, unsigned) {
  io::text(ar, f.id);
  io::enumeration(ar, f.kind, pact::FeatureKind::interaction);
  ar & f.coefficient & f.se & f.reference & f.label;
  io::flag(ar, f.label_from_instrument);
  io::index(ar, f.source);
  ar & f.knot & f.at_least;
  io::index(ar, f.of[0]);
  io::index(ar, f.of[1]);
}

template <class Archive>
void serialize(Archive& ar, pact::RiskBand& b, unsigned) {
  io::text(ar, b.id);
  ar & b.label & b.min_probability;
}

template <class Archive>
void serialize(Archive& ar, pact::ProvenanceMetrics& m, unsigned) {
  io::optional_number(ar, m.auc);
  io::optional_number(ar, m.brier);
  io::optional_number(ar, m.calibration_intercept);
  io::optional_number(ar, m.calibration_slope);
  io::optional_number(ar, m.ece);
}

template <class Archive>
void serialize(Archive& ar, pact::Provenance& p, unsigned) {
  io::enumeration(ar, p.status, pact::ProvenanceStatus::calibrated);
  io::text(ar, p.fitted_on);
  io::text(ar, p.fitted_at);
  io::text(ar, p.method);
  io::optional_count(ar, p.n_cases);
  io::optional_count(ar, p.n_rows);
  ar & p.metrics;
  io::text(ar, p.notes);
}

/// Everything of a model but its instrument, which the payload holds before it (a RiskModelData
/// is constructed bound to its instrument).
template <class Archive>
void serialize(Archive& ar, pact::detail::RiskModelData& m, unsigned version) {
  io::text(ar, m.id);
  io::text(ar, m.version);
  io::text(ar, m.hash);
  io::text(ar, m.canonical_json);
  io::texts(ar, m.languages);
  io::text(ar, m.default_language);
  ar & m.name & m.description;
  io::text(ar, m.instrument_id);
  io::text(ar, m.instrument_min_version);
  io::text(ar, m.instrument_max_version);
  ar & m.outcome_definition;
  io::whole(ar, m.horizon_months);
  io::enumeration(ar, m.form, pact::RiskForm::discrete_hazard);
  ar & m.intercept;
  io::optional(ar, m.duration_item, [](Archive& a, std::size_t& v) { io::index(a, v); });
  io::objects(ar, m.baseline);
  io::objects(ar, m.features);
  io::indices(ar, m.actionable_items);
  io::objects(ar, m.bands);
  ar & m.provenance;
  // Version 2 added the alert rules.
  if (version >= 2) {
    io::flag(ar, m.alerts.band_increase);
    io::optional_number(ar, m.alerts.probability_increase);
  }
}

}  // namespace boost::serialization

// Version 1 of every class is the first bundle format; InstrumentData and RiskModelData are at
// version 2 (alert rules). Tracking is off: no
// object is ever serialized through a pointer, and Boost then writes no tracking flags.
#define PACT_BUNDLE_CLASS(T)          \
  BOOST_CLASS_VERSION(T, 1)           \
  BOOST_CLASS_TRACKING(T, boost::serialization::track_never)

PACT_BUNDLE_CLASS(pact::Label)
PACT_BUNDLE_CLASS(pact::ResponseOption)
PACT_BUNDLE_CLASS(pact::SeverityCurve)
PACT_BUNDLE_CLASS(pact::Item)
PACT_BUNDLE_CLASS(pact::Dimension)
PACT_BUNDLE_CLASS(pact::Level)
BOOST_CLASS_VERSION(pact::detail::InstrumentData, 2)
BOOST_CLASS_TRACKING(pact::detail::InstrumentData, boost::serialization::track_never)
PACT_BUNDLE_CLASS(pact::Coefficient)
PACT_BUNDLE_CLASS(pact::DurationBand)
PACT_BUNDLE_CLASS(pact::RiskFeature)
PACT_BUNDLE_CLASS(pact::RiskBand)
PACT_BUNDLE_CLASS(pact::ProvenanceMetrics)
PACT_BUNDLE_CLASS(pact::Provenance)
BOOST_CLASS_VERSION(pact::detail::RiskModelData, 2)
BOOST_CLASS_TRACKING(pact::detail::RiskModelData, boost::serialization::track_never)

#undef PACT_BUNDLE_CLASS

#endif  // PACT_SRC_BUNDLE_SERIALIZATION_HPP
