"""Times pact.score on a million rows from numpy against the C++ batch alone and against the best
vectorised numpy formulation of the same scores (instrument scores and chronicity risk with the
default model), and prints both ratios.

    /usr/bin/python3 benchmarks/python_score_compare.py --build BUILD [--rows 1000000]

* C++ batch: pact::score_risk_batch on the same matrix and the same outputs, timed inside C++
  (pact._pact._time_score_risk_batch) on buffers allocated once: no Python at all.
* pact.score: the whole Python call, from the numpy matrix (read in place, without a copy) to
  the finished DataFrame (dimension scores, composite, level, risk, band, top factors, ...).
* numpy: `numpy_scores` below, written from docs/instrument-format.md and
  docs/risk-model-format.md with the vectorised idioms that pay off (one pass per item with
  preallocated buffers and `out=`, lookup tables for ordinal items, np.interp for curves, the
  hazard's per-band closed form, three argmax passes for the top factors). It returns bare
  arrays (no DataFrame) and skips the validation of responses that pact does, both in its
  favour. Its results are checked against pact's before timing.

The three are timed in interleaved rounds (the machine may be shared) and the table reports the
median and the best of each, and the ratios of the medians.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

SOURCE = Path(__file__).resolve().parents[1]


def random_responses(instrument_doc, model_doc, rows, seed):
    """Valid responses to every item (10% of optional items missing), the months in care always
    answered (so that every row has a risk), as a C-contiguous float64 matrix."""
    rng = np.random.default_rng(seed)
    items = instrument_doc["items"]
    x = np.empty((rows, len(items)))
    for j, item in enumerate(items):
        r = item["response"]
        if r["type"] == "ordinal":
            x[:, j] = rng.choice([o["value"] for o in r["options"]], size=rows)
        elif r["type"] == "yes_no":
            x[:, j] = rng.integers(0, 2, size=rows)
        else:
            lo = r.get("min", 0)
            hi = min(r.get("max", lo + 120), lo + 120)
            x[:, j] = np.floor(rng.uniform(lo, hi, size=rows))
        if not item["required"] and item["id"] != model_doc["duration"]["item"]:
            x[rng.random(rows) < 0.1, j] = np.nan
    return x


class NumpyScorer:
    """The instrument's and the default risk model's formulas over whole columns."""

    def __init__(self, instrument_doc, model_doc):
        self.inst = instrument_doc
        self.model = model_doc
        dims = [d["id"] for d in instrument_doc["dimensions"]]
        self.dims = dims
        self.item_ids = [i["id"] for i in instrument_doc["items"]]
        self.item_dim = [dims.index(i["dimension"]) for i in instrument_doc["items"]]
        self.item_weight = [float(i["weight"]) for i in instrument_doc["items"]]
        self.total_weight = np.zeros(len(dims))
        for d, w in zip(self.item_dim, self.item_weight):
            self.total_weight[d] += w
        self.min_coverage = np.array([d["min_coverage"] for d in instrument_doc["dimensions"]])
        w = np.array([d["weight"] for d in instrument_doc["dimensions"]], dtype=float)
        self.dim_weight = w / w.sum()
        self.deprivation_cutoff = np.array([d["deprivation_cutoff"] for d in instrument_doc["dimensions"]])
        self.composite_min = instrument_doc["composite"]["min_coverage"]
        self.level_min = np.array([lvl["min_score"] for lvl in instrument_doc["levels"]])
        # Ordinal items: severity by code through a lookup table (codes are small integers).
        self.tables = []
        for item in instrument_doc["items"]:
            r = item["response"]
            if r["type"] == "ordinal":
                codes = [o["value"] for o in r["options"]]
                lo = min(codes)
                table = np.full(max(codes) - lo + 1, np.nan)
                for o in r["options"]:
                    table[o["value"] - lo] = o["severity"]
                self.tables.append((lo, table))
            else:
                self.tables.append(None)

    def severity(self, j, v, out):
        r = self.inst["items"][j]["response"]
        if r["type"] == "ordinal":
            lo, table = self.tables[j]
            missing = np.isnan(v)
            index = np.where(missing, 0, v - lo).astype(np.intp)
            np.take(table, index, out=out)
            out[missing] = np.nan
        elif r["type"] == "yes_no":
            np.copyto(out, np.where(v == 1.0, r["severity_yes"], r["severity_no"]))
            out[np.isnan(v)] = np.nan
        else:
            xs = np.array([p[0] for p in r["severity"]["points"]], dtype=float)
            ss = np.array([p[1] for p in r["severity"]["points"]], dtype=float)
            if r["severity"]["interpolation"] == "linear":
                np.copyto(out, np.interp(v, xs, ss))
            else:
                np.take(ss, np.clip(np.searchsorted(xs, v, side="right") - 1, 0, len(ss) - 1), out=out)
            out[np.isnan(v)] = np.nan
        return out

    def __call__(self, x):
        n = x.shape[0]
        D = len(self.dims)
        weighted = np.zeros((D, n))
        answered = np.zeros((D, n))
        sev = np.empty(n)
        item_sev = {}
        present = np.empty(n, dtype=bool)
        for j in range(len(self.item_ids)):
            v = x[:, j]
            self.severity(j, v, sev)
            np.isfinite(sev, out=present)
            d, w = self.item_dim[j], self.item_weight[j]
            answered[d] += present * w
            np.nan_to_num(sev, copy=False)
            weighted[d] += w * sev
            item_sev[self.item_ids[j]] = None
        coverage = answered / self.total_weight[:, None]
        scored = (answered > 0) & (coverage >= self.min_coverage[:, None] - 1e-12)
        with np.errstate(invalid="ignore", divide="ignore"):
            scores = np.where(scored, weighted / answered, np.nan)
        comp_cov = self.dim_weight @ scored
        comp_sum = self.dim_weight @ np.where(scored, scores, 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            composite = np.where((comp_cov > 0) & (comp_cov >= self.composite_min - 1e-12), comp_sum / comp_cov, np.nan)
        level = np.where(np.isnan(composite), -1, np.searchsorted(self.level_min, np.nan_to_num(composite), "right") - 1)
        deprived = scored & (np.nan_to_num(scores) >= self.deprivation_cutoff[:, None])
        deprivation = self.dim_weight @ deprived

        # The risk model's features, linear predictor, probability at the horizon and band.
        m = self.model
        ids = [f["id"] for f in m["features"]]
        K = len(ids)
        values = np.empty((K, n))
        imputed = np.empty((K, n), dtype=bool)
        eta = np.zeros(n)
        for k, f in enumerate(m["features"]):
            kind = f["kind"]
            if kind == "dimension_score":
                v = scores[self.dims.index(f["dimension"])]
            elif kind == "item_value":
                v = x[:, self.item_ids.index(f["item"])]
            elif kind == "log_item_value":
                v = np.log1p(x[:, self.item_ids.index(f["item"])])
            elif kind == "hinge_item_value":
                v = np.maximum(x[:, self.item_ids.index(f["item"])] - f["knot"], 0.0)  # NaN stays NaN
            elif kind == "composite":
                v = composite
            elif kind == "indicator":
                src = ids.index(f["of"])
                v = np.where(imputed[src], np.nan, (values[src] >= f["at_least"]).astype(float))
            elif kind == "interaction":
                a, b = (ids.index(o) for o in f["of"])
                v = np.where(imputed[a] | imputed[b], np.nan, values[a] * values[b])
            else:
                raise ValueError(kind)
            np.isnan(v, out=imputed[k])
            np.copyto(values[k], v)
            values[k][imputed[k]] = f["reference"]
            eta += f["coefficient"] * values[k]
        horizon = m["outcome"]["horizon_months"]
        t0 = np.floor(x[:, self.item_ids.index(m["duration"]["item"])])
        starts = [b["from_month"] for b in m["baseline"]]
        cumulative = np.zeros(n)
        first, last = t0 + 1, t0 + horizon
        for b, band in enumerate(m["baseline"]):
            end = starts[b + 1] - 1 if b + 1 < len(starts) else np.inf
            months = np.clip(np.minimum(end, last) - np.maximum(starts[b], first) + 1, 0, None)
            z = band["coefficient"] + eta
            cumulative += months * (np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z))))  # months * softplus(z)
        probability = np.exp(-cumulative)
        no_risk = np.isnan(probability)  # the months in care not answered: no risk, band or factors
        band_min = np.array([b["min_probability"] for b in m["bands"]])
        band = np.where(no_risk, -1, np.searchsorted(band_min, probability, "right") - 1)
        coef = np.array([f["coefficient"] for f in m["features"]])[:, None]
        ref = np.array([f["reference"] for f in m["features"]])[:, None]
        effect = -(coef * (values - ref))  # hazard form: a lower exit hazard raises the risk
        top = np.full((3, n), -1)
        rows = np.arange(n)
        for t in range(3):
            k = np.argmax(effect, axis=0)  # the first of equal maxima: ties in model order
            best = effect[k, rows]
            top[t] = np.where(best > 0, k, -1)
            effect[k, rows] = -np.inf
        top[:, no_risk] = -1
        return {"scores": scores.T, "composite": composite, "level": level, "deprivation": deprivation,
                "probability": probability, "band": band, "top": top.T,
                # What a results file holds besides (benchmarks/compare.py writes it with pandas).
                "coverage": coverage.T, "composite_coverage": comp_cov, "scored": scored.T, "deprived": deprived.T,
                "linear_predictor": np.where(no_risk, np.nan, eta),
                "imputed_count": np.where(no_risk, -1, imputed.sum(axis=0))}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default=os.environ.get("PACT_BUILD_DIR", SOURCE / "build"),
                        help="the CMake build tree (pact is imported from BUILD/python)")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--threads", type=int, default=0, help="pact's threads (0 = all cores)")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(args.build) / "python"))
    import pact
    from pact import _pact

    instrument_doc = json.load(open(SOURCE / "models" / "pact-instrument.json", encoding="utf-8"))
    model_doc = json.load(open(SOURCE / "models" / "pact-chronicity.json", encoding="utf-8"))
    model = pact.RiskModel.default()
    x = random_responses(instrument_doc, model_doc, args.rows, args.seed)
    assert x.flags.c_contiguous and _pact._matrix_address(x) == x.ctypes.data, "pact reads x in place"

    scorer = NumpyScorer(instrument_doc, model_doc)
    reference = scorer(x)
    df = pact.score(x, threads=args.threads)
    dims = model.instrument.dimension_ids
    np.testing.assert_allclose(df[dims].to_numpy(), reference["scores"], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(df["composite"].to_numpy(), reference["composite"], rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(df["level"].cat.codes.to_numpy(), reference["level"])
    # Deprivation compares a score with its cut-off: where a score lies within rounding of it
    # (np.interp and pact's interpolation differ in the last bit), the two may fall either side.
    at_cutoff = np.isclose(reference["scores"], scorer.deprivation_cutoff[None, :], rtol=0, atol=1e-12).any(axis=1)
    np.testing.assert_allclose(df["deprivation_score"].to_numpy()[~at_cutoff], reference["deprivation"][~at_cutoff],
                               rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(df["risk"].to_numpy(), reference["probability"], rtol=1e-11, atol=1e-15)
    band_agree = (df["band"].cat.codes.to_numpy() == reference["band"]).mean()
    top = np.stack([df[f"top_factor_{k}"].cat.codes.to_numpy() for k in (1, 2, 3)], axis=1)
    top_agree = (top == reference["top"]).all(axis=1).mean()
    assert band_agree > 0.99999 and top_agree > 0.99999, (band_agree, top_agree)
    del df

    timings = {"cpp": [], "pact": [], "numpy": []}
    for _ in range(args.rounds):
        timings["cpp"].append(_pact._time_score_risk_batch(model._native, x, args.threads, 1)[0])
        start = time.perf_counter()
        df = pact.score(x, threads=args.threads)
        timings["pact"].append(time.perf_counter() - start)
        del df
        start = time.perf_counter()
        scorer(x)
        timings["numpy"].append(time.perf_counter() - start)

    med = {k: statistics.median(v) for k, v in timings.items()}
    best = {k: min(v) for k, v in timings.items()}
    threads = args.threads or os.cpu_count()
    print(f"pact.score vs the C++ batch vs numpy: {args.rows:,} rows x {x.shape[1]} items, default instrument and "
          f"risk model (discrete hazard, 24 months), pact threads = {threads}, {args.rounds} interleaved rounds\n")
    print("| implementation | median s | best s | rows/s (median) |")
    print("| --- | --- | --- | --- |")
    names = {"cpp": "C++ score_risk_batch (timed in C++)", "pact": "pact.score (numpy in, DataFrame out)",
             "numpy": "vectorised numpy (arrays out, no validation)"}
    for key in ("cpp", "pact", "numpy"):
        print(f"| {names[key]} | {med[key]:.3f} | {best[key]:.3f} | {args.rows / med[key]:,.0f} |")
    print()
    print(f"pact.score / C++ batch: {med['pact'] / med['cpp']:.2f}x (best: {best['pact'] / best['cpp']:.2f}x; "
          "goal: within 1.25x)")
    print(f"numpy / pact.score: {med['numpy'] / med['pact']:.2f}x (best: {best['numpy'] / best['pact']:.2f}x; "
          "goal: pact at least 3x faster)")
    print(f"agreement with numpy: scores to 1e-12, risk to 1e-11; bands {band_agree:.6%}, top factors {top_agree:.6%}")


if __name__ == "__main__":
    main()
