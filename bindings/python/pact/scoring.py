"""Scoring a caseload (pandas or numpy in, a DataFrame out) and one case (a mapping in, pact's
result record out)."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Optional, Union

import numpy as np
import pandas as pd

from . import _pact
from ._data import batch_responses, response_value
from .instrument import Instrument
from .risk import RiskModel

ModelArg = Union[RiskModel, None, bool]

# pact::RiskStatus by code: ok, rejected_by_instrument, missing_duration, not_finite.
RISK_STATUSES = [_pact.risk_status_name(code) for code in range(4)]


def resolve(instrument: Optional[Instrument], model: ModelArg) -> tuple:
    """(instrument, model or None) for the arguments of score and score_one.

    ``model=None`` means the default model when the instrument is the default one (it reads no
    other), ``model=True`` the default model in any case, ``model=False`` no risk; a given model
    brings its instrument, and a given instrument must be the model's.
    """
    if model is True:
        model = RiskModel.default()
    if model is not None and model is not False and not isinstance(model, RiskModel):
        raise TypeError(f"model must be a pact.RiskModel, None or False, got {type(model).__name__}")
    if instrument is not None and not isinstance(instrument, Instrument):
        raise TypeError(f"instrument must be a pact.Instrument or None, got {type(instrument).__name__}")
    if isinstance(model, RiskModel):
        if instrument is not None and instrument != model.instrument:
            raise ValueError(
                f"risk model {model.id} {model.version} reads instrument {model.instrument.id} "
                f"{model.instrument.version} ({model.instrument.hash[:15]}…), not {instrument.id} "
                f"{instrument.version} ({instrument.hash[:15]}…)"
            )
        return model.instrument, model
    instrument = instrument or Instrument.default()
    if model is None and instrument == Instrument.default():
        return instrument, RiskModel.default()
    return instrument, None


def _risk_problem(model: RiskModel, status: int) -> tuple:
    """(item index or None, reason) for a row the risk model could not score."""
    name = _pact.risk_status_name(status)
    if name == "missing_duration":
        item = model.instrument.item_ids.index(model.duration_item)
        return item, (f"risk model {model.id} needs the months in care to place the case on its "
                      "duration bands, and the item has no answer")
    return None, f"the case's values are too large for risk model {model.id}: its linear predictor overflows"


def row_problems(out: dict, instrument: Instrument, model: Optional[RiskModel], responses, index,
                 risk: bool = True) -> tuple:
    """(rows, message): the rows a batch could not score (with `risk`, also those without a
    risk), and a function that says why for one of them ("row <label>, item <id>: <reason>").
    `responses` is the matrix or the columns the batch read (see _data.batch_responses)."""
    status = out["status"]
    risk_status = out.get("risk_status") if risk else None
    bad_mask = status != 0
    if risk_status is not None:
        bad_mask = bad_mask | (risk_status != 0)
    item_ids = instrument.item_ids

    def message(i: int) -> str:
        if status[i] != 0:
            j = int(out["error_item"][i])
            reason = _pact.describe_response_problem(instrument._native, j, int(status[i]),
                                                     response_value(responses, i, j))
            return f"row {index[i]!r}, item {item_ids[j]!r}: {reason}"
        j, reason = _risk_problem(model, int(risk_status[i]))
        return f"row {index[i]!r}" + (f", item {item_ids[j]!r}" if j is not None else "") + f": {reason}"

    return np.flatnonzero(bad_mask), message


def raise_first(bad, message) -> None:
    raise ValueError(message(int(bad[0])) + (f" (and {len(bad) - 1} more rows)" if len(bad) > 1 else ""))


def score(
    data,
    instrument: Optional[Instrument] = None,
    model: ModelArg = None,
    lang: str = "es",
    threads: int = 0,
    errors: str = "raise",
) -> pd.DataFrame:
    """Scores every row of `data` with the instrument and, when there is one, the risk model,
    in one pass in C++ (the GIL is released meanwhile).

    Parameters
    ----------
    data : DataFrame, 2-D array, mapping or list of mappings
        A DataFrame with one column per item id (other columns are ignored; NaN or an empty
        cell is a missing answer), or a rows x items array in instrument order. float64 data is
        read without a copy: a DataFrame's float64 item columns, and C- or Fortran-ordered
        arrays; other dtypes and layouts are converted once.
    instrument : Instrument, optional
        Defaults to the model's instrument, or ``Instrument.default()``.
    model : RiskModel, None, True or False
        The chronicity-risk model. None: ``RiskModel.default()`` when the instrument is the
        default one, else no risk; True: the default model (an error with another instrument);
        False: no risk columns.
    lang : str
        Language of the level and band labels (``"es"``, ``"ca"``, ``"en"``; the instrument's
        default when it lacks it).
    threads : int
        Worker threads (0 = all cores). Results do not depend on the thread count.
    errors : {"raise", "mark"}
        ``"raise"``: a row with a response the instrument cannot score raises ValueError naming
        the row, the item and the reason. ``"mark"``: such rows get NaN scores and the reason in
        an ``error`` column. A valid row the risk model cannot score (a hazard model needs the
        months in care, an optional item) is not an error: its risk is NaN and ``risk_status``
        says why.

    Returns
    -------
    DataFrame indexed like `data`: one column per dimension (score in [0, 1], NaN when not
    scored), ``composite``, ``composite_coverage``, ``level`` (categorical, in order of
    severity), ``level_label``, ``deprivation_score``, ``deprived_count``; with a risk model
    also ``risk`` (the probability of still being in care at the model's horizon), ``band``
    (categorical, low to very_high), ``band_label``, ``top_factor_1`` .. ``top_factor_3`` (the
    features that raise the risk most, largest first), ``imputed_features`` (features whose
    input was missing and took their reference value) and ``risk_status`` (``ok``,
    ``rejected_by_instrument``, ``missing_duration``, ``not_finite``); with
    ``errors="mark"`` also ``error``. ``df.attrs`` records the instrument's and the model's id,
    version and hash (EU AI Act Art. 12 logging).

    >>> import numpy as np, pact
    >>> inst = pact.Instrument.default()
    >>> x = np.full((1, len(inst.item_ids)), np.nan)
    >>> x[0, inst.item_ids.index("emp_work_status")] = 1
    >>> x[0, inst.item_ids.index("hou_homelessness")] = 1
    >>> x[0, inst.item_ids.index("tic_months_in_care")] = 6
    >>> df = pact.score(x, lang="en")
    >>> bool(df["composite"].isna().all())   # too little answered for a composite
    True
    >>> df.loc[0, "band"] in ("low", "medium", "high", "very_high")
    True
    """
    if errors not in ("raise", "mark"):
        raise ValueError(f"errors must be 'raise' or 'mark', got {errors!r}")
    instrument, model = resolve(instrument, model)
    responses, index = batch_responses(data, instrument)
    if model is None:
        out = _pact.score_batch(instrument._native, responses, threads)
    else:
        out = _pact.score_risk_batch(model._native, responses, threads)

    status = out["status"]
    bad, message = row_problems(out, instrument, model, responses, index, risk=False)
    messages = None
    if len(bad):
        if errors == "raise":
            raise_first(bad, message)
        messages = np.full(len(status), None, dtype=object)
        for i in bad:
            messages[i] = message(int(i))

    # Columns are numpy arrays the C++ batch filled; the DataFrame takes them without copies
    # (the dimension scores as column views of the rows x dimensions matrix).
    scores = out["dimension_scores"]
    columns = {d: scores[:, j] for j, d in enumerate(instrument.dimension_ids)}
    columns["composite"] = out["composite"]
    columns["composite_coverage"] = out["composite_coverage"]
    level_codes = out["level"]
    levels = instrument.levels(lang)
    columns["level"] = pd.Categorical.from_codes(level_codes, categories=instrument.level_ids, ordered=True)
    columns["level_label"] = pd.Categorical.from_codes(level_codes, categories=list(levels["label"]), ordered=True)
    columns["deprivation_score"] = out["deprivation_score"]
    deprived = out["deprived_count"]
    columns["deprived_count"] = pd.arrays.IntegerArray(np.maximum(deprived, 0), deprived < 0)
    if model is not None:
        bands = model.bands(lang)
        band_codes = out["band"]
        columns["risk"] = out["probability"]
        columns["band"] = pd.Categorical.from_codes(band_codes, categories=model.band_ids, ordered=True)
        columns["band_label"] = pd.Categorical.from_codes(band_codes, categories=list(bands["label"]), ordered=True)
        top = out["top_factors"]
        features = model.feature_ids
        for k in range(top.shape[1]):
            columns[f"top_factor_{k + 1}"] = pd.Categorical.from_codes(top[:, k], categories=features)
        imputed = out["imputed_features"]
        columns["imputed_features"] = pd.arrays.IntegerArray(np.maximum(imputed, 0), imputed < 0)
        columns["risk_status"] = pd.Categorical.from_codes(out["risk_status"], categories=RISK_STATUSES)
    if errors == "mark":
        columns["error"] = messages if messages is not None else np.full(len(status), None, dtype=object)
    result = pd.DataFrame(columns, index=index, copy=False)

    result.attrs.update(
        {
            "instrument_id": instrument.id,
            "instrument_version": instrument.version,
            "instrument_hash": instrument.hash,
            "pact_version": _pact.__version__,
        }
    )
    if model is not None:
        result.attrs.update(
            {
                "model_id": model.id,
                "model_version": model.version,
                "model_hash": model.hash,
                "model_status": model.status,
                "horizon_months": model.horizon_months,
            }
        )
    return result


def _json_response(item_id: str, value):
    """A response as assessment JSON has it: a number, true/false, or null."""
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        if math.isnan(value):
            return None
        if math.isinf(value):
            raise ValueError(f"item {item_id!r}: {value} is not a finite number")
        return value
    if value is pd.NA or value is pd.NaT:
        return None
    return value  # anything else goes to pact's reader, which says why it is not a response


def assessment_json(case: Mapping, case_id: str = "case") -> str:
    """The assessment JSON of docs/formats.md for one case given as a mapping of item ids to
    responses, or as a whole assessment (``{"case_id": ..., "responses": {...}, ...}``)."""
    if not isinstance(case, Mapping):
        raise TypeError(f"case must be a mapping of item ids to responses, got {type(case).__name__}")
    if "responses" in case:
        assessment = dict(case)
        responses = assessment["responses"]
        if not isinstance(responses, Mapping):
            raise TypeError("the assessment's responses must be a mapping of item ids to responses")
    else:
        assessment = {"case_id": case_id}
        responses = case
    assessment["responses"] = {str(k): _json_response(str(k), v) for k, v in responses.items()}
    return json.dumps(assessment)


def score_one(
    case: Mapping,
    instrument: Optional[Instrument] = None,
    model: ModelArg = None,
    lang: str = "es",
    case_id: str = "case",
    items: Optional[bool] = None,
    override=None,
    audit=None,
) -> dict:
    """Scores one case and returns pact's result record as a dict: the same JSON the C API and
    the command-line tool write (docs/formats.md, schema docs/schemas/result.schema.json).

    `case` is either a mapping of item ids to responses (numbers, True/False for yes/no items,
    None or NaN when missing), or a whole assessment as in the assessment JSON format
    (``{"case_id": ..., "date": ..., "attributes": {...}, "responses": {...}}``). It goes
    through pact's assessment reader, so a bad response is a ``ValueError`` whose ``.where``
    is its JSON Pointer (``/responses/emp_work_status``). With a risk model (by default the
    default model, as for :func:`score`) the record has a ``risk`` section: probability, band,
    survival curve, contributions, top factors and counterfactual.

    `items` adds each item's response and severity (by default only with `audit`). `override`
    (a :class:`pact.Override`, validated here) is recorded beside pact's scores, which it never
    changes, under ``"override"``. `audit` (a :class:`pact.AuditLog` of the same instrument and
    model) appends the case's audit record.

    >>> import pact
    >>> r = pact.score_one({"emp_work_status": 4, "hou_homelessness": 1, "tic_months_in_care": 30}, lang="en")
    >>> r["format"], r["instrument"]["id"], r["risk"]["model"]["id"]
    ('pact.result', 'pact-instrument', 'pact-chronicity')
    >>> [d["id"] for d in r["dimensions"]][:3]
    ['employability', 'economic', 'housing']
    """
    instrument, model = resolve(instrument, model)
    if items is None:
        items = audit is not None
    text = assessment_json(case, case_id)
    if override is not None:
        from .casework import Override

        if not isinstance(override, Override):
            raise TypeError(f"override must be a pact.Override, got {type(override).__name__}")
    if audit is not None:
        from .casework import AuditLog

        if not isinstance(audit, AuditLog):
            raise TypeError(f"audit must be a pact.AuditLog, got {type(audit).__name__}")
        if audit.instrument != instrument or audit.model != model:
            raise ValueError("the audit log records another instrument or model than this scoring call's")
        return audit.append(json.loads(text), override=override, lang=lang, items=items)
    native_model = model._native if model is not None else None
    result = _pact.score_assessment_json(instrument._native, text, lang, items, native_model)
    if override is not None:
        # pact::apply_override_json validates the override against the result and adds it.
        result = _pact.apply_override_json(instrument._native, native_model, result, *override._fields())
    return json.loads(result)
