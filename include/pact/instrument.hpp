// pact: the instrument, an immutable description of dimensions, items, response scales and
// cut-offs, loaded from validated JSON (docs/instrument-format.md).
#ifndef PACT_INSTRUMENT_HPP
#define PACT_INSTRUMENT_HPP

#include "pact/error.hpp"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pact {

/// A text in several languages. The instrument's default language comes first, so that a
/// language the text lacks falls back to it.
class Label {
 public:
  Label() = default;
  /// (language, text) pairs, the default language first.
  explicit Label(std::vector<std::pair<std::string, std::string>> texts) : texts_(std::move(texts)) {}

  /// The text in `language`, or in the default language when it has none; empty if the label is.
  const std::string& in(std::string_view language) const noexcept {
    for (const auto& [lang, text] : texts_)
      if (lang == language) return text;
    return texts_.empty() ? empty_text() : texts_.front().second;
  }

  /// True when the label has no text in any language.
  bool empty() const noexcept { return texts_.empty(); }
  /// Every (language, text) pair, the default language first.
  const std::vector<std::pair<std::string, std::string>>& texts() const noexcept { return texts_; }

 private:
  static const std::string& empty_text() noexcept {
    static const std::string empty;
    return empty;
  }

  std::vector<std::pair<std::string, std::string>> texts_;
};

/// How an item is answered.
enum class ResponseType : std::uint8_t { ordinal, yes_no, count, months, amount };

/// The name of a response type as written in instrument JSON ("ordinal", "yes_no", ...).
inline const char* to_string(ResponseType type) noexcept {
  switch (type) {
    case ResponseType::ordinal: return "ordinal";
    case ResponseType::yes_no: return "yes_no";
    case ResponseType::count: return "count";
    case ResponseType::months: return "months";
    case ResponseType::amount: return "amount";
  }
  return "unknown";
}

/// One option of an ordinal item: the recorded code, its label, its written anchor, its severity.
struct ResponseOption {
  int value = 0;          ///< the code recorded for the option
  Label label;            ///< the option's short label
  Label anchor;           ///< the written anchor: when a professional chooses this option
  double severity = 0.0;  ///< the severity in [0, 1] the option maps to
};

/// A piecewise curve from a number (months, a count, an amount) to a severity in [0, 1]; flat
/// outside its first and last points.
struct SeverityCurve {
  /// How the curve runs between its points: straight lines, or each point's severity held until
  /// the next point.
  enum class Interpolation : std::uint8_t { linear, step };

  Interpolation interpolation = Interpolation::linear;  ///< linear or step
  std::vector<double> x;         ///< strictly increasing
  std::vector<double> severity;  ///< same length as x, each in [0, 1]

  /// The severity of `value`: the first point's severity at or below the first x, the last
  /// point's at or above the last x, a point's own at its x, and between two points the linear
  /// interpolation (linear) or the lower point's severity (step).
  double at(double value) const noexcept {
    if (value <= x.front()) return severity.front();
    if (value >= x.back()) return severity.back();
    std::size_t hi = 1;
    while (x[hi] < value) ++hi;  // curves have a handful of points: a scan beats a search
    if (x[hi] == value) return severity[hi];
    if (interpolation == Interpolation::step) return severity[hi - 1];
    const double t = (value - x[hi - 1]) / (x[hi] - x[hi - 1]);
    return severity[hi - 1] + t * (severity[hi] - severity[hi - 1]);
  }
};

/// One item of the instrument: a question with its response scale and severity rule.
struct Item {
  std::string id;  ///< unique among the instrument's items
  std::size_t dimension = 0;  ///< index into Instrument::dimensions()
  Label label;     ///< the item's short name
  Label question;  ///< what to ask or look up in the case file (may be empty)
  ResponseType type = ResponseType::ordinal;  ///< how the item is answered
  std::vector<ResponseOption> options;  ///< ordinal only
  double severity_yes = 1.0;            ///< yes_no only
  double severity_no = 0.0;             ///< yes_no only
  double min_value = 0.0;               ///< count, months, amount
  double max_value = std::numeric_limits<double>::infinity();  ///< count, months, amount; +inf when unbounded
  Label unit;  ///< count, months, amount: the unit shown (may be empty)
  SeverityCurve curve;  ///< count, months, amount
  double weight = 1.0;  ///< as written; see weight_in_dimension
  double weight_in_dimension = 1.0;  ///< weight / sum of the dimension's item weights
  bool required = false;  ///< an assessment without an answer is rejected
  std::optional<double> critical_cutoff;  ///< a critical factor at or above this severity
  std::string rationale;                  ///< why the item is there (English)
  std::vector<std::string> references;    ///< published instruments or sources with a similar item
};

/// One dimension: a group of items scored together.
struct Dimension {
  std::string id;     ///< unique among the instrument's dimensions
  Label label;        ///< the dimension's name
  Label description;  ///< what it captures (may be empty)
  double weight = 1.0;             ///< as written
  double normalized_weight = 1.0;  ///< weight / sum of all dimension weights
  double min_coverage = 0.5;        ///< scored when the answered items carry at least this share of its item weight
  double deprivation_cutoff = 0.5;  ///< counting method: deprived at or above this score
  std::optional<double> critical_cutoff;  ///< a critical factor at or above this score
  std::vector<std::size_t> items;  ///< indices into Instrument::items(), in instrument order
};

/// A severity level of the composite index, reached at `min_score` and above.
struct Level {
  std::string id;          ///< e.g. "severe_exclusion"
  Label label;             ///< the level's name
  Label description;       ///< what the level means for intervention (may be empty)
  double min_score = 0.0;  ///< the lowest composite that reaches the level (0 for the first)
};

/// When reassessing a case should raise an alert (docs/instrument-format.md, "alerts"). Every
/// rule is optional; an instrument without an "alerts" section raises none.
struct InstrumentAlertRules {
  std::optional<double> dimension_worsening;      ///< a dimension's score rose by at least this
  bool level_increase = false;                    ///< the composite's level went up
  bool critical_item_appears = false;             ///< an item became critical that was not before
  std::optional<int> reassessment_overdue_days;   ///< the last assessment is older than this
};

namespace detail {
struct InstrumentData;
}

/// A loaded, validated instrument. Immutable: copies share the same data, and every member
/// function is safe to call from many threads at once.
class Instrument {
 public:
  /// Parses and validates instrument JSON text; throws ParseError or ValidationError.
  static Instrument parse(std::string_view json_text);
  /// Reads, parses and validates an instrument file; throws IoError, ParseError, ValidationError.
  static Instrument load(const std::filesystem::path& file);
  /// Every problem of instrument JSON text (empty when it loads): each level, dimension, item and
  /// section is checked even after another failed, so that a reviewer sees them all at once.
  static std::vector<Error> problems(std::string_view json_text);
  /// The default instrument shipped with pact (models/pact-instrument.json), compiled into the
  /// library so that it needs no file at run time.
  static const Instrument& bundled();

  /// The instrument's identifier (e.g. "pact-instrument").
  const std::string& id() const noexcept;
  /// Its semantic version, MAJOR.MINOR.PATCH.
  const std::string& version() const noexcept;
  /// "sha256:" and the hex SHA-256 of the canonical JSON (docs/instrument-format.md).
  const std::string& hash() const noexcept;
  /// The canonical JSON text: sorted keys, no insignificant whitespace. Parsing it gives back an
  /// equal instrument with the same hash.
  const std::string& canonical_json() const noexcept;

  /// The instrument's name.
  const Label& name() const noexcept;
  /// What it is for (may be empty).
  const Label& description() const noexcept;
  /// The languages every label is given in.
  const std::vector<std::string>& languages() const noexcept;
  /// The language used when a caller asks for one the instrument lacks.
  const std::string& default_language() const noexcept;
  /// How old information may be to rate the current situation, when the instrument says.
  std::optional<int> rating_window_days() const noexcept;
  /// When reassessing a case raises alerts.
  const InstrumentAlertRules& alert_rules() const noexcept;
  /// The share of dimension weight that must be scored for a composite.
  double composite_min_coverage() const noexcept;

  /// The dimensions, in instrument order.
  const std::vector<Dimension>& dimensions() const noexcept;
  /// The items, in instrument order (the column order of batch input).
  const std::vector<Item>& items() const noexcept;
  /// The severity levels of the composite, lowest first.
  const std::vector<Level>& levels() const noexcept;

  /// The number of dimensions.
  std::size_t dimension_count() const noexcept { return dimensions().size(); }
  /// The number of items.
  std::size_t item_count() const noexcept { return items().size(); }

  /// Index of the item with this id, if any.
  std::optional<std::size_t> find_item(std::string_view id) const noexcept;
  /// Index of the dimension with this id, if any.
  std::optional<std::size_t> find_dimension(std::string_view id) const noexcept;
  /// Index of the level with this id, if any.
  std::optional<std::size_t> find_level(std::string_view id) const noexcept;

  /// Internal: the data the scoring kernels read.
  const detail::InstrumentData& data() const noexcept { return *data_; }

 private:
  explicit Instrument(std::shared_ptr<const detail::InstrumentData> data) : data_(std::move(data)) {}
  friend Instrument detail_make_instrument(std::shared_ptr<const detail::InstrumentData>);

  std::shared_ptr<const detail::InstrumentData> data_;
};

}  // namespace pact

#include "pact/detail/instrument_data.hpp"

#endif  // PACT_INSTRUMENT_HPP
