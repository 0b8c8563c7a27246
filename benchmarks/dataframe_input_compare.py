"""Times pact.score on the same million rows given in each layout a user has them in: a C-ordered
numpy matrix (read in place, the fastest), a Fortran-ordered one, a DataFrame over a row-major
array (`pd.DataFrame(x, columns=item_ids)`: its columns are strided views of x), and a DataFrame of
separate columns (as `read_csv` or a dict of arrays gives: one contiguous block per column), and
prints each one's time as a multiple of the C-ordered matrix's.

    /usr/bin/python3 benchmarks/dataframe_input_compare.py --build BUILD [--rows 1000000]

Every layout's result is checked equal, to the bit, to the C-ordered matrix's before timing. The
layouts are timed in interleaved rounds (the machine may be shared); the table reports the median
and the best of each. To compare two builds, run the script with each, alternately.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

SOURCE = Path(__file__).resolve().parent


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default=os.environ.get("PACT_BUILD_DIR", SOURCE.parent / "build"),
                        help="the CMake build tree (pact is imported from BUILD/python)")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1, help="pact's threads (0 = all cores)")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(args.build) / "python"))
    sys.path.insert(0, str(SOURCE))
    import pandas as pd

    import pact
    from python_score_compare import random_responses

    instrument_doc = json.load(open(SOURCE.parent / "models" / "pact-instrument.json", encoding="utf-8"))
    model_doc = json.load(open(SOURCE.parent / "models" / "pact-chronicity.json", encoding="utf-8"))
    x = random_responses(instrument_doc, model_doc, args.rows, args.seed)
    ids = pact.Instrument.default().item_ids
    layouts = {
        "numpy, C order": x,
        "numpy, Fortran order": np.asfortranarray(x),
        "DataFrame over the array": pd.DataFrame(x, columns=ids),
        "DataFrame of columns": pd.DataFrame({c: x[:, j].copy() for j, c in enumerate(ids)}),
    }

    expected = pact.score(x, threads=args.threads)
    for name, data in layouts.items():
        got = pact.score(data, threads=args.threads)
        for column in expected.columns:
            a, b = expected[column], got[column]
            if a.dtype == np.float64:
                assert np.array_equal(a.to_numpy().view(np.int64), b.to_numpy().view(np.int64)), (name, column)
            else:
                assert a.equals(b), (name, column)
    del expected, got

    timings = {name: [] for name in layouts}
    for _ in range(args.rounds):
        for name, data in layouts.items():
            start = time.perf_counter()
            df = pact.score(data, threads=args.threads)
            timings[name].append(time.perf_counter() - start)
            del df

    med = {k: statistics.median(v) for k, v in timings.items()}
    best = {k: min(v) for k, v in timings.items()}
    base = "numpy, C order"
    print(f"pact.score by input layout: {args.rows:,} rows x {x.shape[1]} items, default instrument and risk model, "
          f"pact threads = {args.threads or os.cpu_count()}, {args.rounds} interleaved rounds, build {args.build}\n")
    print("| input | median s | best s | median / C order |")
    print("| --- | ---: | ---: | ---: |")
    for name in layouts:
        print(f"| {name} | {med[name]:.3f} | {best[name]:.3f} | {med[name] / med[base]:.2f}x |")


if __name__ == "__main__":
    main()
