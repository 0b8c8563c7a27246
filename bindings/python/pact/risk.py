"""The chronicity-risk model: features, coefficients and risk bands, bound to an instrument (immutable)."""

from __future__ import annotations

import json

import os
from typing import Optional

import numpy as np
import pandas as pd

from . import _pact
from ._data import batch_responses, case_vector
from .instrument import Instrument


class RiskModel:
    """A loaded, validated chronicity-risk model, bound to the instrument it reads.

    Two forms (docs/risk-model-format.md): ``"logistic"`` gives P(still in care at the horizon)
    directly; ``"discrete_hazard"`` models the monthly hazard of leaving care by duration band,
    so that it also gives the survival curve of staying in care. Models are immutable; they
    compare equal when their content hashes (and their instruments') are equal, and pickle by
    their canonical JSON, so they travel to Dask workers and subprocesses.

    >>> model = RiskModel.default()
    >>> model.id, model.form, model.horizon_months
    ('pact-chronicity', 'discrete_hazard', 24)
    >>> model.status        # the shipped coefficients are set by hand, not fitted
    'illustrative'
    >>> model.features().loc["employability", "kind"]
    'dimension_score'
    """

    __slots__ = ("_native",)

    def __init__(self, native: "_pact.RiskModel"):
        if not isinstance(native, _pact.RiskModel):
            raise TypeError("use RiskModel.default(), RiskModel.load(path) or RiskModel.from_json(text)")
        self._native = native

    @classmethod
    def default(cls) -> "RiskModel":
        """The default model shipped with pact (``models/pact-chronicity.json``), bound to
        ``Instrument.default()``. Its coefficients are illustrative until calibrated locally."""
        return cls(_pact.RiskModel.bundled())

    @classmethod
    def load(cls, path: "str | os.PathLike[str]", instrument: Optional[Instrument] = None) -> "RiskModel":
        """Reads and validates a model file against `instrument` (default: the default
        instrument); errors name the JSON Pointer of the offending value."""
        instrument = instrument or Instrument.default()
        return cls(_pact.RiskModel.load(os.fspath(path), instrument._native))

    @classmethod
    def from_json(cls, text: str, instrument: Optional[Instrument] = None) -> "RiskModel":
        """Parses and validates model JSON text against `instrument` (default: the default instrument)."""
        instrument = instrument or Instrument.default()
        return cls(_pact.RiskModel.parse(text, instrument._native))

    @property
    def id(self) -> str:
        return self._native.id

    @property
    def version(self) -> str:
        return self._native.version

    @property
    def hash(self) -> str:
        """``sha256:`` and the hex SHA-256 of the canonical JSON."""
        return self._native.hash

    @property
    def instrument(self) -> Instrument:
        """The instrument the model reads."""
        return Instrument(self._native.instrument)

    @property
    def form(self) -> str:
        """``"logistic"`` or ``"discrete_hazard"``."""
        return self._native.form

    @property
    def horizon_months(self) -> int:
        """The chronicity horizon: still in care this many months after the assessment."""
        return self._native.horizon_months

    @property
    def duration_item(self) -> Optional[str]:
        """The item holding the months in care at the assessment (hazard form), else None."""
        return self._native.duration_item

    @property
    def feature_ids(self) -> list:
        return list(self._native.feature_ids)

    @property
    def band_ids(self) -> list:
        """The risk bands, lowest first (``low``, ``medium``, ``high``, ``very_high``)."""
        return list(self._native.band_ids)

    @property
    def actionable_items(self) -> list:
        """The items a counterfactual may change, in instrument order."""
        return list(self._native.actionable_items)

    @property
    def provenance(self) -> dict:
        """Where the coefficients come from: status, data, date, method, validation metrics."""
        return self._native.provenance

    @property
    def status(self) -> str:
        """``"illustrative"`` (set by hand) or ``"calibrated"`` (fitted on data with outcomes)."""
        return self._native.provenance["status"]

    @property
    def languages(self) -> list:
        return list(self._native.languages)

    @property
    def default_language(self) -> str:
        return self._native.default_language

    def name(self, lang: Optional[str] = None) -> str:
        return self._native.name(lang or self.default_language)

    def description(self, lang: Optional[str] = None) -> str:
        return self._native.description(lang or self.default_language)

    def outcome_definition(self, lang: Optional[str] = None) -> str:
        return self._native.outcome_definition(lang or self.default_language)

    def features(self, lang: Optional[str] = None) -> pd.DataFrame:
        """One row per feature (indexed by id): kind, source, label, coefficient, se, reference."""
        return pd.DataFrame(self._native.feature_table(lang or self.default_language)).set_index("id")

    def bands(self, lang: Optional[str] = None) -> pd.DataFrame:
        """The risk bands (indexed by id) and the probability at which each begins."""
        return pd.DataFrame(self._native.band_table(lang or self.default_language)).set_index("id")

    def baseline(self) -> pd.DataFrame:
        """The hazard form's duration bands: first and last month, baseline logit and its se
        (empty for the logistic form)."""
        rows = self._native.baseline_table()
        return pd.DataFrame(rows, columns=["from_month", "to_month", "coefficient", "se"])

    @property
    def params(self) -> pd.Series:
        """Every coefficient by name, as a fit reports them: the intercept (logistic form) or
        the duration bands' baseline (hazard form), then the features."""
        if self.form == "logistic":
            names, values = ["intercept"], [self._native.intercept[0]]
        else:
            baseline = self._native.baseline_table()
            names = list(_pact.duration_band_names([row["from_month"] for row in baseline]))
            values = [row["coefficient"] for row in baseline]
        table = self._native.feature_table(self.default_language)
        names += [f["id"] for f in table]
        values += [f["coefficient"] for f in table]
        return pd.Series(values, index=names, name="coefficient")

    def to_json(self, indent: Optional[int] = None) -> str:
        """The model as JSON: the canonical text (sorted keys, no insignificant whitespace, the
        text its content hash is computed on), or indented for reading with `indent`. Either
        loads back to the same model (same hash).

        >>> import pact
        >>> model = pact.RiskModel.default()
        >>> pact.RiskModel.from_json(model.to_json(indent=2)) == model
        True
        """
        if indent is None:
            return self._native.canonical_json
        return json.dumps(json.loads(self._native.canonical_json), indent=indent, ensure_ascii=False) + "\n"

    def save(self, path: "str | os.PathLike[str]", indent: Optional[int] = 2) -> None:
        """Writes the model as JSON (UTF-8, indented by default) that :meth:`load` reads back to
        the same model; ``indent=None`` writes the canonical text."""
        with open(os.fspath(path), "w", encoding="utf-8", newline="\n") as out:
            out.write(self.to_json(indent))

    def to_bundle(self, path: "str | os.PathLike[str]") -> None:
        """Writes a compiled bundle of the model and its instrument (docs/formats.md, "Compiled
        bundles"): one binary file, checked on load (header, SHA-256, invariants), that loads
        several times faster than the JSON, to the same model (same hashes, same scores).
        Written atomically: a reader sees the old file or the new one.

        >>> import os, tempfile, pact
        >>> model = pact.RiskModel.default()
        >>> path = os.path.join(tempfile.mkdtemp(), "model.pactbundle")
        >>> model.to_bundle(path)
        >>> pact.RiskModel.load_bundle(path) == model
        True
        """
        self._native.write_bundle(os.fspath(path))

    @classmethod
    def load_bundle(cls, path: "str | os.PathLike[str]") -> "RiskModel":
        """Reads a compiled bundle written by :meth:`to_bundle` (the model and its instrument).
        A truncated, corrupted, foreign or too-new file, or one from another architecture, is a
        ValidationError that says what is wrong."""
        return cls(_pact.RiskModel.read_bundle(os.fspath(path)))

    def feature_values(self, data, threads: int = 0) -> pd.DataFrame:
        """The value of every feature for every row of `data` (responses, as for
        :func:`pact.score`): what the linear predictor multiplies by the coefficients. A feature
        whose input is missing takes its reference value (``imputed_features`` counts them); a
        row without a risk (rejected by the instrument, or no months in care for a hazard
        model) is NaN and its ``risk_status`` says why.
        """
        responses, index = batch_responses(data, self.instrument)
        out = _pact.score_risk_batch(self._native, responses, threads, feature_values=True)
        frame = pd.DataFrame(out["feature_values"], index=index, columns=self.feature_ids)
        frame["imputed_features"] = out["imputed_features"]
        from .scoring import RISK_STATUSES

        frame["risk_status"] = pd.Categorical.from_codes(out["risk_status"], categories=RISK_STATUSES)
        return frame

    def survival(self, data, months: Optional[int] = None, threads: int = 0) -> pd.DataFrame:
        """The survival curve of staying in care for every row of `data` (hazard form only):
        column m holds S(m), the probability of still being in care m months after the
        assessment, for m = 1 .. `months` (default: the horizon). Rows without a risk are NaN.

        >>> import pact
        >>> model = pact.RiskModel.default()
        >>> case = {"emp_work_status": 4, "hou_homelessness": 1, "tic_months_in_care": 30}
        >>> curve = model.survival(case, months=36)
        >>> curve.shape
        (1, 36)
        >>> bool(curve.iloc[0].is_monotonic_decreasing)
        True
        """
        if self.form != "discrete_hazard":
            raise ValueError(f"risk model {self.id} is logistic: it answers at its horizon "
                             f"({self.horizon_months} months) only and has no survival curve")
        months = self.horizon_months if months is None else int(months)
        responses, index = batch_responses(data, self.instrument)
        out = _pact.score_risk_batch(self._native, responses, threads, survival_months=months)
        frame = pd.DataFrame(out["survival"], index=index, columns=pd.RangeIndex(1, months + 1, name="month"))
        return frame

    def explain(self, case, lang: Optional[str] = None) -> dict:
        """The full risk result of one case: probability, band, survival curve (hazard form),
        every feature's contribution, the top factors and the counterfactual (the smallest
        change in one actionable item that lowers the band), in the shape of the ``risk``
        section of pact's result JSON. `case` is a mapping of item ids to responses, a Series,
        or one row of responses in instrument order.

        >>> import pact
        >>> r = pact.RiskModel.default().explain(
        ...     {"emp_work_status": 4, "hou_homelessness": 1, "tic_months_in_care": 30}, lang="en")
        >>> r["band"]["id"] in ("low", "medium", "high", "very_high"), len(r["survival"])
        (True, 24)
        """
        responses = case_vector(case, self.instrument)
        assessment = {
            "case_id": "case",
            "responses": {i: float(v) for i, v in zip(self.instrument.item_ids, responses) if not np.isnan(v)},
        }
        text = _pact.score_assessment_json(
            self.instrument._native, json.dumps(assessment), lang or self.default_language, False, self._native
        )
        return json.loads(text)["risk"]

    def __reduce__(self):
        return (_from_json_pair, (self.to_json(), self.instrument.to_json()))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RiskModel) and other.hash == self.hash and other.instrument == self.instrument

    def __hash__(self) -> int:
        return hash(self.hash)

    def __repr__(self) -> str:
        return f"<pact.RiskModel {self.id} {self.version} {self.form} {self.status} {self.hash[:15]}…>"


def _from_json_pair(model_json: str, instrument_json: str) -> RiskModel:
    return RiskModel.from_json(model_json, Instrument.from_json(instrument_json))
