"""pact: a common diagnostic instrument for social exclusion and a chronicity-risk model.

Scores assessments against an instrument (dimension scores with coverage, a composite index,
its severity level, critical factors), measures caseloads with the Alkire-Foster counting
method, and works with pandas and numpy in and out.

>>> import pact
>>> inst = pact.Instrument.default()
>>> inst.id, inst.version
('pact-instrument', '1.0.0')

Every result carries the instrument's id, version and content hash. Scores support a
professional's judgement; they never replace it.
"""

from ._pact import (  # noqa: F401  (re-exported)
    Error,
    InvalidArgument,
    IoError,
    LimitError,
    ParseError,
    ValidationError,
    __version__,
)
from .counting import AlkireFoster, alkire_foster
from .instrument import Instrument
from .scoring import score

__all__ = [
    "AlkireFoster",
    "Error",
    "Instrument",
    "InvalidArgument",
    "IoError",
    "LimitError",
    "ParseError",
    "ValidationError",
    "alkire_foster",
    "score",
    "__version__",
]
