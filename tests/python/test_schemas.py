"""pact's JSON formats against their JSON Schemas (docs/schemas/*.schema.json).

Example assessments and everything pact writes (assessments, result objects, JSON Lines results)
must match the schemas; invalid assessments must be rejected by the schema and by pact at the
same JSON Pointer; what only the instrument can rule out, the schema accepts and pact rejects.
pact is driven through tests/tools/pact_formats_tool (path in PACT_FORMATS_TOOL).
"""

import copy
import csv
import json
import math
import os
import pathlib
import subprocess

import jsonschema
import pytest

SOURCE = pathlib.Path(__file__).resolve().parents[2]
SCHEMAS = SOURCE / "docs" / "schemas"
DATA = SOURCE / "tests" / "data"
TOOL = os.environ.get("PACT_FORMATS_TOOL")

pytestmark = pytest.mark.skipif(not TOOL, reason="PACT_FORMATS_TOOL is not set (run through ctest)")


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


ASSESSMENT_SCHEMA = load(SCHEMAS / "assessment.schema.json")
RESULT_SCHEMA = load(SCHEMAS / "result.schema.json")
# The result schema refers to the assessment schema by its $id.
RESOLVER = jsonschema.RefResolver.from_schema(
    RESULT_SCHEMA, store={ASSESSMENT_SCHEMA["$id"]: ASSESSMENT_SCHEMA, RESULT_SCHEMA["$id"]: RESULT_SCHEMA})
ASSESSMENT = jsonschema.Draft202012Validator(ASSESSMENT_SCHEMA)
RESULT = jsonschema.Draft202012Validator(RESULT_SCHEMA, resolver=RESOLVER)

EXAMPLES = sorted(p for p in (DATA / "assessments").glob("*.json") if p.name != "invalid.json")


def instrument_for(example):
    return str(DATA / "instruments" / "small.json") if example.name.startswith("small-") else "bundled"


def tool(*args):
    return subprocess.run([TOOL, *map(str, args)], capture_output=True, text=True, encoding="utf-8")


def pact_json(*args):
    run = tool(*args)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def test_the_schemas_are_valid_draft_2020_12():
    jsonschema.Draft202012Validator.check_schema(ASSESSMENT_SCHEMA)
    jsonschema.Draft202012Validator.check_schema(RESULT_SCHEMA)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_example_assessments_match_the_schema(example):
    ASSESSMENT.validate(load(example))


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_assessments_pact_writes_match_the_schema_and_keep_the_responses(example):
    written = pact_json("assessment", instrument_for(example), example)
    ASSESSMENT.validate(written)
    original = load(example)
    assert written["case_id"] == original["case_id"]
    # pact leaves missing answers out and writes yes/no answers as booleans: compare as numbers.
    answered = {k: float(v) for k, v in original["responses"].items() if v is not None}
    assert {k: float(v) for k, v in written["responses"].items()} == answered


@pytest.mark.parametrize("language", ["es", "ca", "en", "fr"])
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_results_pact_writes_match_the_schema(example, language):
    result = pact_json("result", instrument_for(example), example, language)
    RESULT.validate(result)
    assert "risk" not in result, "no risk model was used"
    assert result["case_id"] == load(example)["case_id"]


def test_the_fully_answered_small_case_has_its_hand_computed_scores():
    # docs/instrument-format.md on tests/data/instruments/small.json, responses {3, 0, 18, 2, 40, 10}:
    # dimension A = (2*.75 + 0 + .75) / 4, B = (.5 + 3*.6) / 4, C = 1; composite
    # .5 A + .25 B + .25 C = .675, at or above .6: level "high".
    result = pact_json("result", DATA / "instruments" / "small.json", DATA / "assessments" / "small-full.json", "en")
    assert [d["score"] for d in result["dimensions"]] == pytest.approx([0.5625, 0.575, 1.0], abs=1e-15)
    assert result["composite"]["score"] == pytest.approx(0.675, abs=1e-15)
    assert result["composite"]["level"] == {"id": "high", "label": "High"}


def stream(tmp_path, source, results_name):
    results, errors = tmp_path / results_name, tmp_path / "errors.csv"
    counts = pact_json("stream", DATA / "instruments" / "small.json", DATA / "assessments" / source, results, errors)
    with open(errors, newline="", encoding="utf-8") as f:
        error_rows = list(csv.DictReader(f))
    assert counts["read"] == counts["accepted"] + counts["rejected"]
    assert counts["written"] == counts["accepted"]
    assert len(error_rows) == counts["rejected"]
    return counts, results, error_rows


def test_json_lines_results_match_the_schema_line_by_line(tmp_path):
    counts, results, errors = stream(tmp_path, "small-batch.jsonl", "results.jsonl")
    # Line 5 is blank; lines 3, 4 and 7 are bad (a string response, an unknown item, a cut line).
    assert counts == {"read": 6, "accepted": 3, "rejected": 3, "written": 3}
    lines = results.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3
    for line in lines:
        RESULT.validate(json.loads(line))
    assert [(e["line"], e["column"], e["kind"]) for e in errors] == [
        ("3", "/responses/a1", "validation"), ("4", "/responses/zz", "validation"), ("7", "", "parse")]


def test_results_of_a_csv_input_match_the_schema_and_the_documented_columns(tmp_path):
    counts, results, errors = stream(tmp_path, "small-batch.csv", "results.jsonl")
    # Rows c-03 (30 February), c-04 (9 is not an option), c-06 ("maybe") and c-07 (no a1) are bad.
    assert counts == {"read": 7, "accepted": 3, "rejected": 4, "written": 3}
    for line in results.read_text(encoding="utf-8").splitlines():
        RESULT.validate(json.loads(line))
    assert [(e["line"], e["column"], e["case_id"]) for e in errors] == [
        ("4", "date", "c-03"), ("5", "a1", "c-04"), ("7", "a2", "c-06"), ("8", "a1", "c-07")]

    _, results_csv, _ = stream(tmp_path, "small-batch.csv", "results.csv")
    with open(results_csv, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    # The column order of docs/formats.md for the small instrument with the territory column passed through.
    assert rows[0] == ["case_id", "date", "territory", "composite", "composite_coverage", "level", "level_label",
                       "deprivation_score", "deprived_count", "critical_factors", "score_a", "score_b", "score_c",
                       "coverage_a", "coverage_b", "coverage_c", "deprived_a", "deprived_b", "deprived_c",
                       "instrument_id", "instrument_version", "instrument_hash", "pact_version"]
    assert [r[0] for r in rows[1:]] == ["c-01", "c-02", "c-05"]
    assert rows[2][2] == "Castilla y León, norte"


# ---------------------------------------------------------------------------------------------
# Results with a chronicity-risk model
# ---------------------------------------------------------------------------------------------

SMALL = DATA / "instruments" / "small.json"
FIXTURE_MODELS = {"logistic": DATA / "models" / "logistic.json", "hazard": DATA / "models" / "hazard.json"}
SMALL_EXAMPLES = [p for p in EXAMPLES if p.name.startswith("small-")]


@pytest.mark.parametrize("counterfactual", ["0", "1"])
@pytest.mark.parametrize("language", ["es", "en", "fr"])
@pytest.mark.parametrize("model", sorted(FIXTURE_MODELS))
@pytest.mark.parametrize("example", SMALL_EXAMPLES, ids=lambda p: p.name)
def test_results_with_risk_pact_writes_match_the_schema(example, model, language, counterfactual):
    args = ["risk-result", SMALL, FIXTURE_MODELS[model], example, language, counterfactual]
    if model == "hazard":
        args.append("3,30")
    if model == "hazard" and "a3" not in load(example)["responses"]:
        # The hazard model needs the months in care (item a3) to place the case on its bands.
        run = tool(*args)
        assert run.returncode == 1 and run.stderr.split("\t", 1)[0] == "/responses/a3"
        return
    result = pact_json(*args)
    RESULT.validate(result)
    risk = result["risk"]
    assert risk["status"] == "ok"
    assert risk["model"]["id"] == "test-" + model
    assert risk["model"]["instrument"] == result["instrument"]
    assert ("counterfactual" in risk) == (counterfactual == "1")
    if model == "hazard":
        assert [h["months"] for h in risk["horizons"]] == [3, 30]
        assert len(risk["survival"]) == 30


@pytest.mark.parametrize("language", ["es", "ca", "en", "fr"])
def test_the_default_model_writes_results_that_match_the_schema(language):
    result = pact_json("risk-result", "bundled", "bundled", DATA / "assessments" / "pact-example.json", language, "1",
                       "36,6")
    RESULT.validate(result)
    assert result["risk"]["model"]["id"] == "pact-chronicity"
    assert result["risk"]["language"] == (language if language != "fr" else "es")
    assert len(result["risk"]["survival"]) == 36


def test_the_logistic_risk_of_the_full_small_case_is_computed_independently():
    # tests/data/assessments/small-full.json: a1 = 3 (.75), a2 = 0, a3 = 18 (.75), b1 = 2, b2 = 40 (.6),
    # c1 = 10 (1). Dimension A = (2*.75 + 0 + .75) / 4 = .5625, C = 1, composite .675 (as above).
    # The logistic fixture's features from its JSON, evaluated here without pact.
    model = load(FIXTURE_MODELS["logistic"])
    b = {f["id"]: f for f in model["features"]}
    x = {"dim_a": 0.5625, "sev_c1": 1.0, "log_a3": math.log1p(18.0), "hinge_b1": max(0.0, 2.0 - b["hinge_b1"]["knot"]),
         "composite": 0.675}
    x["high_a"] = 1.0 if x["dim_a"] >= b["high_a"]["at_least"] else 0.0
    x["a_x_c1"] = x["dim_a"] * x["sev_c1"]
    eta = model["intercept"]["coefficient"] + sum(b[k]["coefficient"] * v for k, v in x.items())
    p = 1.0 / (1.0 + math.exp(-eta))
    result = pact_json("risk-result", SMALL, FIXTURE_MODELS["logistic"], DATA / "assessments" / "small-full.json", "en")
    risk = result["risk"]
    assert risk["linear_predictor"] == pytest.approx(eta, abs=1e-12)
    assert risk["probability"] == pytest.approx(p, abs=1e-12)
    band = max(i for i, band in enumerate(model["bands"]) if p >= band["min_probability"])
    assert risk["band"]["id"] == model["bands"][band]["id"]
    for c in risk["contributions"]:
        expected = b[c["feature"]]["coefficient"] * (x[c["feature"]] - b[c["feature"]]["reference"])
        assert c["contribution"] == pytest.approx(expected, abs=1e-12), c["feature"]
        assert c["direction"] == ("raises" if expected > 0 else "lowers" if expected < 0 else "none")
    raising = sorted((f for f in x if b[f]["coefficient"] * (x[f] - b[f]["reference"]) > 0),
                     key=lambda f: -b[f]["coefficient"] * (x[f] - b[f]["reference"]))
    assert [t["feature"] for t in risk["top_factors"]] == raising[:3]


def test_json_lines_results_with_risk_match_the_schema_and_say_why_a_row_has_none(tmp_path):
    results, errors = tmp_path / "results.jsonl", tmp_path / "errors.csv"
    counts = pact_json("stream", SMALL, DATA / "assessments" / "small-batch.jsonl", results, errors,
                       FIXTURE_MODELS["hazard"])
    assert counts == {"read": 6, "accepted": 3, "rejected": 3, "written": 3}
    lines = [json.loads(line) for line in results.read_text(encoding="utf-8").splitlines()]
    for line in lines:
        RESULT.validate(line)
    # j-02 has no answer to a3, the months in care the hazard model needs.
    assert [(r["case_id"], r["risk"]["status"]) for r in lines] == [
        ("j-01", "ok"), ("j-02", "missing_duration"), ("j-05", "ok")]
    assert set(lines[1]["risk"]) == {"status", "model"}


def test_csv_results_with_risk_have_the_documented_columns(tmp_path):
    results, errors = tmp_path / "results.csv", tmp_path / "errors.csv"
    pact_json("stream", SMALL, DATA / "assessments" / "small-batch.csv", results, errors, FIXTURE_MODELS["hazard"])
    with open(results, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    with open(results, newline="", encoding="utf-8") as f:
        header = next(csv.reader(f))
    # docs/formats.md: the instrument's columns, then the risk columns in this order.
    assert header[-12:] == ["risk_status", "risk_probability", "risk_band", "risk_band_label", "risk_linear_predictor",
                            "risk_horizon_months", "risk_imputed_count", "risk_top_factors", "risk_model_id",
                            "risk_model_version", "risk_model_hash", "risk_model_status"]
    assert header[-16:-12] == ["instrument_id", "instrument_version", "instrument_hash", "pact_version"]
    assert [(r["case_id"], r["risk_status"]) for r in rows] == [("c-01", "ok"), ("c-02", "missing_duration"),
                                                                 ("c-05", "ok")]
    assert rows[1]["risk_probability"] == "" and rows[1]["risk_model_id"] == "test-hazard"
    assert 0 < float(rows[0]["risk_probability"]) < 1


INVALID = load(DATA / "assessments" / "invalid.json")


def pact_rejection(tmp_path, assessment):
    path = tmp_path / "assessment.json"
    path.write_text(json.dumps(assessment), encoding="utf-8")
    run = tool("assessment", DATA / INVALID["instrument"], path)
    assert run.returncode == 1, run.stdout
    return run.stderr.split("\t", 1)[0]


@pytest.mark.parametrize("case", INVALID["both"], ids=lambda c: c["name"])
def test_invalid_assessments_fail_the_schema_and_pact_at_the_pointer(case, tmp_path):
    assert not ASSESSMENT.is_valid(case["assessment"])
    assert pact_rejection(tmp_path, case["assessment"]) == case["pointer"]


@pytest.mark.parametrize("case", INVALID["pact_only"], ids=lambda c: c["name"])
def test_content_only_the_instrument_rules_out_passes_the_schema_and_fails_pact(case, tmp_path):
    ASSESSMENT.validate(case["assessment"])
    assert pact_rejection(tmp_path, case["assessment"]) == case["pointer"]


WITH_RISK = load(DATA / "results" / "small-with-risk.json")


def test_a_result_with_a_risk_section_matches_the_schema():
    RESULT.validate(WITH_RISK)
    # The form of a row the model could not score: its status and the model's stamp, nothing else.
    RESULT.validate(changed(["risk"], {"status": "missing_duration", "model": WITH_RISK["risk"]["model"]}))


def changed(path, value=None, delete=False):
    result = copy.deepcopy(WITH_RISK)
    node = result
    for key in path[:-1]:
        node = node[key]
    if delete:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return result


@pytest.mark.parametrize("name,result", [
    ("probability above 1", changed(["risk", "probability"], 1.5)),
    ("scored risk without a probability", changed(["risk", "probability"], delete=True)),
    ("unscored risk with a probability", changed(["risk", "status"], "missing_duration")),
    ("unknown risk status", changed(["risk", "status"], "maybe")),
    ("top factor that lowers the risk", changed(["risk", "top_factors", 0, "risk_effect"], -0.2625)),
    ("model stamp without its instrument", changed(["risk", "model", "instrument"], delete=True)),
    ("counterfactual band without a label", changed(["risk", "counterfactual", "band"], "medium")),
    ("hazard form without its extra horizons", changed(["risk", "horizons"], delete=True)),
    ("unknown band", changed(["risk", "band", "id"], "extreme")),
    ("hazard form without its survival curve", changed(["risk", "survival"], delete=True)),
    ("logistic form with a survival curve", changed(["risk", "form"], "logistic")),
    ("four top factors", changed(["risk", "top_factors"], [WITH_RISK["risk"]["top_factors"][0]] * 4)),
    ("contribution without its imputed flag", changed(["risk", "contributions", 0, "imputed"], delete=True)),
    ("model without its status", changed(["risk", "model", "status"], delete=True)),
    ("no instrument hash", changed(["instrument", "hash"], delete=True)),
    ("scored composite without a score", changed(["composite", "score"], None)),
    ("unscored dimension marked deprived", changed(["dimensions", 0], {
        "id": "a", "label": "Dimension A", "score": None, "coverage": 0.25, "scored": False, "deprived": True,
        "critical": False})),
    ("answered item without a severity", changed(["items", 0, "severity"], None)),
])
def test_the_result_schema_rejects_inconsistent_results(name, result):
    assert not RESULT.is_valid(result), name
