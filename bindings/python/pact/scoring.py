"""Scoring a caseload: pandas or numpy in, a DataFrame of results out."""

from __future__ import annotations

from typing import Optional

import numpy as np
import pandas as pd

from . import _pact
from ._data import response_matrix
from .instrument import Instrument


def score(
    data,
    instrument: Optional[Instrument] = None,
    lang: Optional[str] = None,
    threads: int = 0,
    errors: str = "raise",
) -> pd.DataFrame:
    """Scores every row of `data` against the instrument.

    Parameters
    ----------
    data : DataFrame or 2-D array
        A DataFrame with one column per item id (other columns are ignored; NaN or an empty
        cell is a missing answer), or a rows x items array in instrument order. C-contiguous
        float64 arrays are read without a copy.
    instrument : Instrument, optional
        Defaults to ``Instrument.default()``.
    lang : str, optional
        Language of the level labels (``"es"``, ``"ca"``, ``"en"``); the instrument's default
        language when omitted.
    threads : int
        Worker threads (0 = all cores). The GIL is released while scoring; results do not
        depend on the thread count.
    errors : {"raise", "mark"}
        ``"raise"``: a row with an invalid response raises ValueError naming the row, the item
        and the reason. ``"mark"``: such rows get NaN scores and the reason in an ``error`` column.

    Returns
    -------
    DataFrame indexed like `data`: one column per dimension (score in [0, 1], NaN when not
    scored), ``composite``, ``composite_coverage``, ``level`` (categorical, in order of
    severity), ``level_label``, ``deprivation_score``, ``deprived_count``; with
    ``errors="mark"`` also ``error``. ``df.attrs`` records the instrument id, version and hash.

    >>> import numpy as np, pact
    >>> inst = pact.Instrument.default()
    >>> x = np.full((1, len(inst.item_ids)), np.nan)
    >>> x[0, inst.item_ids.index("emp_work_status")] = 1
    >>> x[0, inst.item_ids.index("hou_homelessness")] = 1
    >>> pact.score(x, inst)["composite"].isna().all()   # too little answered for a composite
    True
    """
    if errors not in ("raise", "mark"):
        raise ValueError(f"errors must be 'raise' or 'mark', got {errors!r}")
    instrument = instrument or Instrument.default()
    lang = lang or instrument.default_language
    matrix, index = response_matrix(data, instrument)
    out = _pact.score_batch(instrument._native, matrix, threads)

    status = out["status"]
    bad = np.flatnonzero(status != 0)
    messages = None
    if len(bad):
        item_ids = instrument.item_ids

        def message(i: int) -> str:
            j = int(out["error_item"][i])
            reason = _pact.describe_response_problem(instrument._native, j, int(status[i]), float(matrix[i, j]))
            return f"row {index[i]!r}, item {item_ids[j]!r}: {reason}"

        if errors == "raise":
            raise ValueError(message(int(bad[0])) + (f" (and {len(bad) - 1} more rows)" if len(bad) > 1 else ""))
        messages = np.full(len(status), None, dtype=object)
        for i in bad:
            messages[i] = message(int(i))

    result = pd.DataFrame(out["dimension_scores"], index=index, columns=instrument.dimension_ids)
    result["composite"] = out["composite"]
    result["composite_coverage"] = out["composite_coverage"]
    level_ids = instrument.level_ids
    levels = instrument.levels(lang)
    codes = out["level"]
    result["level"] = pd.Categorical.from_codes(codes, categories=level_ids, ordered=True)
    result["level_label"] = pd.Categorical.from_codes(codes, categories=list(levels["label"]), ordered=True)
    result["deprivation_score"] = out["deprivation_score"]
    result["deprived_count"] = pd.array(np.where(out["deprived_count"] < 0, 0, out["deprived_count"]), dtype="Int32")
    if messages is not None or errors == "mark":
        result.loc[status != 0, "deprived_count"] = pd.NA
        result["error"] = messages if messages is not None else np.full(len(status), None, dtype=object)
    result.attrs.update(
        {"instrument_id": instrument.id, "instrument_version": instrument.version, "instrument_hash": instrument.hash,
         "pact_version": _pact.__version__}
    )
    return result
