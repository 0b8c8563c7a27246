// Instruments, scoring and the counting method for Python.
#include <pact/bundle.hpp>
#include <pact/counting.hpp>
#include <pact/instrument.hpp>
#include <pact/scoring.hpp>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "bindings.hpp"
#include "common.hpp"

namespace pact_python {

namespace {

py::dict label_dict(const pact::Label& label) {
  py::dict d;
  for (const auto& [lang, text] : label.texts()) d[py::str(lang)] = text;
  return d;
}

py::object optional_number(const std::optional<double>& v) { return v ? py::object(py::float_(*v)) : py::none(); }

py::list item_table(const pact::Instrument& instrument, const std::string& lang) {
  py::list rows;
  for (const auto& item : instrument.items()) {
    py::dict row;
    row["id"] = item.id;
    row["dimension"] = instrument.dimensions()[item.dimension].id;
    row["label"] = item.label.in(lang);
    row["question"] = item.question.in(lang);
    row["type"] = pact::to_string(item.type);
    row["weight"] = item.weight;
    row["required"] = item.required;
    row["critical_cutoff"] = optional_number(item.critical_cutoff);
    if (item.type == pact::ResponseType::ordinal) {
      py::list options;
      for (const auto& o : item.options) {
        py::dict od;
        od["value"] = o.value;
        od["label"] = o.label.in(lang);
        od["anchor"] = o.anchor.in(lang);
        od["severity"] = o.severity;
        options.append(od);
      }
      row["options"] = options;
    } else if (item.type == pact::ResponseType::yes_no) {
      row["severity_yes"] = item.severity_yes;
      row["severity_no"] = item.severity_no;
    } else {
      row["min"] = item.min_value;
      row["max"] = item.max_value;
      row["unit"] = item.unit.in(lang);
    }
    rows.append(row);
  }
  return rows;
}

py::list dimension_table(const pact::Instrument& instrument, const std::string& lang) {
  py::list rows;
  for (const auto& dim : instrument.dimensions()) {
    py::dict row;
    row["id"] = dim.id;
    row["label"] = dim.label.in(lang);
    row["weight"] = dim.weight;
    row["normalized_weight"] = dim.normalized_weight;
    row["min_coverage"] = dim.min_coverage;
    row["deprivation_cutoff"] = dim.deprivation_cutoff;
    row["critical_cutoff"] = optional_number(dim.critical_cutoff);
    py::list items;
    for (auto j : dim.items) items.append(instrument.items()[j].id);
    row["items"] = items;
    rows.append(row);
  }
  return rows;
}

py::list level_table(const pact::Instrument& instrument, const std::string& lang) {
  py::list rows;
  for (const auto& level : instrument.levels()) {
    py::dict row;
    row["id"] = level.id;
    row["label"] = level.label.in(lang);
    row["min_score"] = level.min_score;
    rows.append(row);
  }
  return rows;
}

py::dict counting_measures(const pact::CountingMeasures& m) {
  py::dict d;
  d["n"] = m.n;
  d["q"] = m.q;
  d["H"] = m.H;
  d["A"] = m.A;
  d["M0"] = m.M0;
  d["M"] = m.M;
  d["uncensored_headcount"] = py::array_t<double>(static_cast<py::ssize_t>(m.uncensored_headcount.size()),
                                                  m.uncensored_headcount.data());
  d["censored_headcount"] =
      py::array_t<double>(static_cast<py::ssize_t>(m.censored_headcount.size()), m.censored_headcount.data());
  d["contribution"] = py::array_t<double>(static_cast<py::ssize_t>(m.contribution.size()), m.contribution.data());
  return d;
}

py::dict counting_result(const pact::CountingResult& r) {
  py::dict d;
  d["k"] = r.k;
  d["alpha"] = r.alpha;
  d["weights"] = py::array_t<double>(static_cast<py::ssize_t>(r.weights.size()), r.weights.data());
  d["total"] = counting_measures(r.total);
  d["incomplete"] = r.incomplete;
  py::list groups;
  for (const auto& g : r.groups) {
    py::dict gd;
    gd["group"] = g.group;
    gd["population_share"] = g.population_share;
    gd["contribution"] = g.contribution;
    gd["measures"] = counting_measures(g.measures);
    groups.append(gd);
  }
  d["groups"] = groups;
  return d;
}

std::optional<pact::Groups> groups_arg(const py::object& codes, const py::object& names, std::size_t rows) {
  if (codes.is_none()) return std::nullopt;
  auto c = py::array_t<std::int32_t, py::array::c_style | py::array::forcecast>::ensure(codes);
  if (!c || c.ndim() != 1) throw py::value_error("group codes must be a 1-D array of integers");
  pact::Groups g;
  g.codes.assign(c.data(), c.data() + c.size());
  g.names = names.cast<std::vector<std::string>>();
  if (g.codes.size() != rows)
    throw py::value_error("expected one group per row (" + std::to_string(rows) + "), got " +
                          std::to_string(g.codes.size()));
  return g;
}

}  // namespace

void bind_instrument(py::module_& m) {
  py::class_<pact::Instrument>(m, "Instrument")
      .def_static("load", [](const std::string& path) { return pact::Instrument::load(path); }, py::arg("path"))
      .def_static("parse", &pact::Instrument::parse, py::arg("json_text"))
      .def_static("bundled", &pact::Instrument::bundled, py::return_value_policy::copy)
      .def_static("read_bundle", [](const std::string& path) { return pact::read_instrument_bundle(path); },
                  py::arg("path"))
      .def_static("parse_bundle",
                  [](const py::bytes& bytes) { return pact::parse_instrument_bundle(std::string_view(bytes)); },
                  py::arg("bytes"))
      .def("write_bundle", [](const pact::Instrument& i, const std::string& path) { pact::write_bundle(path, i); },
           py::arg("path"))
      .def("bundle_bytes", [](const pact::Instrument& i) { return py::bytes(pact::bundle_bytes(i)); })
      .def_property_readonly("id", &pact::Instrument::id)
      .def_property_readonly("version", &pact::Instrument::version)
      .def_property_readonly("hash", &pact::Instrument::hash)
      .def_property_readonly("canonical_json", &pact::Instrument::canonical_json)
      .def_property_readonly("languages", &pact::Instrument::languages)
      .def_property_readonly("default_language", &pact::Instrument::default_language)
      .def_property_readonly("composite_min_coverage", &pact::Instrument::composite_min_coverage)
      .def("name", [](const pact::Instrument& i, const std::string& lang) { return i.name().in(lang); }, py::arg("lang"))
      .def_property_readonly("item_ids",
                             [](const pact::Instrument& i) {
                               std::vector<std::string> ids;
                               for (const auto& item : i.items()) ids.push_back(item.id);
                               return ids;
                             })
      .def_property_readonly("dimension_ids",
                             [](const pact::Instrument& i) {
                               std::vector<std::string> ids;
                               for (const auto& d : i.dimensions()) ids.push_back(d.id);
                               return ids;
                             })
      .def_property_readonly("level_ids",
                             [](const pact::Instrument& i) {
                               std::vector<std::string> ids;
                               for (const auto& l : i.levels()) ids.push_back(l.id);
                               return ids;
                             })
      .def("item_table", &item_table, py::arg("lang"))
      .def("dimension_table", &dimension_table, py::arg("lang"))
      .def("level_table", &level_table, py::arg("lang"))
      .def("labels",
           [](const pact::Instrument& i, const std::string& kind, const std::string& id) {
             if (kind == "item") {
               auto j = i.find_item(id);
               if (!j) throw py::key_error(id);
               return label_dict(i.items()[*j].label);
             }
             if (kind == "dimension") {
               auto d = i.find_dimension(id);
               if (!d) throw py::key_error(id);
               return label_dict(i.dimensions()[*d].label);
             }
             auto l = i.find_level(id);
             if (!l) throw py::key_error(id);
             return label_dict(i.levels()[*l].label);
           },
           py::arg("kind"), py::arg("id"))
      .def("__eq__", [](const pact::Instrument& a, const pact::Instrument& b) { return a.hash() == b.hash(); })
      .def("__hash__", [](const pact::Instrument& i) { return py::hash(py::str(i.hash())); })
      .def(py::pickle([](const pact::Instrument& i) { return py::make_tuple(i.canonical_json()); },
                      [](const py::tuple& state) { return pact::Instrument::parse(state[0].cast<std::string>()); }));
}

void bind_scoring(py::module_& m) {
  m.def(
      "score_batch",
      [](const pact::Instrument& instrument, const py::object& responses, unsigned threads) {
        const ResponsesArg x = responses_arg(responses, "responses");
        if (static_cast<std::size_t>(x.cols) != instrument.item_count())
          throw py::value_error("responses must have one column per item of " + instrument.id() + " (" +
                                std::to_string(instrument.item_count()) + "), got " + std::to_string(x.cols));
        const auto dims = static_cast<std::ptrdiff_t>(instrument.dimension_count());
        auto scores = empty_array<double>(x.rows, dims);
        auto coverage = empty_array<double>(x.rows, dims);
        auto composite = empty_array<double>(x.rows);
        auto composite_coverage = empty_array<double>(x.rows);
        auto level = empty_array<std::int32_t>(x.rows);
        auto deprivation = empty_array<double>(x.rows);
        auto deprived_count = empty_array<std::int32_t>(x.rows);
        auto status = empty_array<std::int32_t>(x.rows);
        auto error_item = empty_array<std::int32_t>(x.rows);
        pact::BatchOutputs out;
        out.dimension_scores = scores.mutable_data();
        out.dimension_coverage = coverage.mutable_data();
        out.composite = composite.mutable_data();
        out.composite_coverage = composite_coverage.mutable_data();
        out.level = level.mutable_data();
        out.deprivation_score = deprivation.mutable_data();
        out.deprived_count = deprived_count.mutable_data();
        out.status = status.mutable_data();
        out.error_item = error_item.mutable_data();
        pact::BatchSummary summary;
        {
          py::gil_scoped_release release;
          summary = x.visit([&](const auto& view) { return pact::score_batch(instrument, view, out, threads); });
        }
        py::dict d;
        d["dimension_scores"] = scores;
        d["dimension_coverage"] = coverage;
        d["composite"] = composite;
        d["composite_coverage"] = composite_coverage;
        d["level"] = level;
        d["deprivation_score"] = deprivation;
        d["deprived_count"] = deprived_count;
        d["status"] = status;
        d["error_item"] = error_item;
        d["rows"] = summary.rows;
        d["scored"] = summary.scored;
        d["rejected"] = summary.rejected;
        return d;
      },
      py::arg("instrument"), py::arg("responses"), py::arg("threads") = 0);

  // score_batch alone, timed inside C++ on the outputs score_batch returns, allocated (and
  // zeroed, so their pages are mapped) once: with _time_score_risk_batch, what
  // benchmarks/compare.py takes the risk part's time from. Returns the seconds of each repeat,
  // by the wall clock or the calling thread's CPU time (see TimingClock).
  m.def(
      "_time_score_batch",
      [](const pact::Instrument& instrument, const py::object& responses, unsigned threads, int repeats,
         const std::string& clock_name) {
        const TimingClock clock(clock_name, threads);
        const ResponsesArg x = responses_arg(responses, "responses");
        if (static_cast<std::size_t>(x.cols) != instrument.item_count())
          throw py::value_error("responses must have one column per item of " + instrument.id());
        const auto rows = static_cast<std::size_t>(x.rows), dims = instrument.dimension_count();
        std::vector<double> scores(rows * dims), coverage(rows * dims), composite(rows), composite_coverage(rows),
            deprivation(rows);
        std::vector<std::int32_t> level(rows), deprived_count(rows), status(rows), error_item(rows);
        pact::BatchOutputs out;
        out.dimension_scores = scores.data();
        out.dimension_coverage = coverage.data();
        out.composite = composite.data();
        out.composite_coverage = composite_coverage.data();
        out.level = level.data();
        out.deprivation_score = deprivation.data();
        out.deprived_count = deprived_count.data();
        out.status = status.data();
        out.error_item = error_item.data();
        std::vector<double> seconds;
        py::gil_scoped_release release;
        for (int r = 0; r < repeats; ++r) {
          const double start = clock.seconds();
          x.visit([&](const auto& view) { return pact::score_batch(instrument, view, out, threads); });
          seconds.push_back(clock.seconds() - start);
        }
        return seconds;
      },
      py::arg("instrument"), py::arg("responses"), py::arg("threads") = 1, py::arg("repeats") = 5,
      py::arg("clock") = "wall");

  m.def(
      "describe_response_problem",
      [](const pact::Instrument& instrument, std::size_t item, int status, double value) {
        return pact::describe_response_problem(instrument, item, static_cast<pact::ResponseStatus>(status), value);
      },
      py::arg("instrument"), py::arg("item"), py::arg("status"), py::arg("value"));

  m.def(
      "score_responses",
      [](const pact::Instrument& instrument, const py::object& responses) {
        auto r = vector_arg(responses, "responses");
        const pact::CaseScores s =
            pact::score(instrument, std::span<const double>(r.data(), static_cast<std::size_t>(r.size())));
        py::dict d;
        d["item_severity"] =
            py::array_t<double>(static_cast<py::ssize_t>(s.item_severity.size()), s.item_severity.data());
        py::list dims;
        for (std::size_t k = 0; k < s.dimensions.size(); ++k) {
          const auto& dr = s.dimensions[k];
          py::dict dd;
          dd["id"] = instrument.dimensions()[k].id;
          dd["score"] = dr.score;
          dd["coverage"] = dr.coverage;
          dd["scored"] = dr.scored;
          dd["deprived"] = dr.deprived;
          dd["critical"] = dr.critical;
          dims.append(dd);
        }
        d["dimensions"] = dims;
        d["composite"] = s.composite;
        d["composite_coverage"] = s.composite_coverage;
        d["level"] = s.level >= 0 ? py::object(py::str(instrument.levels()[static_cast<std::size_t>(s.level)].id))
                                  : py::none();
        d["deprivation_score"] = s.deprivation_score;
        d["deprived_count"] = s.deprived_count;
        py::list factors;
        for (const auto& f : s.critical_factors) {
          py::dict fd;
          const bool dim = f.kind == pact::CriticalFactor::Kind::dimension;
          fd["kind"] = dim ? "dimension" : "item";
          fd["id"] = dim ? instrument.dimensions()[f.index].id : instrument.items()[f.index].id;
          fd["severity"] = f.severity;
          fd["importance"] = f.importance;
          factors.append(fd);
        }
        d["critical_factors"] = factors;
        return d;
      },
      py::arg("instrument"), py::arg("responses"));

  // For the zero-copy test: the address the kernels would read for this argument.
  m.def("_matrix_address", [](const py::object& a) {
    const MatrixArg x = matrix_arg(a, "array");
    return reinterpret_cast<std::uintptr_t>(x.data);
  });

  // For the zero-copy tests of the batch functions' responses: the addresses the batch would
  // read, one per column (0 for a column no row answers) when it reads columns, else the
  // matrix's alone.
  m.def("_response_addresses", [](const py::object& responses) {
    const ResponsesArg x = responses_arg(responses, "responses");
    std::vector<std::uintptr_t> addresses;
    if (!x.by_columns) addresses.push_back(reinterpret_cast<std::uintptr_t>(x.matrix.data));
    for (const double* column : x.columns) addresses.push_back(reinterpret_cast<std::uintptr_t>(column));
    return addresses;
  });

  // The memory-bandwidth baseline of benchmarks/compare.py: one thread reading every byte of the
  // matrix once (the loop of benchmarks/bench_support.hpp, read_all: the values added as 64-bit
  // integers in eight lanes, so that the compiler may use its widest loads). Returns the seconds
  // of each repeat (wall clock or thread CPU time, see TimingClock) and the checksum (which keeps
  // the reads from being optimised away).
  m.def(
      "_time_read_matrix",
      [](const py::object& a, int repeats, const std::string& clock_name) {
        const TimingClock clock(clock_name, 1);
        const MatrixArg x = matrix_arg(a, "array");
        if (x.row_stride != x.cols) throw py::value_error("array must be C-contiguous");
        const auto count = static_cast<std::size_t>(x.rows * x.cols);
        std::vector<double> seconds;
        std::uint64_t checksum = 0;
        py::gil_scoped_release release;
        for (int r = 0; r < repeats; ++r) {
          const double start = clock.seconds();
          std::uint64_t lane[8] = {};
          std::size_t i = 0;
          for (; i + 8 <= count; i += 8)
            for (std::size_t k = 0; k < 8; ++k) lane[k] += std::bit_cast<std::uint64_t>(x.data[i + k]);
          for (; i < count; ++i) lane[0] += std::bit_cast<std::uint64_t>(x.data[i]);
          std::uint64_t sum = 0;
          for (std::uint64_t v : lane) sum += v;
          seconds.push_back(clock.seconds() - start);
          checksum ^= sum;
        }
        return std::make_pair(seconds, checksum);
      },
      py::arg("array"), py::arg("repeats") = 5, py::arg("clock") = "wall");
}

void bind_counting(py::module_& m) {
  m.def(
      "alkire_foster",
      [](const py::object& values, const py::object& cutoffs, const py::object& weights, double k, int alpha,
         const py::object& group_codes, const py::object& group_names) {
        const MatrixArg y = matrix_arg(values, "values");
        auto z = vector_arg(cutoffs, "cutoffs");
        std::vector<double> w;
        if (!weights.is_none()) {
          auto wa = vector_arg(weights, "weights");
          w.assign(wa.data(), wa.data() + wa.size());
        }
        const auto groups = groups_arg(group_codes, group_names, static_cast<std::size_t>(y.rows));
        pact::CountingResult r;
        {
          py::gil_scoped_release release;
          r = pact::alkire_foster(y.view(), std::span<const double>(z.data(), static_cast<std::size_t>(z.size())), w,
                                  {k, alpha}, groups ? &*groups : nullptr);
        }
        return counting_result(r);
      },
      py::arg("values"), py::arg("cutoffs"), py::arg("weights") = py::none(), py::arg("k") = 1.0 / 3.0,
      py::arg("alpha") = 0, py::arg("group_codes") = py::none(), py::arg("group_names") = py::none());

  m.def(
      "alkire_foster_from_scores",
      [](const pact::Instrument& instrument, const py::object& dimension_scores, double k, int alpha,
         const py::object& group_codes, const py::object& group_names) {
        const MatrixArg s = matrix_arg(dimension_scores, "dimension_scores");
        const auto groups = groups_arg(group_codes, group_names, static_cast<std::size_t>(s.rows));
        pact::CountingResult r;
        {
          py::gil_scoped_release release;
          r = pact::alkire_foster_from_scores(instrument, s.view(), {k, alpha}, groups ? &*groups : nullptr);
        }
        return counting_result(r);
      },
      py::arg("instrument"), py::arg("dimension_scores"), py::arg("k") = 1.0 / 3.0, py::arg("alpha") = 0,
      py::arg("group_codes") = py::none(), py::arg("group_names") = py::none());
}

}  // namespace pact_python
