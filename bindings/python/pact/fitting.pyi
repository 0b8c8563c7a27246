from typing import Any, Optional, Sequence, Union

import numpy as np
import pandas as pd

from .risk import RiskModel

Column = Union[str, Sequence[Any], np.ndarray, pd.Series]
DEFAULT_BAND_STARTS: tuple[int, ...]

class FitResult:
    form: str
    l2: float
    params: pd.Series
    bse: pd.Series
    llf: float
    penalized_llf: float
    iterations: int
    converged: bool
    gradient_max_norm: float
    nobs: float
    n_cases: int
    person_months: Optional[int]
    events: Optional[float]
    band_starts: Optional[list[int]]
    feature_ids: list[str]
    template: Optional[RiskModel]
    def __init__(
        self,
        raw: dict[str, Any],
        form: str,
        l2: float,
        template: Optional[RiskModel],
        feature_ids: list[str],
        n_cases: int,
        band_starts: Optional[list[int]],
    ) -> None: ...
    @property
    def tvalues(self) -> pd.Series: ...
    @property
    def pvalues(self) -> pd.Series: ...
    def cov_params(self) -> pd.DataFrame: ...
    def conf_int(self, alpha: float = ...) -> pd.DataFrame: ...
    def summary(self, alpha: float = ...) -> pd.DataFrame: ...
    def to_model(self, **metadata: Any) -> RiskModel: ...

def fit(
    data: Any,
    outcome: Column,
    form: str = ...,
    l2: float = ...,
    *,
    model: Optional[RiskModel] = ...,
    features: Optional[Sequence[str]] = ...,
    followup: Optional[Column] = ...,
    duration: Optional[Column] = ...,
    bands: Optional[Sequence[int]] = ...,
    weights: Optional[Column] = ...,
    missing: str = ...,
    threads: int = ...,
    max_iterations: int = ...,
    tolerance: float = ...,
) -> FitResult: ...
