"""Simulated caseloads: pact's documented generative model (docs/simulation.md), for demos,
tests, benchmarks and power analysis, since real caseload data is personal and cannot ship."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional

import numpy as np
import pandas as pd

from . import _pact
from .instrument import Instrument
from .risk import RiskModel

_NUMBERS = ("item_noise", "missing_rate", "followup_months", "monthly_dropout", "general_loading")
_OPTIONS = _NUMBERS + ("dimensions", "item_shifts", "attributes", "keep_latent")
_OUTCOME_COLUMNS = ("months_in_care", "followup_months", "left_care", "chronic", "true_risk")


def simulation_options(profile: str = "default") -> dict:
    """The simulator's options as ``pact.simulate`` takes them: the profile written for pact's
    default instrument (``"default"``), or the one for any instrument (``"generic"``: no
    dimension or item parameters, the attributes' shares without their shifts). Change what you
    need and pass the entries back as keyword arguments.

    >>> import pact
    >>> o = pact.simulation_options()
    >>> o["item_noise"], o["missing_rate"], o["followup_months"]
    (0.8, 0.05, 36)
    >>> list(o["attributes"])
    ['sex', 'age_band', 'nationality', 'territory']
    >>> o["attributes"]["sex"]["female"]["share"]
    0.58
    """
    if profile not in ("default", "generic"):
        raise ValueError(f"profile must be 'default' or 'generic', got {profile!r}")
    return _pact.simulation_defaults(profile == "generic")


def _dimensions(value) -> list:
    if not isinstance(value, Mapping):
        raise TypeError("dimensions must map dimension ids to {'mean', 'general_loading', 'cluster_loading'}")
    out = []
    for dim, entry in value.items():
        unknown = set(entry) - {"mean", "general_loading", "cluster_loading"}
        if unknown:
            raise ValueError(f"dimensions[{dim!r}]: unknown key(s) {', '.join(sorted(map(str, unknown)))}")
        out.append((str(dim), float(entry.get("mean", 0.0)), float(entry.get("general_loading", 0.55)),
                    float(entry.get("cluster_loading", 0.0))))
    return out


def _attributes(value) -> list:
    if not isinstance(value, Mapping):
        raise TypeError("attributes must map names to {level code: share or {'share': s, 'shifts': {...}}}")
    out = []
    for name, levels in value.items():
        if not isinstance(levels, Mapping):
            raise TypeError(f"attributes[{name!r}] must map level codes to shares")
        specs = []
        for code, level in levels.items():
            if isinstance(level, Mapping):
                unknown = set(level) - {"share", "shifts"}
                if unknown:
                    raise ValueError(f"attributes[{name!r}][{code!r}]: unknown key(s) "
                                     f"{', '.join(sorted(map(str, unknown)))}")
                shifts = [(str(d), float(s)) for d, s in dict(level.get("shifts", {})).items()]
                specs.append((str(code), float(level["share"]), shifts))
            else:
                specs.append((str(code), float(level), []))
        out.append((str(name), specs))
    return out


def simulate(
    n: int,
    seed: int = 1,
    model: Optional[RiskModel] = None,
    threads: int = 0,
    *,
    first_case: int = 0,
    profile: Optional[str] = None,
    true_risk: bool = False,
    date: Optional[str] = None,
    **options: Any,
) -> pd.DataFrame:
    """A simulated caseload of `n` cases from pact's C++ simulator (docs/simulation.md): a
    latent exclusion severity per dimension (a general factor, a work-income-housing factor
    and the dimension's own part, shifted by the case's subgroup attributes) drives the response
    to every item; the months already in care come from the time-in-care severity; the future in
    care is drawn month by month from the risk model's hazard (by default
    ``RiskModel.default()``). Fitting the model's specification on the result is correctly
    specified and recovers its coefficients.

    The output depends only on the model, the options and the seed: the same `seed` gives the
    same caseload whatever `threads` (0 = every core; the GIL is released meanwhile), and case
    ``i`` is the same whatever the range asked for (`first_case`), so a large caseload can be
    generated in parts.

    Parameters
    ----------
    n : int
        Number of cases.
    seed : int
        The seed (1 is the C++ simulator's default).
    model : RiskModel, optional
        The generating model; its instrument gives the items.
    threads : int
        Worker threads (0 = all cores).
    first_case : int
        Generate cases ``first_case .. first_case + n - 1`` (case ids ``sim-<first_case + 1>``, ...).
    profile : {"default", "generic"}, optional
        The options to start from (see :func:`simulation_options`); by default the profile
        written for pact's default instrument when the model reads it, else ``"generic"``.
    date : str, optional
        An assessment date (``YYYY-MM-DD``) for every case, as the ``date`` column (first), as
        ``pact simulate --date`` writes it: the caseload is then an assessment round that
        :func:`pact.changes` and :func:`pact.prioritise` read.
    true_risk : bool
        Add ``true_risk``, the generating model's P(still in care at its horizon) for each case
        (what an evaluation tries to recover).
    **options
        ``item_noise`` (0.8), ``missing_rate`` (0.05), ``followup_months`` (36),
        ``monthly_dropout`` (0), ``general_loading`` (0.55), ``dimensions`` ({dimension id:
        {"mean", "general_loading", "cluster_loading"}}, replacing the profile's),
        ``item_shifts`` ({item id: shift}), ``attributes`` ({name: {level code: share, or
        {"share": s, "shifts": {dimension id: shift}}}}), ``keep_latent`` (add the latent
        severities as ``latent_<dimension>`` columns).

    Returns
    -------
    DataFrame indexed by ``case_id`` (``sim-000001``, ...): ``date`` (with `date`); the
    attributes (``sex``, ``age_band``, ``nationality``, ``territory`` in the default profile) as
    categoricals in the order of their levels; one column per item id (NaN = unanswered), ready for
    :func:`pact.score` and :func:`pact.fit`; ``months_in_care`` (completed months at the
    assessment; <NA> for a logistic model), ``followup_months`` (months observed after the
    assessment), ``left_care`` (1: left care in the last of them; 0: censored), ``chronic``
    (still in care at the model's horizon: 1, 0, or NaN when follow-up ended in care before
    it); with ``true_risk=True`` also ``true_risk``. ``df.attrs`` records the seed, the model
    and the instrument.

    >>> import pact
    >>> df = pact.simulate(1000, seed=7)
    >>> df.index[0], df.shape
    ('sim-000001', (1000, 55))
    >>> list(df.columns[:4])
    ['sex', 'age_band', 'nationality', 'territory']
    >>> bool(df.equals(pact.simulate(1000, seed=7, threads=1)))
    True
    >>> fit = pact.fit(df, outcome="left_care", form="discrete_hazard", followup="followup_months")
    >>> fit.converged
    True
    """
    unknown = set(options) - set(_OPTIONS)
    if unknown:
        raise TypeError(f"simulate() got unknown option(s) {', '.join(sorted(unknown))}; "
                        f"the options are {', '.join(_OPTIONS)}")
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValueError(f"n must be a whole number of cases >= 0, got {n!r}")
    if date is not None and (not isinstance(date, str) or not _pact.is_date(date)):
        raise ValueError(f"date must be a date YYYY-MM-DD, got {date!r}")
    if isinstance(first_case, bool) or not isinstance(first_case, int) or first_case < 0:
        raise ValueError(f"first_case must be a whole number >= 0, got {first_case!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**64:
        raise ValueError(f"seed must be a whole number in [0, 2**64), got {seed!r}")
    if model is None:
        model = RiskModel.default()
    elif not isinstance(model, RiskModel):
        raise TypeError(f"model must be a pact.RiskModel, got {type(model).__name__}")
    instrument = model.instrument
    if profile is None:
        profile = "default" if instrument == Instrument.default() else "generic"
    if profile not in ("default", "generic"):
        raise ValueError(f"profile must be 'default' or 'generic', got {profile!r}")
    numbers = {}
    for key in _NUMBERS:
        if key in options and options[key] is not None:
            value = options[key]
            if key == "followup_months":
                if isinstance(value, bool) or not isinstance(value, int):
                    raise ValueError(f"followup_months must be a whole number of months, got {value!r}")
                numbers[key] = value
            else:
                numbers[key] = float(value)
    raw = _pact.simulate(
        model._native, seed, first_case, n, threads, profile == "generic",
        keep_latent=bool(options.get("keep_latent", False)),
        dimensions=_dimensions(options["dimensions"]) if options.get("dimensions") is not None else None,
        item_shifts=[(str(k), float(v)) for k, v in dict(options["item_shifts"]).items()]
        if options.get("item_shifts") is not None else None,
        attributes=_attributes(options["attributes"]) if options.get("attributes") is not None else None,
        **numbers,
    )

    item_ids = instrument.item_ids
    attribute_names = [name for name, _, _ in raw["attributes"]]
    clash = sorted(set(attribute_names) & (set(item_ids) | set(_OUTCOME_COLUMNS) | {"date"}))
    if clash:
        raise ValueError(f"attribute name(s) {', '.join(clash)} clash with item, date or outcome columns")
    columns: dict = {}
    if date is not None:
        columns["date"] = np.full(n, date, dtype=object)
    for name, levels, codes in raw["attributes"]:
        columns[name] = pd.Categorical.from_codes(codes, categories=list(levels))
    responses = raw["responses"]
    for j, item in enumerate(item_ids):
        columns[item] = responses[:, j]
    months = raw["months_in_care"]
    columns["months_in_care"] = pd.arrays.IntegerArray(months.clip(min=0), months < 0)
    columns["followup_months"] = raw["followup_months"]
    columns["left_care"] = raw["left_care"].astype("int8")
    columns["chronic"] = raw["chronic"]
    if true_risk:
        columns["true_risk"] = raw["risk"]
    if "latent" in raw:
        for d, dim in enumerate(instrument.dimension_ids):
            columns[f"latent_{dim}"] = raw["latent"][:, d]
    frame = pd.DataFrame(columns, index=pd.Index(raw["case_ids"], name="case_id", dtype=object))
    frame.attrs.update({
        "simulation_seed": seed,
        "simulation_profile": profile,
        "first_case": first_case,
        "model_id": model.id,
        "model_version": model.version,
        "model_hash": model.hash,
        "instrument_id": instrument.id,
        "instrument_version": instrument.version,
        "instrument_hash": instrument.hash,
        "pact_version": _pact.__version__,
    })
    return frame

