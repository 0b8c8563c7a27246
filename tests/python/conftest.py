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
