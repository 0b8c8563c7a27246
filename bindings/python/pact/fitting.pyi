from typing import Any, Mapping, Optional, Sequence, Union

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
        calibration: Any = ...,
        no_model_reason: str = ...,
    ) -> None: ...
    @property
    def evaluation(self) -> Optional[dict[str, Any]]: ...
    @property
    def references(self) -> Optional[pd.Series]: ...
    @property
    def tvalues(self) -> pd.Series: ...
    @property
    def pvalues(self) -> pd.Series: ...
    def cov_params(self) -> pd.DataFrame: ...
    def conf_int(self, alpha: float = ...) -> pd.DataFrame: ...
    def summary(self, alpha: float = ...) -> pd.DataFrame: ...
    def to_model(
        self,
        *,
        version: str,
        fitted_on: str,
        fitted_at: Optional[str] = ...,
        notes: str = ...,
        name: Union[str, Mapping[str, str], None] = ...,
        description: Union[str, Mapping[str, str], None] = ...,
    ) -> RiskModel: ...

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
    references: str = ...,
    threads: int = ...,
    max_iterations: int = ...,
    tolerance: float = ...,
) -> FitResult: ...
