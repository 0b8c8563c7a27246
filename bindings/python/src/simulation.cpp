// Simulated caseloads for Python: pact::CaseloadSimulator with its options from Python values,
// generated with the GIL released; the responses matrix becomes a numpy array without a copy.
#include <pact/simulation.hpp>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "bindings.hpp"
#include "common.hpp"

namespace pact_python {

namespace {

/// Hands a matrix to numpy: the array owns it through a capsule, so nothing is copied.
py::array_t<double> owned_matrix(pact::RowMatrix&& matrix) {
  auto* owned = new pact::RowMatrix(std::move(matrix));
  py::capsule free_when_done(owned, [](void* p) { delete static_cast<pact::RowMatrix*>(p); });
  return py::array_t<double>({owned->rows(), owned->cols()}, owned->data(), free_when_done);
}

template <class T>
py::array_t<T> copy_vector(const std::vector<T>& v) {
  return py::array_t<T>(static_cast<py::ssize_t>(v.size()), v.data());
}

py::dict options_dict(const pact::SimulationOptions& o) {
  py::dict d;
  d["item_noise"] = o.item_noise;
  d["missing_rate"] = o.missing_rate;
  d["followup_months"] = o.followup_months;
  d["monthly_dropout"] = o.monthly_dropout;
  d["general_loading"] = o.general_loading;
  py::dict dimensions;
  for (const auto& dim : o.dimensions) {
    py::dict entry;
    entry["mean"] = dim.mean;
    entry["general_loading"] = dim.general_loading;
    entry["cluster_loading"] = dim.cluster_loading;
    dimensions[py::str(dim.dimension)] = entry;
  }
  d["dimensions"] = dimensions;
  py::dict shifts;
  for (const auto& [item, shift] : o.item_shifts) shifts[py::str(item)] = shift;
  d["item_shifts"] = shifts;
  py::dict attributes;
  for (const auto& attribute : o.attributes) {
    py::dict levels;
    for (const auto& level : attribute.levels) {
      py::dict entry;
      entry["share"] = level.share;
      py::dict level_shifts;
      for (const auto& [dimension, shift] : level.shifts) level_shifts[py::str(dimension)] = shift;
      entry["shifts"] = level_shifts;
      levels[py::str(level.code)] = entry;
    }
    attributes[py::str(attribute.name)] = levels;
  }
  d["attributes"] = attributes;
  return d;
}

using DimensionSpec = std::tuple<std::string, double, double, double>;
using LevelSpec = std::tuple<std::string, double, std::vector<std::pair<std::string, double>>>;
using AttributeSpec = std::pair<std::string, std::vector<LevelSpec>>;

}  // namespace

void bind_simulation(py::module_& m) {
  m.attr("simulation_block_cases") = pact::simulation_block_cases;

  m.def(
      "simulation_defaults",
      [](bool generic) { return options_dict(generic ? pact::SimulationOptions::generic() : pact::SimulationOptions{}); },
      py::arg("generic") = false);

  // Options left None keep the profile's (the default one, or generic()); the pure-Python
  // wrapper turns mappings into these lists and checks the names of its keyword arguments.
  m.def(
      "simulate",
      [](const pact::RiskModel& model, std::uint64_t seed, std::size_t first_case, std::size_t count, unsigned threads,
         bool generic, const std::optional<double>& item_noise, const std::optional<double>& missing_rate,
         const std::optional<int>& followup_months, const std::optional<double>& monthly_dropout,
         const std::optional<double>& general_loading, bool keep_latent,
         const std::optional<std::vector<DimensionSpec>>& dimensions,
         const std::optional<std::vector<std::pair<std::string, double>>>& item_shifts,
         const std::optional<std::vector<AttributeSpec>>& attributes) {
        pact::SimulationOptions o = generic ? pact::SimulationOptions::generic() : pact::SimulationOptions{};
        o.seed = seed;
        o.threads = threads;
        o.keep_latent = keep_latent;
        if (item_noise) o.item_noise = *item_noise;
        if (missing_rate) o.missing_rate = *missing_rate;
        if (followup_months) o.followup_months = *followup_months;
        if (monthly_dropout) o.monthly_dropout = *monthly_dropout;
        if (general_loading) o.general_loading = *general_loading;
        if (dimensions) {
          o.dimensions.clear();
          for (const auto& [id, mean, general, cluster] : *dimensions) o.dimensions.push_back({id, mean, general, cluster});
        }
        if (item_shifts) o.item_shifts = *item_shifts;
        if (attributes) {
          o.attributes.clear();
          for (const auto& [name, levels] : *attributes) {
            pact::AttributeModel attribute{name, {}};
            for (const auto& [code, share, shifts] : levels) attribute.levels.push_back({code, share, shifts});
            o.attributes.push_back(std::move(attribute));
          }
        }
        pact::SimulatedCaseload caseload;
        {
          py::gil_scoped_release release;
          const pact::CaseloadSimulator simulator(model, std::move(o));
          simulator.generate(first_case, count, caseload);
        }
        py::dict d;
        d["case_ids"] = caseload.case_ids;
        py::list attribute_list;
        for (const auto& a : caseload.attributes)
          attribute_list.append(py::make_tuple(a.name, a.groups.names, copy_vector(a.groups.codes)));
        d["attributes"] = attribute_list;
        d["months_in_care"] = copy_vector(caseload.months_in_care);
        d["followup_months"] = copy_vector(caseload.followup_months);
        d["left_care"] = copy_vector(caseload.left_care);
        d["chronic"] = copy_vector(caseload.chronic);
        d["risk"] = copy_vector(caseload.risk);
        d["responses"] = owned_matrix(std::move(caseload.responses));
        if (keep_latent) d["latent"] = owned_matrix(std::move(caseload.latent));
        return d;
      },
      py::arg("model"), py::arg("seed"), py::arg("first_case"), py::arg("count"), py::arg("threads") = 0,
      py::arg("generic") = false, py::arg("item_noise") = py::none(), py::arg("missing_rate") = py::none(),
      py::arg("followup_months") = py::none(), py::arg("monthly_dropout") = py::none(),
      py::arg("general_loading") = py::none(), py::arg("keep_latent") = false, py::arg("dimensions") = py::none(),
      py::arg("item_shifts") = py::none(), py::arg("attributes") = py::none());
}

}  // namespace pact_python
