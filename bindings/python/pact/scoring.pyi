from typing import Any, Callable, Mapping, Optional, Union

import numpy as np
import pandas as pd

from .casework import AuditLog, Override
from .instrument import Instrument
from .risk import _Responses, RiskModel

ModelArg = Union[RiskModel, None, bool]
RISK_STATUSES: list[str]

def resolve(instrument: Optional[Instrument], model: ModelArg) -> tuple[Instrument, Optional[RiskModel]]: ...
def row_problems(
    out: dict[str, Any],
    instrument: Instrument,
    model: Optional[RiskModel],
    responses: np.ndarray | list[Optional[np.ndarray]],
    index: pd.Index,
    risk: bool = ...,
) -> tuple[np.ndarray, Callable[[int], str]]: ...
def raise_first(bad: np.ndarray, message: Callable[[int], str]) -> None: ...
def score(
    data: _Responses,
    instrument: Optional[Instrument] = ...,
    model: ModelArg = ...,
    lang: str = ...,
    threads: int = ...,
    errors: str = ...,
) -> pd.DataFrame: ...
def assessment_json(case: Mapping[str, Any], case_id: str = ...) -> str: ...
def score_one(
    case: Mapping[str, Any],
    instrument: Optional[Instrument] = ...,
    model: ModelArg = ...,
    lang: str = ...,
    case_id: str = ...,
    items: Optional[bool] = ...,
    override: Optional[Override] = ...,
    audit: Optional[AuditLog] = ...,
) -> dict[str, Any]: ...
