"""A caseload too large for one machine goes through Dask: map_partitions(pact.score) on a
distributed.LocalCluster with two worker processes gives what pact.score gives on the whole
frame. Instruments and models reach the workers pickled (by their canonical JSON)."""

import os

import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from distributed import Client, LocalCluster

import caseload
import pact
from conftest import DATA_DIR, assert_frames_identical


@pytest.fixture(scope="module")
def client():
    # Worker processes import pact from where this process does (the build tree under ctest).
    here = os.path.dirname(os.path.abspath(__file__))
    paths = [p for p in (os.environ.get("PACT_PYTHONPATH"), here, os.environ.get("PYTHONPATH")) if p]
    os.environ["PYTHONPATH"] = os.pathsep.join(paths)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with Client(cluster) as c:
            yield c


def test_two_worker_processes(client):
    workers = client.scheduler_info()["workers"]
    assert len(workers) == 2
    pids = client.run(os.getpid)
    assert len(set(pids.values())) == 2 and os.getpid() not in pids.values()
    versions = client.run(lambda: __import__("pact").__version__)
    assert set(versions.values()) == {pact.__version__}


def test_map_partitions_score_equals_score_on_the_whole_frame(client):
    frame, _ = caseload.responses(20000, 31)
    frame["territory"] = np.where(np.arange(len(frame)) % 2 == 0, "leon", "salamanca")
    ddf = dd.from_pandas(frame, npartitions=8)
    result = ddf.map_partitions(pact.score).compute()
    expected = pact.score(frame)
    assert_frames_identical(result, expected)
    assert result["risk"].notna().all()
    # With the model and a language passed along (the model is pickled to the workers).
    result = ddf.map_partitions(pact.score, model=pact.RiskModel.default(), lang="en").compute()
    assert_frames_identical(result, pact.score(frame, lang="en"))


def test_a_custom_instrument_and_model_travel_to_the_workers(client):
    instrument = pact.Instrument.load(DATA_DIR / "instruments" / "small.json")
    model = pact.RiskModel.load(DATA_DIR / "models" / "logistic.json", instrument)
    frame, _ = caseload.responses(3000, 32, instrument_path=DATA_DIR / "instruments" / "small.json", always=())
    ddf = dd.from_pandas(frame, npartitions=4)
    # Dask infers what a function returns by calling it on made-up rows (every number 1), which
    # this instrument rejects: the result's layout comes from pact.score on no rows instead.
    result = ddf.map_partitions(pact.score, model=model, meta=pact.score(ddf._meta, model=model)).compute()
    assert_frames_identical(result, pact.score(frame, model=model))
    assert list(result["band"].cat.categories) == model.band_ids
