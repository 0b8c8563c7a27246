from dataclasses import dataclass
from typing import Any, Optional

import pandas as pd

from .instrument import Instrument

@dataclass(frozen=True)
class AlkireFoster:
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
    groups: Optional[pd.DataFrame] = ...
    group_contribution: Optional[pd.DataFrame] = ...
    incomplete: int = ...
    def summary(self) -> pd.DataFrame: ...

def alkire_foster(
    values: Any,
    cutoffs: Any = ...,
    weights: Any = ...,
    k: float = ...,
    alpha: int = ...,
    by: Any = ...,
    instrument: Optional[Instrument] = ...,
) -> AlkireFoster: ...
