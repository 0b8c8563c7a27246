"""Realistic caseloads generated with numpy for the tests, until pact's own simulator exists:
a latent exclusion severity per case drives every item's response (more severe cases answer
more severe options), and time in care follows a discrete-time hazard of leaving care."""

import json

import numpy as np
import pandas as pd
from scipy.special import expit, ndtr

from conftest import MODELS_DIR

INSTRUMENT = MODELS_DIR / "pact-instrument.json"
MODEL = MODELS_DIR / "pact-chronicity.json"


def responses(n, seed, instrument_path=INSTRUMENT, missing_rate=0.08, always=("tic_months_in_care",)):
    """A DataFrame of valid responses (one column per item id), and the latent severity.
    Optional items are missing at `missing_rate`, except those in `always` (the months in
    care, which the hazard model needs)."""
    doc = json.load(open(instrument_path, encoding="utf-8"))
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=n)
    columns = {}
    for item in doc["items"]:
        r = item["response"]
        u = latent + rng.normal(scale=0.9, size=n)  # this item's view of the severity
        q = ndtr(u / np.sqrt(1.81))  # roughly uniform on (0, 1), increasing with severity
        if r["type"] == "ordinal":
            options = sorted(r["options"], key=lambda o: o["severity"])
            k = np.minimum((q * len(options)).astype(int), len(options) - 1)
            values = np.array([o["value"] for o in options], dtype=float)[k]
        elif r["type"] == "yes_no":
            severe_is_yes = r["severity_yes"] >= r["severity_no"]
            severe = rng.random(n) < q
            values = np.where(severe == severe_is_yes, 1.0, 0.0)
        else:
            points = r["severity"]["points"]
            xs = [p[0] for p in points]
            lo, hi = max(r.get("min", 0), xs[0]), min(r.get("max", xs[-1] * 1.5), xs[-1] * 1.5)
            increasing = points[-1][1] >= points[0][1]
            v = lo + (hi - lo) * (q if increasing else 1.0 - q)
            values = np.floor(v) if r["type"] in ("count", "months") else np.round(v, 2)
        if not item["required"] and item["id"] not in always:
            values = np.where(rng.random(n) < missing_rate, np.nan, values)
        columns[item["id"]] = values
    frame = pd.DataFrame(columns, index=pd.Index([f"c{i:06d}" for i in range(n)], name="case_id"))
    return frame, latent


def hazard_outcomes(eta, t0, band_starts, baseline, max_followup, seed):
    """Follows each case month by month from its months in care t0 with exit hazard
    logistic(a_band(t) + eta), for a follow-up drawn uniformly from 1..max_followup months:
    (followup_months, left_care)."""
    rng = np.random.default_rng(seed)
    n = len(eta)
    limit = rng.integers(1, max_followup + 1, size=n)
    followed = np.zeros(n, dtype=np.int64)
    left = np.zeros(n, dtype=np.int64)
    active = np.ones(n, dtype=bool)
    starts = np.asarray(band_starts)
    for m in range(1, max_followup + 1):
        at_risk = active & (m <= limit)
        if not at_risk.any():
            break
        band = np.searchsorted(starts, t0 + m, side="right") - 1
        exits = at_risk & (rng.random(n) < expit(np.asarray(baseline)[band] + eta))
        followed[at_risk] = m
        left[exits] = 1
        active &= ~exits
    return followed, left


def expand_person_months(covariates, t0, followed, left, band_starts):
    """Person-month rows in numpy (Allison 1982): one per month at risk, with band dummies then
    the case covariates, and the event (1 in the month the case left care)."""
    rows = np.repeat(np.arange(len(t0)), followed)
    offset = np.arange(len(rows)) - np.repeat(np.cumsum(followed) - followed, followed)
    month = t0[rows] + 1 + offset
    band = np.searchsorted(np.asarray(band_starts), month, side="right") - 1
    dummies = np.zeros((len(rows), len(band_starts)))
    dummies[np.arange(len(rows)), band] = 1.0
    last = offset == followed[rows] - 1
    event = (last & (left[rows] == 1)).astype(float)
    return np.hstack([dummies, covariates[rows]]), event
