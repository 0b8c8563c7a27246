"""pact.simulate: the C++ caseload simulator as a DataFrame. It gives exactly what the C++
simulator gives (checked against tests/tools/simulation_driver.cpp, a C++ program that calls
pact::simulate_caseload and writes raw binary files), the same caseload for a seed whatever the
thread count or the range asked for, and caseloads with the invariants docs/simulation.md
states, each recomputed here in numpy from the definitions."""

import json
import os
import subprocess

import numpy as np
import pandas as pd
import pytest

import pact
from conftest import DATA_DIR

DRIVER = os.environ.get("PACT_SIMULATION_DRIVER")
HORIZON = 24  # the default model's horizon (models/pact-chronicity.json)


@pytest.fixture(scope="module")
def large():
    return pact.simulate(20000, seed=21, true_risk=True)


def test_same_seed_same_caseload_whatever_the_threads():
    a = pact.simulate(2500, seed=5, threads=1)
    b = pact.simulate(2500, seed=5, threads=2)
    c = pact.simulate(2500, seed=5)
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(a, c)
    other = pact.simulate(2500, seed=6)
    assert not np.array_equal(other["followup_months"].to_numpy(), a["followup_months"].to_numpy())


def test_a_range_of_cases_is_the_same_cases():
    # 1,500 .. 2,599 crosses the simulator's block boundary at case 2,048.
    whole = pact.simulate(3000, seed=5, true_risk=True)
    part = pact.simulate(1100, seed=5, first_case=1500, true_risk=True)
    assert part.index[0] == "sim-001501" and part.index[-1] == "sim-002600"
    pd.testing.assert_frame_equal(part, whole.iloc[1500:2600])


@pytest.mark.skipif(DRIVER is None, reason="needs PACT_SIMULATION_DRIVER (set by ctest)")
def test_equals_the_cpp_simulator_and_its_calibration(tmp_path):
    cases, seed, dropout = 3000, 3, 0.03
    job = tmp_path / "job.json"
    job.write_text(json.dumps({"cases": cases, "seed": seed, "dropout": dropout, "threads": 2, "out": str(tmp_path)}))
    proc = subprocess.run([DRIVER, str(job)], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    responses = np.fromfile(tmp_path / "responses.bin", dtype="<f8").reshape(cases, len(out["items"]))
    followup = np.fromfile(tmp_path / "followup.bin", dtype="<i4")
    left = np.fromfile(tmp_path / "left.bin", dtype="u1")

    sim = pact.simulate(cases, seed=seed, monthly_dropout=dropout)
    np.testing.assert_array_equal(sim[out["items"]].to_numpy(), responses)  # NaN where NaN
    np.testing.assert_array_equal(sim["followup_months"].to_numpy(), followup)
    np.testing.assert_array_equal(sim["left_care"].to_numpy(), left)

    # The driver calibrated the default model on the same cases with pact::calibrate; pact.fit
    # followed by to_model() with the same version, data and date writes the same model.
    fit = pact.fit(sim, outcome="left_care", form="discrete_hazard", followup="followup_months")
    assert list(fit.params.index) == out["column_names"]
    assert fit.params.tolist() == out["params"] and fit.bse.tolist() == out["bse"] and fit.llf == out["llf"]
    model = fit.to_model(version="0.2.0", fitted_on="simulated caseload for the agreement test", fitted_at="2026-03-01")
    assert json.loads(model.to_json()) == out["model"]
    assert fit.evaluation["n"] == out["n_evaluated"]


def test_columns_and_types():
    sim = pact.simulate(500, seed=2, true_risk=True, keep_latent=True)
    inst = pact.Instrument.default()
    attributes = ["sex", "age_band", "nationality", "territory"]
    outcomes = ["months_in_care", "followup_months", "left_care", "chronic", "true_risk"]
    latent = [f"latent_{d}" for d in inst.dimension_ids]
    assert list(sim.columns) == attributes + inst.item_ids + outcomes + latent
    assert sim.index.name == "case_id" and sim.index[0] == "sim-000001" and sim.index[-1] == "sim-000500"
    # The attributes' levels in the order of the options (docs/simulation.md, default profile).
    assert list(sim["sex"].cat.categories) == ["female", "male"]
    assert list(sim["age_band"].cat.categories) == ["under_25", "25_44", "45_54", "55_plus"]
    assert list(sim["nationality"].cat.categories) == ["spanish", "eu", "non_eu"]
    assert list(sim["territory"].cat.categories) == ["leon", "salamanca", "valladolid"]
    assert str(sim["months_in_care"].dtype) == "Int32"
    assert sim.attrs["simulation_seed"] == 2 and sim.attrs["model_hash"] == pact.RiskModel.default().hash


def test_invariants_of_the_generative_model(large):
    sim = large
    # The months in care are the duration item's completed months, and always answered.
    months = sim["tic_months_in_care"].to_numpy()
    assert not np.isnan(months).any()
    np.testing.assert_array_equal(sim["months_in_care"].to_numpy(dtype=float), np.floor(months))
    # Follow-up: 1 .. 36 months (the default window); with no dropout a case still in care was
    # followed the whole window.
    f, left = sim["followup_months"].to_numpy(), sim["left_care"].to_numpy()
    assert f.min() >= 1 and f.max() <= 36
    assert (f[left == 0] == 36).all()
    # chronic by its definition: 0 when it left within the horizon, 1 when seen in care through it.
    expected = np.where((left == 1) & (f <= HORIZON), 0.0, np.where(f >= HORIZON, 1.0, np.nan))
    np.testing.assert_array_equal(sim["chronic"].to_numpy(), expected)
    assert not np.isnan(expected).any()  # 36 >= 24 and no dropout: every outcome is observed
    # Required items are always answered, optional ones (but the duration item) are missing
    # with probability 0.05: their share is within 4 standard errors of it.
    items = pact.Instrument.default().items()
    optional = [i for i in items.index[~items["required"]] if i != "tic_months_in_care"]
    assert not sim[list(items.index[items["required"]])].isna().any().any()
    share = sim[optional].isna().to_numpy().mean()
    cells = len(sim) * len(optional)
    assert abs(share - 0.05) < 4 * np.sqrt(0.05 * 0.95 / cells), share
    # The attribute shares of the default profile.
    female = (sim["sex"] == "female").mean()
    assert abs(female - 0.58) < 4 * np.sqrt(0.58 * 0.42 / len(sim)), female


def test_true_risk_is_the_models_probability_and_outcomes_follow_it(large):
    scored = pact.score(large, lang="en")
    np.testing.assert_allclose(large["true_risk"].to_numpy(), scored["risk"].to_numpy(), rtol=1e-12, atol=0)
    # Over many cases the observed chronicity estimates the mean probability (docs/simulation.md).
    y, p = large["chronic"].to_numpy(), large["true_risk"].to_numpy()
    se = np.sqrt(np.sum(p * (1 - p))) / len(p)
    assert abs(y.mean() - p.mean()) < 4 * se, (y.mean(), p.mean(), se)


def test_options():
    # A 12-month window, shorter than the 24-month horizon: a case either left within it
    # (chronic 0) or its outcome at the horizon is unknown.
    short = pact.simulate(2000, seed=4, followup_months=12)
    f, left, chronic = short["followup_months"], short["left_care"], short["chronic"]
    assert f.max() == 12
    assert (chronic[left == 1] == 0).all() and chronic[left == 0].isna().all()
    # Random censoring: cases lost before the window's end while still in care.
    lost = pact.simulate(2000, seed=4, monthly_dropout=0.05)
    assert ((lost["left_care"] == 0) & (lost["followup_months"] < 36)).any()
    # No missing answers; attributes of one's own.
    complete = pact.simulate(300, seed=4, missing_rate=0.0, attributes={"team": {"north": 1.0, "south": 0.0}})
    assert not complete[pact.Instrument.default().item_ids].isna().any().any()
    assert list(complete.columns[:1]) == ["team"] and "sex" not in complete.columns
    assert (complete["team"] == "north").all()
    # An item shift of +10 makes the item's most severe answer certain (severity 1: "yes" to
    # coh_gender_violence).
    shifted = pact.simulate(300, seed=4, missing_rate=0.0, item_shifts={"coh_gender_violence": 10.0})
    assert (shifted["coh_gender_violence"] == 1).all()
    # The options as simulation_options gives them round-trip.
    options = pact.simulation_options()
    again = pact.simulate(300, seed=4, **{k: options[k] for k in ("dimensions", "item_shifts", "attributes")})
    pd.testing.assert_frame_equal(again, pact.simulate(300, seed=4))


def test_option_errors():
    with pytest.raises(TypeError, match="unknown option"):
        pact.simulate(10, seed=1, noise=0.5)
    with pytest.raises(pact.InvalidArgument) as e:
        pact.simulate(10, seed=1, missing_rate=2.0)
    assert e.value.where == "options.missing_rate"
    with pytest.raises(pact.InvalidArgument, match="no dimension"):
        pact.simulate(10, seed=1, dimensions={"wellbeing": {"mean": 0.0}})
    with pytest.raises(ValueError, match="clash"):
        pact.simulate(10, seed=1, attributes={"chronic": {"x": 1.0}})
    with pytest.raises(ValueError, match="n must be"):
        pact.simulate(-1)


def test_a_logistic_model_and_another_instrument():
    instrument = pact.Instrument.load(DATA_DIR / "instruments" / "small.json")
    model = pact.RiskModel.load(DATA_DIR / "models" / "logistic.json", instrument)
    sim = pact.simulate(4000, seed=9, model=model, true_risk=True)
    assert sim.attrs["simulation_profile"] == "generic"
    assert sim["months_in_care"].isna().all()  # a logistic model has no duration item
    # Follow-up stops at the horizon (12 months): chronic 1 exactly when still in care then.
    assert sim["followup_months"].max() <= 12
    np.testing.assert_array_equal(sim["chronic"].to_numpy(), 1.0 - sim["left_care"].to_numpy())
    np.testing.assert_allclose(sim["true_risk"], pact.score(sim, model=model)["risk"], rtol=1e-12)
    with pytest.raises(pact.InvalidArgument, match="no dimension"):
        pact.simulate(10, model=model, profile="default")
