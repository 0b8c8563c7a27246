"""Population measures by the Alkire-Foster counting method."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np
import pandas as pd

from . import _pact
from ._data import group_codes
from .instrument import Instrument


@dataclass(frozen=True)
class AlkireFoster:
    """Alkire-Foster measures (Alkire & Foster 2011).

    H is the headcount ratio, A the intensity among the excluded, M0 the adjusted headcount
    ratio H*A, and M the measure for the requested alpha (M0, M1 or M2). Per dimension:
    uncensored and censored headcounts and the contribution to M (sums to 1). With ``by=``,
    ``groups`` has one row per subgroup: n, population share, H, A, M0, M and its contribution
    to M (contributions sum to 1 and ``sum(share * M) == M``), and ``group_contribution`` the
    contribution of each dimension to each subgroup's M (groups x dimensions).
    """

    k: float
    alpha: int
    n: int
    q: int
    H: float
    A: float
    M0: float
    M: float
    weights: pd.Series
    uncensored_headcount: pd.Series
    censored_headcount: pd.Series
    contribution: pd.Series
    groups: Optional[pd.DataFrame] = None
    group_contribution: Optional[pd.DataFrame] = None
    incomplete: int = 0

    def summary(self) -> pd.DataFrame:
        """One row per dimension: weight, uncensored and censored headcount, contribution to M."""
        return pd.concat(
            [self.weights, self.uncensored_headcount, self.censored_headcount, self.contribution], axis=1
        )


def _result(raw: dict, dimensions: list) -> AlkireFoster:
    total = raw["total"]
    groups = None
    group_contribution = None
    if raw["groups"]:
        group_contribution = pd.DataFrame(
            [g["measures"]["contribution"] for g in raw["groups"]],
            index=pd.Index([g["group"] for g in raw["groups"]], name="group"),
            columns=dimensions,
        )
        groups = pd.DataFrame(
            [
                {
                    "group": g["group"],
                    "n": g["measures"]["n"],
                    "population_share": g["population_share"],
                    "H": g["measures"]["H"],
                    "A": g["measures"]["A"],
                    "M0": g["measures"]["M0"],
                    "M": g["measures"]["M"],
                    "contribution": g["contribution"],
                }
                for g in raw["groups"]
            ]
        ).set_index("group")
    return AlkireFoster(
        k=raw["k"],
        alpha=raw["alpha"],
        n=total["n"],
        q=total["q"],
        H=total["H"],
        A=total["A"],
        M0=total["M0"],
        M=total["M"],
        weights=pd.Series(raw["weights"], index=dimensions, name="weight"),
        uncensored_headcount=pd.Series(total["uncensored_headcount"], index=dimensions, name="uncensored_headcount"),
        censored_headcount=pd.Series(total["censored_headcount"], index=dimensions, name="censored_headcount"),
        contribution=pd.Series(total["contribution"], index=dimensions, name="contribution"),
        groups=groups,
        group_contribution=group_contribution,
        incomplete=raw["incomplete"],
    )


def alkire_foster(
    values,
    cutoffs=None,
    weights=None,
    k: float = 1.0 / 3.0,
    alpha: int = 0,
    by=None,
    instrument: Optional[Instrument] = None,
) -> AlkireFoster:
    """Alkire-Foster measures of a population.

    Two inputs are accepted:

    * a raw matrix of achievements (rows = people, columns = dimensions) with ``cutoffs``: a
      person is deprived in d when ``value < cutoff`` (as in the paper), with normalised gap
      ``(cutoff - value) / cutoff`` for alpha = 1, 2; ``weights`` default to equal and are
      normalised to sum 1;
    * scored results (the DataFrame from :func:`pact.score`) with ``cutoffs=None``: deprived in a
      dimension when its score is at or above the instrument's deprivation cut-off, weighted by
      the instrument's dimension weights. Rows with a dimension not scored are left out and
      counted in ``incomplete``.

    ``k`` is the cross-dimensional cut-off as a share of the total weight in (0, 1]; ``by`` a
    subgroup per row (a Series, an array, or the name of a column of `values`).

    >>> import numpy as np, pact
    >>> y = np.array([[13.1, 14, 4, 1], [15.2, 7, 5, 0], [12.5, 10, 1, 0], [20, 11, 3, 1]])
    >>> r = pact.alkire_foster(y, cutoffs=[13, 12, 3, 1], k=0.5)
    >>> r.H, r.A, r.M0
    (0.5, 0.75, 0.375)
    """
    by_column = by if isinstance(by, str) else None
    if cutoffs is None:
        instrument = instrument or Instrument.default()
        dims = instrument.dimension_ids
        if not isinstance(values, pd.DataFrame):
            values = pd.DataFrame(np.asarray(values, dtype=float), columns=dims)
        missing = [d for d in dims if d not in values.columns]
        if missing:
            raise ValueError(f"scored results must have a column per dimension; missing: {', '.join(missing)}")
        codes, names = group_codes(by, len(values), values)
        scores = values[dims].to_numpy(dtype="float64", na_value=np.nan)
        raw = _pact.alkire_foster_from_scores(instrument._native, scores, k, alpha, codes, names)
        return _result(raw, dims)
    if isinstance(values, pd.DataFrame):
        codes, names = group_codes(by, len(values), values)
        frame = values.drop(columns=[by_column]) if by_column else values
        dimensions = [str(c) for c in frame.columns]
        matrix = frame.to_numpy(dtype="float64", na_value=np.nan)
    else:
        matrix = np.asarray(values, dtype="float64")
        codes, names = group_codes(by, matrix.shape[0] if matrix.ndim == 2 else 0)
        dimensions = [str(d) for d in range(matrix.shape[1])] if matrix.ndim == 2 else []
    raw = _pact.alkire_foster(matrix, np.asarray(cutoffs, dtype="float64"), weights, k, alpha, codes, names)
    return _result(raw, dimensions)
