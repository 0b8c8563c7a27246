// pact: the data formats for assessments and results (docs/formats.md): one assessment as
// JSON; streams of assessments as CSV and JSON Lines, read in bounded memory into batches for
// score_batch; assessments written back as CSV and JSON Lines; results (with the chronicity
// risk when a model is used) as JSON, JSON Lines and CSV, and rejected rows as an errors CSV.
#ifndef PACT_FORMATS_HPP
#define PACT_FORMATS_HPP

#include "pact/formats/assessment_json.hpp"
#include "pact/formats/assessment_writers.hpp"
#include "pact/formats/batch.hpp"
#include "pact/formats/casework.hpp"
#include "pact/formats/csv.hpp"
#include "pact/formats/jsonl.hpp"
#include "pact/formats/result.hpp"
#include "pact/formats/writers.hpp"

#endif  // PACT_FORMATS_HPP
