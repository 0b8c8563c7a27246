"""pact: a common diagnostic instrument for social exclusion and a chronicity-risk model.

Scores assessments against an instrument (dimension scores with coverage, a composite index,
its severity level, critical factors) and a chronicity-risk model (the probability of still
being in care at the horizon, its band, the factors that raise it), measures caseloads with the
Alkire-Foster counting method, fits, calibrates and validates the risk model, simulates
caseloads, supports proactive casework (changes and alerts between assessments, the order of
proactive contact, professional overrides, audit records), and works with pandas and numpy in
and out. The computations are pact's C++ library; this package is a thin shell.

>>> import pact
>>> inst = pact.Instrument.default()
>>> inst.id, inst.version
('pact-instrument', '1.0.0')
>>> df = pact.score([{"emp_work_status": 4, "hou_homelessness": 1, "tic_months_in_care": 30}])
>>> list(df.columns[-8:])
['risk', 'band', 'band_label', 'top_factor_1', 'top_factor_2', 'top_factor_3', 'imputed_features', 'risk_status']

Every result carries the instrument's and the model's id, version and content hash. Scores
support a professional's judgement; they never replace it.
"""

from ._pact import (  # noqa: F401  (re-exported)
    Error,
    FitError,
    InvalidArgument,
    IoError,
    LimitError,
    ParseError,
    ValidationError,
    __version__,
)
from . import metrics, plot
from .casework import AuditLog, AuditReport, Override, changes, prioritise, prioritize, verify_audit
from .counting import AlkireFoster, alkire_foster
from .fitting import FitResult, fit
from .instrument import Instrument
from .risk import RiskModel
from .scoring import score, score_one
from .simulation import simulate, simulation_options


__all__ = [
    "AlkireFoster",
    "AuditLog",
    "AuditReport",
    "Error",
    "FitError",
    "FitResult",
    "Instrument",
    "InvalidArgument",
    "IoError",
    "LimitError",
    "Override",
    "ParseError",
    "RiskModel",
    "ValidationError",
    "alkire_foster",
    "changes",
    "fit",
    "metrics",
    "plot",
    "prioritise",
    "prioritize",
    "score",
    "score_one",
    "simulate",
    "simulation_options",
    "verify_audit",
    "__version__",
]
