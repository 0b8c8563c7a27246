"""Audit records from Python: pact.AuditLog and score_one(audit=) write pact's hash-chained JSON
Lines records (include/pact/audit.hpp), pact.verify_audit checks them. The chain and the input
digest are recomputed here with hashlib from docs/casework.md's definitions, and tampering with
a record or a result is detected."""

import hashlib
import io
import json

import pytest

import pact

CASES = [
    {"case_id": "c-0001", "date": "2026-11-01", "attributes": {"territory": "leon", "sex": "f"},
     "responses": {"emp_work_status": 4, "hou_homelessness": 1, "tic_months_in_care": 30, "eco_income_ratio": 40}},
    {"case_id": "c-0002", "date": "2026-11-02",
     "responses": {"emp_work_status": 1, "hou_homelessness": 1, "tic_months_in_care": 2, "res_motivation": 1}},
    {"case_id": "c-0003", "date": "2026-11-03",
     "responses": {"emp_work_status": 5, "hou_homelessness": 4, "tic_months_in_care": 60, "coh_gender_violence": True}},
    # No months in care: the default model gives no risk, and the record states none.
    {"case_id": "c-0004", "date": "2026-11-04", "responses": {"emp_work_status": 3, "hou_homelessness": 2}},
]
OVERRIDE = pact.Override("band", "very_high", "ts-0042", "Eviction notice received this week", "2026-11-23T10:15:00Z")


def write_log(path, **kwargs):
    results = []
    with pact.AuditLog(path, **kwargs) as log:
        for k, case in enumerate(CASES):
            results.append(pact.score_one(case, audit=log, override=OVERRIDE if k == 1 else None))
    return results


def lines(path):
    return path.read_text(encoding="utf-8").splitlines()


def write_lines(path, items):
    path.write_text("".join(line + "\n" for line in items), encoding="utf-8")


def test_records_chain_and_hold_digests_not_responses(tmp_path):
    path = tmp_path / "audit.jsonl"
    results = write_log(path)
    records = [json.loads(line) for line in lines(path)]
    assert [r["sequence"] for r in records] == [1, 2, 3, 4]
    previous = "0" * 64
    for record, case in zip(records, CASES):
        # record_sha256: SHA-256 of the record's canonical JSON (sorted keys, no spaces) without it.
        body = {k: v for k, v in record.items() if k != "record_sha256"}
        canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert record["record_sha256"] == hashlib.sha256(canonical.encode("utf-8")).hexdigest()
        assert record["previous_sha256"] == previous
        previous = record["record_sha256"]
        # input_sha256: of the canonical input, answered items as numbers, attributes sorted.
        responses = {k: float(v) for k, v in sorted(case["responses"].items())}
        canonical_input = {"attributes": dict(sorted(case.get("attributes", {}).items())), "case_id": case["case_id"],
                           "date": case["date"], "responses": responses}
        text = json.dumps(canonical_input, sort_keys=True, separators=(",", ":"))
        assert record["input_sha256"] == hashlib.sha256(text.encode("utf-8")).hexdigest()
        assert "responses" not in record and record["case_id"] == case["case_id"]
    assert records[1]["override"] == OVERRIDE.to_dict() and records[0]["override"] is None
    assert results[1]["override"] == OVERRIDE.to_dict()
    assert records[0]["outputs"]["band"] == results[0]["risk"]["band"]["id"]
    assert records[3]["model"] is None and records[3]["outputs"]["probability"] is None
    assert results[3]["risk"]["status"] == "missing_duration"

    report = pact.verify_audit(path, results=results)
    assert report.ok and report.records == 4 and report.results == 4 and report.matched == 4
    assert report.unmatched_records == 0 and len(report.problems) == 0
    # A subset of the results is fine: the other records are counted, not flagged.
    subset = pact.verify_audit(path, results=results[1:3])
    assert subset.ok and subset.matched == 2 and subset.unmatched_records == 2
    # Results as a JSON Lines file.
    results_path = tmp_path / "results.jsonl"
    write_lines(results_path, [json.dumps(r) for r in results])
    assert pact.verify_audit(path, results=results_path).ok


def test_a_tampered_record_is_detected(tmp_path):
    path = tmp_path / "audit.jsonl"
    write_log(path)
    original = lines(path)
    assert pact.verify_audit(path).ok
    # An altered output.
    altered = list(original)
    record = json.loads(altered[1])
    record["outputs"]["band"] = "low"
    altered[1] = json.dumps(record, separators=(",", ":"))
    write_lines(path, altered)
    report = pact.verify_audit(path)
    assert not report.ok
    assert report.problems[["source", "line", "case_id"]].values.tolist() == [["log", 2, "c-0002"]]
    assert "altered" in report.problems["problem"].iloc[0]
    # A removed record breaks the chain at the next one.
    write_lines(path, original[:1] + original[2:])
    report = pact.verify_audit(path)
    assert not report.ok and "chain is broken" in report.problems["problem"].iloc[0]
    assert report.problems["line"].iloc[0] == 2
    # Reordered records.
    write_lines(path, [original[1], original[0]] + original[2:])
    assert not pact.verify_audit(path).ok
    # A log that is not a chain cannot be continued.
    write_lines(path, altered)
    with pytest.raises(pact.ValidationError, match="altered"):
        pact.AuditLog(path)


def test_a_tampered_result_is_detected(tmp_path):
    path = tmp_path / "audit.jsonl"
    results = write_log(path)

    def problems(edited):
        report = pact.verify_audit(path, results=edited)
        assert report.problems["source"].eq("results").all()
        return report.problems[["line", "case_id", "problem"]].values.tolist()

    edited = json.loads(json.dumps(results))
    edited[0]["composite"]["score"] = 0.99
    assert [p[:2] for p in problems(edited)] == [[1, "c-0001"]] and "outputs differ" in problems(edited)[0][2]
    edited = json.loads(json.dumps(results))
    for item in edited[2]["items"]:
        if item["id"] == "emp_work_status":
            item["response"] = 1
    assert "input differs" in problems(edited)[0][2]
    edited = json.loads(json.dumps(results))
    edited[1]["override"]["reason"] = "Something else"
    assert "override differs" in problems(edited)[0][2]
    edited = json.loads(json.dumps(results))
    edited[2]["risk"]["band"]["id"] = "low"
    assert "outputs differ" in problems(edited)[0][2]
    edited = json.loads(json.dumps(results))
    edited[0]["risk"]["model"]["version"] = "9.9.9"
    assert "model differs" in problems(edited)[0][2]
    # A result nobody audited.
    extra = pact.score_one({"emp_work_status": 2, "hou_homelessness": 1, "tic_months_in_care": 3}, case_id="c-0099",
                           items=True)
    assert "no audit record" in problems(results + [extra])[0][2]


def test_a_log_is_continued_and_files_and_model_free_logs_work(tmp_path):
    path = tmp_path / "audit.jsonl"
    first = write_log(path)
    with pact.AuditLog(path) as log:
        more = log.append(CASES[0]["responses"], case_id="c-0005", timestamp="2026-11-24T08:00:00Z")
        assert log.records == 1
    records = [json.loads(line) for line in lines(path)]
    assert records[-1]["sequence"] == 5 and records[-1]["previous_sha256"] == records[-2]["record_sha256"]
    assert records[-1]["timestamp"] == "2026-11-24T08:00:00Z"
    assert pact.verify_audit(path, results=first + [more]).ok
    # A text file object, without a model.
    buffer = io.StringIO()
    log = pact.AuditLog(buffer, model=False)
    plain = [log.append(case) for case in CASES]
    assert "risk" not in plain[0]
    assert json.loads(buffer.getvalue().splitlines()[0])["model"] is None
    assert pact.verify_audit(io.StringIO(buffer.getvalue()), results=plain).ok
    # The log records its instrument and model: a scoring call with others is refused.
    with pytest.raises(ValueError, match="another instrument or model"):
        pact.score_one(CASES[0], audit=log)
    log.close()
    with pytest.raises(ValueError, match="closed"):
        log.append(CASES[0])
    # An invalid override writes nothing.
    with pact.AuditLog(path) as log:
        with pytest.raises(pact.ValidationError):
            log.append(CASES[0], override=pact.Override("band", "high", "Ana García", "why"))
        assert log.records == 0
    assert len(lines(path)) == 5
