from typing import Optional

import pandas as pd

from .risk import RiskModel

def simulate(n: int, seed: int = ..., model: Optional[RiskModel] = ...) -> pd.DataFrame: ...
