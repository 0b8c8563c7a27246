"""Turning pandas and numpy input into the float64 responses the kernels read: dense matrices, or
columns read in place."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

_YES = {"1", "true", "yes", "y", "si", "sí", "s", "t"}
_NO = {"0", "false", "no", "n", "f"}


def _column_to_float(column: pd.Series, item_id: str, item_type: str) -> np.ndarray:
    """A column of responses as float64 (NaN = missing), or ValueError naming the item and row.

    Numbers pass through; yes/no items also accept yes/no words (sí, no, true, false, ...).
    """
    if column.dtype == np.float64:
        return column.to_numpy()  # NaN is already the missing answer: a view, not a copy
    if pd.api.types.is_bool_dtype(column):
        return column.astype("float64").to_numpy()
    if pd.api.types.is_numeric_dtype(column):
        return column.to_numpy(dtype="float64", na_value=np.nan)
    text = column.astype("string").str.strip()
    blank = column.isna().to_numpy() | (text == "").to_numpy(dtype=bool, na_value=True)
    values = pd.to_numeric(text.mask(text == ""), errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    unresolved = np.isnan(values) & ~blank
    if item_type == "yes_no" and unresolved.any():
        lowered = text.str.lower()
        yes = lowered.isin(_YES).to_numpy(dtype=bool, na_value=False) & unresolved
        no = lowered.isin(_NO).to_numpy(dtype=bool, na_value=False) & unresolved
        values[yes] = 1.0
        values[no] = 0.0
        unresolved &= ~(yes | no)
    if unresolved.any():
        row = int(np.flatnonzero(unresolved)[0])
        kind = "a yes/no answer" if item_type == "yes_no" else "a number"
        raise ValueError(f"item {item_id!r}, row {column.index[row]!r}: {column.iloc[row]!r} is not {kind}")
    return values


def given_case_by_case(data) -> bool:
    """Whether `data` is one case (a mapping or Series of responses by item id) or a list of them."""
    if isinstance(data, (Mapping, pd.Series)):
        return True
    return isinstance(data, (list, tuple)) and len(data) > 0 and all(isinstance(c, Mapping) for c in data)


def as_frame(data):
    """`data` as a DataFrame when it is given case by case; anything else unchanged."""
    if isinstance(data, pd.Series):
        return data.to_frame().T.infer_objects()
    if isinstance(data, Mapping):
        return pd.DataFrame([dict(data)])
    if given_case_by_case(data):
        return pd.DataFrame([dict(c) for c in data])
    return data


def _check_item_columns(data: pd.DataFrame, items: pd.DataFrame, instrument_id: str, one_or_more_cases: bool) -> None:
    """ValueError for a required item without a column, or (responses given case by case) a key
    that is no item."""
    if one_or_more_cases:
        # Responses given case by case name items only: a key that is no item is a typo.
        unknown = [str(c) for c in data.columns if c not in items.index]
        if unknown:
            raise ValueError(f"not an item of {instrument_id}: {', '.join(unknown)}")
    missing_required = [i for i in items.index[items["required"]] if i not in data.columns]
    if missing_required:
        raise ValueError(f"missing required item column(s): {', '.join(missing_required)}")


def response_matrix(data, instrument) -> tuple:
    """(matrix, index): the responses of `data` as a rows x items float64 matrix in instrument
    order, and the row labels to give the results.

    A DataFrame is matched by column name (item ids; other columns are ignored; a missing item
    column means that item is unanswered, and is an error for a required item). A 2-D array must
    already have one column per item in instrument order: C-contiguous float64 is used without a
    copy. A mapping (or Series) of responses by item id is one case; a list of them, several.
    """
    one_or_more_cases = given_case_by_case(data)
    data = as_frame(data)
    if isinstance(data, pd.DataFrame):
        items = instrument.items()
        _check_item_columns(data, items, instrument.id, one_or_more_cases)
        matrix = np.full((len(data), len(items)), np.nan)
        for j, (item_id, item_type) in enumerate(zip(items.index, items["type"])):
            if item_id in data.columns:
                matrix[:, j] = _column_to_float(data[item_id], item_id, item_type)
        return matrix, data.index
    array = np.asarray(data)
    if array.ndim != 2:
        raise ValueError(f"responses must be a 2-D array (rows x items), got {array.ndim} dimension(s)")
    if array.shape[1] != len(instrument.item_ids):
        raise ValueError(
            f"responses must have one column per item of {instrument.id} ({len(instrument.item_ids)}), "
            f"got {array.shape[1]}"
        )
    if array.dtype != np.float64:
        array = array.astype(np.float64)
    return array, pd.RangeIndex(array.shape[0])


def batch_responses(data, instrument) -> tuple:
    """(responses, index): the responses of `data` as the batch functions take them, with as few
    copies as the input allows, and the row labels to give the results.

    A DataFrame (or mappings of responses) becomes one float64 column per item in instrument
    order, None for an item it has no column for: float64 columns are passed as they are (the
    C++ batch reads them in place, whatever their stride), others are converted column by
    column. An array goes as it is (the batch reads C- and Fortran-ordered float64 in place).
    The checks and errors are response_matrix's.
    """
    one_or_more_cases = given_case_by_case(data)
    data = as_frame(data)
    if not isinstance(data, pd.DataFrame):
        return response_matrix(data, instrument)
    items = instrument.items()
    _check_item_columns(data, items, instrument.id, one_or_more_cases)
    columns = [
        _column_to_float(data[item_id], item_id, item_type) if item_id in data.columns else None
        for item_id, item_type in zip(items.index, items["type"])
    ]
    if all(c is None for c in columns) and columns:
        columns[0] = np.full(len(data), np.nan)  # the row count, for a frame without any item column
    return columns, data.index


def response_value(responses, row: int, item: int) -> float:
    """One cell of what batch_responses returned."""
    if isinstance(responses, list):
        column = responses[item]
        return float("nan") if column is None else float(column[row])
    return float(responses[row, item])


def group_codes(by, n: int, data=None):
    """(codes, names) for a subgroup column given as a Series, an array or a column name."""
    if by is None:
        return None, None
    if isinstance(by, str):
        if not isinstance(data, pd.DataFrame) or by not in data.columns:
            raise ValueError(f"by={by!r} is not a column of the data")
        by = data[by]
    values = pd.Series(np.asarray(by, dtype=object) if not isinstance(by, pd.Series) else by.to_numpy(dtype=object))
    if len(values) != n:
        raise ValueError(f"by must have one value per row ({n}), got {len(values)}")
    if values.isna().any():
        row = int(np.flatnonzero(values.isna().to_numpy())[0])
        raise ValueError(f"by has a missing group at row {row}")
    labels = values.astype(str)
    names = sorted(labels.unique())
    codes = pd.Categorical(labels, categories=names).codes.astype(np.int32)
    return codes, names


def case_vector(case, instrument) -> np.ndarray:
    """One case's responses in instrument order (NaN = missing) from a mapping or Series by
    item id, or from a 1-D sequence already in instrument order."""
    if isinstance(case, (Mapping, pd.Series)):
        matrix, _ = response_matrix(case, instrument)
        return matrix[0]
    vector = np.asarray(case, dtype=np.float64)
    if vector.ndim != 1 or vector.shape[0] != len(instrument.item_ids):
        raise ValueError(
            f"a case must be a mapping of item ids to responses or one response per item of "
            f"{instrument.id} ({len(instrument.item_ids)}), got shape {vector.shape}"
        )
    return vector
