"""An independent numpy implementation of the instrument's scoring formulas, written from
docs/instrument-format.md and the instrument JSON alone (it shares no code with pact), for the
agreement tests."""

import json

import numpy as np


def _severity(item, values):
    r = item["response"]
    out = np.full(values.shape, np.nan)
    present = ~np.isnan(values)
    if r["type"] == "ordinal":
        for option in r["options"]:
            out[present & (values == option["value"])] = option["severity"]
    elif r["type"] == "yes_no":
        out[present & (values == 1)] = r["severity_yes"]
        out[present & (values == 0)] = r["severity_no"]
    else:
        xs = np.array([p[0] for p in r["severity"]["points"]], dtype=float)
        ss = np.array([p[1] for p in r["severity"]["points"]], dtype=float)
        v = values[present]
        if r["severity"]["interpolation"] == "linear":
            out[present] = np.interp(v, xs, ss)
        else:
            idx = np.searchsorted(xs, v, side="right") - 1
            out[present] = ss[np.clip(idx, 0, len(ss) - 1)]
    return out


def score(instrument_path, responses):
    """Returns (dimension_scores, composite, level_index, deprivation_score) for a rows x items
    matrix of valid responses (NaN = missing)."""
    doc = json.load(open(instrument_path, encoding="utf-8"))
    dims = [d["id"] for d in doc["dimensions"]]
    n = responses.shape[0]
    weighted = np.zeros((n, len(dims)))
    answered = np.zeros((n, len(dims)))
    total = np.zeros(len(dims))
    for j, item in enumerate(doc["items"]):
        d = dims.index(item["dimension"])
        s = _severity(item, responses[:, j])
        ok = ~np.isnan(s)
        weighted[ok, d] += item["weight"] * s[ok]
        answered[ok, d] += item["weight"]
        total[d] += item["weight"]
    coverage = answered / total
    min_cov = np.array([d["min_coverage"] for d in doc["dimensions"]])
    scored = (answered > 0) & (coverage >= min_cov - 1e-12)
    with np.errstate(invalid="ignore", divide="ignore"):
        scores = np.where(scored, weighted / np.where(answered > 0, answered, 1), np.nan)
    w = np.array([d["weight"] for d in doc["dimensions"]], dtype=float)
    w = w / w.sum()
    comp_cov = (scored * w).sum(axis=1)
    comp_sum = np.nansum(np.where(scored, scores, 0) * w, axis=1)
    composite = np.where(
        (comp_cov > 0) & (comp_cov >= doc["composite"]["min_coverage"] - 1e-12), comp_sum / np.where(comp_cov > 0, comp_cov, 1), np.nan
    )
    mins = np.array([lvl["min_score"] for lvl in doc["levels"]])
    level = np.where(np.isnan(composite), -1, np.searchsorted(mins, np.nan_to_num(composite), side="right") - 1)
    cut = np.array([d["deprivation_cutoff"] for d in doc["dimensions"]])
    deprived = scored & (np.nan_to_num(scores) >= cut)
    deprivation = (deprived * w).sum(axis=1)
    return scores, composite, level, deprivation


def random_responses(instrument_path, n, seed, missing_rate=0.15):
    """Valid random responses for every item (optional items missing at `missing_rate`)."""
    doc = json.load(open(instrument_path, encoding="utf-8"))
    rng = np.random.default_rng(seed)
    x = np.full((n, len(doc["items"])), np.nan)
    for j, item in enumerate(doc["items"]):
        r = item["response"]
        if r["type"] == "ordinal":
            x[:, j] = rng.choice([o["value"] for o in r["options"]], size=n)
        elif r["type"] == "yes_no":
            x[:, j] = rng.integers(0, 2, size=n)
        else:
            lo = r.get("min", 0)
            hi = r.get("max", lo + 500)
            hi = min(hi, lo + 500)
            v = rng.uniform(lo, hi, size=n)
            x[:, j] = np.floor(v) if r["type"] == "count" else v
        if not item["required"]:
            x[rng.random(n) < missing_rate, j] = np.nan
    return x
