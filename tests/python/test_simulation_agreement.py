"""Calibration of the default hazard model on a simulated caseload against statsmodels.

The driver tests/tools/simulation_driver.cpp (path in PACT_SIMULATION_DRIVER, set by ctest)
simulates a caseload from pact's default model, calibrates the same specification with
pact::calibrate, writes the responses and follow-up as raw binary files and prints the fit. Here
the features are computed again from the responses with the independent numpy scoring of
reference_scoring.py and the model JSON's feature rules (docs/risk-model-format.md), the
person-months are expanded with numpy, and statsmodels' Logit fits them; the evaluation
statistics are recomputed from docs/calibration.md's definition with scikit-learn and statsmodels.
"""

import json
import os
import subprocess

import numpy as np
import pytest
import statsmodels.api as sm
from sklearn.calibration import calibration_curve
from sklearn.metrics import brier_score_loss, roc_auc_score

import reference_scoring
from conftest import MODELS_DIR

DRIVER = os.environ.get("PACT_SIMULATION_DRIVER")
if not DRIVER:
    raise RuntimeError("set PACT_SIMULATION_DRIVER to the pact_simulation_driver executable (ctest does)")

INSTRUMENT = MODELS_DIR / "pact-instrument.json"
MODEL = json.loads((MODELS_DIR / "pact-chronicity.json").read_text(encoding="utf-8"))
RTOL = 1e-6


def simulate_and_calibrate(tmp_path, cases, seed, dropout):
    job = tmp_path / "job.json"
    job.write_text(json.dumps({"cases": cases, "seed": seed, "dropout": dropout, "threads": 2, "out": str(tmp_path)}))
    proc = subprocess.run([DRIVER, str(job)], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    responses = np.fromfile(tmp_path / "responses.bin", dtype="<f8").reshape(cases, len(out["items"]))
    followup = np.fromfile(tmp_path / "followup.bin", dtype="<i4")
    left = np.fromfile(tmp_path / "left.bin", dtype="u1")
    return out, responses, followup, left


def model_features(responses, items):
    """The default model's features, imputed at their references where the input is missing."""
    scores, composite, _, _ = reference_scoring.score(INSTRUMENT, responses)
    dims = [d["id"] for d in json.loads(INSTRUMENT.read_text(encoding="utf-8"))["dimensions"]]
    values, imputed = [], []
    for f in MODEL["features"]:
        kind = f["kind"]
        if kind == "dimension_score":
            x = scores[:, dims.index(f["dimension"])]
        elif kind == "item_value":
            x = responses[:, items.index(f["item"])]
        elif kind == "log_item_value":
            x = np.log1p(responses[:, items.index(f["item"])])
        elif kind == "hinge_item_value":
            x = np.maximum(0.0, responses[:, items.index(f["item"])] - f["knot"])  # NaN stays NaN
        elif kind == "composite":
            x = composite
        elif kind == "indicator":
            k = [g["id"] for g in MODEL["features"]].index(f["of"])
            x = np.where(imputed[k], np.nan, (values[k] >= f["at_least"]).astype(float))
        elif kind == "interaction":
            a, b = ([g["id"] for g in MODEL["features"]].index(i) for i in f["of"])
            x = np.where(imputed[a] | imputed[b], np.nan, values[a] * values[b])
        else:
            raise AssertionError(f"the default model has no {kind} feature")
        missing = np.isnan(x)
        values.append(np.where(missing, f["reference"], x))
        imputed.append(missing)
    return np.column_stack(values)


def survival(params, t0, Z, horizon):
    """P(still in care `horizon` months after the assessment) from the fitted hazard model."""
    starts = [b["from_month"] for b in MODEL["baseline"]]
    eta = Z @ params[len(starts):]
    log_s = np.zeros(len(t0))
    for k in range(1, horizon + 1):
        band = np.searchsorted(starts, t0 + k, side="right") - 1
        h = 1 / (1 + np.exp(-(params[band] + eta)))
        log_s += np.log1p(-h)
    return np.exp(log_s)


@pytest.mark.parametrize("cases,seed,dropout", [(4000, 3, 0.0), (5000, 4, 0.03)])
def test_hazard_calibration_matches_statsmodels(tmp_path, cases, seed, dropout):
    out, responses, followup, left = simulate_and_calibrate(tmp_path, cases, seed, dropout)
    items = out["items"]
    Z = model_features(responses, items)
    t0 = np.floor(responses[:, items.index(MODEL["duration"]["item"])]).astype(np.int64)
    assert not np.isnan(responses[:, items.index(MODEL["duration"]["item"])]).any()

    # Person-months: case i has months t0+1 .. t0+m, with the exit in the last when it left.
    case = np.repeat(np.arange(cases), followup)
    first = np.repeat(np.cumsum(followup) - followup, followup)
    month = t0[case] + 1 + (np.arange(case.size) - first)
    event = ((month == t0[case] + followup[case]) & (left[case] == 1)).astype(float)
    starts = [b["from_month"] for b in MODEL["baseline"]]
    band = np.searchsorted(starts, month, side="right") - 1
    design = np.column_stack([(band[:, None] == np.arange(len(starts))).astype(float), Z[case]])
    ref = sm.Logit(event, design).fit(method="newton", disp=False)

    assert out["n_rows"] == case.size
    assert out["column_names"] == ["months 1-6", "months 7-12", "months 13-24", "months 25-48", "months 49+"] + [
        f["id"] for f in MODEL["features"]
    ]
    np.testing.assert_allclose(out["params"], ref.params, rtol=RTOL)
    np.testing.assert_allclose(out["bse"], ref.bse, rtol=RTOL)
    np.testing.assert_allclose(out["llf"], ref.llf, rtol=RTOL)
    written = out["model"]
    assert [b["coefficient"] for b in written["baseline"]] == out["params"][: len(starts)]
    assert [f["se"] for f in written["features"]] == out["bse"][len(starts) :]
    assert written["provenance"]["status"] == "calibrated" and written["provenance"]["n_rows"] == case.size

    # Evaluation: P(chronic at 24 months) against the outcome of the cases that left within 24
    # months (0) or were seen in care through month 24 (1); the others are left out.
    horizon = MODEL["outcome"]["horizon_months"]
    y = np.where((left == 1) & (followup <= horizon), 0.0, np.where(followup >= horizon, 1.0, np.nan))
    keep = ~np.isnan(y)
    assert out["n_evaluated"] == int(keep.sum())
    if dropout == 0.0:
        assert keep.all()
    else:
        assert not keep.all()
    y = y[keep]
    p = survival(np.asarray(ref.params), t0, Z, horizon)[keep]
    metrics = out["metrics"]
    np.testing.assert_allclose(metrics["auc"], roc_auc_score(y, p), rtol=RTOL)
    np.testing.assert_allclose(metrics["brier"], brier_score_loss(y, p), rtol=RTOL)
    prob_true, prob_pred = calibration_curve(y, p, n_bins=10)
    counts = np.bincount(np.searchsorted(np.linspace(0, 1, 11)[1:-1], p), minlength=10)
    ece = np.sum(counts[counts > 0] / len(y) * np.abs(prob_true - prob_pred))
    np.testing.assert_allclose(metrics["ece"], ece, rtol=RTOL)
    logit = np.log(p / (1 - p))
    citl = sm.GLM(y, np.ones((len(y), 1)), family=sm.families.Binomial(), offset=logit).fit(tol=1e-12)
    slope = sm.GLM(y, sm.add_constant(logit), family=sm.families.Binomial()).fit(tol=1e-12)
    np.testing.assert_allclose(metrics["calibration_intercept"], citl.params[0], rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(metrics["calibration_slope"], slope.params[1], rtol=1e-5)
