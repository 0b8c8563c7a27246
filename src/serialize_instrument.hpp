// pact internal (compiled parts only): Boost.Serialization of an instrument's data, for compiled
// bundles. Every class has a version (BOOST_CLASS_VERSION below): a field added later is read
// only from archives of the version that has it, so that a newer library reads older bundles.
#ifndef PACT_SRC_SERIALIZE_INSTRUMENT_HPP
#define PACT_SRC_SERIALIZE_INSTRUMENT_HPP

#include "pact/instrument.hpp"

#include <boost/serialization/split_free.hpp>
#include <boost/serialization/string.hpp>
#include <boost/serialization/utility.hpp>
#include <boost/serialization/vector.hpp>
#include <boost/serialization/version.hpp>

#include <optional>

namespace boost::serialization {

// std::optional support arrived in Boost 1.84; Debian 12 has 1.74.
template <class Archive, class T>
void save(Archive& ar, const std::optional<T>& value, unsigned) {
  const bool present = value.has_value();
  ar << present;
  if (present) ar << *value;
}
template <class Archive, class T>
void load(Archive& ar, std::optional<T>& value, unsigned) {
  bool present = false;
  ar >> present;
  if (present) {
    T v{};
    ar >> v;
    value = std::move(v);
  } else {
    value.reset();
  }
}
template <class Archive, class T>
void serialize(Archive& ar, std::optional<T>& value, unsigned version) {
  split_free(ar, value, version);
}

template <class Archive>
void save(Archive& ar, const pact::Label& label, unsigned) {
  ar << label.texts();
}
template <class Archive>
void load(Archive& ar, pact::Label& label, unsigned) {
  std::vector<std::pair<std::string, std::string>> texts;
  ar >> texts;
  label = pact::Label(std::move(texts));
}
template <class Archive>
void serialize(Archive& ar, pact::Label& label, unsigned version) {
  split_free(ar, label, version);
}

template <class Archive>
void serialize(Archive& ar, pact::ResponseOption& o, unsigned) {
  ar & o.value & o.label & o.anchor & o.severity;
}

template <class Archive>
void serialize(Archive& ar, pact::SeverityCurve& c, unsigned) {
  ar & c.interpolation & c.x & c.severity;
}

template <class Archive>
void serialize(Archive& ar, pact::Item& i, unsigned) {
  ar & i.id & i.dimension & i.label & i.question & i.type & i.options & i.severity_yes & i.severity_no & i.min_value &
      i.max_value & i.unit & i.curve & i.weight & i.weight_in_dimension & i.required & i.critical_cutoff &
      i.rationale & i.references;
}

template <class Archive>
void serialize(Archive& ar, pact::Dimension& d, unsigned) {
  ar & d.id & d.label & d.description & d.weight & d.normalized_weight & d.min_coverage & d.deprivation_cutoff &
      d.critical_cutoff & d.items;
}

template <class Archive>
void serialize(Archive& ar, pact::Level& l, unsigned) {
  ar & l.id & l.label & l.description & l.min_score;
}

template <class Archive>
void serialize(Archive& ar, pact::InstrumentAlertRules& r, unsigned) {
  ar & r.dimension_worsening & r.level_increase & r.critical_item_appears & r.reassessment_overdue_days;
}

template <class Archive>
void serialize(Archive& ar, pact::detail::CompiledItem& c, unsigned) {
  ar & c.kind & c.required & c.whole_number & c.dimension & c.weight & c.min_value & c.max_value & c.table_offset &
      c.severity_no & c.severity_yes;
}

template <class Archive>
void serialize(Archive& ar, pact::detail::InstrumentData& d, unsigned version) {
  ar & d.id & d.version & d.hash & d.canonical_json & d.name & d.description & d.languages & d.default_language &
      d.rating_window_days & d.composite_min_coverage & d.dimensions & d.items & d.levels & d.compiled &
      d.severity_table & d.dimension_weight_sum & d.item_index & d.dimension_index;
  // Version 2 added the alert rules; bundles of version 1 have none.
  if (version >= 2) ar & d.alerts;
}

}  // namespace boost::serialization

BOOST_CLASS_VERSION(pact::Label, 1)
BOOST_CLASS_VERSION(pact::ResponseOption, 1)
BOOST_CLASS_VERSION(pact::SeverityCurve, 1)
BOOST_CLASS_VERSION(pact::Item, 1)
BOOST_CLASS_VERSION(pact::Dimension, 1)
BOOST_CLASS_VERSION(pact::Level, 1)
BOOST_CLASS_VERSION(pact::InstrumentAlertRules, 1)
BOOST_CLASS_VERSION(pact::detail::CompiledItem, 1)
BOOST_CLASS_VERSION(pact::detail::InstrumentData, 2)

#endif  // PACT_SRC_SERIALIZE_INSTRUMENT_HPP
