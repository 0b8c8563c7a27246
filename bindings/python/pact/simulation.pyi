from typing import Any, Optional

import pandas as pd

from .risk import RiskModel

def simulation_options(profile: str = ...) -> dict[str, Any]: ...
def simulate(
    n: int,
    seed: int = ...,
    model: Optional[RiskModel] = ...,
    threads: int = ...,
    *,
    first_case: int = ...,
    profile: Optional[str] = ...,
    true_risk: bool = ...,
    date: Optional[str] = ...,
    **options: Any,
) -> pd.DataFrame: ...
