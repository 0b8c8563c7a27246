"""The `pact` command-line tool, run as a batch job would run it: exit codes, row accounting,
byte-identical output whatever the thread count, outputs that never appear half written (a
SIGKILL mid-run), the report rendered in headless Chromium, and every subcommand end to end."""

import csv
import io
import json
import os
import shutil
import signal
import subprocess
import time

import numpy as np
import pytest

from conftest import MODELS_DIR

CLI = os.environ.get("PACT_CLI")
pytestmark = pytest.mark.skipif(not CLI, reason="PACT_CLI is not set (the CLI is not built)")
SAMPLE = MODELS_DIR / "sample-caseload.csv"


def pact(*args, input=None, check=None):
    """Runs pact; returns the CompletedProcess. `check` asserts the exit status."""
    result = subprocess.run([CLI, *map(str, args)], input=input, capture_output=True, timeout=600)
    if check is not None:
        assert result.returncode == check, (result.returncode, result.stderr.decode())
    return result


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def caseload(tmp_path_factory):
    """A synthetic caseload of 20,000 cases, and a copy with bad rows mixed in."""
    d = tmp_path_factory.mktemp("cli")
    cases = d / "cases.csv"
    pact("simulate", "-n", 20000, "--seed", 7, "-o", cases, "--date", "2026-11-01", check=0)
    lines = cases.read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\r\n").split(",")
    status = header.index("emp_work_status")
    bad = list(lines)
    # Line numbers are 1-based with the header on line 1: data row k is on line k + 1.
    for k, value in ((10, "9"), (500, "abc"), (7777, "2.5")):
        fields = bad[k].rstrip("\r\n").split(",")
        fields[status] = value
        bad[k] = ",".join(fields) + "\r\n"
    bad.insert(1234, "short,row\r\n")
    bad_path = d / "bad.csv"
    bad_path.write_text("".join(bad), encoding="utf-8")
    return {"dir": d, "cases": cases, "bad": bad_path, "rows": 20000}


def test_version_and_help():
    out = pact("--version", check=0).stdout.decode()
    assert out.startswith("pact ") and "pact-instrument" in out and "sha256:" in out
    for command in ("score", "validate", "fit", "evaluate", "measure", "simulate", "bundle", "report", "explain",
                    "changes", "prioritise", "audit"):
        assert "Usage" in pact(command, "--help", check=0).stdout.decode()
    assert pact("score", "--no-such-option").returncode == 2
    assert pact().returncode == 2


def test_score_writes_every_row_and_is_byte_identical_across_threads(caseload):
    d = caseload["dir"]
    outputs = []
    for threads in (1, 2, 5):
        out = d / f"results-{threads}.csv"
        r = pact("score", "-i", caseload["cases"], "-o", out, "--threads", threads, "--batch-rows", 1000, check=0)
        assert "20,000 rows read, 20,000 scored, 0 rejected" in r.stderr.decode()
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]
    rows = read_csv(d / "results-1.csv")
    assert len(rows) == caseload["rows"]
    assert rows[0]["case_id"] == "sim-000001" and rows[-1]["case_id"] == "sim-020000"
    assert {"composite", "level", "risk_probability", "risk_band", "territory", "instrument_hash"} <= set(rows[0])


def test_results_agree_with_the_python_package(caseload):
    import pandas as pd

    import pact as pk

    out = caseload["dir"] / "results-py.csv"
    pact("score", "-i", caseload["cases"], "-o", out, check=0)
    # pandas' default float parser may round the last bit; the files hold shortest round-trip text.
    cli = pd.read_csv(out, float_precision="round_trip")
    frame = pd.read_csv(caseload["cases"], float_precision="round_trip")
    py = pk.score(frame.set_index("case_id"))
    np.testing.assert_array_equal(cli["composite"].to_numpy(), py["composite"].to_numpy())
    np.testing.assert_array_equal(cli["risk_probability"].to_numpy(), py["risk"].to_numpy())


def test_rejected_rows_go_to_the_errors_file_and_the_run_goes_on(caseload):
    d = caseload["dir"]
    out, errors = d / "r.csv", d / "rejected.csv"
    r = pact("score", "-i", caseload["bad"], "-o", out, "--errors", errors, check=1)
    summary = r.stderr.decode()
    assert "20,001 rows read, 19,997 scored, 4 rejected" in summary
    rejected = read_csv(errors)
    assert [int(e["line"]) for e in rejected] == [11, 501, 1235, 7779]
    assert rejected[0]["column"] == "emp_work_status" and "9 is not one of the options" in rejected[0]["reason"]
    assert rejected[2]["reason"]  # the short row
    assert len(read_csv(out)) + len(rejected) == 20001


def test_stdin_to_stdout_and_json_lines(caseload):
    data = caseload["cases"].read_bytes()
    r = pact("score", "-i", "-", "-o", "-", "--format", "csv", "--output-format", "jsonl", "--threads", 2,
             input=data[: data.index(b"\n", 200000) + 1], check=0)
    lines = r.stdout.decode().splitlines()
    first = json.loads(lines[0])
    assert first["case_id"] == "sim-000001" and first["risk"]["status"] == "ok"
    assert len(lines) == int(r.stderr.decode().split(" rows read")[0].split()[-1].replace(",", ""))


def test_exit_status_for_unusable_input(tmp_path):
    assert pact("score", "-i", tmp_path / "missing.csv", "-o", tmp_path / "x.csv").returncode == 3
    bad_header = tmp_path / "noid.csv"
    bad_header.write_text("emp_work_status\n1\n")
    r = pact("score", "-i", bad_header, "-o", tmp_path / "x.csv")
    assert r.returncode == 3 and "case_id" in r.stderr.decode()
    assert not (tmp_path / "x.csv").exists()


def test_a_killed_run_leaves_no_output_and_a_rerun_completes(tmp_path):
    """SIGKILL mid-run: nothing at the output path (results are written beside it and renamed
    only when complete); a rerun gives the complete, correct output."""
    cases = tmp_path / "big.csv"
    pact("simulate", "-n", 300000, "--seed", 3, "-o", cases, check=0)
    out = tmp_path / "results.csv"
    proc = subprocess.Popen([CLI, "score", "-i", str(cases), "-o", str(out), "--threads", "1", "--batch-rows", "256"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # Kill once the partial file exists and has grown, i.e. really mid-run.
    deadline = time.time() + 60
    killed_mid_run = False
    while time.time() < deadline and proc.poll() is None:
        partial = [p for p in tmp_path.iterdir() if p.name.startswith(".results.csv.pact-partial")]
        if partial and partial[0].stat().st_size > 1_000_000:
            proc.send_signal(signal.SIGKILL)
            killed_mid_run = True
            break
        time.sleep(0.01)
    proc.wait()
    assert killed_mid_run, "the run ended before it could be killed"
    assert not out.exists()
    pact("score", "-i", cases, "-o", out, check=0)
    reference = tmp_path / "reference.csv"
    pact("score", "-i", cases, "-o", reference, "--threads", 2, check=0)
    assert out.read_bytes() == reference.read_bytes()
    assert len(read_csv(out)) == 300000


def test_validate_lists_every_problem(tmp_path):
    r = pact("validate", MODELS_DIR / "pact-instrument.json", check=0)
    assert "valid instrument" in r.stdout.decode()
    pact("validate", MODELS_DIR / "pact-chronicity.json", check=0)
    doc = json.loads((MODELS_DIR / "pact-instrument.json").read_text(encoding="utf-8"))
    doc["items"][3]["weight"] = -1
    doc["dimensions"][2]["min_coverage"] = 7
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc), encoding="utf-8")
    out = pact("validate", bad, check=1).stdout.decode()
    assert "/dimensions/2/min_coverage" in out and "/items/3/weight" in out
    cases = tmp_path / "cases.csv"
    cases.write_text("case_id,emp_work_status,hou_homelessness\nc1,1,1\nc2,7,1\nc3,1,\n")
    out = pact("validate", cases, "--no-model", check=1).stdout.decode().splitlines()
    assert out[0].endswith(":3: column emp_work_status: 7 is not one of the options 1, 2, 3, 4, 5")
    assert ":4: column hou_homelessness" in out[1]


def test_simulate_is_deterministic(tmp_path):
    a, b, c = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "c.csv"
    pact("simulate", "-n", 5000, "--seed", 11, "-o", a, "--threads", 1, check=0)
    pact("simulate", "-n", 5000, "--seed", 11, "-o", b, "--threads", 2, check=0)
    pact("simulate", "-n", 5000, "--seed", 12, "-o", c, check=0)
    assert a.read_bytes() == b.read_bytes() != c.read_bytes()


def test_the_bundled_sample_caseload_is_the_documented_simulation(tmp_path):
    again = tmp_path / "sample.csv"
    pact("simulate", "-n", 3000, "--seed", 2026, "--date", "2026-11-01", "-o", again, check=0)
    assert again.read_bytes() == SAMPLE.read_bytes()


def test_bundle_scores_like_the_json(tmp_path):
    bundle = tmp_path / "m.bundle"
    pact("bundle", "-o", bundle, check=0)
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    pact("score", "-i", SAMPLE, "-o", a, check=0)
    pact("score", "-i", SAMPLE, "-o", b, "--bundle", bundle, check=0)
    assert a.read_bytes() == b.read_bytes()


def test_fit_writes_a_model_that_scores(caseload, tmp_path):
    model = tmp_path / "fitted.json"
    names = ["--name", "es=Riesgo de cronicidad (calibrado)", "--name", "ca=Risc de cronicitat (calibrat)",
             "--name", "en=Chronicity risk (calibrated)", "--description", "es=Calibrado en datos sintéticos",
             "--description", "ca=Calibrat amb dades sintètiques", "--description", "en=Calibrated on synthetic data"]
    r = pact("fit", "-i", caseload["cases"], "-o", model, "--version", "1.1.0", "--fitted-on", "synthetic, seed 7",
             "--fitted-at", "2026-11-23", *names, check=0)
    assert "Calibrated pact-chronicity 1.1.0" in r.stdout.decode()
    doc = json.loads(model.read_text(encoding="utf-8"))
    assert doc["provenance"]["status"] == "calibrated" and doc["version"] == "1.1.0"
    assert doc["name"]["en"] == "Chronicity risk (calibrated)" and doc["description"]["ca"].startswith("Calibrat")
    bad = pact("fit", "-i", caseload["cases"], "-o", tmp_path / "x.json", "--version", "1.1.0", "--fitted-on", "x",
               "--name", "Chronicity", check=3)
    assert "--name" in bad.stderr.decode() and not (tmp_path / "x.json").exists()
    pact("validate", model, check=0)
    out = tmp_path / "r.csv"
    pact("score", "-i", SAMPLE, "-o", out, "--model", model, check=0)
    assert read_csv(out)[0]["risk_model_version"] == "1.1.0"


def test_evaluate_and_measure_by_subgroup(caseload):
    r = pact("evaluate", "-i", caseload["cases"], "--by", "territory", "--output-format", "json", check=0)
    doc = json.loads(r.stdout)
    assert doc["total"]["n"] == caseload["rows"] and 0.5 < doc["total"]["auc"] < 1
    assert {g["group"] for g in doc["groups"]} == {"leon", "salamanca", "valladolid"}
    # The per-band table recounts from the scored results: cases, events and mean probability per band.
    scored = caseload["dir"] / "evaluate-bands.csv"
    pact("score", "-i", caseload["cases"], "-o", scored, check=0)
    results, cases = read_csv(scored), read_csv(caseload["cases"])
    for band in doc["bands"]:
        rows = [(float(r["risk_probability"]), float(c["chronic"])) for r, c in zip(results, cases)
                if r["risk_band"] == band["band"] and c["chronic"] != ""]
        assert band["n"] == len(rows) and band["events"] == sum(y for _, y in rows)
        if rows:
            assert abs(band["mean_predicted"] - sum(p for p, _ in rows) / len(rows)) < 1e-12
    assert sum(b["n"] for b in doc["bands"]) == doc["total"]["n"]
    r = pact("measure", "-i", caseload["cases"], "--by", "territory", "--output-format", "json", check=0)
    m = json.loads(r.stdout)
    assert abs(sum(g["contribution"] for g in m["groups"]) - 1) < 1e-12
    assert abs(sum(g["population_share"] * g["M"] for g in m["groups"]) - m["total"]["M"]) < 1e-12


def test_explain_one_case_in_each_language():
    for lang, word in (("es", "cronicidad"), ("en", "chronicity")):
        text = pact("explain", "-i", SAMPLE, "--case", "sim-000042", "--lang", lang, check=0).stdout.decode()
        assert "sim-000042" in text
    result = json.loads(pact("explain", "-i", SAMPLE, "--case", "sim-000042", "--json", check=0).stdout)
    assert result["case_id"] == "sim-000042" and "counterfactual" in result["risk"]
    assert pact("explain", "-i", SAMPLE, "--case", "nobody").returncode == 3


def test_audit_log_verifies_and_detects_tampering(tmp_path):
    results, log = tmp_path / "results.jsonl", tmp_path / "audit.jsonl"
    pact("score", "-i", SAMPLE, "-o", results, "--audit", log, check=0)
    # A second run appends to the same chain.
    results2 = tmp_path / "results2.jsonl"
    pact("score", "-i", SAMPLE, "-o", results2, "--audit", log, check=0)
    assert len(log.read_text().splitlines()) == 6000
    pact("audit", "verify", "--log", log, "--results", results, check=0)
    lines = log.read_text().splitlines()
    record = json.loads(lines[10])
    record["outputs"]["band"] = "low" if record["outputs"]["band"] != "low" else "high"
    lines[10] = json.dumps(record, separators=(",", ":"), sort_keys=True)
    tampered = tmp_path / "tampered.jsonl"
    tampered.write_text("\n".join(lines) + "\n")
    out = pact("audit", "verify", "--log", tampered, check=1).stdout.decode()
    assert ":11:" in out and "altered" in out


def test_changes_and_prioritise_over_histories(tmp_path):
    header = "case_id,date,territory,emp_work_status,hou_homelessness,emp_job_search,tic_months_in_care\n"
    rows = [
        "a,2026-01-10,leon,1,1,1,3",
        "a,2026-06-10,leon,5,4,0,8",  # much worse: level and alerts
        "b,2026-02-01,salamanca,2,1,1,40",
        "b,2026-03-01,salamanca,2,1,1,41",
    ]
    histories = tmp_path / "h.csv"
    histories.write_text(header + "\n".join(rows) + "\n")
    out = tmp_path / "changes.csv"
    pact("changes", "-i", histories, "-o", out, "--as-of", "2026-12-31", "--lang", "en", check=0)
    changes = {r["case_id"]: r for r in read_csv(out)}
    assert int(changes["a"]["alerts"]) >= 2 and "critical_item_appears" in changes["a"]["alert_kinds"]
    assert "reassessment_overdue" in changes["b"]["alert_kinds"]
    ranked = tmp_path / "ranked.csv"
    pact("prioritise", "-i", histories, "-o", ranked, "--capacity", 1, "--by", "territory", check=0)
    order = read_csv(ranked)
    assert [r["selected"] for r in order].count("1") == 1 and order[0]["rank"] == "1"
    pact("prioritise", "-i", histories, "-o", ranked, "--capacity", 1, "--by", "territory", "--per-group", check=0)
    selected = [r for r in read_csv(ranked) if r["selected"] == "1"]
    assert sorted(r["case_id"] for r in selected) == ["a", "b"]  # one per territory
    assert pact("prioritise", "-i", histories, "--capacity", 1, "--per-group").returncode == 3


def test_report_renders_in_headless_chromium(tmp_path):
    chromium = shutil.which("chromium")
    if not chromium:
        pytest.skip("chromium is not installed")
    report = tmp_path / "report.html"
    pact("report", "-i", SAMPLE, "-o", report, "--by", "territory", "--outcome", "chronic", "--lang", "ca", check=0)
    case = tmp_path / "case.html"
    pact("report", "-i", SAMPLE, "-o", case, "--case", "sim-000042", check=0)
    html = report.read_text(encoding="utf-8")
    assert "http" not in html.replace("http://www.w3.org/2000/svg", "")  # self-contained
    assert "<script" not in html
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}"]
    for page, charts in ((report, 6), (case, 3)):
        dom = subprocess.run([chromium, *flags, "--dump-dom", page.as_uri()], capture_output=True, timeout=120)
        assert dom.returncode == 0, dom.stderr.decode()[-2000:]
        text = dom.stdout.decode()
        assert text.count("<svg") >= charts and "</html>" in text
        png = tmp_path / (page.stem + ".png")
        shot = subprocess.run([chromium, *flags, "--window-size=1200,2400", f"--screenshot={png}", page.as_uri()],
                              capture_output=True, timeout=120)
        assert shot.returncode == 0 and png.stat().st_size > 20000
    assert "Informe de la càrrega de casos" in html
