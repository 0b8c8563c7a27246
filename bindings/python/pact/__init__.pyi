from . import metrics as metrics
from . import plot as plot
from ._pact import Error as Error
from ._pact import FitError as FitError
from ._pact import InvalidArgument as InvalidArgument
from ._pact import IoError as IoError
from ._pact import LimitError as LimitError
from ._pact import ParseError as ParseError
from ._pact import ValidationError as ValidationError
from ._pact import __version__ as __version__
from .casework import AuditLog as AuditLog
from .casework import AuditReport as AuditReport
from .casework import Override as Override
from .casework import changes as changes
from .casework import prioritise as prioritise
from .casework import prioritize as prioritize
from .casework import verify_audit as verify_audit
from .counting import AlkireFoster as AlkireFoster
from .counting import alkire_foster as alkire_foster
from .fitting import FitResult as FitResult
from .fitting import fit as fit
from .instrument import Instrument as Instrument
from .risk import RiskModel as RiskModel
from .scoring import score as score
from .scoring import score_one as score_one
from .simulation import simulate as simulate
from .simulation import simulation_options as simulation_options

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
