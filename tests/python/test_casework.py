"""Proactive casework in Python: each alert rule on cases whose scores are computed by hand in
the comments (from the default instrument's weights and severities), the contact order and
its capacities, professional overrides and the override report's numbers by hand.

The hand computations start from a calm case: every item answered with its least severe
option (severity 0), so that every dimension scores 0, the composite is 0 and the level is
full integration. The default instrument's dimension weights add up to
3 x 1.25 + 5 x 1 + 0.75 = 9.5; employability's item weights to 2 + 1.5 + 1 + 1 + 1 + 1 = 7.5."""

import datetime
import json
import math

import jsonschema
import numpy as np
import pandas as pd
import pytest

import caseload
import pact
import reference_risk
from conftest import MODELS_DIR, SOURCE_DIR

INSTRUMENT_DOC = json.loads((MODELS_DIR / "pact-instrument.json").read_text(encoding="utf-8"))
MODEL_DOC = json.loads((MODELS_DIR / "pact-chronicity.json").read_text(encoding="utf-8"))


def calm(**changes):
    """Every item at its severity-0 answer, with `changes`."""
    out = {}
    for item in INSTRUMENT_DOC["items"]:
        r = item["response"]
        if r["type"] == "ordinal":
            out[item["id"]] = next(o["value"] for o in r["options"] if o["severity"] == 0)
        elif r["type"] == "yes_no":
            out[item["id"]] = 1 if r["severity_yes"] == 0 else 0
        else:
            out[item["id"]] = next(x for x, s in r["severity"]["points"] if s == 0)
    out.update(changes)
    return out


def at_severity(target, **changes):
    """Every item at the answer whose severity is nearest `target` (a uniformly troubled case)."""
    out = {}
    for item in INSTRUMENT_DOC["items"]:
        r = item["response"]
        if r["type"] == "ordinal":
            out[item["id"]] = min(r["options"], key=lambda o: abs(o["severity"] - target))["value"]
        elif r["type"] == "yes_no":
            out[item["id"]] = 1 if abs(r["severity_yes"] - target) < abs(r["severity_no"] - target) else 0
        else:
            out[item["id"]] = min(r["severity"]["points"], key=lambda p: abs(p[1] - target))[0]
    out.update(changes)
    return out


# Housing and economic at their most severe answers: both dimensions score 1.
HOUSING_MAX = {"hou_tenure": 5, "hou_homelessness": 5, "hou_overcrowding": 4, "hou_habitability": 4,
               "hou_cost_burden": 80}
ECONOMIC_MAX = {"eco_income_ratio": 0, "eco_income_source": 4, "eco_debts": 4, "eco_material_deprivation": 10,
                "eco_food_insecurity": 4}
# Employability: work experience 2 (severity 0.35), basic skills 3 (0.7) and one month since the
# last job (0.3 x 1/6 = 0.05, weight 1.5): (0.35 + 0.7 + 0.075) / 7.5 = 0.15 exactly the rule.
EMPLOYABILITY_AT_RULE = {"emp_work_experience": 2, "emp_basic_skills": 3, "emp_months_since_job": 1}
EMPLOYABILITY_BELOW_RULE = {"emp_work_experience": 2, "emp_basic_skills": 3}  # 1.05 / 7.5 = 0.14


def visits(*rows):
    """A DataFrame of assessments from (case id, date, responses) triples."""
    return pd.DataFrame([{"case_id": c, "date": d, **r} for c, d, r in rows])


def instrument_with_alerts(alerts):
    doc = json.loads(json.dumps(INSTRUMENT_DOC))
    doc["alerts"] = alerts
    return pact.Instrument.from_json(json.dumps(doc))


def model_with_alerts(alerts, instrument):
    doc = json.loads(json.dumps(MODEL_DOC))
    doc["alerts"] = alerts
    return pact.RiskModel.from_json(json.dumps(doc), instrument)


def percent(x):
    return int(math.floor(100 * x + 0.5))


# --- the alert rules -----------------------------------------------------------------------------


def test_dimension_worsening_at_and_below_the_rule():
    df = visits(("c1", "2024-01-10", calm()), ("c1", "2024-03-01", calm(**EMPLOYABILITY_AT_RULE)),
                ("c2", "2024-01-10", calm()), ("c2", "2024-03-01", calm(**EMPLOYABILITY_BELOW_RULE)))
    ch = pact.changes(df, lang="en", model=False)
    assert list(ch.index) == ["c1", "c2"]
    assert ch.loc["c1", "employability_change"] == pytest.approx(0.15, abs=1e-12)
    assert ch.loc["c2", "employability_change"] == pytest.approx(0.14, abs=1e-12)
    # A rise of exactly the rule's amount alerts; one below it does not.
    assert ch.loc["c1", "alert_kinds"] == ["dimension_worsening"]
    assert ch.loc["c1", "alert_subjects"] == ["employability"]
    assert ch.loc["c1", "alert_reasons"] == ["Employability worsened 15 points (0 → 15; rule ≥ 15)"]
    assert ch.loc["c2", "alerts"] == 0 and ch.loc["c2", "alert_kinds"] == []
    # The composite rose by 0.14 x 1.25 / 9.5; the level stayed.
    assert ch.loc["c2", "composite_change"] == pytest.approx(0.14 * 1.25 / 9.5, abs=1e-12)
    assert ch.loc["c2", "worsened"] and ch.loc["c2", "level_from"] == ch.loc["c2", "level_to"] == "full_integration"
    assert ch.loc["c1", "days"] == 51 and ch.loc["c1", "from_date"] == "2024-01-10"
    # The reasons in Spanish.
    es = pact.changes(df, lang="es", model=False)
    assert es.loc["c1", "alert_reasons"] == ["Empleabilidad empeoró 15 puntos (0 → 15; regla ≥ 15)"]


def test_level_increase_and_the_order_of_every_rule():
    forward = (calm(), calm(**HOUSING_MAX, **ECONOMIC_MAX))
    df = visits(("up", "2024-01-10", forward[0]), ("up", "2024-02-10", forward[1]),
                ("down", "2024-01-10", forward[1]), ("down", "2024-02-10", forward[0]))
    # With the level rule alone: the composite goes from 0 to (1.25 + 1.25) / 9.5 = 0.263, past
    # precarious integration's 0.15 and below moderate exclusion's 0.30.
    only_level = instrument_with_alerts({"level_increase": True})
    ch = pact.changes(df, lang="en", instrument=only_level, model=False)
    assert ch.loc["up", "composite_change"] == pytest.approx(2.5 / 9.5, abs=1e-12)
    assert ch.loc["up", "level_to"] == "precarious_integration"
    assert ch.loc["up", "alert_kinds"] == ["level_increase"]
    assert ch.loc["up", "alert_reasons"] == ["Level went up: Full integration → Precarious integration"]
    assert ch.loc["down", "alerts"] == 0 and not ch.loc["down", "worsened"]
    # With the default rules the same change raises, in rule order: the two dimensions (in
    # instrument order), the level, then every item that became critical, in instrument order:
    # income ratio 0 (severity 1 >= 0.8), debts (1 >= 1), material deprivation 10 (1 >= 0.8), food
    # insecurity (1 >= 1), tenure (1 >= 0.8), homelessness (1 >= 0.85), overcrowding (1 >= 1),
    # habitability (1 >= 1); the cost burden has no critical cut-off.
    ch = pact.changes(df, lang="en", model=False)
    critical = ["eco_income_ratio", "eco_debts", "eco_material_deprivation", "eco_food_insecurity", "hou_tenure",
                "hou_homelessness", "hou_overcrowding", "hou_habitability"]
    assert ch.loc["up", "alert_kinds"] == ["dimension_worsening"] * 2 + ["level_increase"] + [
        "critical_item_appears"] * 8
    assert ch.loc["up", "alert_subjects"] == ["economic", "housing", None] + critical


def test_critical_item_appears_once():
    only_critical = instrument_with_alerts({"critical_item_appears": True})
    violence = calm(coh_gender_violence=1)  # "yes": severity 1, the item's cut-off 1
    df = visits(("c1", "2024-01-10", calm()), ("c1", "2024-02-10", violence), ("c1", "2024-03-10", violence))
    ch = pact.changes(df, lang="en", instrument=only_critical, model=False, history=True)
    assert len(ch) == 2 and list(ch["latest"]) == [False, True]
    assert list(ch["to_date"]) == ["2024-02-10", "2024-03-10"]
    label = pact.Instrument.default().items("en").loc["coh_gender_violence", "label"]
    first, second = ch.iloc[0], ch.iloc[1]
    assert first["alert_kinds"] == ["critical_item_appears"] and first["alert_subjects"] == ["coh_gender_violence"]
    assert first["alert_reasons"] == [f"Critical now: {label} (100)"]
    assert second["alerts"] == 0  # critical before and after: nothing new
    # The cohabitation score rose by 1.5 / 6 (item weights 1 + 1 + 1.5 + 1 + 1.5).
    assert first["cohabitation_change"] == pytest.approx(0.25, abs=1e-12)


def test_reassessment_overdue():
    # 2024-01-10 to 2024-07-08 is 21 + 29 + 31 + 30 + 31 + 30 + 8 = 180 days (2024 is a leap
    # year): not more than the rule's 180; one day later it is.
    df = visits(("c1", "2024-01-10", calm()))
    assert pact.changes(df, model=False, as_of="2024-07-08").loc["c1", "alerts"] == 0
    ch = pact.changes(df, lang="en", model=False, as_of=datetime.date(2024, 7, 9))
    assert ch.loc["c1", "alert_kinds"] == ["reassessment_overdue"]
    assert ch.loc["c1", "alert_reasons"] == ["No reassessment for 181 days (rule ≤ 180)"]
    assert pd.isna(ch.loc["c1", "from_date"]) and ch.loc["c1", "assessments"] == 1
    assert pact.changes(df, model=False).loc["c1", "alerts"] == 0  # no as_of, no overdue check
    with pytest.raises(ValueError, match="as_of"):
        pact.changes(df, model=False, as_of="9 July")


def test_band_increase_and_probability_increase(tmp_path):
    # Four pairs of assessments of uniformly troubled cases that differ only in the months in
    # care; the expected probabilities and bands come from the independent numpy formulas.
    pairs = {"neither": (at_severity(0.3, tic_months_in_care=12), at_severity(0.3, tic_months_in_care=24)),
             "both": (at_severity(0.3, tic_months_in_care=24), at_severity(0.3, tic_months_in_care=60)),
             "band_only": (at_severity(0.5, tic_months_in_care=6), at_severity(0.5, tic_months_in_care=12)),
             "probability_only": (at_severity(0.3, tic_months_in_care=6), at_severity(0.3, tic_months_in_care=36))}
    rows = [(case, date, r) for case, (a, b) in pairs.items() for date, r in (("2024-01-10", a), ("2024-06-10", b))]
    df = visits(*rows)
    quiet = instrument_with_alerts({})
    ids = quiet.item_ids
    reference = reference_risk.risk(caseload.MODEL, caseload.INSTRUMENT, df[ids].to_numpy(dtype=float))
    p, band = reference["probability"], reference["band"]
    expected = {}
    for k, case in enumerate(pairs):
        before, after = 2 * k, 2 * k + 1
        expected[case] = (band[after] > band[before], p[after] - p[before] >= 0.10, p[before], p[after],
                          band[before], band[after])
    assert [(e[0], e[1]) for e in expected.values()] == [(False, False), (True, True), (True, False), (False, True)]

    labels = pact.RiskModel.default().bands("en")["label"].tolist()
    only_band = model_with_alerts({"band_increase": True}, quiet)
    ch = pact.changes(df, lang="en", instrument=quiet, model=only_band)
    for case, (band_up, _, p0, p1, b0, b1) in expected.items():
        assert ch.loc[case, "probability_change"] == pytest.approx(p1 - p0, abs=1e-9)
        assert ch.loc[case, "alert_kinds"] == (["band_increase"] if band_up else []), case
        if band_up:
            assert ch.loc[case, "alert_reasons"] == [f"Risk band went up: {labels[b0]} → {labels[b1]}"]
    only_probability = model_with_alerts({"probability_increase": 0.1}, quiet)
    ch = pact.changes(df, lang="en", instrument=quiet, model=only_probability)
    for case, (_, rose, p0, p1, _, _) in expected.items():
        assert ch.loc[case, "alert_kinds"] == (["probability_increase"] if rose else []), case
        if rose:
            assert ch.loc[case, "alert_reasons"] == [
                f"Probability of chronicity rose by {percent(p1 - p0)} points ({percent(p0)}% → {percent(p1)}%; "
                "rule ≥ 10)"]


def test_changes_input_and_errors():
    rows = [("b", "2024-03-01", calm(**EMPLOYABILITY_AT_RULE)), ("a", "2024-01-10", calm()),
            ("b", "2024-01-10", calm()), ("a", "2024-02-10", calm(**HOUSING_MAX))]
    df = visits(*rows)
    ch = pact.changes(df, model=False, history=True)
    # Sorted by case, each case's assessments by date, whatever the input order.
    assert list(ch.index) == ["a", "b"] and list(ch["from_date"]) == ["2024-01-10", "2024-01-10"]
    # Dates as datetimes, and the case id as the index.
    as_datetimes = df.assign(date=pd.to_datetime(df["date"])).set_index("case_id")
    pd.testing.assert_frame_equal(pact.changes(as_datetimes, model=False, history=True), ch)
    bad = df.copy()
    bad.loc[2, "date"] = "2024-02-30"
    with pytest.raises(ValueError, match=r"row 2: date '2024-02-30' is not a date YYYY-MM-DD"):
        pact.changes(bad, model=False)
    dropped = pact.changes(bad, model=False, errors="drop")
    assert dropped.attrs["rejected_rows"] == [2] and dropped.loc["b", "assessments"] == 1
    bad = df.copy()
    bad.loc[1, "emp_work_status"] = 9
    with pytest.raises(ValueError, match=r"row 1, item 'emp_work_status': 9(\.0)? is not one of the options"):
        pact.changes(bad, model=False)
    with pytest.raises(ValueError, match="case_id='case'"):
        pact.changes(df, case_id="case", model=False)


# --- prioritisation ------------------------------------------------------------------------------


def caseload_for_priorities():
    # h: two assessments, employability up 0.15 (one alert), composite 0.15 x 1.25 / 9.5 = 0.0197;
    # e: housing and economic at their worst, composite 2.5 / 9.5 = 0.263 (precarious);
    # d: housing at its worst, composite 1.25 / 9.5 = 0.132 (full integration); a and b: calm.
    return visits(("a", "2024-05-01", calm()), ("e", "2024-05-01", calm(**HOUSING_MAX, **ECONOMIC_MAX)),
                  ("h", "2024-01-10", calm()), ("b", "2024-05-01", calm()), ("d", "2024-05-01", calm(**HOUSING_MAX)),
                  ("h", "2024-05-01", calm(**EMPLOYABILITY_AT_RULE))).assign(
        team=["x", "x", "y", "y", "y", "y"])


def test_prioritise_order_by_hand_and_capacity():
    df = caseload_for_priorities()
    order = pact.prioritise(df, capacity=2, model=False)
    # Without a model: alerts first (h), then the level (e), the composite (d), the case id (a, b).
    assert list(order.index) == ["h", "e", "d", "a", "b"]
    assert list(order["rank"]) == [1, 2, 3, 4, 5]
    assert list(order["selected"]) == [True, True, False, False, False]
    assert order.loc["h", "alerts"] == 1 and order.loc["h", "worsening"] == pytest.approx(0.15 * 1.25 / 9.5)
    assert order.loc["h", "reasons"] == ["Empleabilidad empeoró 15 puntos (0 → 15; regla ≥ 15)"]
    assert order.loc["e", "composite"] == pytest.approx(2.5 / 9.5)
    assert order.loc["e", "level"] == "precarious_integration"
    assert order.loc["h", "date"] == "2024-05-01"
    # The order does not depend on the input's.
    shuffled = df.sample(frac=1.0, random_state=3)
    pd.testing.assert_frame_equal(pact.prioritise(shuffled, capacity=2, model=False), order)
    # Capacities per team: x gets 1 (e), y gets 2 (h, d).
    by_team = pact.prioritise(df, by="team", capacity_by={"x": 1, "y": 2}, model=False)
    assert by_team.loc[["h", "e", "d", "a", "b"], "selected"].tolist() == [True, True, True, False, False]
    assert by_team.loc[["h", "e", "d", "a", "b"], "group_rank"].tolist() == [1, 1, 2, 2, 3]
    assert by_team.loc["e", "team"] == "x"
    # A team without an entry gets the overall capacity (0: no limit).
    open_y = pact.prioritise(df, by="team", capacity_by={"x": 1}, model=False)
    assert open_y.loc[["h", "e", "d", "a", "b"], "selected"].tolist() == [True, True, True, False, True]
    # The same capacity for each team (pact prioritise --per-group): the first of x (e) and of y (h).
    each = pact.prioritise(df, by="team", capacity=1, per_group=True, model=False)
    assert each.loc[["h", "e", "d", "a", "b"], "selected"].tolist() == [True, True, False, False, False]
    with pytest.raises(ValueError, match="capacity_by needs by="):
        pact.prioritise(df, capacity_by={"x": 1}, model=False)
    with pytest.raises(ValueError, match="per_group needs by="):
        pact.prioritise(df, capacity=1, per_group=True, model=False)


def test_prioritise_with_the_model_follows_band_then_probability():
    sim = pact.simulate(400, seed=31)
    order = pact.prioritise(sim, capacity=50, date=None)
    x = sim[pact.Instrument.default().item_ids].to_numpy()
    reference = reference_risk.risk(caseload.MODEL, caseload.INSTRUMENT, x)
    ids = np.asarray(sim.index)
    # One assessment per case: no alerts, no worsening; band, then probability (no ties here).
    ranked = np.lexsort((-reference["probability"], -reference["band"]))
    assert list(order.index) == list(ids[ranked])
    assert order["selected"].sum() == 50 and order["selected"].iloc[:50].all()
    np.testing.assert_allclose(order["probability"].to_numpy(), reference["probability"][ranked], rtol=1e-10)
    features = pact.RiskModel.default().feature_ids
    top = reference["top_factors"][ranked, 0]
    assert [None if pd.isna(v) else v for v in order["top_factor_1"]] == [features[k] if k >= 0 else None for k in top]
    with pytest.raises(ValueError, match="more than one row"):
        pact.prioritise(pd.concat([sim.head(2), sim.head(1)]), date=None)


# --- overrides -----------------------------------------------------------------------------------


def test_override_validation():
    ok = pact.Override("band", "high", "ts-0042", "Eviction notice received this week", "2026-11-23T10:15:00Z")
    assert ok.validate() is ok
    assert pact.Override("level", "severe_exclusion", "ts:17.a_b", "Lost housing").validate(model=False)
    cases = [
        (dict(professional_id="Ana García"), "/override/professional_id", "never a name"),
        (dict(professional_id=""), "/override/professional_id", "1 to 64"),
        (dict(value="critical"), "/override/value", "not a risk band"),
        (dict(timestamp="2026-11-23 10:15"), "/override/timestamp", "YYYY-MM-DDThh:mm:ssZ"),
        (dict(timestamp="2026-02-30T10:15:00Z"), "/override/timestamp", "UTC"),
        (dict(reason=""), "/override/reason", "needs its reason"),
        (dict(reason="x" * 2001), "/override/reason", "longer than 2000"),
        (dict(target="risk"), "/override/target", "level"),
    ]
    for change, where, message in cases:
        fields = {"target": "band", "value": "high", "professional_id": "ts-0042", "reason": "Eviction notice",
                  "timestamp": "2026-11-23T10:15:00Z", **change}
        with pytest.raises(pact.ValidationError, match=message) as e:
            pact.Override(**fields).validate()
        assert e.value.where == where, change
    assert len("x" * 2000) == 2000 and pact.Override("band", "high", "t1", "x" * 2000).validate()
    with pytest.raises(pact.ValidationError, match="needs a risk model"):
        pact.Override("band", "high", "t1", "why").validate(model=False)
    with pytest.raises(pact.ValidationError, match="not a level"):
        pact.Override("level", "high", "t1", "why").validate()
    # Times: an aware datetime in any zone is stored in UTC; a naive one is refused.
    madrid = datetime.timezone(datetime.timedelta(hours=1))
    o = pact.Override("band", "high", "t1", "why", datetime.datetime(2026, 11, 23, 11, 15, tzinfo=madrid))
    assert o.timestamp == "2026-11-23T10:15:00Z"
    with pytest.raises(ValueError, match="UTC"):
        pact.Override("band", "high", "t1", "why", datetime.datetime(2026, 11, 23, 11, 15))
    assert pact.Override("band", "high", "t1", "why").timestamp.endswith("Z")  # now, in UTC


def test_score_one_carries_a_validated_override():
    case = {"emp_work_status": 4, "hou_homelessness": 1, "tic_months_in_care": 30}
    o = pact.Override("band", "very_high", "ts-0042", "Eviction notice received", "2026-11-23T10:15:00Z")
    result = pact.score_one(case, override=o)
    assert result["override"] == {"target": "band", "value": "very_high", "professional_id": "ts-0042",
                                  "timestamp": "2026-11-23T10:15:00Z", "reason": "Eviction notice received"}
    assert result["risk"]["band"]["id"] == pact.score_one(case)["risk"]["band"]["id"]  # pact's own band stays
    # The record is a valid result (docs/schemas/result.schema.json), and the schema refuses an
    # override with a name for the professional.
    schemas = SOURCE_DIR / "docs" / "schemas"
    assessment_schema = json.loads((schemas / "assessment.schema.json").read_text(encoding="utf-8"))
    result_schema = json.loads((schemas / "result.schema.json").read_text(encoding="utf-8"))
    resolver = jsonschema.RefResolver.from_schema(result_schema, store={
        assessment_schema["$id"]: assessment_schema, result_schema["$id"]: result_schema})
    validator = jsonschema.Draft202012Validator(result_schema, resolver=resolver)
    validator.validate(result)
    named = json.loads(json.dumps(result))
    named["override"]["professional_id"] = "Ana García"
    assert not validator.is_valid(named)
    with pytest.raises(pact.ValidationError):
        pact.score_one(case, override=pact.Override("band", "high", "Ana García", "why"))
    # A band override needs a band to override: a case without its months in care has none.
    with pytest.raises(pact.ValidationError) as e:
        pact.score_one({"emp_work_status": 4, "hou_homelessness": 1}, override=o)
    assert e.value.where.startswith("/risk")
    # A level override of the same case is fine: its level stands.
    level = pact.Override("level", "severe_exclusion", "ts-0042", "Lost the tenancy", "2026-11-23T10:15:00Z")
    assert pact.score_one(calm(tic_months_in_care=None), override=level)["override"]["target"] == "level"


def test_override_report_by_hand():
    # Six cases (bands low < medium < high < very_high):
    #   1 low -> (none), chronic 0          4 high -> (none), chronic 1       (group y)
    #   2 medium -> high (raised), 1        5 very_high -> very_high (restated: not overridden), 1
    #   3 high -> medium (lowered), 0       6 medium -> low (lowered), unknown
    #   (cases 1-3 group x)
    original = ["low", "medium", "high", "high", "very_high", "medium"]
    final = [None, "high", "medium", None, "very_high", "low"]
    outcome = [0, 1, 0, 1, 1, np.nan]
    table = pact.metrics.override_report(original, final, outcome=outcome, by=["x", "x", "x", "y", "y", "y"])
    assert list(table.index) == ["all", "x", "y"]
    everyone = table.loc["all"]
    assert (everyone["n"], everyone["overridden"], everyone["raised"], everyone["lowered"]) == (6, 3, 1, 2)
    assert everyone["rate"] == 0.5
    # Not overridden: cases 1, 4, 5 -> chronic 0, 1, 1; raised: case 2 -> 1; lowered: 3 -> 0 (6 unknown).
    assert everyone["outcome_not_overridden"] == pytest.approx(2 / 3)
    assert everyone["outcome_raised"] == 1.0 and everyone["outcome_lowered"] == 0.0
    assert (everyone["known_not_overridden"], everyone["known_raised"], everyone["known_lowered"]) == (3, 1, 1)
    x, y = table.loc["x"], table.loc["y"]
    assert (x["n"], x["overridden"], x["raised"], x["lowered"]) == (3, 2, 1, 1) and x["rate"] == pytest.approx(2 / 3)
    assert x["outcome_not_overridden"] == 0.0 and x["outcome_raised"] == 1.0 and x["outcome_lowered"] == 0.0
    assert (y["n"], y["overridden"], y["raised"], y["lowered"]) == (3, 1, 0, 1) and y["rate"] == pytest.approx(1 / 3)
    assert y["outcome_not_overridden"] == 1.0 and np.isnan(y["outcome_raised"]) and np.isnan(y["outcome_lowered"])
    assert y["known_lowered"] == 0
    # Ordered categoricals (as pact.score gives bands) carry their own order; levels work too.
    scored_band = pd.Categorical(original, categories=["low", "medium", "high", "very_high"], ordered=True)
    pd.testing.assert_frame_equal(pact.metrics.override_report(scored_band, final, outcome), table.loc[["all"]])
    levels = pact.metrics.override_report(["full_integration", "severe_exclusion"], ["moderate_exclusion", None])
    assert levels.loc["all", "raised"] == 1 and levels.loc["all", "lowered"] == 0
    with pytest.raises(ValueError, match="order="):
        pact.metrics.override_report(["a", "b"], [None, "a"])
    assert pact.metrics.override_report(["a", "b"], [None, "a"], order=["a", "b"]).loc["all", "lowered"] == 1
    with pytest.raises(ValueError, match="not one of"):
        pact.metrics.override_report(["low"], ["extreme"], order=["low", "medium", "high", "very_high"])
