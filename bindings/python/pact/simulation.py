"""Simulated caseloads: the documented generative model of DOMAIN.md ("Simulation"), for demos,
tests, benchmarks and power analysis, since real caseload data is personal and cannot ship."""

from __future__ import annotations

from typing import Optional

import pandas as pd

from .risk import RiskModel


def simulate(n: int, seed: int = 0, model: Optional[RiskModel] = None) -> pd.DataFrame:
    """A simulated caseload of `n` cases: a latent exclusion severity drives the responses to
    every item across dimensions, and the months in care follow the risk model's hazard (by
    default ``RiskModel.default()``), so that fitting on the result recovers the generating
    coefficients within their standard errors. The same `seed` gives the same caseload.

    Not available yet: the simulator is pact's C++ caseload generator
    (``include/pact/simulation.hpp``), which is not part of this build. Raises
    NotImplementedError until it is.
    """
    raise NotImplementedError(
        "pact.simulate() needs pact's C++ caseload simulator (include/pact/simulation.hpp), which is not in "
        "this build yet"
    )
