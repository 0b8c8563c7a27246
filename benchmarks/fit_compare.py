"""Times pact's logistic fit against statsmodels' Logit(...).fit(method="newton") in one run.

    /usr/bin/python3 benchmarks/fit_compare.py --driver BUILD/tests/pact_fit_driver

Generates rows x cols data with numpy (an intercept and standard normal covariates), fits it
with statsmodels in this process and with pact through tests/tools/fit_driver.cpp (which reads
the same data from a raw binary file and times only the fit, not the reading), checks that the
coefficients and standard errors agree, and prints a markdown table. statsmodels is timed on
`.fit()` alone, the model being built beforehand (building it computes the design's rank by SVD,
which would only add to its time).
"""

import argparse
import json
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
import statsmodels
import statsmodels.api as sm


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--driver", default=os.environ.get("PACT_FIT_DRIVER"), help="pact_fit_driver executable")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--cols", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=3, help="fits per implementation and thread count")
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2], help="pact thread counts")
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    if not args.driver:
        parser.error("give --driver or set PACT_FIT_DRIVER")

    rng = np.random.default_rng(args.seed)
    n, p = args.rows, args.cols
    X = np.empty((n, p))
    X[:, 0] = 1.0
    X[:, 1:] = rng.normal(size=(n, p - 1))
    beta = np.concatenate([[-1.0], rng.uniform(-0.3, 0.3, size=p - 1)])
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-(X @ beta)))).astype(float)

    model = sm.Logit(y, X)
    sm_seconds, ref = [], None
    for _ in range(args.repeat):
        start = time.perf_counter()
        ref = model.fit(method="newton", disp=False)
        sm_seconds.append(time.perf_counter() - start)

    rows = [("statsmodels Logit.fit(method=\"newton\")", "1 (numpy BLAS)", sm_seconds, ref.mle_retvals["iterations"])]
    worst_param = worst_bse = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        X.tofile(tmp / "x.bin")
        y.tofile(tmp / "y.bin")
        for threads in args.threads:
            job = {"command": "fit", "rows": n, "cols": p, "x": str(tmp / "x.bin"), "y": str(tmp / "y.bin"),
                   "threads": threads, "repeat": args.repeat}
            (tmp / "job.json").write_text(json.dumps(job))
            proc = subprocess.run([args.driver, str(tmp / "job.json")], capture_output=True, text=True, check=True)
            out = json.loads(proc.stdout)
            worst_param = max(worst_param, float(np.max(np.abs(np.asarray(out["params"]) - ref.params) / np.abs(ref.params))))
            worst_bse = max(worst_bse, float(np.max(np.abs(np.asarray(out["bse"]) - ref.bse) / ref.bse)))
            rows.append((f"pact fit_logistic", str(threads), out["seconds"], out["iterations"]))

    if worst_param > 1e-6 or worst_bse > 1e-6:
        raise SystemExit(f"pact and statsmodels disagree: params {worst_param:.2e}, bse {worst_bse:.2e} relative")

    sm_best = min(sm_seconds)
    print(f"{n:,} rows x {p} columns, best and median of {args.repeat} fits; "
          f"statsmodels {statsmodels.__version__}, numpy {np.__version__}, {os.cpu_count()} CPUs\n")
    print("| implementation | threads | best (s) | median (s) | Newton iterations | statsmodels / this (best) |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for name, threads, seconds, iterations in rows:
        best = min(seconds)
        print(f"| {name} | {threads} | {best:.3f} | {statistics.median(seconds):.3f} | {iterations} | {sm_best / best:.1f}x |")
    print(f"\nLargest relative difference from statsmodels: params {worst_param:.1e}, bse {worst_bse:.1e}.")


if __name__ == "__main__":
    main()
