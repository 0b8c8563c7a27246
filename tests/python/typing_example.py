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
