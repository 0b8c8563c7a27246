// A small driver of pact's formats for the pytest suites: reads assessments, writes what pact
// writes, so that Python can check it against the JSON Schemas.
//
//   pact_formats_tool assessment <instrument> <assessment.json>
//       the assessment read and written back by pact (write_assessment_json)
//   pact_formats_tool result <instrument> <assessment.json> [language]
//       the result object of the assessment
//   pact_formats_tool stream <instrument> <input.csv|.jsonl> <results.csv|.jsonl> <errors.csv>
//       streams the input into results and errors; prints {"read", "accepted", "rejected", "written"}
//
// <instrument> is a file or "bundled". An error prints "<where>\t<reason>" to stderr and exits 1.
#include <pact/formats.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

namespace {

pact::Instrument instrument_from(const std::string& arg) {
  return arg == "bundled" ? pact::Instrument::bundled() : pact::Instrument::load(arg);
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

template <class Reader, class Writer>
int stream(const pact::Instrument& instrument, Reader& reader, Writer& writer, std::ostream& errors_out) {
  pact::ErrorCsvWriter errors(errors_out);
  pact::AssessmentBatch batch;
  pact::ScoredBatch scored;
  while (reader.next(batch)) {
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
  if (command == "stream" && argc == 6) {
    const auto instrument = instrument_from(argv[2]);
    const std::string input = argv[3], results = argv[4];
    std::ofstream results_out(results, std::ios::binary), errors_out(argv[5], std::ios::binary);
    if (!results_out || !errors_out) throw pact::IoError(results, "cannot open the outputs");
    auto run_with = [&](auto& reader, const std::vector<std::string>& attributes) {
      if (ends_with(results, ".csv")) {
        pact::ResultCsvOptions options;
        options.attributes = attributes;
        pact::CsvResultWriter writer(instrument, results_out, options);
        return stream(instrument, reader, writer, errors_out);
      }
      pact::JsonlResultWriter writer(instrument, results_out);
      return stream(instrument, reader, writer, errors_out);
    };
    if (ends_with(input, ".csv")) {
      pact::CsvAssessmentReader reader(instrument, std::filesystem::path(input));
      return run_with(reader, reader.attribute_columns());
    }
    pact::JsonlAssessmentReader reader(instrument, std::filesystem::path(input));
    return run_with(reader, {});
  }
  std::fprintf(stderr, "usage: pact_formats_tool assessment|result <instrument> <assessment.json> [language]\n"
                       "       pact_formats_tool stream <instrument> <input.csv|.jsonl> <results.csv|.jsonl> <errors.csv>\n");
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
