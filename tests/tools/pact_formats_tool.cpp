// A small driver of pact's formats for the pytest suites: reads assessments, writes what pact
// writes, so that Python can check it against the JSON Schemas.
//
//   pact_formats_tool assessment <instrument> <assessment.json>
//       the assessment read and written back by pact (write_assessment_json)
//   pact_formats_tool result <instrument> <assessment.json> [language]
//       the result object of the assessment
//   pact_formats_tool risk-result <instrument> <model> <assessment.json> [language] [counterfactual 0|1] [horizons]
//       the result object with its risk section (horizons: extra months, comma-separated)
//   pact_formats_tool stream <instrument> <input.csv|.jsonl> <results.csv|.jsonl> <errors.csv> [model]
//       streams the input into results and errors, with the model's risk when one is given;
//       prints {"read", "accepted", "rejected", "written"}
//
// <instrument> and <model> are files or "bundled" (the model bundled with pact, which reads the
// bundled instrument). An error prints "<where>\t<reason>" to stderr and exits 1.
#include <pact/formats.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

namespace {

pact::Instrument instrument_from(const std::string& arg) {
  return arg == "bundled" ? pact::Instrument::bundled() : pact::Instrument::load(arg);
}

pact::RiskModel model_from(const std::string& arg, const pact::Instrument& instrument) {
  return arg == "bundled" ? pact::RiskModel::bundled() : pact::RiskModel::load(arg, instrument);
}

std::vector<int> horizons_from(const std::string& list) {
  std::vector<int> months;
  std::size_t at = 0;
  while (at < list.size()) {
    const std::size_t comma = std::min(list.find(',', at), list.size());
    months.push_back(std::stoi(list.substr(at, comma - at)));
    at = comma + 1;
  }
  return months;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

template <class Reader, class Writer>
int stream(const pact::Instrument& instrument, const pact::RiskModel* model, Reader& reader, Writer& writer,
           std::ostream& errors_out) {
  pact::ErrorCsvWriter errors(errors_out);
  pact::AssessmentBatch batch;
  pact::ScoredBatch scored;
  while (reader.next(batch)) {
    if (model)
      scored.score(*model, batch);
    else
      scored.score(instrument, batch);
    writer.write(batch, scored);
    errors.write(batch.errors());
  }
  const auto counts = reader.counts();
  std::printf("{\"read\": %llu, \"accepted\": %llu, \"rejected\": %llu, \"written\": %llu}\n",
              static_cast<unsigned long long>(counts.read), static_cast<unsigned long long>(counts.accepted),
              static_cast<unsigned long long>(counts.rejected), static_cast<unsigned long long>(writer.rows_written()));
  return 0;
}

int run(int argc, char** argv) {
  const std::string command = argc > 1 ? argv[1] : "";
  if ((command == "assessment" || command == "result") && argc >= 4) {
    const auto instrument = instrument_from(argv[2]);
    const auto assessment = pact::read_assessment_file(instrument, argv[3]);
    if (command == "assessment") {
      std::cout << pact::write_assessment_json(instrument, assessment) << "\n";
    } else {
      pact::ResultOptions options;
      if (argc >= 5) options.language = argv[4];
      std::cout << pact::write_result_json(instrument, assessment, pact::score(instrument, assessment), options) << "\n";
    }
    return 0;
  }
  if (command == "risk-result" && argc >= 5) {
    const auto instrument = instrument_from(argv[2]);
    const auto model = model_from(argv[3], instrument);
    const auto assessment = pact::read_assessment_file(model.instrument(), argv[4]);
    pact::ResultOptions options;
    if (argc >= 6) options.language = argv[5];
    pact::RiskOptions risk_options;
    risk_options.counterfactual = argc < 7 || std::string(argv[6]) != "0";
    if (argc >= 8) risk_options.horizons = horizons_from(argv[7]);
    const auto scores = pact::score(model.instrument(), assessment);
    const auto risk = pact::score_risk(model, assessment.responses, scores, risk_options);
    std::cout << pact::write_result_json(model, assessment, scores, risk, options) << "\n";
    return 0;
  }
  if (command == "stream" && (argc == 6 || argc == 7)) {
    const auto instrument = instrument_from(argv[2]);
    const std::optional<pact::RiskModel> model =
        argc == 7 ? std::optional<pact::RiskModel>(model_from(argv[6], instrument)) : std::nullopt;
    const pact::RiskModel* model_ptr = model ? &*model : nullptr;
    const std::string input = argv[3], results = argv[4];
    std::ofstream results_out(results, std::ios::binary), errors_out(argv[5], std::ios::binary);
    if (!results_out || !errors_out) throw pact::IoError(results, "cannot open the outputs");
    auto run_with = [&](auto& reader, const std::vector<std::string>& attributes) {
      if (ends_with(results, ".csv")) {
        pact::ResultCsvOptions options;
        options.attributes = attributes;
        if (model) {
          pact::CsvResultWriter writer(*model, results_out, options);
          return stream(instrument, model_ptr, reader, writer, errors_out);
        }
        pact::CsvResultWriter writer(instrument, results_out, options);
        return stream(instrument, model_ptr, reader, writer, errors_out);
      }
      if (model) {
        pact::JsonlResultWriter writer(*model, results_out);
        return stream(instrument, model_ptr, reader, writer, errors_out);
      }
      pact::JsonlResultWriter writer(instrument, results_out);
      return stream(instrument, model_ptr, reader, writer, errors_out);
    };
    if (ends_with(input, ".csv")) {
      pact::CsvAssessmentReader reader(instrument, std::filesystem::path(input));
      return run_with(reader, reader.attribute_columns());
    }
    pact::JsonlAssessmentReader reader(instrument, std::filesystem::path(input));
    return run_with(reader, {});
  }
  std::fprintf(stderr,
               "usage: pact_formats_tool assessment|result <instrument> <assessment.json> [language]\n"
               "       pact_formats_tool risk-result <instrument> <model> <assessment.json> [language] [0|1] [horizons]\n"
               "       pact_formats_tool stream <instrument> <input.csv|.jsonl> <results.csv|.jsonl> <errors.csv> [model]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const pact::Error& e) {
    std::fprintf(stderr, "%s\t%s\n", e.where().c_str(), e.reason().c_str());
    return 1;
  }
}
