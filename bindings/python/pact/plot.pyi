from typing import Any, Optional, Sequence

from .counting import AlkireFoster
from .instrument import Instrument
from .risk import _Responses, RiskModel

def radar(
    case: Any,
    instrument: Optional[Instrument] = ...,
    lang: str = ...,
    ax: Any = ...,
    title: Optional[str] = ...,
    percent: bool = ...,
) -> Any: ...
def survival(
    data: _Responses,
    model: Optional[RiskModel] = ...,
    months: Optional[int] = ...,
    ax: Any = ...,
    labels: Optional[Sequence[str]] = ...,
    lang: str = ...,
) -> Any: ...
def calibration(y: Any, p: Any, n_bins: int = ..., strategy: str = ..., by: Any = ..., ax: Any = ...) -> Any: ...
def contributions(result: AlkireFoster, instrument: Optional[Instrument] = ..., lang: str = ..., ax: Any = ...) -> Any: ...
