"""A small program written against pact's public API, type-checked by mypy in test_package.py:
the stubs must describe what a user actually calls."""

import numpy as np
import pandas as pd

import pact
from pact import metrics


def report(frame: pd.DataFrame) -> dict[str, float]:
    instrument: pact.Instrument = pact.Instrument.default()
    model: pact.RiskModel = pact.RiskModel.default()
    scored: pd.DataFrame = pact.score(frame, instrument=instrument, model=model, lang="en", threads=2)
    one: dict = pact.score_one({"emp_work_status": 4, "tic_months_in_care": 3}, lang="en")
    measures: pact.AlkireFoster = pact.alkire_foster(scored, k=0.4, by="territory")
    fitted: pact.FitResult = pact.fit(frame, outcome="chronic", form="logistic", l2=0.5)
    hazard: pact.FitResult = pact.fit(frame, outcome="left", form="discrete_hazard", followup="months")
    table: pd.DataFrame = fitted.summary()
    p = scored["risk"].to_numpy()
    auc = metrics.roc_auc(frame["chronic"], p)
    validation: pd.DataFrame = metrics.validate(frame["chronic"], p, by=frame["territory"], n_bins=10)
    curve: pd.DataFrame = model.survival(frame, months=36)
    explained: dict = model.explain({"emp_work_status": 4, "tic_months_in_care": 3})
    ax = pact.plot.radar(scored.iloc[0], lang="en")
    return {
        "M0": measures.M0 + measures.H * measures.A,
        "llf": fitted.llf + hazard.llf + float(table["coef"].sum()),
        "auc": float(np.asarray(auc)),
        "rows": float(len(validation) + len(curve) + len(one) + len(explained)),
        "ax": float(ax is not None),
    }


def casework(path: str) -> int:
    sim: pd.DataFrame = pact.simulate(1000, seed=3, threads=2, true_risk=True, monthly_dropout=0.01)
    fit: pact.FitResult = pact.fit(sim, outcome="left_care", form="discrete_hazard", followup="followup_months")
    model: pact.RiskModel = fit.to_model(version="1.1.0", fitted_on="simulated", fitted_at="2026-03-01")
    model.save(path + ".json")
    model.to_bundle(path + ".bundle")
    again: pact.RiskModel = pact.RiskModel.load_bundle(path + ".bundle")
    changes: pd.DataFrame = pact.changes(sim.assign(date="2026-01-01"), as_of="2026-06-01", lang="en")
    order: pd.DataFrame = pact.prioritise(sim, capacity=10, by="territory", capacity_by={"leon": 3}, date=None)
    override = pact.Override("band", "high", "ts-1", "Eviction notice").validate(model=again)
    with pact.AuditLog(path + ".audit.jsonl", model=model) as log:
        result: dict = pact.score_one({"emp_work_status": 4, "tic_months_in_care": 3}, model=model, audit=log,
                                      override=override)
    report: pact.AuditReport = pact.verify_audit(path + ".audit.jsonl", results=[result])
    table: pd.DataFrame = metrics.override_report(order["band"], [None] * len(order), by=order["territory"])
    return len(changes) + len(table) + report.matched + int(report.ok)
