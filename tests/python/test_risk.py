"""The risk model in Python: loading, pickling, pact.score's risk columns, survival curves and
feature values against an independent numpy implementation (reference_risk.py), and
pact.score_one's result record against the JSON Schema and against pact.score."""

import json
import pickle

import jsonschema
import numpy as np
import pandas as pd
import pytest

import caseload
import pact
import reference_risk
import reference_scoring
from conftest import DATA_DIR, MODELS_DIR, SOURCE_DIR, assert_frames_identical

SMALL = DATA_DIR / "instruments" / "small.json"
DEFAULT_INSTRUMENT = MODELS_DIR / "pact-instrument.json"
DEFAULT_MODEL = MODELS_DIR / "pact-chronicity.json"


def small_model(name):
    return pact.RiskModel.load(DATA_DIR / "models" / f"{name}.json", pact.Instrument.load(SMALL))


def test_default_model():
    model = pact.RiskModel.default()
    doc = json.load(open(DEFAULT_MODEL, encoding="utf-8"))
    assert (model.id, model.version, model.form) == (doc["id"], doc["version"], "discrete_hazard")
    assert model.horizon_months == doc["outcome"]["horizon_months"] == 24
    assert model.duration_item == "tic_months_in_care"
    assert model.status == "illustrative"
    assert model.instrument == pact.Instrument.default()
    assert model == pact.RiskModel.load(DEFAULT_MODEL)
    assert model.feature_ids == [f["id"] for f in doc["features"]]
    assert model.band_ids == ["low", "medium", "high", "very_high"]
    features = model.features("en")
    assert features.loc["returns_to_care", "knot"] == 1
    assert features.loc["employability", "source"] == "employability"
    assert features.loc["employability_x_resilience", "source"] == "employability*resilience"
    assert list(model.baseline()["from_month"]) == [b["from_month"] for b in doc["baseline"]]
    # The names a hazard fit gives its baseline coefficients; the last band is open.
    assert list(model.params.index[:5]) == ["months 1-6", "months 7-12", "months 13-24", "months 25-48", "months 49+"]
    assert model.params["resilience"] == -0.35
    assert model.bands("en").loc["high", "min_probability"] == 0.5


def test_load_errors_carry_the_json_pointer():
    doc = json.load(open(DEFAULT_MODEL, encoding="utf-8"))
    doc["bands"][1]["min_probability"] = 2
    with pytest.raises(ValueError) as e:
        pact.RiskModel.from_json(json.dumps(doc))
    assert isinstance(e.value, pact.ValidationError)
    assert e.value.where == "/bands/1/min_probability"
    with pytest.raises(ValueError):  # the small fixture model does not read the default instrument
        pact.RiskModel.load(DATA_DIR / "models" / "hazard.json")
    with pytest.raises(OSError):
        pact.RiskModel.load("/nonexistent/model.json")


@pytest.mark.parametrize("name", ["logistic", "hazard"])
def test_models_and_instruments_pickle_by_canonical_json(name):
    model = small_model(name)
    again = pickle.loads(pickle.dumps(model))
    assert again == model and again.hash == model.hash and again.to_json() == model.to_json()
    assert again.instrument == model.instrument and again.instrument.id == "test-small"
    inst = pickle.loads(pickle.dumps(pact.Instrument.default()))
    assert inst == pact.Instrument.default()
    default = pickle.loads(pickle.dumps(pact.RiskModel.default(), protocol=pickle.HIGHEST_PROTOCOL))
    assert default == pact.RiskModel.default()


def _small_responses(n, seed, duration_item="a3"):
    x = reference_scoring.random_responses(SMALL, n, seed, missing_rate=0.2)
    j = pact.Instrument.load(SMALL).item_ids.index(duration_item)
    x[:, j] = np.floor(np.random.default_rng(seed).uniform(0, 40, n))
    return x


@pytest.mark.parametrize(
    "model_path,instrument_path,make",
    [
        (DATA_DIR / "models" / "logistic.json", SMALL, lambda: _small_responses(3000, 11)),
        (DATA_DIR / "models" / "hazard.json", SMALL, lambda: _small_responses(3000, 12)),
        (DEFAULT_MODEL, DEFAULT_INSTRUMENT, lambda: caseload.responses(3000, 13)[0].to_numpy()),
    ],
    ids=["logistic-fixture", "hazard-fixture", "default"],
)
def test_risk_columns_agree_with_an_independent_numpy_implementation(model_path, instrument_path, make):
    inst = pact.Instrument.load(instrument_path)
    model = pact.RiskModel.load(model_path, inst)
    x = make()
    ref = reference_risk.risk(model_path, instrument_path, x, months=36)
    df = pact.score(x, model=model, threads=2)
    np.testing.assert_allclose(df["risk"].to_numpy(), ref["probability"], rtol=1e-10, atol=1e-15)
    # Bands agree except where p lies within rounding of a band's edge.
    near_edge = np.isclose(ref["probability"][:, None], ref["band_edges"][None, :], rtol=0, atol=1e-9).any(axis=1)
    np.testing.assert_array_equal(df["band"].cat.codes.to_numpy()[~near_edge], ref["band"][~near_edge])
    top = np.stack([df[f"top_factor_{k}"].cat.codes.to_numpy() for k in (1, 2, 3)], axis=1)
    np.testing.assert_array_equal(top, ref["top_factors"])
    np.testing.assert_array_equal(df["imputed_features"].to_numpy(), ref["imputed"].sum(axis=1))
    assert df.attrs["model_hash"] == model.hash and df.attrs["model_status"] == model.status
    assert list(df["band"].cat.categories) == ["low", "medium", "high", "very_high"]

    values = model.feature_values(x)
    np.testing.assert_allclose(values[model.feature_ids].to_numpy(), ref["features"], rtol=1e-12, atol=1e-15)
    assert list(values["risk_status"].unique()) == ["ok"]
    np.testing.assert_array_equal(values["imputed_features"].to_numpy(), ref["imputed"].sum(axis=1))
    if model.form == "discrete_hazard":
        curves = model.survival(x, months=36)
        assert list(curves.columns) == list(range(1, 37))
        np.testing.assert_allclose(curves.to_numpy(), ref["survival"], rtol=1e-10, atol=1e-15)
        np.testing.assert_allclose(curves[model.horizon_months].to_numpy(), df["risk"].to_numpy(), rtol=1e-15)
    else:
        with pytest.raises(ValueError, match="logistic"):
            model.survival(x)


def test_model_none_false_and_mismatched_instruments():
    x = caseload.responses(50, 1)[0]
    with_risk = pact.score(x)
    assert "risk" in with_risk.columns and with_risk.attrs["model_id"] == "pact-chronicity"
    without = pact.score(x, model=False)
    assert "risk" not in without.columns and "model_id" not in without.attrs
    pd.testing.assert_frame_equal(with_risk[without.columns], without)
    small = pact.Instrument.load(SMALL)
    assert "risk" not in pact.score(_small_responses(5, 1), instrument=small).columns
    with pytest.raises(ValueError, match="reads instrument pact-instrument"):
        pact.score(x, instrument=small, model=pact.RiskModel.default())
    with pytest.raises(ValueError, match="reads instrument pact-instrument"):
        pact.score(x, instrument=small, model=True)
    assert_frames_identical(pact.score(x, model=True), with_risk)


def test_missing_months_in_care_leave_the_risk_out_and_say_why():
    x, _ = caseload.responses(20, 2)
    x.loc["c000007", "tic_months_in_care"] = np.nan
    df = pact.score(x)  # an optional item: the instrument scores the row, the hazard model cannot
    assert np.isnan(df.loc["c000007", "risk"]) and pd.isna(df.loc["c000007", "band"])
    assert not np.isnan(df.loc["c000007", "composite"])
    assert pd.isna(df.loc["c000007", "top_factor_1"]) and pd.isna(df.loc["c000007", "imputed_features"])
    assert df.loc["c000007", "risk_status"] == "missing_duration"
    assert (df["risk_status"] == "ok").sum() == 19
    x.loc["c000003", "emp_work_status"] = 7
    marked = pact.score(x, errors="mark")
    assert marked.loc["c000003", "risk_status"] == "rejected_by_instrument"
    assert marked["error"].notna().sum() == 1
    assert marked.loc["c000003", "error"].startswith("row 'c000003', item 'emp_work_status': 7 is not one of")
    # A fit needs every row's features: there, the missing months are an error naming row and item.
    x.loc["c000003", "emp_work_status"] = 2
    with pytest.raises(ValueError, match=r"row 'c000007', item 'tic_months_in_care': risk model pact-chronicity needs"):
        pact.fit(x.assign(y=1.0), outcome="y")


def test_results_do_not_depend_on_layout_or_dtype():
    x = caseload.responses(400, 3)[0].to_numpy()
    a = pact.score(x)
    b = pact.score(np.asfortranarray(x))
    c = pact.score(x.astype(np.float32).astype(np.float64))  # the responses are exact in float32
    d = pact.score(x.astype(object))
    for other in (b, c, d):
        pd.testing.assert_frame_equal(a, other)


def _schema_validator():
    schemas = {}
    for name in ("assessment", "result"):
        doc = json.load(open(SOURCE_DIR / "docs" / "schemas" / f"{name}.schema.json", encoding="utf-8"))
        schemas[doc["$id"]] = doc
    result = schemas["urn:pact:schema:result:1"]
    resolver = jsonschema.RefResolver.from_schema(result, store=schemas)
    return jsonschema.Draft202012Validator(result, resolver=resolver)


def test_score_one_gives_a_valid_result_record_that_matches_score():
    frame, _ = caseload.responses(30, 4)
    validator = _schema_validator()
    batch = pact.score(frame, lang="en")
    for case_id, row in frame.iloc[:30].iterrows():
        responses = {k: v for k, v in row.items() if not np.isnan(v)}
        r = pact.score_one(
            {"case_id": case_id, "date": "2024-05-02", "attributes": {"territory": "leon"}, "responses": responses},
            lang="en",
            items=True,
        )
        validator.validate(r)
        expected = batch.loc[case_id]
        assert r["case_id"] == case_id and r["attributes"] == {"territory": "leon"}
        assert r["composite"]["score"] == expected["composite"]
        assert r["composite"]["level"]["id"] == expected["level"]
        assert [d["score"] for d in r["dimensions"]] == list(expected[pact.Instrument.default().dimension_ids])
        risk = r["risk"]
        assert risk["probability"] == expected["risk"] and risk["band"]["id"] == expected["band"]
        assert risk["model"]["hash"] == pact.RiskModel.default().hash
        assert [t["feature"] for t in risk["top_factors"]] == [
            expected[f"top_factor_{k}"] for k in (1, 2, 3) if not pd.isna(expected[f"top_factor_{k}"])
        ]
        assert len(risk["survival"]) == 24 and risk["survival"][-1]["probability"] == risk["probability"]
        assert risk["duration_months"] == int(np.floor(responses["tic_months_in_care"]))


def test_score_one_counterfactual_lowers_the_band_when_applied():
    frame, _ = caseload.responses(400, 5)
    checked = 0
    for case_id, row in frame.iterrows():
        responses = {k: v for k, v in row.items() if not np.isnan(v)}
        r = pact.score_one(responses)
        cf = r["risk"]["counterfactual"]
        if cf is None:
            continue
        changed = dict(responses, **{cf["item"]: cf["to"]})
        after = pact.score(pd.DataFrame([changed]))
        assert after.loc[0, "band"] == cf["band"]["id"]
        assert after.loc[0, "risk"] == pytest.approx(cf["probability"], rel=1e-12)
        assert pact.RiskModel.default().band_ids.index(cf["band"]["id"]) < pact.RiskModel.default().band_ids.index(
            r["risk"]["band"]["id"])
        checked += 1
    assert checked > 10


def test_score_one_errors_come_from_pacts_reader_with_the_json_pointer():
    with pytest.raises(ValueError) as e:
        pact.score_one({"emp_work_status": 9, "hou_homelessness": 1, "tic_months_in_care": 3})
    assert e.value.where == "/responses/emp_work_status"
    with pytest.raises(ValueError) as e:
        pact.score_one({"emp_work_status": 1, "hou_homelessness": 1, "tic_months_in_care": 3, "emp_typo": 1})
    assert "emp_typo" in e.value.where
    with pytest.raises(ValueError, match="'eco_debts': inf is not a finite number"):
        pact.score_one({"emp_work_status": 1, "hou_homelessness": 1, "eco_debts": float("inf")})
    # Without the months in care the instrument scores the case, and the risk section says why
    # the hazard model cannot (as pact.score's risk_status does).
    r = pact.score_one({"emp_work_status": 1, "hou_homelessness": 1})
    assert r["risk"]["status"] == "missing_duration" and "probability" not in r["risk"]
    assert r["composite"]["scored"] is False
    r = pact.score_one({"emp_work_status": 1, "hou_homelessness": 1}, model=False)
    assert "risk" not in r
    # numpy scalars, NaN and booleans are responses too.
    r = pact.score_one({"emp_work_status": np.int64(2), "hou_homelessness": np.float64(1), "emp_job_search": np.bool_(True),
                        "eco_debts": np.nan, "tic_months_in_care": 12.0}, lang="en", items=True)
    items = {i["id"]: i["response"] for i in r["items"]}
    assert items["emp_job_search"] == 1 and items["eco_debts"] is None


def test_explain_equals_score_one_risk_and_accepts_a_row():
    frame, _ = caseload.responses(3, 6)
    model = pact.RiskModel.default()
    row = frame.iloc[0]
    by_mapping = model.explain(row.dropna().to_dict(), lang="en")
    by_vector = model.explain(row.to_numpy(), lang="en")
    assert by_mapping == by_vector == pact.score_one(row.dropna().to_dict(), lang="en")["risk"]
    with pytest.raises(ValueError, match="not an item of pact-instrument: nope"):
        model.explain({"nope": 1})


def test_saved_json_and_bundles_load_back_to_the_same_model(tmp_path):
    # Bundles written by the C++ tool of pact 0.1.0 (tests/data/bundles/README.md) read in
    # Python to the models of their JSON: the same content hashes and the same scores.
    bundles = DATA_DIR / "bundles"
    small = pact.Instrument.load(bundles / "small-instrument.json")
    assert pact.Instrument.load_bundle(bundles / "small-instrument-v1.bundle") == small
    for name in ("hazard", "logistic"):
        from_json = pact.RiskModel.load(bundles / f"{name}-model.json", small)
        from_bundle = pact.RiskModel.load_bundle(bundles / f"small-{name}-v1.bundle")
        assert from_bundle == from_json and from_bundle.hash == from_json.hash
        assert from_bundle.instrument == small
        x, _ = caseload.responses(200, seed=4, instrument_path=bundles / "small-instrument.json", always=("a3",))
        assert_frames_identical(pact.score(x, model=from_bundle), pact.score(x, model=from_json))
    # Written from Python and read back: the bundle, the indented JSON and the canonical JSON.
    model = pact.RiskModel.default()
    model.to_bundle(tmp_path / "model.pactbundle")
    assert pact.RiskModel.load_bundle(tmp_path / "model.pactbundle") == model
    model.save(tmp_path / "model.json")
    text = (tmp_path / "model.json").read_text(encoding="utf-8")
    assert text.startswith("{\n  ") and json.loads(text) == json.loads(model.to_json())
    assert pact.RiskModel.load(tmp_path / "model.json") == model
    model.instrument.save(tmp_path / "instrument.json", indent=None)
    assert (tmp_path / "instrument.json").read_text(encoding="utf-8") == model.instrument.to_json()
    model.instrument.to_bundle(tmp_path / "instrument.pactbundle")
    assert pact.Instrument.load_bundle(tmp_path / "instrument.pactbundle") == model.instrument
    # A damaged bundle is an error that says so, never a model.
    data = bytearray((tmp_path / "model.pactbundle").read_bytes())
    data[len(data) // 2] ^= 0xFF
    (tmp_path / "damaged.pactbundle").write_bytes(bytes(data))
    with pytest.raises(pact.ValidationError):
        pact.RiskModel.load_bundle(tmp_path / "damaged.pactbundle")
    (tmp_path / "short.pactbundle").write_bytes(bytes(data[:100]))
    with pytest.raises(pact.ValidationError):
        pact.RiskModel.load_bundle(tmp_path / "short.pactbundle")
