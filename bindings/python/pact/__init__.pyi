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
    "Error",
    "FitError",
    "FitResult",
    "Instrument",
    "InvalidArgument",
    "IoError",
    "LimitError",
    "ParseError",
    "RiskModel",
    "ValidationError",
    "alkire_foster",
    "fit",
    "metrics",
    "plot",
    "score",
    "score_one",
    "simulate",
    "simulation_options",
    "__version__",
]
