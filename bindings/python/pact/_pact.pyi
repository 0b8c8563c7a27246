# The compiled core (pybind11). Use the `pact` package; these are its building blocks.
from typing import Any, Optional, Sequence

import numpy as np
import numpy.typing as npt

# A batch's responses: a rows x items matrix (C- or Fortran-ordered, read in place when float64),
# or one 1-D array per item (None: an item no row answers), read in place when float64.
Responses = npt.ArrayLike | Sequence[Optional[npt.ArrayLike]]

__version__: str
version_number: int
max_top_factors: int
max_horizon_months: int

class Error(Exception):
    where: str
    reason: str

class ValidationError(ValueError):
    where: str
    reason: str

class ParseError(ValueError):
    where: str
    reason: str

class InvalidArgument(ValueError):
    where: str
    reason: str

class LimitError(ValueError):
    where: str
    reason: str

class IoError(OSError):
    where: str
    reason: str

class FitError(ValueError):
    where: str
    reason: str
    problem: str
    columns: list[str]
    iterations: int
    gradient_norm: float

class Instrument:
    def __init__(self, *args: Any, **kwargs: Any) -> None: ...
    @staticmethod
    def load(path: str) -> Instrument: ...
    @staticmethod
    def parse(json_text: str) -> Instrument: ...
    @staticmethod
    def bundled() -> Instrument: ...
    @staticmethod
    def read_bundle(path: str) -> Instrument: ...
    @staticmethod
    def parse_bundle(bytes: bytes) -> Instrument: ...
    def write_bundle(self, path: str) -> None: ...
    def bundle_bytes(self) -> bytes: ...
    @property
    def id(self) -> str: ...
    @property
    def version(self) -> str: ...
    @property
    def hash(self) -> str: ...
    @property
    def canonical_json(self) -> str: ...
    @property
    def languages(self) -> list[str]: ...
    @property
    def default_language(self) -> str: ...
    @property
    def composite_min_coverage(self) -> float: ...
    @property
    def item_ids(self) -> list[str]: ...
    @property
    def dimension_ids(self) -> list[str]: ...
    @property
    def level_ids(self) -> list[str]: ...
    def name(self, lang: str) -> str: ...
    def item_table(self, lang: str) -> list[dict[str, Any]]: ...
    def dimension_table(self, lang: str) -> list[dict[str, Any]]: ...
    def level_table(self, lang: str) -> list[dict[str, Any]]: ...
    def labels(self, kind: str, id: str) -> dict[str, str]: ...

class RiskModel:
    def __init__(self, *args: Any, **kwargs: Any) -> None: ...
    @staticmethod
    def load(path: str, instrument: Instrument) -> RiskModel: ...
    @staticmethod
    def parse(json_text: str, instrument: Instrument) -> RiskModel: ...
    @staticmethod
    def bundled() -> RiskModel: ...
    @staticmethod
    def read_bundle(path: str) -> RiskModel: ...
    @staticmethod
    def parse_bundle(bytes: bytes) -> RiskModel: ...
    def write_bundle(self, path: str) -> None: ...
    def bundle_bytes(self) -> bytes: ...
    @property
    def id(self) -> str: ...
    @property
    def version(self) -> str: ...
    @property
    def hash(self) -> str: ...
    @property
    def canonical_json(self) -> str: ...
    @property
    def languages(self) -> list[str]: ...
    @property
    def default_language(self) -> str: ...
    @property
    def instrument(self) -> Instrument: ...
    @property
    def form(self) -> str: ...
    @property
    def horizon_months(self) -> int: ...
    @property
    def intercept(self) -> tuple[float, float]: ...
    @property
    def duration_item(self) -> Optional[str]: ...
    @property
    def feature_ids(self) -> list[str]: ...
    @property
    def band_ids(self) -> list[str]: ...
    @property
    def actionable_items(self) -> list[str]: ...
    @property
    def provenance(self) -> dict[str, Any]: ...
    def name(self, lang: str) -> str: ...
    def description(self, lang: str) -> str: ...
    def outcome_definition(self, lang: str) -> str: ...
    def feature_table(self, lang: str) -> list[dict[str, Any]]: ...
    def band_table(self, lang: str) -> list[dict[str, Any]]: ...
    def baseline_table(self) -> list[dict[str, Any]]: ...

def score_batch(instrument: Instrument, responses: Responses, threads: int = ...) -> dict[str, Any]: ...
def describe_response_problem(instrument: Instrument, item: int, status: int, value: float) -> str: ...
def score_responses(instrument: Instrument, responses: npt.ArrayLike) -> dict[str, Any]: ...
def _matrix_address(a: npt.ArrayLike) -> int: ...
def _response_addresses(responses: Responses) -> list[int]: ...
def _time_read_matrix(array: npt.ArrayLike, repeats: int = ..., clock: str = ...) -> tuple[list[float], int]: ...
def _time_score_batch(
    instrument: Instrument, responses: Responses, threads: int = ..., repeats: int = ..., clock: str = ...
) -> list[float]: ...
def alkire_foster(
    values: npt.ArrayLike,
    cutoffs: npt.ArrayLike,
    weights: Optional[npt.ArrayLike] = ...,
    k: float = ...,
    alpha: int = ...,
    group_codes: Optional[npt.ArrayLike] = ...,
    group_names: Optional[Sequence[str]] = ...,
) -> dict[str, Any]: ...
def alkire_foster_from_scores(
    instrument: Instrument,
    dimension_scores: npt.ArrayLike,
    k: float = ...,
    alpha: int = ...,
    group_codes: Optional[npt.ArrayLike] = ...,
    group_names: Optional[Sequence[str]] = ...,
) -> dict[str, Any]: ...
def score_risk_batch(
    model: RiskModel, responses: Responses, threads: int = ..., feature_values: bool = ..., survival_months: int = ...
) -> dict[str, Any]: ...
def _time_score_risk_batch(
    model: RiskModel, responses: Responses, threads: int = ..., repeats: int = ..., clock: str = ...
) -> list[float]: ...
def risk_status_name(status: int) -> str: ...
def duration_band_names(band_starts: Sequence[int]) -> list[str]: ...
def fit_logistic(
    X: npt.ArrayLike,
    y: npt.ArrayLike,
    weights: Optional[npt.ArrayLike] = ...,
    offset: Optional[npt.ArrayLike] = ...,
    l2: float = ...,
    unpenalized: Sequence[int] = ...,
    column_names: Sequence[str] = ...,
    max_iterations: int = ...,
    tolerance: float = ...,
    threads: int = ...,
) -> dict[str, Any]: ...
def fit_hazard(
    covariates: npt.ArrayLike,
    months_in_care: npt.ArrayLike,
    followup_months: npt.ArrayLike,
    left_care: npt.ArrayLike,
    band_starts: npt.ArrayLike,
    l2: float = ...,
    covariate_names: Sequence[str] = ...,
    max_iterations: int = ...,
    tolerance: float = ...,
    threads: int = ...,
) -> dict[str, Any]: ...
def roc_auc(y: npt.ArrayLike, score: npt.ArrayLike, sample_weight: Optional[npt.ArrayLike] = ...) -> float: ...
def brier_score(y: npt.ArrayLike, p: npt.ArrayLike, sample_weight: Optional[npt.ArrayLike] = ...) -> float: ...
def calibration_curve(y: npt.ArrayLike, p: npt.ArrayLike, n_bins: int = ..., strategy: str = ...) -> dict[str, np.ndarray]: ...
def expected_calibration_error(y: npt.ArrayLike, p: npt.ArrayLike, n_bins: int = ..., strategy: str = ...) -> float: ...
def calibration_regression(
    y: npt.ArrayLike, p: npt.ArrayLike, sample_weight: Optional[npt.ArrayLike] = ..., threads: int = ...
) -> dict[str, float]: ...
def validate(
    y: npt.ArrayLike,
    p: npt.ArrayLike,
    n_bins: int = ...,
    strategy: str = ...,
    sample_weight: Optional[npt.ArrayLike] = ...,
    threads: int = ...,
    group_codes: Optional[npt.ArrayLike] = ...,
    group_names: Optional[Sequence[str]] = ...,
) -> dict[str, Any]: ...
def score_assessment_json(
    instrument: Instrument,
    assessment_json: str,
    lang: str = ...,
    items: bool = ...,
    model: Optional[RiskModel] = ...,
) -> str: ...

class Calibration:
    def __init__(self, *args: Any, **kwargs: Any) -> None: ...
    @property
    def fit(self) -> dict[str, Any]: ...
    @property
    def n_cases(self) -> int: ...
    @property
    def n_rows(self) -> int: ...
    @property
    def n_evaluated(self) -> int: ...
    @property
    def evaluation(self) -> dict[str, Any]: ...
    @property
    def references(self) -> list[float]: ...
    @property
    def method(self) -> str: ...
    def model_json(
        self,
        version: str,
        fitted_on: str,
        fitted_at: str,
        notes: str = ...,
        name: Sequence[tuple[str, str]] = ...,
        description: Sequence[tuple[str, str]] = ...,
    ) -> str: ...
    def model(
        self,
        version: str,
        fitted_on: str,
        fitted_at: str,
        notes: str = ...,
        name: Sequence[tuple[str, str]] = ...,
        description: Sequence[tuple[str, str]] = ...,
    ) -> RiskModel: ...

def calibrate(
    spec: RiskModel,
    responses: npt.ArrayLike,
    chronic: Optional[npt.ArrayLike] = ...,
    followup_months: Optional[npt.ArrayLike] = ...,
    left_care: Optional[npt.ArrayLike] = ...,
    weights: Optional[npt.ArrayLike] = ...,
    l2: float = ...,
    references: str = ...,
    max_iterations: int = ...,
    tolerance: float = ...,
    metric_bins: int = ...,
    threads: int = ...,
) -> Calibration: ...

simulation_block_cases: int

def simulation_defaults(generic: bool = ...) -> dict[str, Any]: ...
def simulate(
    model: RiskModel,
    seed: int,
    first_case: int,
    count: int,
    threads: int = ...,
    generic: bool = ...,
    item_noise: Optional[float] = ...,
    missing_rate: Optional[float] = ...,
    followup_months: Optional[int] = ...,
    monthly_dropout: Optional[float] = ...,
    general_loading: Optional[float] = ...,
    keep_latent: bool = ...,
    dimensions: Optional[Sequence[tuple[str, float, float, float]]] = ...,
    item_shifts: Optional[Sequence[tuple[str, float]]] = ...,
    attributes: Optional[Sequence[tuple[str, Sequence[tuple[str, float, Sequence[tuple[str, float]]]]]]] = ...,
) -> dict[str, Any]: ...

def is_date(text: str) -> bool: ...
def caseload_changes(
    instrument: Instrument,
    model: Optional[RiskModel],
    responses: npt.ArrayLike,
    case_ids: Sequence[str],
    dates: Sequence[str],
    as_of: str = ...,
    lang: str = ...,
) -> dict[str, Any]: ...
def prioritise(
    instrument: Instrument,
    model: Optional[RiskModel],
    responses: npt.ArrayLike,
    case_ids: Sequence[str],
    dates: Optional[Sequence[str]],
    groups: Optional[Sequence[str]],
    as_of: str = ...,
    capacity: int = ...,
    capacity_by_group: Sequence[tuple[str, int]] = ...,
    per_group: bool = ...,
    lang: str = ...,
) -> dict[str, Any]: ...
def validate_override(
    instrument: Instrument,
    model: Optional[RiskModel],
    target: str,
    value: str,
    professional_id: str,
    timestamp: str,
    reason: str,
) -> None: ...

def apply_override_json(
    instrument: Instrument,
    model: Optional[RiskModel],
    result_json: str,
    target: str,
    value: str,
    professional_id: str,
    timestamp: str,
    reason: str,
) -> str: ...

max_override_reason_length: int

def utc_now() -> str: ...
def override_report(
    original: npt.ArrayLike,
    final: npt.ArrayLike,
    outcome: npt.ArrayLike,
    group_codes: Optional[npt.ArrayLike] = ...,
    group_names: Optional[Sequence[str]] = ...,
) -> dict[str, Any]: ...

class AuditChain:
    def __init__(self, instrument: Instrument, model: Optional[RiskModel], previous: str, next_sequence: int) -> None: ...
    @property
    def last_record_digest(self) -> str: ...
    @property
    def records(self) -> int: ...
    def append(
        self,
        assessment_json: str,
        override: Optional[Sequence[str]] = ...,
        timestamp: str = ...,
        lang: str = ...,
        items: bool = ...,
    ) -> tuple[str, str]: ...

def audit_log_tail(path: str) -> tuple[str, int]: ...

audit_genesis: str

def verify_audit(
    instrument: Optional[Instrument],
    log: str,
    log_is_path: bool,
    results: Optional[str] = ...,
    results_are_path: bool = ...,
) -> dict[str, Any]: ...
