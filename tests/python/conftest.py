"""Imports pact from the build tree (PACT_PYTHONPATH, set by ctest) and locates test data."""

import os
import pathlib
import sys

_build_python = os.environ.get("PACT_PYTHONPATH")
if _build_python:
    sys.path.insert(0, _build_python)

SOURCE_DIR = pathlib.Path(os.environ.get("PACT_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))
DATA_DIR = SOURCE_DIR / "tests" / "data"
MODELS_DIR = SOURCE_DIR / "models"
BUILD_DIR = pathlib.Path(os.environ["PACT_BUILD_DIR"]) if "PACT_BUILD_DIR" in os.environ else None


def assert_frames_identical(a, b):
    """Like pandas.testing.assert_frame_equal with exact values, but fast on large frames of
    categoricals and nullable integers (the pandas helper takes minutes on 300,000 rows)."""
    import numpy as np
    import pandas as pd

    assert list(a.columns) == list(b.columns)
    assert a.index.equals(b.index)
    for name in a.columns:
        x, y = a[name], b[name]
        assert x.dtype == y.dtype, (name, x.dtype, y.dtype)
        if isinstance(x.dtype, pd.CategoricalDtype):
            np.testing.assert_array_equal(x.cat.codes.to_numpy(), y.cat.codes.to_numpy(), err_msg=name)
        elif isinstance(x.dtype, pd.api.extensions.ExtensionDtype) and not isinstance(x.dtype, np.dtype):
            np.testing.assert_array_equal(x.isna().to_numpy(), y.isna().to_numpy(), err_msg=name)
            np.testing.assert_array_equal(x.fillna(0).to_numpy(), y.fillna(0).to_numpy(), err_msg=name)
        else:
            np.testing.assert_array_equal(x.to_numpy(), y.to_numpy(), err_msg=name)
