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

/// The most an instrument may hold (docs/reliability.md, "Limits"): far above any real instrument
/// (the default has 3 languages, 4 levels, 9 dimensions, 47 items, at most 5 options per item and
/// 6 severity-curve points), and low enough that no file can make a load take more than a moment
/// (some checks compare every pair of levels or options). The JSON loader and the bundle reader
/// refuse more with a LimitError at the list's JSON Pointer.
inline constexpr std::size_t max_instrument_languages = 32;
inline constexpr std::size_t max_instrument_levels = 32;
inline constexpr std::size_t max_instrument_dimensions = 256;
inline constexpr std::size_t max_instrument_items = 4096;
inline constexpr std::size_t max_item_options = 256;        ///< per ordinal item
inline constexpr std::size_t max_curve_points = 1024;       ///< per severity curve

/// A text in several languages. The instrument's default language comes first, so that a
/// language the text lacks falls back to it.
class Label {
 public:
  Label() = default;
  explicit Label(std::vector<std::pair<std::string, std::string>> texts) : texts_(std::move(texts)) {}

  /// The text in `language`, or in the default language when it has none; empty if the label is.
  const std::string& in(std::string_view language) const noexcept {
    for (const auto& [lang, text] : texts_)
      if (lang == language) return text;
    return texts_.empty() ? empty_text() : texts_.front().second;
  }

  bool empty() const noexcept { return texts_.empty(); }
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
  int value = 0;
  Label label;
  Label anchor;
  double severity = 0.0;
};

/// A piecewise curve from a number (months, a count, an amount) to a severity in [0, 1]; flat
/// outside its first and last points.
struct SeverityCurve {
  enum class Interpolation : std::uint8_t { linear, step };

  Interpolation interpolation = Interpolation::linear;
  std::vector<double> x;         ///< strictly increasing
  std::vector<double> severity;  ///< same length as x, each in [0, 1]

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
  std::string id;
  std::size_t dimension = 0;  ///< index into Instrument::dimensions()
  Label label;
  Label question;
  ResponseType type = ResponseType::ordinal;
  std::vector<ResponseOption> options;  ///< ordinal only
  double severity_yes = 1.0;            ///< yes_no only
  double severity_no = 0.0;             ///< yes_no only
  double min_value = 0.0;               ///< count, months, amount
  double max_value = std::numeric_limits<double>::infinity();
  Label unit;
  SeverityCurve curve;  ///< count, months, amount
  double weight = 1.0;  ///< as written; see weight_in_dimension
  double weight_in_dimension = 1.0;  ///< weight / sum of the dimension's item weights
  bool required = false;
  std::optional<double> critical_cutoff;
  std::string rationale;
  std::vector<std::string> references;
};

/// One dimension: a group of items scored together.
struct Dimension {
  std::string id;
  Label label;
  Label description;
  double weight = 1.0;             ///< as written
  double normalized_weight = 1.0;  ///< weight / sum of all dimension weights
  double min_coverage = 0.5;
  double deprivation_cutoff = 0.5;
  std::optional<double> critical_cutoff;
  std::vector<std::size_t> items;  ///< indices into Instrument::items(), in instrument order
};

/// A severity level of the composite index, reached at `min_score` and above.
struct Level {
  std::string id;
  Label label;
  Label description;
  double min_score = 0.0;
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

  const std::string& id() const noexcept;
  const std::string& version() const noexcept;
  /// "sha256:" and the hex SHA-256 of the canonical JSON (docs/instrument-format.md).
  const std::string& hash() const noexcept;
  /// The canonical JSON text: sorted keys, no insignificant whitespace. Parsing it gives back an
  /// equal instrument with the same hash.
  const std::string& canonical_json() const noexcept;

  const Label& name() const noexcept;
  const Label& description() const noexcept;
  const std::vector<std::string>& languages() const noexcept;
  const std::string& default_language() const noexcept;
  std::optional<int> rating_window_days() const noexcept;
  const InstrumentAlertRules& alert_rules() const noexcept;
  double composite_min_coverage() const noexcept;

  const std::vector<Dimension>& dimensions() const noexcept;
  const std::vector<Item>& items() const noexcept;
  const std::vector<Level>& levels() const noexcept;

  std::size_t dimension_count() const noexcept { return dimensions().size(); }
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
