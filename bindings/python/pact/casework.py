"""Proactive casework (docs/casework.md): what changed between a case's assessments and the
alerts it raises, whom to contact first within a capacity, professionals' overrides of a level
or band, and audit records of scoring with their verifier. The rules and computations are pact's
C++ ones (``include/pact/casework.hpp``, ``include/pact/audit.hpp``); the order and the alerts
support a team's judgement, they decide nothing."""

from __future__ import annotations

import dataclasses
import datetime as _dt
import io
import json
import os
from collections.abc import Mapping
from typing import Any, Optional, Union

import numpy as np
import pandas as pd

from . import _pact
from ._data import response_matrix
from .instrument import Instrument
from .risk import RiskModel
from .scoring import ModelArg, assessment_json, resolve

PathOrFile = Union[str, "os.PathLike[str]", io.TextIOBase]


# --- histories ----------------------------------------------------------------------------------


def _as_of_text(as_of) -> str:
    if as_of is None:
        return ""
    if isinstance(as_of, (_dt.date, pd.Timestamp, np.datetime64)):
        text = pd.Timestamp(as_of).strftime("%Y-%m-%d")
    else:
        text = str(as_of)
    if not _pact.is_date(text):
        raise ValueError(f"as_of={as_of!r} is not a date YYYY-MM-DD")
    return text


def _case_ids(data: pd.DataFrame, case_id: str) -> list:
    if case_id in data.columns:
        values = data[case_id]
    elif data.index.name == case_id:
        values = data.index.to_series(index=data.index)
    else:
        raise ValueError(f"case_id={case_id!r} is neither a column of the data nor the name of its index")
    missing = values.isna().to_numpy()
    if missing.any():
        raise ValueError(f"row {data.index[int(np.flatnonzero(missing)[0])]!r}: the case id is missing")
    return [str(v) for v in values]


def _dates(data: pd.DataFrame, date: str) -> list:
    if date not in data.columns:
        raise ValueError(f"date={date!r} is not a column of the data")
    column = data[date]
    if pd.api.types.is_datetime64_any_dtype(column):
        return ["" if pd.isna(v) else v.strftime("%Y-%m-%d") for v in column]
    return ["" if v is None or (isinstance(v, float) and np.isnan(v)) else
            (v.strftime("%Y-%m-%d") if isinstance(v, (_dt.date, pd.Timestamp)) else str(v)) for v in column]


def _histories(data, instrument: Instrument, case_id: str, date: Optional[str]):
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a DataFrame of assessments, got {type(data).__name__}")
    matrix, index = response_matrix(data, instrument)
    ids = _case_ids(data, case_id)
    dates = _dates(data, date) if date is not None else None
    return matrix, index, ids, dates


def _reject(rejected, errors: str, instrument: Instrument, matrix, index, dates) -> list:
    """The row labels rejected (errors="drop"), or ValueError for the first (errors="raise")."""
    if not len(rejected):
        return []
    if errors == "drop":
        return [index[int(i)] for i in rejected]
    i = int(rejected[0])
    more = f" (and {len(rejected) - 1} more rows)" if len(rejected) > 1 else ""
    if dates is not None and not _pact.is_date(dates[i]):
        raise ValueError(f"row {index[i]!r}: date {dates[i]!r} is not a date YYYY-MM-DD{more}")
    out = _pact.score_batch(instrument._native, matrix[i:i + 1], 1)
    j = int(out["error_item"][0])
    reason = _pact.describe_response_problem(instrument._native, j, int(out["status"][0]), float(matrix[i, j]))
    raise ValueError(f"row {index[i]!r}, item {instrument.item_ids[j]!r}: {reason}{more}")


def _stamp(frame: pd.DataFrame, instrument: Instrument, model: Optional[RiskModel], **extra) -> None:
    frame.attrs.update({"instrument_id": instrument.id, "instrument_version": instrument.version,
                        "instrument_hash": instrument.hash, "pact_version": _pact.__version__, **extra})
    if model is not None:
        frame.attrs.update({"model_id": model.id, "model_version": model.version, "model_hash": model.hash,
                            "model_status": model.status})


def _categorical(codes, categories) -> pd.Categorical:
    return pd.Categorical.from_codes(np.asarray(codes, dtype=np.int32), categories=categories, ordered=True)


def changes(
    data: pd.DataFrame,
    date: str = "date",
    case_id: str = "case_id",
    as_of=None,
    lang: str = "es",
    instrument: Optional[Instrument] = None,
    model: ModelArg = None,
    history: bool = False,
    errors: str = "raise",
) -> pd.DataFrame:
    """What changed between the assessments of each case, and the alerts it raises
    (``pact::caseload_changes``; docs/casework.md). The rules are data in the instrument and
    model JSON: a dimension's score rose by at least ``dimension_worsening`` (0.15 in the default
    instrument), the level went up, an item became critical, no reassessment for more than
    ``reassessment_overdue_days`` (180) as of `as_of`, the risk band went up, the probability of
    chronicity rose by at least ``probability_increase`` (0.10). A rise of exactly the rule's
    amount alerts.

    Parameters
    ----------
    data : DataFrame
        One row per assessment: the responses (as for :func:`pact.score`), the case id (a column,
        or the name of the index) and the date (``YYYY-MM-DD`` text or datetimes). Rows may come
        in any order; a case's assessments are ordered by date (ties keep the input order).
    as_of : date or ``YYYY-MM-DD``, optional
        The day on which overdue reassessments are judged (no overdue alert without it).
    lang : str
        The language of the alerts' reasons (``"es"``, ``"ca"``, ``"en"``).
    model : RiskModel, None, True or False
        As for :func:`pact.score`: by default the default model with the default instrument.
    history : bool
        False: one row per case, its latest change and its current alerts. True: one row per
        change between consecutive assessments (the latest one of each case has ``latest``).
    errors : {"raise", "drop"}
        A row whose date is not a date or whose responses cannot be scored raises ValueError
        naming it; ``"drop"`` leaves such rows out and lists their labels in
        ``df.attrs["rejected_rows"]``.

    Returns
    -------
    DataFrame indexed by ``case_id`` (sorted), with ``assessments`` (the case's count),
    ``from_date`` and ``to_date``, ``days`` between them, ``<dimension>_change`` for every
    dimension (NaN when either score is missing), ``composite_change``, ``level_from`` and
    ``level_to`` (ordered categoricals), with a model ``probability_change``, ``band_from`` and
    ``band_to``; ``worsened`` (a higher composite, level, band or probability), ``latest``,
    ``alerts`` (how many), ``alert_kinds``, ``alert_subjects`` (the dimension or item id, or
    None) and ``alert_reasons`` (lists, one entry per alert). A case with one assessment has a
    row with no from_date and no changes (it can still be overdue).

    Employability is scored when items with at least half its weight are answered: here work
    status, months since the last job and education (weights 2, 1.5 and 1 of 7.5). All three
    go from severity 0 to 1, so the dimension rises from 0 to 1, and the months since the last
    job (48: severity 1) pass the item's critical cut-off (0.8):

    >>> import pandas as pd, pact
    >>> visits = pd.DataFrame({
    ...     "case_id": ["c1", "c1"], "date": ["2024-01-10", "2024-07-01"],
    ...     "emp_work_status": [1, 5], "emp_months_since_job": [0, 48], "emp_education": [1, 5],
    ...     "hou_homelessness": [1, 1]})
    >>> ch = pact.changes(visits, lang="en", model=False)
    >>> ch.loc["c1", ["from_date", "to_date", "days", "employability_change"]].tolist()
    ['2024-01-10', '2024-07-01', 173, 1.0]
    >>> ch.loc["c1", "alert_kinds"]
    ['dimension_worsening', 'critical_item_appears']
    >>> ch.loc["c1", "alert_reasons"]  # doctest: +ELLIPSIS
    ['Employability worsened 100 points (0 → 100; rule ≥ 15)', 'Critical now: ... (100)']
    """
    if errors not in ("raise", "drop"):
        raise ValueError(f"errors must be 'raise' or 'drop', got {errors!r}")
    instrument, model = resolve(instrument, model)
    as_of_text = _as_of_text(as_of)
    matrix, index, ids, dates = _histories(data, instrument, case_id, date)
    out = _pact.caseload_changes(instrument._native, model._native if model is not None else None, matrix, ids,
                                 dates, as_of_text, lang)
    rejected = _reject(out["rejected_rows"], errors, instrument, matrix, index, dates)

    rows = out["latest"] if not history else np.ones(len(out["latest"]), dtype=bool)
    from_row, to_row = out["from_row"][rows], out["to_row"][rows]
    date_array = np.asarray(dates, dtype=object)
    columns: dict = {
        "assessments": out["assessments"][rows],
        "from_date": np.where(from_row >= 0, date_array[np.maximum(from_row, 0)], None),
        "to_date": date_array[to_row],
    }
    days = out["days"][rows]
    columns["days"] = pd.arrays.IntegerArray(np.nan_to_num(days).astype(np.int64), np.isnan(days))
    dims = out["dimension_change"][rows]
    for j, dim in enumerate(instrument.dimension_ids):
        columns[f"{dim}_change"] = dims[:, j]
    columns["composite_change"] = out["composite_change"][rows]
    columns["level_from"] = _categorical(out["level_from"][rows], instrument.level_ids)
    columns["level_to"] = _categorical(out["level_to"][rows], instrument.level_ids)
    if model is not None:
        columns["probability_change"] = out["probability_change"][rows]
        columns["band_from"] = _categorical(out["band_from"][rows], model.band_ids)
        columns["band_to"] = _categorical(out["band_to"][rows], model.band_ids)
    columns["worsened"] = out["worsened"][rows]
    columns["latest"] = out["latest"][rows]
    selected = np.flatnonzero(rows)
    kinds = [out["alert_kinds"][i] for i in selected]
    columns["alerts"] = np.array([len(k) for k in kinds], dtype=np.int64)
    columns["alert_kinds"] = pd.Series(kinds, dtype=object).to_numpy()
    columns["alert_subjects"] = pd.Series([out["alert_subjects"][i] for i in selected], dtype=object).to_numpy()
    columns["alert_reasons"] = pd.Series([out["alert_reasons"][i] for i in selected], dtype=object).to_numpy()
    case_index = pd.Index([out["case_ids"][c] for c in out["case"][rows]], name="case_id", dtype=object)
    frame = pd.DataFrame(columns, index=case_index)
    _stamp(frame, instrument, model, as_of=as_of_text or None, rejected_rows=rejected)
    return frame


def prioritise(
    data: pd.DataFrame,
    capacity: int = 0,
    by: Optional[str] = None,
    capacity_by: Optional[Mapping[str, int]] = None,
    per_group: bool = False,
    as_of=None,
    date: Optional[str] = "date",
    case_id: str = "case_id",
    lang: str = "es",
    instrument: Optional[Instrument] = None,
    model: ModelArg = None,
    errors: str = "raise",
) -> pd.DataFrame:
    """The caseload in the order of proactive contact, most urgent first (``pact::prioritise``;
    docs/casework.md): each case's latest assessment is ranked by its risk band, then its
    current alerts (recent worsening), its probability of chronicity, the latest rise of that
    probability (or, without a risk, of the composite), then the level and the composite, and
    finally the case id, so that ties are broken the same way every time. The first `capacity`
    cases are selected, or with `by` (a team or territory column) the first ``capacity_by[g]``
    of each group ``g`` (a group without an entry gets `capacity`; 0 means no limit); with
    ``per_group=True`` `capacity` is each group's (``pact prioritise --per-group``).

    The order is a suggestion that helps a team plan its contacts; the professional decides.

    Parameters
    ----------
    data : DataFrame
        Assessments as for :func:`changes`. Without dates (``date=None``, or no column named
        ``"date"`` when `date` is left at its default) every row is a case's only assessment and
        case ids must be unique.
    by : str, optional
        The column with each case's team or territory (read from its latest assessment; a
        missing value is the group ``"(missing)"``).

    Returns
    -------
    DataFrame in rank order, indexed by ``case_id``: ``rank``, ``selected``, with `by` the
    group (named as the column) and ``group_rank``; ``date`` of the latest assessment;
    with a risk model ``band``, ``probability`` and ``top_factor_1..3`` (the features that
    raise the risk most); ``level``, ``composite``, ``worsening``, ``alerts`` (current alerts),
    ``alert_kinds`` and ``reasons`` (the alerts' reasons in `lang`).

    >>> import pandas as pd, pact
    >>> cases = pd.DataFrame({"case_id": ["a", "b", "c"], "emp_work_status": [5, 1, 5],
    ...                       "hou_homelessness": [4, 1, 1], "tic_months_in_care": [60, 2, 60]})
    >>> order = pact.prioritise(cases, capacity=2, date=None)
    >>> list(order.index), list(order["selected"])
    (['a', 'c', 'b'], [True, True, False])
    """
    if errors not in ("raise", "drop"):
        raise ValueError(f"errors must be 'raise' or 'drop', got {errors!r}")
    if isinstance(capacity, bool) or not isinstance(capacity, (int, np.integer)) or capacity < 0:
        raise ValueError(f"capacity must be a whole number >= 0 (0: no limit), got {capacity!r}")
    if capacity_by is not None and by is None:
        raise ValueError("capacity_by needs by= (the team or territory column)")
    if per_group and by is None:
        raise ValueError("per_group needs by= (the team or territory column)")
    capacities = []
    for group, n in dict(capacity_by or {}).items():
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
            raise ValueError(f"capacity_by[{group!r}] must be a whole number >= 0, got {n!r}")
        capacities.append((str(group), int(n)))
    instrument, model = resolve(instrument, model)
    as_of_text = _as_of_text(as_of)
    if isinstance(data, pd.DataFrame) and date == "date" and date not in data.columns:
        date = None  # the default name, absent: one assessment per case
    matrix, index, ids, dates = _histories(data, instrument, case_id, date)
    groups = None
    if by is not None:
        if by not in data.columns:
            raise ValueError(f"by={by!r} is not a column of the data")
        groups = ["(missing)" if pd.isna(v) or str(v) == "" else str(v) for v in data[by]]
    out = _pact.prioritise(instrument._native, model._native if model is not None else None, matrix, ids, dates,
                           groups, as_of_text, int(capacity), capacities, bool(per_group), lang)
    rejected = _reject(out["rejected_rows"], errors, instrument, matrix, index, dates)

    rows = out["row"]
    columns: dict = {"rank": out["rank"], "selected": out["selected"]}
    if groups is not None:
        columns[by] = np.asarray(groups, dtype=object)[rows]
        columns["group_rank"] = out["group_rank"]
    if dates is not None:
        columns["date"] = np.asarray(dates, dtype=object)[rows]
    if model is not None:
        columns["band"] = _categorical(out["band"], model.band_ids)
        columns["probability"] = out["probability"]
        top = out["top_factors"]
        for k in range(top.shape[1]):
            columns[f"top_factor_{k + 1}"] = pd.Categorical.from_codes(top[:, k], categories=model.feature_ids)
    columns["level"] = _categorical(out["level"], instrument.level_ids)
    columns["composite"] = out["composite"]
    columns["worsening"] = out["worsening"]
    columns["alerts"] = out["alerts"]
    columns["alert_kinds"] = pd.Series(list(out["alert_kinds"]), dtype=object).to_numpy()
    columns["reasons"] = pd.Series(list(out["alert_reasons"]), dtype=object).to_numpy()
    frame = pd.DataFrame(columns, index=pd.Index(list(out["case_ids"]), name="case_id", dtype=object))
    _stamp(frame, instrument, model, as_of=as_of_text or None, rejected_rows=rejected, capacity=int(capacity),
           capacity_by=dict(capacities), per_group=bool(per_group))
    return frame


prioritize = prioritise


# --- professional overrides ---------------------------------------------------------------------


def _utc_text(value) -> str:
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("an override's timestamp must be in UTC: give an aware datetime or YYYY-MM-DDThh:mm:ssZ")
        return value.astimezone(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(value)


@dataclasses.dataclass(frozen=True)
class Override:
    """A professional's override of a result's level or band (GDPR Art. 22: the score supports
    the professional's decision; when they disagree, the record says so and why). pact never
    changes its own scores: the override stands beside them, in the result record
    (:func:`pact.score_one` with ``override=``) and in its audit record.

    ``target`` is ``"level"`` or ``"band"``; ``value`` the new level or band id;
    ``professional_id`` a pseudonymous id (letters, digits, ``_ - . :``; never a name);
    ``reason`` free text saying why (at most 2000 bytes; it must not identify the person);
    ``timestamp`` the UTC time (``YYYY-MM-DDThh:mm:ssZ``, or an aware datetime; now by default).

    :meth:`validate` checks it against an instrument and a model (``pact::validate_override``);
    every pact function that takes an override validates it.

    >>> import pact
    >>> o = pact.Override("band", "high", "ts-0042", "Eviction notice received this week",
    ...                   timestamp="2026-11-23T10:15:00Z").validate()
    >>> o.to_dict()["professional_id"]
    'ts-0042'
    >>> pact.Override("band", "high", "Ana García", "Eviction notice").validate()  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    pact._pact.ValidationError: /override/professional_id: a pseudonymous id has only letters, ... never a name)
    """

    target: str
    value: str
    professional_id: str
    reason: str
    timestamp: str = dataclasses.field(default_factory=lambda: _pact.utc_now())

    def __post_init__(self) -> None:
        object.__setattr__(self, "timestamp", _utc_text(self.timestamp))
        for name in ("target", "value", "professional_id", "reason"):
            if not isinstance(getattr(self, name), str):
                raise TypeError(f"Override.{name} must be a str, got {type(getattr(self, name)).__name__}")

    def validate(self, instrument: Optional[Instrument] = None, model: ModelArg = None) -> "Override":
        """Checks the override against `instrument` (its level ids) and `model` (its band ids),
        by default the default ones (as :func:`pact.score` resolves them); raises
        ``pact.ValidationError`` whose ``.where`` is ``/override/<field>``. Returns itself."""
        instrument, model = resolve(instrument, model)
        _pact.validate_override(instrument._native, model._native if model is not None else None, self.target,
                                self.value, self.professional_id, self.timestamp, self.reason)
        return self

    def to_dict(self) -> dict:
        """The override as result and audit records hold it."""
        return {"target": self.target, "value": self.value, "professional_id": self.professional_id,
                "timestamp": self.timestamp, "reason": self.reason}

    def _fields(self) -> list:
        return [self.target, self.value, self.professional_id, self.timestamp, self.reason]


# --- audit records ------------------------------------------------------------------------------


class AuditLog:
    """An audit log (EU AI Act Art. 12; docs/casework.md, "Audit records"): one JSON Lines record
    per scored case, with the time, the library, instrument and model stamps, the SHA-256 of the
    canonical input (never the responses, a name or a national id), the outputs and any
    professional override. Records form a hash chain, so that an altered, removed or reordered
    record is detected by :func:`verify_audit`.

    `target` is a path (appended to; an existing log's chain is continued, and must be intact)
    or a writable text file (a new chain). `instrument` and `model` are resolved as for
    :func:`pact.score`. A log is written by one thread at a time.

    >>> import os, tempfile, pact
    >>> path = os.path.join(tempfile.mkdtemp(), "audit.jsonl")
    >>> with pact.AuditLog(path) as log:
    ...     result = pact.score_one({"emp_work_status": 4, "hou_homelessness": 1, "tic_months_in_care": 30},
    ...                             case_id="c-0042", audit=log)
    ...     log.records
    1
    >>> report = pact.verify_audit(path, results=[result])
    >>> report.ok, report.matched
    (True, 1)
    """

    def __init__(self, target: PathOrFile, instrument: Optional[Instrument] = None, model: ModelArg = None):
        self.instrument, self.model = resolve(instrument, model)
        previous, sequence = _pact.audit_genesis, 1
        if isinstance(target, (str, os.PathLike)):
            self.path: Optional[str] = os.fspath(target)
            if os.path.exists(self.path) and os.path.getsize(self.path) > 0:
                previous, sequence = _pact.audit_log_tail(self.path)
            self._file = open(self.path, "a", encoding="utf-8", newline="\n")
            self._owns_file = True
        elif hasattr(target, "write"):
            self.path = None
            self._file = target
            self._owns_file = False
        else:
            raise TypeError(f"target must be a path or a writable text file, got {type(target).__name__}")
        self._chain = _pact.AuditChain(self.instrument._native,
                                       self.model._native if self.model is not None else None, previous, sequence)

    @property
    def records(self) -> int:
        """Records this object has written."""
        return self._chain.records

    @property
    def last_record_digest(self) -> str:
        """The ``record_sha256`` of the last record (the next one's ``previous_sha256``)."""
        return self._chain.last_record_digest

    def append(self, case: Mapping, override: Optional[Override] = None, timestamp=None, lang: str = "es",
               case_id: str = "case", items: bool = True) -> dict:
        """Scores one case (a mapping of item ids to responses, or a whole assessment, as for
        :func:`pact.score_one`), appends its audit record and returns its result record; with
        `override`, the result and the record carry it. `items` (on by default) keeps the item
        responses in the result, which :func:`verify_audit` needs to recompute its input digest.
        """
        if self._file is None:
            raise ValueError("the audit log is closed")
        if override is not None and not isinstance(override, Override):
            raise TypeError(f"override must be a pact.Override, got {type(override).__name__}")
        line, text = self._chain.append(
            assessment_json(case, case_id), override._fields() if override is not None else None,
            _utc_text(timestamp) if timestamp is not None else "", lang, items)
        self._file.write(line)
        self._file.flush()
        return json.loads(text)

    def close(self) -> None:
        if self._file is not None and self._owns_file:
            self._file.close()
        self._file = None

    def __enter__(self) -> "AuditLog":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        where = self.path if self.path is not None else repr(self._file)
        return f"<pact.AuditLog {where}: {self.records} records written>"


@dataclasses.dataclass
class AuditReport:
    """What :func:`verify_audit` found: ``records`` read, ``results`` checked, ``matched``
    results, ``unmatched_records`` (records no result claimed: normal when verifying a subset)
    and ``problems`` (a DataFrame: ``source`` "log" or "results", ``line``, ``case_id``,
    ``problem``). ``ok`` when there is no problem."""

    records: int
    results: int
    matched: int
    unmatched_records: int
    problems: pd.DataFrame

    @property
    def ok(self) -> bool:
        return len(self.problems) == 0

    def __bool__(self) -> bool:
        return self.ok


def _source(value, what: str):
    """(text or path, is_path) for the verifier."""
    if isinstance(value, (str, os.PathLike)):
        return os.fspath(value), True
    if hasattr(value, "read"):
        return value.read(), False
    if what == "results":
        lines = []
        for r in value:
            lines.append(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False))
        return "\n".join(lines) + "\n", False
    raise TypeError(f"{what} must be a path or a readable text file, got {type(value).__name__}")


def verify_audit(log: PathOrFile, results=None, instrument: Optional[Instrument] = None) -> AuditReport:
    """Verifies an audit log (``pact::verify_audit_log``): each record's digest, the chain and the
    sequence numbers; with `results` (``pact::verify_audit``), also that each result matches the
    next unmatched record of its case: the same instrument and model stamps, the digest of its
    input (recomputed from the result's item responses, so results need their ``items``), the
    same outputs (composite, level, dimension scores, deprivation, probability, band) and the
    same override.

    `log` is a path or a readable text file; `results` a path, a readable file of JSON Lines,
    or a list of result records (dicts, as :func:`pact.score_one` returns them). `instrument`
    (default: the default instrument) reads the results' items.
    """
    log_source, log_is_path = _source(log, "log")
    if results is None:
        raw = _pact.verify_audit(None, log_source, log_is_path)
    else:
        instrument = instrument or Instrument.default()
        results_source, results_are_path = _source(results, "results")
        raw = _pact.verify_audit(instrument._native, log_source, log_is_path, results_source, results_are_path)
    problems = pd.DataFrame(raw["problems"], columns=["source", "line", "case_id", "problem"])
    problems["line"] = problems["line"].astype(np.int64)
    return AuditReport(raw["records"], raw["results"], raw["matched"], raw["unmatched_records"], problems)
