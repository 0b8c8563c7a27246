import dataclasses
import io
import os
from typing import Any, Mapping, Optional, Union

import pandas as pd

from .instrument import Instrument
from .risk import RiskModel
from .scoring import ModelArg

PathOrFile = Union[str, os.PathLike[str], io.TextIOBase]

def changes(
    data: pd.DataFrame,
    date: str = ...,
    case_id: str = ...,
    as_of: Any = ...,
    lang: str = ...,
    instrument: Optional[Instrument] = ...,
    model: ModelArg = ...,
    history: bool = ...,
    errors: str = ...,
) -> pd.DataFrame: ...
def prioritise(
    data: pd.DataFrame,
    capacity: int = ...,
    by: Optional[str] = ...,
    capacity_by: Optional[Mapping[str, int]] = ...,
    per_group: bool = ...,
    as_of: Any = ...,
    date: Optional[str] = ...,
    case_id: str = ...,
    lang: str = ...,
    instrument: Optional[Instrument] = ...,
    model: ModelArg = ...,
    errors: str = ...,
) -> pd.DataFrame: ...

prioritize = prioritise

@dataclasses.dataclass(frozen=True)
class Override:
    target: str
    value: str
    professional_id: str
    reason: str
    timestamp: str = ...
    def __post_init__(self) -> None: ...
    def validate(self, instrument: Optional[Instrument] = ..., model: ModelArg = ...) -> Override: ...
    def to_dict(self) -> dict[str, str]: ...
    def _fields(self) -> list[str]: ...

class AuditLog:
    instrument: Instrument
    model: Optional[RiskModel]
    path: Optional[str]
    def __init__(self, target: PathOrFile, instrument: Optional[Instrument] = ..., model: ModelArg = ...) -> None: ...
    @property
    def records(self) -> int: ...
    @property
    def last_record_digest(self) -> str: ...
    def append(
        self,
        case: Mapping[str, Any],
        override: Optional[Override] = ...,
        timestamp: Any = ...,
        lang: str = ...,
        case_id: str = ...,
        items: bool = ...,
    ) -> dict[str, Any]: ...
    def close(self) -> None: ...
    def __enter__(self) -> AuditLog: ...
    def __exit__(self, *exc: Any) -> None: ...

@dataclasses.dataclass
class AuditReport:
    records: int
    results: int
    matched: int
    unmatched_records: int
    problems: pd.DataFrame
    @property
    def ok(self) -> bool: ...
    def __bool__(self) -> bool: ...

def verify_audit(log: PathOrFile, results: Any = ..., instrument: Optional[Instrument] = ...) -> AuditReport: ...
