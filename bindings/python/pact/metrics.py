"""Validation statistics for predicted probabilities of a binary outcome, overall and by subgroup.

What an evaluator reports about a risk model (and what the EU AI Act, Art. 13, asks for by
group): discrimination (ROC AUC) and calibration (Brier score, calibration intercept and slope,
expected calibration error, calibration curve). The computations are pact's C++ ones; they
agree with scikit-learn's ``roc_auc_score``, ``brier_score_loss`` and ``calibration_curve`` and
with statsmodels' logistic regressions for the calibration intercept and slope.

Every function takes ``y`` (0/1 outcomes) and ``p`` (predicted probabilities) as arrays or
Series, and ``by=`` (one group label per row) to report the statistic per subgroup: a Series
(or DataFrame) indexed by group instead of a number.

>>> import numpy as np
>>> from pact import metrics
>>> y = np.array([0, 0, 1, 1, 0, 1])
>>> p = np.array([0.1, 0.4, 0.35, 0.8, 0.2, 0.9])
>>> metrics.roc_auc(y, p)
0.8888888888888888
>>> round(metrics.brier_score(y, p), 6)
0.11375
>>> metrics.roc_auc(y, p, by=["a", "a", "a", "b", "b", "b"]).to_dict()
{'a': 0.5, 'b': 1.0}
"""

from __future__ import annotations

from typing import Callable, Optional

import numpy as np
import pandas as pd

from . import _pact
from ._data import group_codes

_STATISTICS = ["n", "events", "prevalence", "auc", "brier", "calibration_intercept", "calibration_slope", "ece"]


def _vector(values, name: str) -> np.ndarray:
    array = values.to_numpy(dtype="float64") if isinstance(values, pd.Series) else np.asarray(values, dtype="float64")
    if array.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got {array.ndim} dimension(s)")
    return array


def _by_group(y, p, by, w, compute: Callable, name: str):
    """compute(y, p, w) on the whole sample, or per group as a Series indexed by group."""
    y, p = _vector(y, "y"), _vector(p, "p")
    w = _vector(w, "sample_weight") if w is not None else None
    if by is None:
        return compute(y, p, w)
    codes, names = group_codes(by, len(y))
    values = {}
    for g, group in enumerate(names):
        rows = codes == g
        values[group] = compute(y[rows], p[rows], w[rows] if w is not None else None)
    return pd.Series(values, name=name).rename_axis("group")


def roc_auc(y, score, sample_weight=None, by=None):
    """Area under the ROC curve: the probability that a random positive scores above a random
    negative, ties counting one half (the Mann-Whitney statistic). `score` may be any finite
    numbers (probabilities or linear predictors)."""
    return _by_group(y, score, by, sample_weight, lambda y, s, w: _pact.roc_auc(y, s, w), "auc")


def brier_score(y, p, sample_weight=None, by=None):
    """Mean squared difference between predicted probability and outcome."""
    return _by_group(y, p, by, sample_weight, lambda y, p, w: _pact.brier_score(y, p, w), "brier")


def expected_calibration_error(y, p, n_bins: int = 10, strategy: str = "uniform", by=None):
    """Sum over the calibration curve's bins of (rows in bin / rows) * |observed - predicted|."""
    return _by_group(y, p, by, None,
                     lambda y, p, w: _pact.expected_calibration_error(y, p, n_bins, strategy), "ece")


def calibration_regression(y, p, sample_weight=None, by=None):
    """Logistic recalibration of the predictions: the calibration intercept a in
    ``logit P(y) = a + logit(p)`` (calibration-in-the-large; ideal 0) and the calibration slope b
    in ``logit P(y) = a' + b logit(p)`` (ideal 1; below 1 means predictions too extreme), with
    their standard errors. A Series, or with ``by=`` a DataFrame with one row per group.

    p must lie strictly between 0 and 1 (its logit is infinite otherwise).
    """
    def compute(y, p, w):
        return pd.Series(_pact.calibration_regression(y, p, w))

    result = _by_group(y, p, by, sample_weight, compute, "calibration")
    return pd.DataFrame(result.to_dict()).T.rename_axis("group") if by is not None else result


def calibration_intercept(y, p, sample_weight=None, by=None):
    """The calibration intercept (calibration-in-the-large) alone; see calibration_regression."""
    r = calibration_regression(y, p, sample_weight, by)
    return r["intercept"] if by is None else r["intercept"].rename("calibration_intercept")


def calibration_slope(y, p, sample_weight=None, by=None):
    """The calibration slope alone; see calibration_regression."""
    r = calibration_regression(y, p, sample_weight, by)
    return r["slope"] if by is None else r["slope"].rename("calibration_slope")


def calibration_curve(y, p, n_bins: int = 5, strategy: str = "uniform", by=None) -> pd.DataFrame:
    """Observed against predicted frequency per bin, as scikit-learn's ``calibration_curve``
    (same bin edges, same bin for a prediction on an edge, empty bins dropped), with the count
    and index of each bin. ``strategy`` is ``"uniform"`` (equal-width bins over [0, 1]) or
    ``"quantile"`` (equal-count bins). With ``by=``, a ``group`` column says which subgroup
    each row belongs to.

    >>> import numpy as np
    >>> from pact import metrics
    >>> metrics.calibration_curve([0, 0, 1, 1], [0.1, 0.3, 0.6, 0.9], n_bins=2)
       prob_true  prob_pred  count  bin
    0        0.0       0.20      2    0
    1        1.0       0.75      2    1
    """
    def compute(y, p, w):
        c = _pact.calibration_curve(y, p, n_bins, strategy)
        return pd.DataFrame({k: c[k] for k in ("prob_true", "prob_pred", "count", "bin")})

    result = _by_group(y, p, by, None, compute, "curve")
    if by is None:
        return result
    frames = [frame.assign(group=group) for group, frame in result.items()]
    return pd.concat(frames, ignore_index=True)[["group", "prob_true", "prob_pred", "count", "bin"]]


def _metrics_row(m: dict) -> dict:
    calibration = m["calibration"] or {}
    return {
        "n": m["n"],
        "events": m["events"],
        "prevalence": m["prevalence"],
        "auc": m["auc"],
        "brier": m["brier"],
        "calibration_intercept": calibration.get("intercept"),
        "calibration_slope": calibration.get("slope"),
        "ece": m["ece"],
        "notes": "; ".join(m["notes"]),
    }


def validate(y, p, by=None, n_bins: int = 10, strategy: str = "uniform", sample_weight=None,
             threads: int = 0) -> pd.DataFrame:
    """Every statistic at once: one row for the whole sample (``"all"``) and, with ``by=``,
    one per subgroup, with n, events, prevalence, AUC, Brier score, calibration intercept and
    slope and ECE. A statistic undefined in a group (AUC with a single outcome, a calibration
    regression that cannot be fitted) is NaN and ``notes`` says why.

    >>> import numpy as np
    >>> from pact import metrics
    >>> rng = np.random.default_rng(0)
    >>> p = rng.uniform(0.05, 0.95, 2000)
    >>> y = (rng.random(2000) < p).astype(float)
    >>> table = metrics.validate(y, p, by=np.where(np.arange(2000) % 2 == 0, "f", "m"))
    >>> list(table.index), list(table["n"])
    (['all', 'f', 'm'], [2000, 1000, 1000])
    """
    y, p = _vector(y, "y"), _vector(p, "p")
    w = _vector(sample_weight, "sample_weight") if sample_weight is not None else None
    codes, names = group_codes(by, len(y))
    if names is not None and "all" in names:
        raise ValueError("a group may not be called 'all': that row is the whole sample")
    report = _pact.validate(y, p, n_bins, strategy, w, threads, codes, names)
    rows = {"all": _metrics_row(report["total"])}
    for g in report["groups"]:
        rows[g["group"]] = _metrics_row(g["metrics"])
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "group"
    for column in _STATISTICS[2:]:
        table[column] = table[column].astype("float64")
    return table


_OVERRIDE_COLUMNS = ["n", "overridden", "raised", "lowered", "rate", "outcome_not_overridden", "outcome_raised",
                     "outcome_lowered", "known_not_overridden", "known_raised", "known_lowered"]


def _override_order(original: pd.Series, final: pd.Series, order) -> list:
    if order is not None:
        return [str(v) for v in order]
    if isinstance(original.dtype, pd.CategoricalDtype) and original.dtype.ordered:
        return [str(v) for v in original.cat.categories]
    from .instrument import Instrument
    from .risk import RiskModel

    values = set(original.dropna().astype(str)) | set(final.dropna().astype(str))
    for candidate in (RiskModel.default().band_ids, Instrument.default().level_ids):
        if values <= set(candidate):
            return list(candidate)
    raise ValueError("give order= (the levels or bands from least to most severe): the values are neither "
                     "the default model's bands nor the default instrument's levels")


def override_report(original, final, outcome=None, by=None, order=None) -> pd.DataFrame:
    """How professionals overrode pact's level or band (``pact::override_report``; EU AI Act
    Art. 14, human oversight): for the whole population (row ``"all"``) and, with ``by=``, each
    subgroup, how many results there were (``n``), how many were ``overridden``, ``raised`` to
    a more severe value or ``lowered``, the override ``rate``, and, where outcomes are known,
    the observed share of chronic cases among those not overridden, raised and lowered
    (``outcome_*``, NaN when none is known; ``known_*`` count them). An override that restates
    pact's own value counts as not overridden.

    `original` holds the level or band pact gave each case, `final` the one that stands after
    the professional's review (missing where nobody overrode it); `outcome` 1 (chronic), 0 (not)
    or NaN (unknown). Severity comes from `order` (ids from least to most severe), else from
    `original` when it is an ordered categorical (as :func:`pact.score` gives ``band`` and
    ``level``), else from the default model's bands or the default instrument's levels.

    >>> from pact import metrics
    >>> metrics.override_report(["low", "high", "high", "medium"],  # doctest: +NORMALIZE_WHITESPACE
    ...                         [None, "very_high", "medium", "medium"],
    ...                         outcome=[0, 1, 0, float("nan")])[["n", "overridden", "raised", "lowered", "rate"]]
           n  overridden  raised  lowered  rate
    group
    all    4           2       1        1   0.5
    """
    original = pd.Series(original).reset_index(drop=True)
    final = pd.Series(final, dtype=object if not isinstance(final, pd.Series) else None).reset_index(drop=True)
    n = len(original)
    if len(final) != n:
        raise ValueError(f"final must have one value per case ({n}), got {len(final)}")
    ids = _override_order(original, final, order)
    position = {v: i for i, v in enumerate(ids)}

    def codes(values: pd.Series, name: str, allow_missing: bool) -> np.ndarray:
        out = np.full(n, -1, dtype=np.int32)
        for i, v in enumerate(values.astype(object)):
            if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
                if not allow_missing:
                    raise ValueError(f"{name}, row {i}: missing (every case needs the value pact gave)")
                continue
            if str(v) not in position:
                raise ValueError(f"{name}, row {i}: {v!r} is not one of {', '.join(ids)}")
            out[i] = position[str(v)]
        return out

    y = np.full(n, np.nan) if outcome is None else _vector(outcome, "outcome")
    if len(y) != n:
        raise ValueError(f"outcome must have one value per case ({n}), got {len(y)}")
    group_codes_, names = group_codes(by, n)
    if names is not None and "all" in names:
        raise ValueError("a group may not be called 'all': that row is the whole sample")
    report = _pact.override_report(codes(original, "original", False), codes(final, "final", True), y,
                                   group_codes_, names)
    rows = {"all": report["total"]}
    for name, stats in report["groups"]:
        rows[name] = stats
    table = pd.DataFrame.from_dict(rows, orient="index")[_OVERRIDE_COLUMNS]
    table.index.name = "group"
    return table
