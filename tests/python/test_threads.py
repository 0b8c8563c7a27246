"""Batch work releases the GIL: Python threads scoring, fitting or simulating at the same time give the
results of a single call, and while one thread is inside pact the others keep running Python.

A thread that held the GIL for a whole C++ batch would stop every other thread for as long as
the batch runs; the tests watch another thread's progress for such a gap."""

import threading
import time

import numpy as np
import pandas as pd
import pytest

import caseload
import pact
from conftest import assert_frames_identical


@pytest.fixture(scope="module")
def responses():
    frame, _ = caseload.responses(20000, 41)
    # 300,000 rows by repeating: long enough for a batch to take a while on one thread.
    return np.ascontiguousarray(np.tile(frame.to_numpy(), (15, 1)))


def largest_gap_while(work):
    """Runs `work` in a thread while this thread records the time as fast as it can; returns
    (work's result, work's duration, the largest stretch of the work during which this thread
    recorded nothing)."""
    stamps = []
    result = {}
    recording = threading.Event()

    def run():
        recording.wait()
        result["start"] = time.perf_counter()
        result["value"] = work()
        result["end"] = time.perf_counter()

    thread = threading.Thread(target=run)
    thread.start()
    recording.set()
    while thread.is_alive():
        stamps.append(time.perf_counter())
    thread.join()
    start, end = result["start"], result["end"]
    inside = [t for t in stamps if start < t < end]
    gaps = np.diff([start, *inside, end])
    return result["value"], end - start, gaps.max()


def test_threads_give_identical_results(responses):
    expected = pact.score(responses, threads=1)
    results = [None] * 4

    def work(k):
        results[k] = pact.score(responses, threads=1 + k % 2)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for r in results:
        assert_frames_identical(r, expected)


def test_other_threads_run_while_a_batch_is_scored(responses):
    from pact import _pact

    model = pact.RiskModel.default()
    _, seconds, gap = largest_gap_while(lambda: _pact.score_risk_batch(model._native, responses, 1))
    assert seconds > 0.05, "the batch is too small to tell"
    # Holding the GIL would stall this thread for the whole batch; releasing it, only for the
    # moments of Python work around the C++ call (and the operating system's scheduling).
    assert gap < 0.5 * seconds, f"another thread stalled {gap:.3f} s during a {seconds:.3f} s batch"


def test_other_threads_run_while_a_model_is_fitted():
    rng = np.random.default_rng(5)
    X = rng.normal(size=(400000, 6))
    df = pd.DataFrame(X, columns=[f"x{j}" for j in range(6)])
    df["y"] = (rng.random(len(df)) < 1 / (1 + np.exp(-(X @ np.linspace(-1, 1, 6))))).astype(float)
    fit, seconds, gap = largest_gap_while(
        lambda: pact.fit(df, outcome="y", features=[f"x{j}" for j in range(6)], threads=1))
    assert fit.converged
    assert seconds > 0.05, "the fit is too small to tell"
    assert gap < 0.5 * seconds, f"another thread stalled {gap:.3f} s during a {seconds:.3f} s fit"


def test_eight_threads_share_a_million_rows():
    """Eight Python threads share one instrument and model and score 1,000,000 rows between
    them, each its own share through pact.score (the GIL released inside); put together in
    order, the shares equal one sequential call (one thread) over every row, bit for bit."""
    frame, _ = caseload.responses(1_000_000, 2024)
    matrix = np.ascontiguousarray(frame.to_numpy())
    model = pact.RiskModel.default()
    expected = pact.score(matrix, model=model, threads=1)

    bounds = np.linspace(0, len(matrix), 9).astype(int)
    shares = [None] * 8

    def work(k):
        shares[k] = pact.score(matrix[bounds[k]:bounds[k + 1]], model=model, threads=1)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(len(s) for s in shares) == 1_000_000
    together = pd.concat(shares, ignore_index=True)
    assert_frames_identical(together, expected)


def test_other_threads_run_while_a_caseload_is_simulated():
    from pact import _pact

    model = pact.RiskModel.default()
    raw, seconds, gap = largest_gap_while(lambda: _pact.simulate(model._native, 3, 0, 200000, 1))
    assert len(raw["case_ids"]) == 200000
    assert seconds > 0.05, "the simulation is too small to tell"
    assert gap < 0.5 * seconds, f"another thread stalled {gap:.3f} s during a {seconds:.3f} s simulation"


def test_threads_simulating_at_once_give_the_caseload_of_one_call():
    expected = pact.simulate(30000, seed=8, threads=1)
    results = [None] * 3

    def work(k):
        results[k] = pact.simulate(30000, seed=8, threads=1 + k % 2)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for r in results:
        pd.testing.assert_frame_equal(r, expected)
