"""pact's fitting and validation statistics against the reference implementations, run here.

Data come from numpy with fixed seeds; pact runs through the driver tests/tools/fit_driver.cpp
(path in the environment variable PACT_FIT_DRIVER, set by ctest), which reads raw binary files
and prints JSON. The references are statsmodels (Logit, GLM with freq_weights and offset) and
scikit-learn (roc_auc_score, brier_score_loss, calibration_curve). The penalised fit has no
statsmodels counterpart with the same convention, so its optimum is checked from first
principles with numpy: the gradient of the penalised log-likelihood is zero and the standard
errors are those of the inverse of X'WX + l2 * P.
"""

import json
import os
import subprocess
import warnings

import numpy as np
import pytest
import statsmodels.api as sm
from sklearn.calibration import calibration_curve
from sklearn.metrics import brier_score_loss, roc_auc_score
from statsmodels.tools.sm_exceptions import PerfectSeparationError

DRIVER = os.environ.get("PACT_FIT_DRIVER")
if not DRIVER:
    raise RuntimeError("set PACT_FIT_DRIVER to the pact_fit_driver executable (ctest does)")

RTOL = 1e-6


def run(tmp_path, job, arrays):
    """Writes the arrays as raw binary files, runs the driver on the job, returns (status, json)."""
    for key, (array, dtype) in arrays.items():
        path = tmp_path / f"{key}.bin"
        np.ascontiguousarray(array, dtype=dtype).tofile(path)
        job[key] = str(path)
    job_path = tmp_path / "job.json"
    job_path.write_text(json.dumps(job))
    proc = subprocess.run([DRIVER, str(job_path)], capture_output=True, text=True, check=False)
    assert proc.returncode in (0, 3), proc.stderr
    return proc.returncode, json.loads(proc.stdout)


def fit(tmp_path, X, y, weights=None, offset=None, **options):
    arrays = {"x": (X, "<f8"), "y": (y, "<f8")}
    if weights is not None:
        arrays["weights"] = (weights, "<f8")
    if offset is not None:
        arrays["offset"] = (offset, "<f8")
    job = {"command": "fit", "rows": X.shape[0], "cols": X.shape[1], **options}
    return run(tmp_path, job, arrays)


def fit_ok(tmp_path, *args, **kwargs):
    status, out = fit(tmp_path, *args, **kwargs)
    assert status == 0, out
    return out


def fit_error(tmp_path, *args, **kwargs):
    status, out = fit(tmp_path, *args, **kwargs)
    assert status == 3, out
    return out["error"]


def logistic_data(seed, n, p, intercept=-0.7):
    rng = np.random.default_rng(seed)
    X = np.column_stack([np.ones(n), rng.normal(size=(n, p - 1))])
    X[:, -1] = rng.integers(0, 2, size=n)  # a dummy, as case covariates often are
    beta = np.concatenate([[intercept], rng.uniform(-0.8, 0.8, size=p - 1)])
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-(X @ beta)))).astype(float)
    return rng, X, y


def sigmoid(t):
    return 1 / (1 + np.exp(-t))


# --- logistic regression ---------------------------------------------------------------------


@pytest.mark.parametrize("seed,n,p", [(1, 2000, 4), (2, 20000, 8), (3, 60000, 12)])
def test_logit_matches_statsmodels(tmp_path, seed, n, p):
    _, X, y = logistic_data(seed, n, p)
    ref = sm.Logit(y, X).fit(method="newton", disp=False)
    out = fit_ok(tmp_path, X, y)
    assert out["converged"]
    np.testing.assert_allclose(out["params"], ref.params, rtol=RTOL)
    np.testing.assert_allclose(out["bse"], ref.bse, rtol=RTOL)
    np.testing.assert_allclose(out["cov"], ref.cov_params(), rtol=RTOL, atol=1e-12)
    np.testing.assert_allclose(out["llf"], ref.llf, rtol=RTOL)


def test_frequency_weights_match_glm(tmp_path):
    rng, X, y = logistic_data(4, 8000, 6)
    w = rng.integers(0, 5, size=len(y)).astype(float)  # zeros included: rows that do not count
    ref = sm.GLM(y, X, family=sm.families.Binomial(), freq_weights=w).fit(tol=1e-12)
    out = fit_ok(tmp_path, X, y, weights=w)
    np.testing.assert_allclose(out["params"], ref.params, rtol=RTOL)
    np.testing.assert_allclose(out["bse"], ref.bse, rtol=RTOL)
    np.testing.assert_allclose(out["llf"], ref.llf, rtol=RTOL)
    assert out["weight_sum"] == w.sum()
    assert out["rows"] == int((w > 0).sum())


def test_offset_matches_glm(tmp_path):
    # GLM, not Logit: statsmodels 0.13's Logit ignores an offset argument (ValueWarning
    # "unknown kwargs").
    rng, X, y = logistic_data(5, 8000, 5)
    offset = rng.normal(scale=0.5, size=len(y))
    ref = sm.GLM(y, X, family=sm.families.Binomial(), offset=offset).fit(tol=1e-12)
    out = fit_ok(tmp_path, X, y, offset=offset)
    np.testing.assert_allclose(out["params"], ref.params, rtol=RTOL)
    np.testing.assert_allclose(out["bse"], ref.bse, rtol=RTOL)
    np.testing.assert_allclose(out["llf"], ref.llf, rtol=RTOL)
    # The offset matters: without it the estimates differ well beyond the tolerance.
    assert np.max(np.abs(np.asarray(fit_ok(tmp_path, X, y)["params"]) - ref.params)) > 1e-3


def test_weights_and_offset_together_match_glm(tmp_path):
    rng, X, y = logistic_data(6, 6000, 5)
    offset = rng.normal(scale=0.3, size=len(y))
    w = rng.uniform(0.5, 3.0, size=len(y))  # non-integer frequency weights are allowed too
    ref = sm.GLM(y, X, family=sm.families.Binomial(), freq_weights=w, offset=offset).fit(tol=1e-12)
    out = fit_ok(tmp_path, X, y, weights=w, offset=offset)
    np.testing.assert_allclose(out["params"], ref.params, rtol=RTOL)
    np.testing.assert_allclose(out["bse"], ref.bse, rtol=RTOL)
    np.testing.assert_allclose(out["llf"], ref.llf, rtol=RTOL)


@pytest.mark.parametrize("l2", [0.5, 25.0])
def test_penalised_optimum_from_first_principles(tmp_path, l2):
    rng, X, y = logistic_data(7, 5000, 7)
    w = rng.integers(1, 4, size=len(y)).astype(float)
    offset = rng.normal(scale=0.2, size=len(y))
    out = fit_ok(tmp_path, X, y, weights=w, offset=offset, l2=l2, unpenalized=[0])
    b = np.asarray(out["params"])
    penalised = np.ones(X.shape[1])
    penalised[0] = 0
    mu = sigmoid(X @ b + offset)
    gradient = X.T @ (w * (y - mu)) - l2 * penalised * b
    # The unpenalised gradient has entries of size sum(w |x|), about 1e4 here.
    assert np.max(np.abs(gradient)) < 1e-7, gradient
    information = X.T @ ((w * mu * (1 - mu))[:, None] * X) + np.diag(l2 * penalised)
    cov = np.linalg.inv(information)
    np.testing.assert_allclose(out["cov"], cov, rtol=RTOL, atol=1e-14)
    np.testing.assert_allclose(out["bse"], np.sqrt(np.diag(cov)), rtol=RTOL)
    llf = np.sum(w * (y * np.log(mu) + (1 - y) * np.log1p(-mu)))
    np.testing.assert_allclose(out["llf"], llf, rtol=1e-10)
    np.testing.assert_allclose(out["penalized_llf"], llf - l2 / 2 * np.sum(penalised * b**2), rtol=1e-10)
    # The penalty shrinks: the penalised coefficients are smaller than the MLE's on the whole.
    mle = sm.GLM(y, X, family=sm.families.Binomial(), freq_weights=w, offset=offset).fit(tol=1e-12)
    assert np.sum(b[1:] ** 2) < np.sum(np.asarray(mle.params)[1:] ** 2)


def test_same_result_with_any_thread_count(tmp_path):
    _, X, y = logistic_data(8, 100000, 6)
    outs = [fit_ok(tmp_path, X, y, threads=t) for t in (1, 2, 5)]
    for other in outs[1:]:
        assert other["params"] == outs[0]["params"]
        assert other["cov"] == outs[0]["cov"]
        assert other["llf"] == outs[0]["llf"]


# --- discrete-time hazard model --------------------------------------------------------------


def test_hazard_model_matches_statsmodels_on_expanded_rows(tmp_path):
    """pact's lazy person-period design against rows expanded here with numpy and statsmodels."""
    rng = np.random.default_rng(9)
    cases = 3000
    t0 = rng.integers(0, 40, size=cases).astype(np.int32)
    followup = rng.integers(0, 30, size=cases).astype(np.int32)
    left = ((rng.uniform(size=cases) < 0.5) & (followup > 0)).astype(np.uint8)
    Z = np.column_stack([rng.normal(size=cases), rng.integers(0, 2, size=cases)])
    bands = [1, 7, 13, 25, 49]
    # Person-months: case i has months t0+1 .. t0+m, with the exit in the last when it left.
    case = np.repeat(np.arange(cases), followup)
    first = np.repeat(np.cumsum(followup) - followup, followup)
    month = t0[case] + 1 + (np.arange(case.size) - first)
    event = ((month == t0[case] + followup[case]) & (left[case] == 1)).astype(float)
    band = np.searchsorted(bands, month, side="right") - 1
    design = np.column_stack([(band[:, None] == np.arange(len(bands))).astype(float), Z[case]])
    ref = sm.Logit(event, design).fit(method="newton", disp=False)

    status, out = run(
        tmp_path,
        {"command": "hazard", "cases": cases, "cols": 2, "bands": bands, "names": ["z", "flag"]},
        {
            "t0": (t0, "<i4"),
            "followup": (followup, "<i4"),
            "left": (left, "u1"),
            "covariates": (Z, "<f8"),
        },
    )
    assert status == 0, out
    assert out["person_periods"] == case.size
    assert out["events"] == int(event.sum())
    assert out["column_names"] == ["months 1-6", "months 7-12", "months 13-24", "months 25-48", "months 49+", "z", "flag"]
    np.testing.assert_allclose(out["params"], ref.params, rtol=RTOL)
    np.testing.assert_allclose(out["bse"], ref.bse, rtol=RTOL)
    np.testing.assert_allclose(out["llf"], ref.llf, rtol=RTOL)


# --- errors ----------------------------------------------------------------------------------


def test_perfect_separation_is_an_error_as_in_statsmodels(tmp_path):
    rng = np.random.default_rng(10)
    x = np.concatenate([rng.uniform(-3, -0.5, 300), rng.uniform(0.5, 3, 300)])
    X = np.column_stack([np.ones_like(x), x, rng.normal(size=x.size)])
    y = (x > 0).astype(float)
    with pytest.raises(PerfectSeparationError):
        sm.Logit(y, X).fit(method="newton", disp=False)
    error = fit_error(tmp_path, X, y, names=["const", "x", "noise"])
    assert error["problem"] == "separation"
    assert "perfect separation" in error["reason"]
    assert error["columns"] == ["x"]  # the intercept and the noise are not needed to separate


def test_separation_by_a_combination_names_only_its_columns(tmp_path):
    rng = np.random.default_rng(14)
    a, b = rng.normal(size=(2, 6000))
    keep = np.abs(a + 2 * b) > 0.1  # a gap around the separating line a + 2b = 0
    X = np.column_stack([np.ones(keep.sum()), a[keep], rng.normal(size=keep.sum()), b[keep]])
    y = (a[keep] + 2 * b[keep] > 0).astype(float)
    error = fit_error(tmp_path, X, y, names=["const", "a", "noise", "b"])
    assert error["problem"] == "separation"
    assert error["columns"] == ["a", "b"]


def test_quasi_complete_separation_names_the_column(tmp_path):
    rng, X, y = logistic_data(11, 5000, 4)
    d = (rng.uniform(size=len(y)) < 0.05).astype(float)
    y = np.where(d == 1, 1.0, y)  # every row with d = 1 has the event
    Xd = np.column_stack([X, d])
    # statsmodels does not stop: it reports a huge coefficient with a huge standard error.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = sm.Logit(y, Xd).fit(method="newton", disp=False, maxiter=100)
    assert ref.params[-1] > 10 and ref.bse[-1] > 100
    error = fit_error(tmp_path, Xd, y, names=["const", "a", "b", "c", "d"])
    assert error["problem"] == "separation"
    assert "quasi-complete separation" in error["reason"]
    assert error["columns"] == ["d"]
    assert f"{int(d.sum())} of {len(y)} rows" in error["reason"]


def test_rank_deficient_design_names_the_columns(tmp_path):
    _, X, y = logistic_data(12, 3000, 4)
    Xs = np.column_stack([X, X[:, 1] + 3 * X[:, 2], np.full(len(y), 2.0)])
    assert np.linalg.matrix_rank(Xs) == 4  # two of the six columns are redundant
    error = fit_error(tmp_path, Xs, y, names=["const", "a", "b", "c", "a3b", "two"])
    assert error["problem"] == "rank_deficient"
    assert "'a3b' is a linear combination of 'a', 'b'" in error["reason"]
    assert "'two' is constant, which duplicates 'const'" in error["reason"]


def test_bad_values_are_reported_with_their_place(tmp_path):
    _, X, y = logistic_data(13, 100, 3)
    bad_y = y.copy()
    bad_y[7] = 0.5
    assert fit_error(tmp_path, X, bad_y)["where"] == "y[7]"
    bad_X = X.copy()
    bad_X[42, 1] = np.nan
    assert fit_error(tmp_path, bad_X, y, names=["const", "a", "b"])["where"] == "X[42, a]"
    w = np.ones_like(y)
    w[3] = np.inf
    assert fit_error(tmp_path, X, y, weights=w)["where"] == "weights[3]"
    error = fit_error(tmp_path, X, y, max_iterations=2)
    assert error["problem"] == "not_converged"
    assert error["iterations"] == 2 and error["gradient_norm"] > 0


# --- validation statistics -------------------------------------------------------------------


def metrics(tmp_path, y, p, weights=None, groups=None, names=None, **options):
    arrays = {"y": (y, "<f8"), "p": (p, "<f8")}
    if weights is not None:
        arrays["weights"] = (weights, "<f8")
    if groups is not None:
        arrays["groups"] = (groups, "<i4")
        options["group_names"] = names
    return run(tmp_path, {"command": "metrics", "rows": len(y), **options}, arrays)


def predictions(seed, n, decimals=2):
    """Probabilities rounded to a grid, so that ties and values on bin edges are common."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    p_true = sigmoid(-0.5 + 1.2 * x)
    y = (rng.uniform(size=n) < p_true).astype(float)
    p = np.clip(np.round(sigmoid(-0.3 + 0.9 * x + rng.normal(scale=0.3, size=n)), decimals), 0.01, 0.99)
    return rng, y, p


def sklearn_counts(p, n_bins, strategy):
    """Rows per non-empty bin, cut as calibration_curve cuts them."""
    if strategy == "quantile":
        edges = np.percentile(p, np.linspace(0, 1, n_bins + 1) * 100)
    else:
        edges = np.linspace(0.0, 1.0, n_bins + 1)
    counts = np.bincount(np.searchsorted(edges[1:-1], p), minlength=len(edges))
    return edges, counts[counts != 0]


def check_against_references(m, y, p, w, n_bins, strategy):
    np.testing.assert_allclose(m["auc"], roc_auc_score(y, p, sample_weight=w), rtol=1e-12)
    np.testing.assert_allclose(m["brier"], brier_score_loss(y, p, sample_weight=w), rtol=1e-12)
    prob_true, prob_pred = calibration_curve(y, p, n_bins=n_bins, strategy=strategy)
    np.testing.assert_array_equal(m["curve"]["prob_true"], prob_true)
    np.testing.assert_array_equal(m["curve"]["prob_pred"], prob_pred)
    edges, counts = sklearn_counts(p, n_bins, strategy)
    np.testing.assert_array_equal(m["curve"]["bin_edges"], edges)
    np.testing.assert_array_equal(m["curve"]["counts"], counts)
    ece = np.sum(counts / len(y) * np.abs(prob_true - prob_pred))
    np.testing.assert_allclose(m["ece"], ece, rtol=1e-12)
    assert m["n"] == len(y) and m["events"] == int(y.sum())
    np.testing.assert_allclose(m["prevalence"], y.mean(), rtol=1e-15)
    # Calibration-in-the-large: intercept with offset logit(p); slope: y on [1, logit(p)].
    logit = np.log(p / (1 - p))
    citl = sm.GLM(y, np.ones((len(y), 1)), family=sm.families.Binomial(), offset=logit, freq_weights=w).fit(tol=1e-12)
    slope = sm.GLM(y, sm.add_constant(logit), family=sm.families.Binomial(), freq_weights=w).fit(tol=1e-12)
    cal = m["calibration"]
    np.testing.assert_allclose([cal["intercept"], cal["intercept_se"]], [citl.params[0], citl.bse[0]], rtol=RTOL)
    np.testing.assert_allclose(
        [cal["slope_intercept"], cal["slope"], cal["slope_intercept_se"], cal["slope_se"]],
        [slope.params[0], slope.params[1], slope.bse[0], slope.bse[1]],
        rtol=RTOL,
    )


@pytest.mark.parametrize("n_bins,strategy", [(10, "uniform"), (5, "uniform"), (7, "uniform"), (10, "quantile"), (6, "quantile"), (13, "quantile")])
def test_metrics_match_sklearn_and_statsmodels(tmp_path, n_bins, strategy):
    _, y, p = predictions(20, 4000)
    status, out = metrics(tmp_path, y, p, bins=n_bins, strategy=strategy)
    assert status == 0, out
    check_against_references(out["total"], y, p, None, n_bins, strategy)


def test_calibration_slope_matches_logit(tmp_path):
    _, y, p = predictions(21, 3000, decimals=6)
    logit = np.log(p / (1 - p))
    ref = sm.Logit(y, sm.add_constant(logit)).fit(method="newton", disp=False)
    status, out = metrics(tmp_path, y, p)
    assert status == 0, out
    cal = out["total"]["calibration"]
    np.testing.assert_allclose([cal["slope_intercept"], cal["slope"]], ref.params, rtol=RTOL)
    np.testing.assert_allclose([cal["slope_intercept_se"], cal["slope_se"]], ref.bse, rtol=RTOL)


def test_weighted_metrics_match_sklearn(tmp_path):
    rng, y, p = predictions(22, 3000)
    w = rng.integers(0, 4, size=len(y)).astype(float)
    status, out = metrics(tmp_path, y, p, weights=w)
    assert status == 0, out
    m = out["total"]
    np.testing.assert_allclose(m["auc"], roc_auc_score(y, p, sample_weight=w), rtol=1e-12)
    np.testing.assert_allclose(m["brier"], brier_score_loss(y, p, sample_weight=w), rtol=1e-12)
    # The curve counts rows, as calibration_curve does (it has no weights).
    prob_true, prob_pred = calibration_curve(y, p, n_bins=10)
    np.testing.assert_array_equal(m["curve"]["prob_true"], prob_true)
    logit = np.log(p / (1 - p))
    slope = sm.GLM(y, sm.add_constant(logit), family=sm.families.Binomial(), freq_weights=w).fit(tol=1e-12)
    np.testing.assert_allclose(m["calibration"]["slope"], slope.params[1], rtol=RTOL)


def test_metrics_by_subgroup(tmp_path):
    rng, y, p = predictions(23, 6000)
    names = ["female", "male", "other"]
    groups = rng.choice(3, size=len(y), p=[0.5, 0.45, 0.05]).astype(np.int32)
    status, out = metrics(tmp_path, y, p, groups=groups, names=names, bins=8, strategy="quantile")
    assert status == 0, out
    assert [g["group"] for g in out["groups"]] == names
    for code, g in enumerate(out["groups"]):
        sel = groups == code
        check_against_references(g, y[sel], p[sel], None, 8, "quantile")


def test_metric_errors(tmp_path):
    _, y, p = predictions(24, 200)
    bad = p.copy()
    bad[5] = 1.2
    status, out = metrics(tmp_path, y, bad)
    assert status == 3 and out["error"]["where"] == "p[5]"
    with pytest.raises(ValueError):
        calibration_curve(y, bad)
    bad[5] = np.nan
    status, out = metrics(tmp_path, y, bad)
    assert status == 3 and out["error"]["where"] == "p[5]" and "NaN" in out["error"]["reason"]
    # A single outcome: the report leaves AUC empty with a note; roc_auc itself is an error, as in sklearn.
    ones = np.ones_like(y)
    with pytest.raises(ValueError):
        roc_auc_score(ones, p)
    status, out = metrics(tmp_path, ones, p)
    assert status == 0 and out["total"]["auc"] is None and out["total"]["notes"][0].startswith("auc:")
    status, out = metrics(tmp_path, ones, p, roc_auc=True)
    assert status == 3 and out["error"]["where"] == "y"
