"""An independent numpy implementation of the chronicity-risk formulas, written from
docs/risk-model-format.md and the model JSON alone (it shares no code with pact), for the
agreement tests. The hazard form's survival is the plain product over months of (1 - h(t)),
not pact's per-band closed form."""

import json

import numpy as np

import reference_scoring


def _logistic(z):
    return 1.0 / (1.0 + np.exp(-z))


def features(model_path, instrument_path, responses):
    """(values, imputed): rows x features, each feature's value (its reference when its input
    is missing) and whether it was imputed."""
    doc = json.load(open(model_path, encoding="utf-8"))
    inst = json.load(open(instrument_path, encoding="utf-8"))
    item_ids = [i["id"] for i in inst["items"]]
    dim_ids = [d["id"] for d in inst["dimensions"]]
    scores, composite, _, _ = reference_scoring.score(instrument_path, responses)
    n = responses.shape[0]
    ids = [f["id"] for f in doc["features"]]
    values = np.zeros((n, len(ids)))
    imputed = np.zeros((n, len(ids)), dtype=bool)
    for k, f in enumerate(doc["features"]):
        kind = f["kind"]
        if kind == "dimension_score":
            x = scores[:, dim_ids.index(f["dimension"])]
        elif kind == "item_severity":
            j = item_ids.index(f["item"])
            x = reference_scoring._severity(inst["items"][j], responses[:, j])
        elif kind == "item_value":
            x = responses[:, item_ids.index(f["item"])].copy()
        elif kind == "log_item_value":
            x = np.log1p(responses[:, item_ids.index(f["item"])])
        elif kind == "hinge_item_value":
            x = np.maximum(0.0, responses[:, item_ids.index(f["item"])] - f["knot"])
            x[np.isnan(responses[:, item_ids.index(f["item"])])] = np.nan
        elif kind == "composite":
            x = composite.copy()
        elif kind == "indicator":
            src = ids.index(f["of"])
            x = np.where(values[:, src] >= f["at_least"], 1.0, 0.0)
            x[imputed[:, src]] = np.nan  # built on a guess: imputed itself
        elif kind == "interaction":
            a, b = (ids.index(o) for o in f["of"])
            x = values[:, a] * values[:, b]
            x[imputed[:, a] | imputed[:, b]] = np.nan
        else:
            raise ValueError(kind)
        miss = np.isnan(x)
        imputed[:, k] = miss
        values[:, k] = np.where(miss, f["reference"], x)
    return values, imputed


def risk(model_path, instrument_path, responses, months=None):
    """A dict with the linear predictor, the probability at the horizon, the band index, the
    top factors (rows x 3, -1 padded) and, for the hazard form, the survival curve up to
    `months` (default: the horizon)."""
    doc = json.load(open(model_path, encoding="utf-8"))
    inst = json.load(open(instrument_path, encoding="utf-8"))
    item_ids = [i["id"] for i in inst["items"]]
    values, imputed = features(model_path, instrument_path, responses)
    coef = np.array([f["coefficient"] for f in doc["features"]])
    ref = np.array([f["reference"] for f in doc["features"]])
    horizon = doc["outcome"]["horizon_months"]
    eta = values @ coef
    out = {"features": values, "imputed": imputed}
    if doc["form"] == "logistic":
        eta = eta + doc["intercept"]["coefficient"]
        p = _logistic(eta)
        direction = 1.0
    else:
        direction = -1.0
        t0 = np.floor(responses[:, item_ids.index(doc["duration"]["item"])])
        starts = np.array([b["from_month"] for b in doc["baseline"]])
        a = np.array([b["coefficient"] for b in doc["baseline"]])
        length = max(horizon, months or horizon)
        curve = np.ones((len(eta), length))
        s = np.ones(len(eta))
        for m in range(1, length + 1):
            t = t0 + m
            band = np.searchsorted(starts, t, side="right") - 1
            s = s * (1.0 - _logistic(a[band] + eta))
            curve[:, m - 1] = s
        p = curve[:, horizon - 1]
        out["survival"] = curve[:, : (months or horizon)]
    mins = np.array([b["min_probability"] for b in doc["bands"]])
    out["eta"] = eta
    out["probability"] = p
    out["band"] = np.searchsorted(mins, p, side="right") - 1
    effect = direction * coef * (values - ref)
    top = np.full((len(eta), 3), -1)
    for i in range(len(eta)):
        raising = [k for k in np.argsort(-effect[i], kind="stable") if effect[i, k] > 0][:3]
        top[i, : len(raising)] = raising
    out["top_factors"] = top
    out["band_edges"] = mins
    return out
