"""Fitting the chronicity-risk model's coefficients on a caseload with observed outcomes."""

from __future__ import annotations

import datetime
import math
from statistics import NormalDist
from collections.abc import Mapping
from typing import Optional, Sequence, Union

import numpy as np
import pandas as pd

from . import _pact
from ._data import response_matrix
from .risk import RiskModel
from .scoring import raise_first, row_problems

Column = Union[str, Sequence, np.ndarray, pd.Series]

# The default model's duration bands: the first half year, the second, the second year, the
# next two, and beyond.
DEFAULT_BAND_STARTS = (1, 7, 13, 25, 49)


class FitResult:
    """A fitted logistic regression: the logistic form at a horizon, or the discrete-time hazard
    of leaving care on person-months. Attributes follow statsmodels' results: ``params``,
    ``bse``, ``tvalues`` (z), ``pvalues``, ``llf``, ``nobs``, ``cov_params()``,
    ``conf_int()`` and ``summary()``. A fit of a template model's specification also has
    ``to_model()``, ``evaluation`` and ``references``.

    Standard errors come from the observed information at the estimate; with ``l2 > 0`` they
    are those of the penalised likelihood (the inverse of X'WX + l2 * P).
    """

    def __init__(self, raw: dict, form: str, l2: float, template: Optional[RiskModel], feature_ids: list,
                 n_cases: int, band_starts: Optional[list], calibration=None, no_model_reason: str = ""):
        names = list(raw["column_names"])
        self.form = form
        self.l2 = float(l2)
        self.params = pd.Series(raw["params"], index=names, name="coef")
        self.bse = pd.Series(raw["bse"], index=names, name="std err")
        self._cov = pd.DataFrame(raw["covariance"], index=names, columns=names)
        self.llf = float(raw["llf"])
        self.penalized_llf = float(raw["penalized_llf"])
        self.iterations = int(raw["iterations"])
        self.converged = bool(raw["converged"])
        self.gradient_max_norm = float(raw["gradient_max_norm"])
        #: Rows of the regression with a positive weight: cases (logistic) or person-months (hazard).
        self.nobs = float(raw["weight_sum"])
        self.n_cases = int(n_cases)
        self.person_months = int(raw["person_months"]) if "person_months" in raw else None
        self.events = float(raw["events"]) if "events" in raw else None
        self.band_starts = list(band_starts) if band_starts is not None else None
        self.feature_ids = list(feature_ids)
        self.template = template
        self._calibration = calibration
        self._no_model_reason = no_model_reason

    @property
    def evaluation(self) -> Optional[dict]:
        """The fitted model's apparent performance on the cases it was fitted on whose outcome at
        the horizon is observed (docs/calibration.md, "Evaluation"): ``n`` (= ``n_evaluated``),
        ``events``, ``prevalence``, ``auc``, ``brier``, ``calibration_intercept``,
        ``calibration_slope``, ``ece`` and ``notes``; None when the fit has no model
        (see :meth:`to_model`)."""
        if self._calibration is None:
            return None
        m = self._calibration.evaluation
        calibration = m["calibration"] or {}
        return {
            "n": m["n"], "events": m["events"], "prevalence": m["prevalence"], "auc": m["auc"], "brier": m["brier"],
            "calibration_intercept": calibration.get("intercept"), "calibration_slope": calibration.get("slope"),
            "ece": m["ece"], "notes": list(m["notes"]),
        }

    @property
    def references(self) -> Optional[pd.Series]:
        """The features' references as the model will be written (the template's, or the sample
        medians with ``references="sample_median"``); None when the fit has no model."""
        if self._calibration is None:
            return None
        return pd.Series(self._calibration.references, index=self.feature_ids, name="reference")

    @property
    def tvalues(self) -> pd.Series:
        """z statistics: params / bse."""
        return (self.params / self.bse).rename("z")

    @property
    def pvalues(self) -> pd.Series:
        """Two-sided p-values of the z statistics under the normal distribution."""
        return self.tvalues.abs().map(lambda z: math.erfc(z / math.sqrt(2.0))).rename("P>|z|")

    def cov_params(self) -> pd.DataFrame:
        """The covariance matrix of the estimates."""
        return self._cov.copy()

    def conf_int(self, alpha: float = 0.05) -> pd.DataFrame:
        """Wald confidence intervals (columns 0 and 1, as statsmodels)."""
        q = NormalDist().inv_cdf(1.0 - alpha / 2.0)
        return pd.DataFrame({0: self.params - q * self.bse, 1: self.params + q * self.bse})

    def summary(self, alpha: float = 0.05) -> pd.DataFrame:
        """The coefficient table: coef, std err, z, P>|z| and the confidence interval."""
        ci = self.conf_int(alpha)
        return pd.DataFrame(
            {
                "coef": self.params,
                "std err": self.bse,
                "z": self.tvalues,
                "P>|z|": self.pvalues,
                f"[{alpha / 2:g}": ci[0],
                f"{1 - alpha / 2:g}]": ci[1],
            }
        )

    def to_model(self, *, version: str, fitted_on: str, fitted_at: Optional[str] = None, notes: str = "",
                 name: Union[str, Mapping[str, str], None] = None,
                 description: Union[str, Mapping[str, str], None] = None) -> RiskModel:
        """The fitted model: the template's features, duration bands, horizon, bands and labels
        with this fit's coefficients and standard errors, written by pact's calibration API
        (``pact::calibrate``, docs/calibration.md) and loaded back, ready to score, save, bundle.

        The model is written from the same fit that gave ``params``, ``bse`` and ``llf``. Its
        provenance is ``"calibrated"``: `fitted_on` (what data: never personal data),
        `fitted_at` (``YYYY-MM-DD``; by default today's date in UTC, as ``pact fit`` does), the
        method, the number of cases and rows, and the evaluation metrics (:attr:`evaluation`);
        `notes` when given. `version` is the new
        model's semantic version (its id stays the template's); `name` and `description`
        replace the template's (a text for every language of the model, or one per language).

        Available when the fit used a template model's own specification (``features`` not
        given, the template's form, duration item and duration bands); otherwise ValueError
        says which.

        >>> import pact
        >>> sim = pact.simulate(3000, seed=11)
        >>> fit = pact.fit(sim, outcome="left_care", form="discrete_hazard", followup="followup_months")
        >>> model = fit.to_model(version="1.1.0", fitted_on="simulated caseload", fitted_at="2026-03-01")
        >>> model.status, model.version, bool((model.params == fit.params).all())
        ('calibrated', '1.1.0', True)
        """
        if self._calibration is None:
            raise ValueError(f"this fit has no model to write: {self._no_model_reason}")
        languages = self.template.languages if self.template is not None else []

        def label(value, what):
            if value is None:
                return []
            if isinstance(value, str):
                return [(lang, value) for lang in languages]
            if isinstance(value, Mapping):
                return [(str(k), str(v)) for k, v in value.items()]
            raise TypeError(f"{what} must be a text or a mapping of languages to texts")

        if fitted_at is None:
            fitted_at = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
        native = self._calibration.model(str(version), str(fitted_on), str(fitted_at), str(notes),
                                         label(name, "name"), label(description, "description"))
        return RiskModel(native)

    def __repr__(self) -> str:
        return (f"<pact.FitResult {self.form}: {len(self.params)} coefficients, nobs={self.nobs:g}, "
                f"llf={self.llf:.6g}, converged={self.converged}>")


def _column(data, value: Column, name: str, n: int) -> np.ndarray:
    """A per-row column given by name (a column of `data`) or as values."""
    if isinstance(value, str):
        if not isinstance(data, pd.DataFrame) or value not in data.columns:
            raise ValueError(f"{name}={value!r} is not a column of the data")
        values = data[value]
    else:
        values = value
    array = pd.Series(values).to_numpy(dtype="float64", na_value=np.nan) if not isinstance(values, np.ndarray) \
        else values.astype("float64", copy=False)
    if array.ndim != 1 or array.shape[0] != n:
        raise ValueError(f"{name} must have one value per row ({n}), got shape {array.shape}")
    return array


def _whole_months(values: np.ndarray, name: str, index, floor: bool) -> np.ndarray:
    bad = ~np.isfinite(values) | (values < 0)
    if not floor:
        bad |= values != np.floor(values)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        expected = "a number of months >= 0" if floor else "a whole number of months >= 0"
        raise ValueError(f"{name}, row {index[i]!r}: {values[i]!r} is not {expected}")
    if (values > np.iinfo(np.int32).max).any():
        i = int(np.flatnonzero(values > np.iinfo(np.int32).max)[0])
        raise ValueError(f"{name}, row {index[i]!r}: {values[i]!r} months do not fit in a 32-bit month count")
    return np.floor(values).astype(np.int32)


def fit(
    data,
    outcome: Column,
    form: str = "logistic",
    l2: float = 0.0,
    *,
    model: Optional[RiskModel] = None,
    features: Optional[Sequence[str]] = None,
    followup: Optional[Column] = None,
    duration: Optional[Column] = None,
    bands: Optional[Sequence[int]] = None,
    weights: Optional[Column] = None,
    missing: str = "impute",
    references: str = "keep",
    threads: int = 0,
    max_iterations: int = 100,
    tolerance: float = 1e-8,
) -> FitResult:
    """Fits the chronicity-risk model's coefficients on a caseload with observed outcomes, by
    Newton's method in C++ (the GIL is released meanwhile).

    When the fit follows a template model's own specification (its features, its form, its
    duration item and duration bands: ``features``, ``duration`` and ``bands`` not given, and
    `form` the template's), it is pact's calibration (``pact::calibrate``,
    docs/calibration.md): the coefficients, standard errors and log-likelihood reported here
    are those of the fit that writes the calibrated model, which :meth:`FitResult.to_model`
    returns, and :attr:`FitResult.evaluation` holds its apparent performance. Otherwise (columns
    of `data` as features, another form, other bands) it is the same regression without a model
    to write.

    Parameters
    ----------
    data : DataFrame or 2-D array
        One row per case: the responses to the instrument (as for :func:`pact.score`) and,
        when given by name, the outcome columns.
    outcome : column name or values
        ``form="logistic"``: 1 when the case was still in care at the horizon, else 0.
        ``form="discrete_hazard"``: 1 when the case left care in the last month it was
        followed, 0 when it was still in care when follow-up ended (censored).
    form : {"logistic", "discrete_hazard"}
        The logistic form fits ``P(chronic) = logistic(b0 + b'x)``; the hazard form fits the
        monthly exit hazard ``logistic(a_band(t) + b'x)`` on one row per month at risk
        (Allison 1982), built in C++ without materialising the person-month design.
    l2 : float
        L2 penalty ``l2/2 * sum b_j^2`` on the feature coefficients (never on the intercept
        or the duration bands).
    model : RiskModel, optional
        The template whose features are fitted (default ``RiskModel.default()``): each
        feature is computed from the responses exactly as scoring computes it.
    features : list of column names, optional
        Fit on these columns of `data` instead of the template's features (to_model() then
        has no model to write).
    followup : column name or values
        Hazard form: months the case was followed after the assessment (whole months >= 0).
    duration : column name or values, optional
        Hazard form: months already in care at the assessment; by default the template's
        duration item (``tic_months_in_care``). Completed months count, as in scoring.
    bands : list of int, optional
        Hazard form: first month of each duration band, from 1; by default the template's
        (or 1, 7, 13, 25, 49).
    weights : column name or values, optional
        Frequency weights (a row counts as that many cases; in the hazard form each of a case's
        person-months carries its weight). The hazard form takes them when it writes a model.
    missing : {"impute", "drop"}
        A feature whose input is missing takes its reference value, as in scoring
        (``"impute"``), or the row is left out (``"drop"``).
    references : {"keep", "sample_median"}
        The references of the written model: the template's, or each feature's median over the
        cases where it is not imputed (then imputed values take the new reference before the
        fit, as the model will impute them).

    Returns
    -------
    FitResult

    Examples
    --------
    >>> import numpy as np, pandas as pd, pact
    >>> rng = np.random.default_rng(1)
    >>> df = pd.DataFrame({"x": rng.normal(size=500)})
    >>> df["chronic"] = (rng.random(500) < 1 / (1 + np.exp(-(0.5 + df["x"])))).astype(float)
    >>> r = pact.fit(df, outcome="chronic", features=["x"])
    >>> list(r.params.index), r.converged
    (['intercept', 'x'], True)
    >>> list(r.summary().columns)
    ['coef', 'std err', 'z', 'P>|z|', '[0.025', '0.975]']
    """
    if form not in ("logistic", "discrete_hazard"):
        raise ValueError(f"form must be 'logistic' or 'discrete_hazard', got {form!r}")
    if missing not in ("impute", "drop"):
        raise ValueError(f"missing must be 'impute' or 'drop', got {missing!r}")
    if references not in ("keep", "sample_median"):
        raise ValueError(f"references must be 'keep' or 'sample_median', got {references!r}")
    if not (l2 >= 0.0 and math.isfinite(l2)):
        raise ValueError(f"l2 must be a finite number >= 0, got {l2!r}")
    if model is not None and not isinstance(model, RiskModel):
        raise TypeError(f"model must be a pact.RiskModel, got {type(model).__name__}")
    template = model or RiskModel.default()
    if form == "logistic" and (followup is not None or duration is not None or bands is not None):
        raise ValueError("followup, duration and bands belong to the discrete_hazard form")
    if form == "discrete_hazard" and followup is None:
        raise ValueError("the discrete_hazard form needs followup= (months followed after the assessment)")
    if isinstance(duration, str) and duration == template.duration_item:
        duration = None  # the template's own duration item, read from the responses

    no_model = _why_no_model(template, form, features, duration, bands)
    calibrating = not no_model
    if not calibrating and references != "keep":
        raise ValueError(f"references= applies to fits that write a model, and this one cannot: {no_model}")

    matrix = None
    X = None
    if features is None:
        matrix, index = response_matrix(data, template.instrument)
        out = _pact.score_risk_batch(template._native, matrix, threads, feature_values=not calibrating)
        bad, message = row_problems(out, template.instrument, template, matrix, index)
        if len(bad):
            raise_first(bad, message)
        X = out.get("feature_values")
        feature_ids = template.feature_ids
        keep = out["imputed_features"] == 0 if missing == "drop" else None
    else:
        if not isinstance(data, pd.DataFrame):
            raise ValueError("features= names columns, so data must be a DataFrame")
        feature_ids = [str(f) for f in features]
        absent = [f for f in features if f not in data.columns]
        if absent:
            raise ValueError(f"feature column(s) not in the data: {', '.join(map(str, absent))}")
        index = data.index
        X = data[list(features)].to_numpy(dtype="float64", na_value=np.nan)
        finite = np.isfinite(X)
        keep = finite.all(axis=1) if missing == "drop" else None
        if missing == "impute" and not finite.all():
            i, j = (int(v[0]) for v in np.nonzero(~finite))
            raise ValueError(f"feature {feature_ids[j]!r}, row {index[i]!r}: {X[i, j]!r} is not a finite number "
                             "(drop such rows with missing='drop')")
    n = len(index)
    y = _column(data, outcome, "outcome", n)
    w = _column(data, weights, "weights", n) if weights is not None else None

    if form == "logistic":
        if calibrating:
            _check_binary(y, index, "1 (still in care at the horizon) or 0 (not)")
            if keep is not None:
                matrix, y, w = matrix[keep], y[keep], (w[keep] if w is not None else None)
            calibration = _pact.calibrate(template._native, matrix, chronic=y, weights=w, l2=l2, references=references,
                                          max_iterations=max_iterations, tolerance=tolerance, threads=threads)
            return FitResult(calibration.fit, form, l2, template, feature_ids, matrix.shape[0], None,
                             calibration=calibration)
        if keep is not None:
            X, y, w = X[keep], y[keep], (w[keep] if w is not None else None)
        design = np.empty((X.shape[0], X.shape[1] + 1))
        design[:, 0] = 1.0
        design[:, 1:] = X
        raw = _pact.fit_logistic(design, y, w, None, l2, [0], ["intercept"] + feature_ids, max_iterations,
                                 tolerance, threads)
        return FitResult(raw, form, l2, template if features is None else None, feature_ids, X.shape[0], None,
                         no_model_reason=no_model)

    if weights is not None and not calibrating:
        raise ValueError("frequency weights in the discrete_hazard form need a fit that writes a model "
                         f"(a template's specification); this one cannot: {no_model}")
    months_followed = _whole_months(_column(data, followup, "followup", n), "followup", index, floor=False)
    if duration is None:
        if template.duration_item is None:
            raise ValueError(f"risk model {template.id} has no duration item: give duration= (months in care)")
        if matrix is None:
            t0_values = _column(data, template.duration_item, "duration", n)
        else:
            t0_values = matrix[:, template.instrument.item_ids.index(template.duration_item)]
    else:
        t0_values = _column(data, duration, "duration", n)
    t0 = _whole_months(t0_values, "duration", index, floor=True)
    _check_binary(y, index, "0 (censored) or 1 (left care)")
    left_unfollowed = (y == 1.0) & (months_followed == 0)
    if left_unfollowed.any():
        i = int(np.flatnonzero(left_unfollowed)[0])
        raise ValueError(f"outcome, row {index[i]!r}: a case that left care must have been followed for at least "
                         "the month it left (followup is 0)")
    if calibrating:
        if keep is not None:
            matrix, months_followed, y = matrix[keep], months_followed[keep], y[keep]
            w = w[keep] if w is not None else None
        calibration = _pact.calibrate(template._native, matrix, followup_months=months_followed,
                                      left_care=y.astype(np.uint8), weights=w, l2=l2, references=references,
                                      max_iterations=max_iterations, tolerance=tolerance, threads=threads)
        raw = dict(calibration.fit)
        raw["person_months"] = calibration.n_rows
        raw["events"] = float(y.sum())
        return FitResult(raw, form, l2, template, feature_ids, matrix.shape[0], _template_bands(template),
                         calibration=calibration)
    if bands is None:
        bands = _template_bands(template)
    band_starts = np.asarray(bands, dtype=np.int32)
    if keep is not None:
        X, t0, months_followed, y = X[keep], t0[keep], months_followed[keep], y[keep]
    raw = _pact.fit_hazard(np.ascontiguousarray(X), t0, months_followed, y.astype(np.uint8), band_starts, l2,
                           feature_ids, max_iterations, tolerance, threads)
    return FitResult(raw, form, l2, template if features is None else None, feature_ids, X.shape[0],
                     list(band_starts), no_model_reason=no_model)


def _template_bands(template: RiskModel) -> list:
    baseline = template.baseline()
    return [int(b) for b in baseline["from_month"]] if len(baseline) else list(DEFAULT_BAND_STARTS)


def _why_no_model(template: RiskModel, form: str, features, duration, bands) -> str:
    """Why a fit cannot write a model from its template ("" when it can): a model is written
    from the template's own specification only."""
    if features is not None:
        return "it was fitted on columns of the data (features=), not on a template model's features"
    if form != template.form:
        return (f"risk model {template.id} is a {template.form} model; fit form={template.form!r} to write a model "
                f"from it, or give a {form} template (model=)")
    if duration is not None:
        return (f"duration= replaces the duration item of risk model {template.id} "
                f"({template.duration_item}), which a written model reads")
    if bands is not None and [int(b) for b in bands] != _template_bands(template):
        return (f"bands= differ from the duration bands of risk model {template.id} "
                f"({', '.join(map(str, _template_bands(template)))})")
    return ""


def _check_binary(y: np.ndarray, index, expected: str) -> None:
    bad = ~np.isin(y, (0.0, 1.0))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"outcome, row {index[i]!r}: {y[i]!r} is not {expected}")
