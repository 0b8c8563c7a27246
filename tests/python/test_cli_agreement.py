"""The Python package and the `pact` command-line tool on the same data give the same answers:
the simulated caseload (pact.simulate against `pact simulate`), the changes and alerts of a
caseload's histories (pact.changes against `pact changes`), the contact order (pact.prioritise
against `pact prioritise`), and audit records (each side verifies the other's log, and the
input digests of the same case agree). Both shells call the same C++; these tests catch a shell
that reads, orders, groups or writes differently. The CLI's path comes from PACT_CLI (set by
ctest when the CLI is built)."""

import json
import os
import subprocess

import numpy as np
import pandas as pd
import pytest

import pact

CLI = os.environ.get("PACT_CLI")
pytestmark = pytest.mark.skipif(not CLI, reason="PACT_CLI is not set (the CLI is not built)")

FIRST, SECOND, AS_OF = "2026-01-15", "2026-06-01", "2026-09-01"


def cli(*args, check=0):
    result = subprocess.run([CLI, *map(str, args)], capture_output=True, text=True, timeout=600)
    assert result.returncode == check, (result.returncode, result.stderr)
    return result


def read_cli_csv(path, **kwargs):
    # The CLI writes numbers as shortest round-trip text; pandas' default parser may round the
    # last bit, its round_trip parser does not. Text columns stay text ("" for an empty field).
    return pd.read_csv(path, float_precision="round_trip", keep_default_na=False, na_values=[""], **kwargs)


def texts(values):
    """A column as text, "" where missing (as the CLI writes an absent value)."""
    return ["" if pd.isna(v) else str(v) for v in values]


# --- simulate ------------------------------------------------------------------------------------


@pytest.mark.parametrize("args, options", [
    (["-n", 5000, "--seed", 17], {}),
    (["-n", 3000, "--seed", 3, "--followup-months", 12, "--dropout", 0.02, "--missing-rate", 0.1],
     {"followup_months": 12, "monthly_dropout": 0.02, "missing_rate": 0.1}),
])
def test_simulate_equals_the_cli(tmp_path, args, options):
    out = tmp_path / "sim.csv"
    cli("simulate", *args, "--date", "2026-11-01", "--true-risk", "-o", out)
    written = read_cli_csv(out, index_col="case_id")
    n, seed = args[1], args[3]
    sim = pact.simulate(n, seed=seed, date="2026-11-01", true_risk=True, **options)
    # The CLI's columns are the frame's, but months_in_care (the duration item's whole months).
    assert list(written.columns) == [c for c in sim.columns if c != "months_in_care"]
    assert list(written.index) == list(sim.index)
    assert (written["date"] == "2026-11-01").all() and (sim["date"] == "2026-11-01").all()
    for attribute in ("sex", "age_band", "nationality", "territory"):
        assert written[attribute].tolist() == sim[attribute].astype(str).tolist(), attribute
    items = pact.Instrument.default().item_ids
    np.testing.assert_array_equal(written[items].to_numpy(dtype=float), sim[items].to_numpy(dtype=float))
    for column in ("followup_months", "left_care", "chronic", "true_risk"):
        np.testing.assert_array_equal(written[column].to_numpy(dtype=float), sim[column].to_numpy(dtype=float),
                                      err_msg=column)


# --- histories: changes and priorities -----------------------------------------------------------


@pytest.fixture(scope="module")
def histories(tmp_path_factory):
    """Two assessment rounds of a simulated caseload: cases sim-000001 .. sim-001500 assessed on
    FIRST (seed 41) and again on SECOND (seed 42, other responses: some cases worsen, some
    improve); sim-001501 .. sim-002500 only on FIRST (overdue as of AS_OF, 229 days later), and
    sim-002501 .. sim-003000 only on SECOND (92 days: not overdue). Rows in a shuffled order."""
    items = pact.Instrument.default().item_ids
    first = pact.simulate(2500, seed=41, date=FIRST)
    second = pact.simulate(1500, seed=42, date=SECOND)
    later = pact.simulate(500, seed=43, date=SECOND, first_case=2500)
    frame = pd.concat([first, second, later])[["date", "territory"] + items].reset_index()
    frame = frame.sample(frac=1.0, random_state=5).reset_index(drop=True)
    frame["territory"] = frame["territory"].astype(str)
    path = tmp_path_factory.mktemp("histories") / "histories.csv"
    frame.to_csv(path, index=False)  # floats in shortest round-trip text, NaN as an empty field
    return frame, path


def test_changes_equal_the_cli(histories, tmp_path):
    frame, path = histories
    out = tmp_path / "changes.csv"
    cli("changes", "-i", path, "--as-of", AS_OF, "--lang", "en", "-o", out)
    written = read_cli_csv(out, dtype={"case_id": str})
    ch = pact.changes(frame, as_of=AS_OF, lang="en")
    assert written["case_id"].tolist() == list(ch.index)
    assert len(ch) == 3000 and (ch["assessments"] == 2).sum() == 1500
    assert written["assessments"].tolist() == ch["assessments"].tolist()
    assert written["last_date"].tolist() == ch["to_date"].tolist()
    two = (ch["assessments"] == 2).to_numpy()
    assert written["first_date"][two].tolist() == ch["from_date"][two].tolist()
    np.testing.assert_array_equal(written["days"].to_numpy(dtype=float), ch["days"].to_numpy(dtype=float, na_value=np.nan))
    for column in ("composite_change", "probability_change"):
        np.testing.assert_array_equal(written[column].to_numpy(dtype=float), ch[column].to_numpy(), err_msg=column)
    for column in ("level_from", "level_to", "band_from", "band_to"):
        assert texts(written[column]) == texts(ch[column]), column
    assert written["alerts"].tolist() == ch["alerts"].tolist()
    assert texts(written["alert_kinds"]) == [";".join(k) for k in ch["alert_kinds"]]
    assert texts(written["alert_reasons"]) == [" | ".join(r) for r in ch["alert_reasons"]]
    # The data exercise the rules: every kind appears, and overdue exactly on the FIRST-only cases.
    kinds = {k for ks in ch["alert_kinds"] for k in ks}
    assert kinds == {"dimension_worsening", "level_increase", "critical_item_appears", "reassessment_overdue",
                     "band_increase", "probability_increase"}
    overdue = np.array(["reassessment_overdue" in k for k in ch["alert_kinds"]])
    assert overdue.tolist() == ((ch["assessments"] == 1) & (ch["to_date"] == FIRST)).tolist()


def test_prioritise_equals_the_cli(histories, tmp_path):
    frame, path = histories
    out = tmp_path / "ranked.csv"
    cli("prioritise", "-i", path, "--capacity", 100, "--by", "territory", "--capacity-by", "leon=20",
        "--as-of", AS_OF, "--lang", "en", "-o", out)
    written = read_cli_csv(out, dtype={"case_id": str})
    order = pact.prioritise(frame, capacity=100, by="territory", capacity_by={"leon": 20}, as_of=AS_OF, lang="en")
    assert written["case_id"].tolist() == list(order.index)
    assert written["rank"].tolist() == order["rank"].tolist() == list(range(1, 3001))
    assert written["selected"].astype(bool).tolist() == order["selected"].tolist()
    assert order["selected"].sum() == 20 + 100 + 100  # leon 20; salamanca and valladolid 100 each
    assert written["territory"].tolist() == order["territory"].tolist()
    assert written["group_rank"].tolist() == order["group_rank"].tolist()
    for column in ("probability", "composite", "worsening"):
        np.testing.assert_array_equal(written[column].to_numpy(dtype=float), order[column].to_numpy(), err_msg=column)
    assert texts(written["band"]) == texts(order["band"]) and texts(written["level"]) == texts(order["level"])
    assert written["alerts"].tolist() == order["alerts"].tolist()
    assert texts(written["alert_reasons"]) == [" | ".join(r) for r in order["reasons"]]
    # The same capacity for each territory.
    cli("prioritise", "-i", path, "--capacity", 30, "--by", "territory", "--per-group", "--as-of", AS_OF, "-o", out)
    each = pact.prioritise(frame, capacity=30, by="territory", per_group=True, as_of=AS_OF)
    assert read_cli_csv(out)["selected"].astype(bool).tolist() == each["selected"].tolist()
    assert each["selected"].sum() == 90
    labels = pact.RiskModel.default().features("en")["label"]
    top = [[order[f"top_factor_{k}"].iloc[i] for k in (1, 2, 3)] for i in range(len(order))]
    assert texts(written["top_factors"]) == ["; ".join(labels[f] for f in t if not pd.isna(f)) for t in top]


# --- audit records -------------------------------------------------------------------------------


def assessments(path):
    """The cases of an assessment CSV as pact.score_one takes them. Columns that are neither the
    case id, the date nor items are attributes, as the CLI's CSV reader passes them (the text of
    the field: followup_months "36", not 36.0)."""
    items = pact.Instrument.default().item_ids
    numbers = pd.read_csv(path, float_precision="round_trip", dtype={"case_id": str})
    text = pd.read_csv(path, dtype=str, keep_default_na=False)
    attributes = [c for c in text.columns if c not in items and c not in ("case_id", "date")]
    for i in range(len(text)):
        yield {"case_id": text["case_id"][i], "date": text["date"][i],
               "attributes": {a: text[a][i] for a in attributes},
               "responses": {item: float(numbers[item][i]) for item in items if not pd.isna(numbers[item][i])}}


def test_audit_logs_verify_across_the_shells(tmp_path):
    # The CLI scores a simulated caseload with an audit log; Python verifies it.
    cases = tmp_path / "cases.csv"
    cli("simulate", "-n", 300, "--seed", 8, "--date", "2026-11-01", "-o", cases)
    results, log = tmp_path / "results.jsonl", tmp_path / "audit.jsonl"
    cli("score", "-i", cases, "-o", results, "--audit", log)
    report = pact.verify_audit(log, results=results)
    assert report.ok and report.records == report.results == report.matched == 300
    # Python scores the same cases with its own log; the CLI verifies it, and the records state
    # the same input digests and outputs as the CLI's (only the times and the chain differ).
    py_log, py_results = tmp_path / "py-audit.jsonl", tmp_path / "py-results.jsonl"
    with pact.AuditLog(py_log) as audit, open(py_results, "w", encoding="utf-8") as out:
        for case in assessments(cases):
            out.write(json.dumps(pact.score_one(case, audit=audit)) + "\n")
    verified = cli("audit", "verify", "--log", py_log, "--results", py_results)
    assert "300 records, 300 results, 300 matched" in verified.stderr
    cli_records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    py_records = [json.loads(line) for line in py_log.read_text(encoding="utf-8").splitlines()]
    for a, b in zip(cli_records, py_records):
        assert (a["case_id"], a["input_sha256"], a["instrument"], a["model"]) == \
            (b["case_id"], b["input_sha256"], b["instrument"], b["model"])
        assert a["outputs"] == b["outputs"]
    # A result edited after the fact: both verifiers report it, on the same line.
    lines = py_results.read_text(encoding="utf-8").splitlines()
    edited = json.loads(lines[41])
    edited["composite"]["score"] = 0.99
    lines[41] = json.dumps(edited)
    tampered = tmp_path / "tampered.jsonl"
    tampered.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = pact.verify_audit(py_log, results=tampered)
    assert report.problems[["source", "line", "case_id"]].values.tolist() == [["results", 42, edited["case_id"]]]
    printed = cli("audit", "verify", "--log", py_log, "--results", tampered, check=1).stdout
    assert f"{tampered}:42: case {edited['case_id']}: {report.problems['problem'].iloc[0]}" in printed
