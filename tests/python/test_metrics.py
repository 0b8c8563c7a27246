"""pact.metrics against scikit-learn (roc_auc_score, brier_score_loss, calibration_curve with
both strategies) and statsmodels (the calibration regressions), overall and by subgroup; ECE
against a direct numpy computation over sklearn's bins."""

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from sklearn.calibration import calibration_curve as sk_calibration_curve
from sklearn.metrics import brier_score_loss, roc_auc_score

from pact import metrics


def predictions(n, seed, miscalibration=1.3):
    """Predicted probabilities, outcomes drawn from a miscalibrated version of them, groups,
    and tied scores (predictions rounded to 2 decimals)."""
    rng = np.random.default_rng(seed)
    logit = rng.normal(-0.3, 1.4, size=n)
    p = np.round(1 / (1 + np.exp(-logit)), 2).clip(0.01, 0.99)
    y = (rng.random(n) < 1 / (1 + np.exp(-(0.2 + miscalibration * logit)))).astype(float)
    group = rng.choice(["leon", "salamanca", "valladolid"], size=n, p=[0.5, 0.3, 0.2])
    w = rng.integers(1, 4, size=n).astype(float)
    return y, p, group, w


def statsmodels_calibration(y, p, w=None):
    logit = np.log(p / (1 - p))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        kwargs = {"freq_weights": w} if w is not None else {}
        large = sm.GLM(y, np.ones((len(y), 1)), family=sm.families.Binomial(), offset=logit, **kwargs).fit(tol=1e-12)
        slope = sm.GLM(y, sm.add_constant(logit), family=sm.families.Binomial(), **kwargs).fit(tol=1e-12)
    return {"intercept": large.params[0], "intercept_se": large.bse[0], "slope": slope.params[1],
            "slope_se": slope.bse[1], "slope_intercept": slope.params[0], "slope_intercept_se": slope.bse[0]}


def test_auc_and_brier_agree_with_sklearn_with_ties_and_weights():
    y, p, group, w = predictions(5000, 1)
    assert len(np.unique(p)) < 100, "the scores have ties"
    assert metrics.roc_auc(y, p) == pytest.approx(roc_auc_score(y, p), rel=1e-12)
    assert metrics.roc_auc(y, p, sample_weight=w) == pytest.approx(roc_auc_score(y, p, sample_weight=w), rel=1e-12)
    assert metrics.brier_score(y, p) == pytest.approx(brier_score_loss(y, p), rel=1e-12)
    assert metrics.brier_score(y, p, sample_weight=w) == pytest.approx(brier_score_loss(y, p, sample_weight=w),
                                                                       rel=1e-12)
    by_group = metrics.roc_auc(pd.Series(y), pd.Series(p), by=group)
    assert list(by_group.index) == ["leon", "salamanca", "valladolid"]
    for g in by_group.index:
        rows = group == g
        assert by_group[g] == pytest.approx(roc_auc_score(y[rows], p[rows]), rel=1e-12)
        assert metrics.brier_score(y, p, by=group)[g] == pytest.approx(brier_score_loss(y[rows], p[rows]), rel=1e-12)


@pytest.mark.parametrize("strategy", ["uniform", "quantile"])
@pytest.mark.parametrize("n_bins", [5, 10])
def test_calibration_curve_agrees_with_sklearn(strategy, n_bins):
    y, p, group, _ = predictions(4000, 2)
    curve = metrics.calibration_curve(y, p, n_bins=n_bins, strategy=strategy)
    prob_true, prob_pred = sk_calibration_curve(y, p, n_bins=n_bins, strategy=strategy)
    np.testing.assert_allclose(curve["prob_true"].to_numpy(), prob_true, rtol=1e-12)
    np.testing.assert_allclose(curve["prob_pred"].to_numpy(), prob_pred, rtol=1e-12)
    assert curve["count"].sum() == len(y)
    by = metrics.calibration_curve(y, p, n_bins=n_bins, strategy=strategy, by=group)
    for g, frame in by.groupby("group"):
        rows = group == g
        prob_true, prob_pred = sk_calibration_curve(y[rows], p[rows], n_bins=n_bins, strategy=strategy)
        np.testing.assert_allclose(frame["prob_true"].to_numpy(), prob_true, rtol=1e-12)
        np.testing.assert_allclose(frame["prob_pred"].to_numpy(), prob_pred, rtol=1e-12)
    # ECE over the same bins: sum of (rows in bin / rows) * |observed - predicted|.
    counts = curve["count"].to_numpy()
    expected = np.sum(counts / len(y) * np.abs(curve["prob_true"] - curve["prob_pred"]).to_numpy())
    assert metrics.expected_calibration_error(y, p, n_bins=n_bins, strategy=strategy) == pytest.approx(expected,
                                                                                                        rel=1e-12)


def test_calibration_regressions_agree_with_statsmodels():
    y, p, group, w = predictions(6000, 3)
    for weights in (None, w):
        ours = metrics.calibration_regression(y, p, sample_weight=weights)
        reference = statsmodels_calibration(y, p, weights)
        for key, value in reference.items():
            assert ours[key] == pytest.approx(value, rel=1e-6), key
    assert metrics.calibration_slope(y, p) == pytest.approx(statsmodels_calibration(y, p)["slope"], rel=1e-6)
    assert metrics.calibration_intercept(y, p) == pytest.approx(statsmodels_calibration(y, p)["intercept"], rel=1e-6)
    # The data are miscalibrated on purpose: outcomes follow 0.2 + 1.3 logit(p).
    assert metrics.calibration_slope(y, p) > 1.1
    by = metrics.calibration_regression(y, p, by=group)
    for g in ["leon", "salamanca", "valladolid"]:
        rows = group == g
        reference = statsmodels_calibration(y[rows], p[rows])
        assert by.loc[g, "slope"] == pytest.approx(reference["slope"], rel=1e-6)
        assert by.loc[g, "intercept"] == pytest.approx(reference["intercept"], rel=1e-6)
        assert metrics.calibration_slope(y, p, by=group)[g] == pytest.approx(reference["slope"], rel=1e-6)


def test_validate_reports_every_statistic_overall_and_by_group():
    y, p, group, _ = predictions(3000, 4)
    table = metrics.validate(y, p, by=group, n_bins=10)
    assert list(table.index) == ["all", "leon", "salamanca", "valladolid"]
    for g in table.index:
        rows = np.ones(len(y), dtype=bool) if g == "all" else group == g
        row = table.loc[g]
        assert row["n"] == rows.sum() and row["events"] == y[rows].sum()
        assert row["prevalence"] == pytest.approx(y[rows].mean(), rel=1e-12)
        assert row["auc"] == pytest.approx(roc_auc_score(y[rows], p[rows]), rel=1e-12)
        assert row["brier"] == pytest.approx(brier_score_loss(y[rows], p[rows]), rel=1e-12)
        reference = statsmodels_calibration(y[rows], p[rows])
        assert row["calibration_intercept"] == pytest.approx(reference["intercept"], rel=1e-6)
        assert row["calibration_slope"] == pytest.approx(reference["slope"], rel=1e-6)
        assert row["ece"] == pytest.approx(metrics.expected_calibration_error(y[rows], p[rows]), rel=1e-12)
        assert row["notes"] == ""


def test_undefined_statistics_are_nan_with_a_note_and_bad_input_is_a_value_error():
    y = np.array([0, 1, 0, 1, 1, 1], dtype=float)
    p = np.array([0.2, 0.7, 0.4, 0.6, 0.9, 0.8])
    table = metrics.validate(y, p, by=["a", "a", "a", "b", "b", "b"])
    assert np.isnan(table.loc["b", "auc"]) and "auc" in table.loc["b", "notes"]  # b has no 0s
    assert not np.isnan(table.loc["a", "auc"])
    with pytest.raises(ValueError, match="both outcomes"):
        metrics.roc_auc([1, 1], [0.2, 0.3])
    with pytest.raises(ValueError, match=r"p\[1\]"):
        metrics.brier_score([0, 1], [0.2, 1.3])
    with pytest.raises(ValueError, match="strategy"):
        metrics.calibration_curve(y, p, strategy="kmeans")
    with pytest.raises(ValueError, match="one value per row"):
        metrics.roc_auc(y, p, by=["a"])
    with pytest.raises(ValueError, match="may not be called 'all'"):
        metrics.validate(y, p, by=["all"] * 6)
