"""pact.fit against statsmodels, both forms: the logistic form against Logit (and GLM with
frequency weights), the discrete-time hazard form against Logit on person-month rows expanded
here in numpy. Agreement on params, bse and llf to 1e-6 relative. The features of the default
model come from the independent numpy implementation (reference_risk.py), not from pact."""

import datetime
import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy.special import expit

import caseload
import pact
import reference_risk
from conftest import DATA_DIR

RTOL = 1e-6
BANDS = [1, 7, 13, 25, 49]


def statsmodels_logit(X, y, names):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sm.Logit(y, pd.DataFrame(X, columns=names)).fit(disp=0, method="newton", maxiter=200, tol=1e-12)


def assert_agrees(result, reference):
    np.testing.assert_allclose(result.params.to_numpy(), reference.params.to_numpy(), rtol=RTOL, atol=1e-9)
    np.testing.assert_allclose(result.bse.to_numpy(), reference.bse.to_numpy(), rtol=RTOL)
    assert result.llf == pytest.approx(reference.llf, rel=RTOL)
    assert list(result.params.index) == list(reference.params.index)


def covariate_frame(n, seed):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"x1": rng.normal(size=n), "x2": rng.uniform(0, 1, size=n), "x3": rng.integers(0, 2, size=n)})
    return df, rng


def test_logistic_on_columns_agrees_with_statsmodels_logit():
    df, rng = covariate_frame(4000, 1)
    eta = -0.4 + 0.8 * df["x1"] - 1.2 * df["x2"] + 0.5 * df["x3"]
    df["chronic"] = (rng.random(len(df)) < expit(eta)).astype(float)
    result = pact.fit(df, outcome="chronic", features=["x1", "x2", "x3"])
    X = np.column_stack([np.ones(len(df)), df[["x1", "x2", "x3"]].to_numpy()])
    reference = statsmodels_logit(X, df["chronic"].to_numpy(), ["intercept", "x1", "x2", "x3"])
    assert_agrees(result, reference)
    assert result.nobs == len(df) and result.converged and result.form == "logistic"
    # The rest of the coefficient table, as statsmodels reports it.
    np.testing.assert_allclose(result.tvalues.to_numpy(), reference.tvalues.to_numpy(), rtol=RTOL)
    np.testing.assert_allclose(result.pvalues.to_numpy(), reference.pvalues.to_numpy(), rtol=1e-5)
    np.testing.assert_allclose(result.conf_int().to_numpy(), reference.conf_int().to_numpy(), rtol=RTOL)
    np.testing.assert_allclose(result.cov_params().to_numpy(), reference.cov_params().to_numpy(), rtol=RTOL)
    table = result.summary()
    assert list(table.columns) == ["coef", "std err", "z", "P>|z|", "[0.025", "0.975]"]
    np.testing.assert_allclose(table["0.975]"].to_numpy(), reference.conf_int()[1].to_numpy(), rtol=RTOL)
    # Numpy input for the outcome, and the same fit whatever the thread count.
    again = pact.fit(df, outcome=df["chronic"].to_numpy(), features=["x1", "x2", "x3"], threads=1)
    pd.testing.assert_series_equal(again.params, result.params)


def test_logistic_frequency_weights_agree_with_statsmodels_glm():
    df, rng = covariate_frame(3000, 2)
    df["y"] = (rng.random(len(df)) < expit(0.3 + df["x1"] - df["x2"])).astype(float)
    df["w"] = rng.integers(1, 5, size=len(df)).astype(float)
    result = pact.fit(df, outcome="y", features=["x1", "x2"], weights="w")
    X = sm.add_constant(df[["x1", "x2"]].to_numpy())
    reference = sm.GLM(df["y"].to_numpy(), X, family=sm.families.Binomial(), freq_weights=df["w"].to_numpy()).fit(
        tol=1e-12)
    np.testing.assert_allclose(result.params.to_numpy(), reference.params, rtol=RTOL)
    np.testing.assert_allclose(result.bse.to_numpy(), reference.bse, rtol=RTOL)
    assert result.llf == pytest.approx(reference.llf, rel=RTOL)
    assert result.nobs == df["w"].sum()


def _hazard_cases(n, seed):
    df, rng = covariate_frame(n, seed)
    df["t0"] = np.floor(rng.exponential(14.0, size=n))
    eta = 0.6 * df["x1"] - 0.9 * df["x2"] + 0.4 * df["x3"]
    baseline = [-1.3, -1.6, -1.9, -2.3, -2.75]
    followed, left = caseload.hazard_outcomes(eta.to_numpy(), df["t0"].to_numpy(), BANDS, baseline, 36, seed + 100)
    df["followup"], df["left_care"] = followed, left
    return df


def test_hazard_on_columns_agrees_with_statsmodels_on_person_months_expanded_in_numpy():
    df = _hazard_cases(3000, 3)
    result = pact.fit(df, outcome="left_care", form="discrete_hazard", features=["x1", "x2", "x3"],
                      followup="followup", duration="t0", bands=BANDS)
    X, y = caseload.expand_person_months(df[["x1", "x2", "x3"]].to_numpy(), df["t0"].to_numpy().astype(int),
                                         df["followup"].to_numpy(), df["left_care"].to_numpy(), BANDS)
    names = ["months 1-6", "months 7-12", "months 13-24", "months 25-48", "months 49+", "x1", "x2", "x3"]
    reference = statsmodels_logit(X, y, names)
    assert_agrees(result, reference)
    assert result.person_months == len(y) == result.nobs
    assert result.events == y.sum() == df["left_care"].sum()
    assert result.n_cases == len(df) and result.band_starts == BANDS


def test_default_model_features_logistic_form_agrees_with_statsmodels():
    frame, _ = caseload.responses(6000, 4)
    x = frame.to_numpy()
    values, imputed = reference_risk.features(caseload.MODEL, caseload.INSTRUMENT, x)
    rng = np.random.default_rng(44)
    b = rng.normal(scale=0.5, size=values.shape[1])
    frame["chronic"] = (rng.random(len(frame)) < expit(-0.5 + values @ b)).astype(float)
    result = pact.fit(frame, outcome="chronic")
    model = pact.RiskModel.default()
    names = ["intercept"] + model.feature_ids
    reference = statsmodels_logit(np.column_stack([np.ones(len(frame)), values]), frame["chronic"].to_numpy(), names)
    assert_agrees(result, reference)
    # missing="drop" leaves out the rows with an imputed feature.
    dropped = pact.fit(frame, outcome="chronic", missing="drop")
    complete = ~imputed.any(axis=1)
    assert 0 < complete.sum() < len(frame) and dropped.nobs == complete.sum()
    reference = statsmodels_logit(np.column_stack([np.ones(complete.sum()), values[complete]]),
                                  frame["chronic"].to_numpy()[complete], names)
    assert_agrees(dropped, reference)


def test_default_model_features_hazard_form_agrees_with_statsmodels_and_recovers_the_coefficients():
    frame, _ = caseload.responses(8000, 5)
    x = frame.to_numpy()
    model = pact.RiskModel.default()
    values, _ = reference_risk.features(caseload.MODEL, caseload.INSTRUMENT, x)
    truth = model.params
    baseline = truth.iloc[:5].to_numpy()
    eta = values @ truth.iloc[5:].to_numpy()
    t0 = np.floor(frame["tic_months_in_care"].to_numpy())
    followed, left = caseload.hazard_outcomes(eta, t0, BANDS, baseline, 36, 55)
    frame["followup"], frame["left_care"] = followed, left
    result = pact.fit(frame, outcome="left_care", form="discrete_hazard", followup="followup")
    X, y = caseload.expand_person_months(values, t0.astype(int), followed, left, BANDS)
    reference = statsmodels_logit(X, y, list(truth.index))
    assert_agrees(result, reference)
    # The data were generated from the default model: its coefficients lie within 4 standard errors.
    z = ((result.params - truth) / result.bse).abs()
    assert (z < 4).all(), z[z >= 4]


def test_l2_penalty_is_at_its_optimum_with_the_penalised_information():
    df, rng = covariate_frame(2000, 6)
    df["y"] = (rng.random(len(df)) < expit(0.2 + 1.5 * df["x1"])).astype(float)
    l2 = 25.0
    result = pact.fit(df, outcome="y", features=["x1", "x2", "x3"], l2=l2)
    X = np.column_stack([np.ones(len(df)), df[["x1", "x2", "x3"]].to_numpy()])
    b = result.params.to_numpy()
    mu = expit(X @ b)
    penalty = np.diag([0.0, 1.0, 1.0, 1.0]) * l2  # never the intercept
    gradient = X.T @ (df["y"].to_numpy() - mu) - penalty @ b
    assert np.abs(gradient).max() < 1e-8
    information = X.T @ (X * (mu * (1 - mu))[:, None]) + penalty
    np.testing.assert_allclose(result.bse.to_numpy(), np.sqrt(np.diag(np.linalg.inv(information))), rtol=1e-9)
    unpenalised = pact.fit(df, outcome="y", features=["x1", "x2", "x3"])
    assert abs(result.params["x1"]) < abs(unpenalised.params["x1"])


def test_fit_errors():
    df, _ = covariate_frame(200, 7)
    df["y"] = (df["x1"] > 0).astype(float)  # x1 separates the outcome perfectly
    with pytest.raises(pact.FitError) as e:
        pact.fit(df, outcome="y", features=["x1", "x2"])
    assert isinstance(e.value, ValueError)
    assert e.value.problem == "separation" and "x1" in e.value.columns
    df["y"] = (np.arange(200) % 3 == 0).astype(float)
    df["x4"] = 2 * df["x2"]
    with pytest.raises(pact.FitError) as e:
        pact.fit(df, outcome="y", features=["x1", "x2", "x4"])
    assert e.value.problem == "rank_deficient"
    df.loc[5, "x1"] = np.nan
    with pytest.raises(ValueError, match=r"feature 'x1', row 5: nan is not a finite number"):
        pact.fit(df, outcome="y", features=["x1"])
    assert pact.fit(df, outcome="y", features=["x1"], missing="drop").nobs == 199
    with pytest.raises(ValueError, match="form must be"):
        pact.fit(df, outcome="y", features=["x1"], form="cox")
    with pytest.raises(ValueError, match="needs followup="):
        pact.fit(df, outcome="y", features=["x2"], form="discrete_hazard", duration="x3")
    df["months"] = 3.5
    with pytest.raises(ValueError, match=r"followup, row 0: 3.5 is not a whole number of months"):
        pact.fit(df, outcome="y", features=["x2"], form="discrete_hazard", duration="x3", followup="months")


def test_simulate_fit_to_model_score_agrees_with_statsmodels_on_person_months(tmp_path):
    # A caseload from pact's simulator, fitted with the default model as template: the fit is
    # pact::calibrate, so params, bse and llf are those of the model to_model() returns.
    sim = pact.simulate(6000, seed=12)
    fit = pact.fit(sim, outcome="left_care", form="discrete_hazard", followup="followup_months")
    template = pact.RiskModel.default()
    x = sim[template.instrument.item_ids].to_numpy()
    values, _ = reference_risk.features(caseload.MODEL, caseload.INSTRUMENT, x)
    t0 = np.floor(sim["tic_months_in_care"].to_numpy()).astype(int)
    followed, left = sim["followup_months"].to_numpy(), sim["left_care"].to_numpy()
    X, y = caseload.expand_person_months(values, t0, followed, left, BANDS)
    reference = statsmodels_logit(X, y, list(template.params.index))
    assert_agrees(fit, reference)
    assert fit.person_months == len(y) and fit.events == y.sum() and fit.n_cases == len(sim)

    model = fit.to_model(version="1.1.0", fitted_on="simulated caseload, seed 12", fitted_at="2026-03-01",
                         notes="agreement test", name="PACT chronicity (test calibration)")
    assert isinstance(model, pact.RiskModel) and model.id == template.id and model.version == "1.1.0"
    provenance = model.provenance
    assert provenance["status"] == model.status == "calibrated"
    assert provenance["fitted_on"] == "simulated caseload, seed 12" and provenance["fitted_at"] == "2026-03-01"
    assert provenance["n_cases"] == len(sim) and provenance["n_rows"] == len(y)
    assert provenance["notes"] == "agreement test"
    assert provenance["metrics"]["auc"] == fit.evaluation["auc"]
    assert model.name("en") == model.name("es") == "PACT chronicity (test calibration)"
    # The written coefficients are the fit's, bit for bit (shortest round-trip decimals).
    assert model.params.tolist() == fit.params.tolist()
    assert model.features()["se"].tolist() == fit.bse.iloc[len(BANDS):].tolist()
    assert model.baseline()["se"].tolist() == fit.bse.iloc[:len(BANDS)].tolist()
    # The model scores: its probability is the independent numpy formula's with the fitted
    # coefficients, from the model file it saves.
    path = tmp_path / "calibrated.json"
    model.save(path)
    reloaded = pact.RiskModel.load(path)
    assert reloaded == model
    # It pickles (by its canonical JSON) as every model does: Dask and multiprocessing carry it.
    assert pickle.loads(pickle.dumps(model)) == model and pact.RiskModel.from_json(model.to_json()) == model
    scored = pact.score(sim.head(500), model=reloaded)
    expected = reference_risk.risk(path, caseload.INSTRUMENT, x[:500])
    np.testing.assert_allclose(scored["risk"].to_numpy(), expected["probability"], rtol=1e-10)
    # Every case of the simulation has an observed outcome (36 months >= the 24-month horizon).
    assert fit.evaluation["n"] == len(sim) and fit.evaluation["notes"] == []


def test_logistic_template_fit_to_model_agrees_with_statsmodels():
    instrument_path = DATA_DIR / "instruments" / "small.json"
    model_path = DATA_DIR / "models" / "logistic.json"
    instrument = pact.Instrument.load(instrument_path)
    template = pact.RiskModel.load(model_path, instrument)
    sim = pact.simulate(5000, seed=13, model=template)
    fit = pact.fit(sim, outcome="chronic", model=template)
    x = sim[instrument.item_ids].to_numpy()
    values, _ = reference_risk.features(model_path, instrument_path, x)
    reference = statsmodels_logit(np.column_stack([np.ones(len(sim)), values]), sim["chronic"].to_numpy(),
                                  ["intercept"] + template.feature_ids)
    assert_agrees(fit, reference)
    model = fit.to_model(version="0.4.0", fitted_on="simulated", fitted_at="2026-03-01")
    assert model.form == "logistic" and model.status == "calibrated"
    assert model.params.tolist() == fit.params.tolist()
    assert "n_rows" not in model.provenance or model.provenance["n_rows"] is None
    # Without fitted_at the date is today's in UTC, as `pact fit` writes it.
    before = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
    dated = fit.to_model(version="0.4.0", fitted_on="simulated")
    after = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
    assert dated.provenance["fitted_at"] in (before, after)


def test_sample_median_references_and_frequency_weights():
    sim = pact.simulate(3000, seed=14)
    fit = pact.fit(sim, outcome="left_care", form="discrete_hazard", followup="followup_months",
                   references="sample_median")
    template = pact.RiskModel.default()
    x = sim[template.instrument.item_ids].to_numpy()
    values, imputed = reference_risk.features(caseload.MODEL, caseload.INSTRUMENT, x)
    medians = [np.median(values[~imputed[:, k], k]) for k in range(values.shape[1])]
    # numpy's median of features computed independently (equal up to the last bit of a sum).
    np.testing.assert_allclose(fit.references.to_numpy(), medians, rtol=1e-12, atol=1e-15)
    model = fit.to_model(version="1.0.1", fitted_on="simulated", fitted_at="2026-03-01")
    assert model.features()["reference"].tolist() == fit.references.tolist()
    assert "references = sample medians" in model.provenance["method"]
    # Frequency weights of 2 give the same coefficients as every case twice.
    weighted = pact.fit(sim.assign(w=2.0), outcome="left_care", form="discrete_hazard", followup="followup_months",
                        weights="w")
    doubled = pact.fit(pd.concat([sim, sim]), outcome="left_care", form="discrete_hazard", followup="followup_months")
    np.testing.assert_allclose(weighted.params, doubled.params, rtol=1e-9)
    np.testing.assert_allclose(weighted.bse, doubled.bse, rtol=1e-9)


def test_to_model_says_why_a_fit_has_no_model():
    df, rng = covariate_frame(500, 8)
    df["y"] = (rng.random(500) < 0.4).astype(float)
    with pytest.raises(ValueError, match=r"columns of the data \(features=\)"):
        pact.fit(df, outcome="y", features=["x1"]).to_model(version="1.0.0", fitted_on="x", fitted_at="2026-01-01")
    sim = pact.simulate(2000, seed=15)
    logistic_on_hazard = pact.fit(sim, outcome="chronic")
    assert logistic_on_hazard.evaluation is None
    with pytest.raises(ValueError, match="is a discrete_hazard model; fit form='discrete_hazard'"):
        logistic_on_hazard.to_model(version="1.0.0", fitted_on="x", fitted_at="2026-01-01")
    other_bands = pact.fit(sim, outcome="left_care", form="discrete_hazard", followup="followup_months",
                           bands=[1, 13, 49])
    with pytest.raises(ValueError, match="bands= differ"):
        other_bands.to_model(version="1.0.0", fitted_on="x", fitted_at="2026-01-01")
    fit = pact.fit(sim, outcome="left_care", form="discrete_hazard", followup="followup_months")
    with pytest.raises(pact.ValidationError) as e:
        fit.to_model(version="1.0", fitted_on="x", fitted_at="2026-01-01")
    assert e.value.where == "/version"
    with pytest.raises(pact.ValidationError) as e:
        fit.to_model(version="1.0.0", fitted_on="x", fitted_at="2026-02-30")
    assert e.value.where.startswith("/provenance/fitted_at")
    with pytest.raises(ValueError, match=r"row 'sim-000001': a case that left care must have been followed"):
        bad = sim.copy()
        bad.loc["sim-000001", ["followup_months", "left_care"]] = [0, 1]
        pact.fit(bad, outcome="left_care", form="discrete_hazard", followup="followup_months")
