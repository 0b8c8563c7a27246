#!/usr/bin/python3
"""Checks every worked example of docs/methodology.md against pact.

    PACT_PYTHONPATH=build/python /usr/bin/python3 docs/tools/check_methodology.py [docs/methodology.md]

A worked example is a fenced block opened by ```` ```text check:<kind> ````. Its lines are either
inputs, `name: values`, or checks, `quantity = expression = ... = value`, where `≈ value` may
replace the last `= value` for a rounded number. The checker gives the inputs to pact (the Python
package built from the C++ library), computes each quantity with it, and requires every expression
on the line to evaluate to pact's value: to 1e-12 (relative, or absolute near 0) after `=`, to half
a unit of the last decimal shown after `≈`. Text values (a level, a band, a list of factors) must
match exactly. A quantity the checker does not know, an input it does not expect, or a page with
no examples is an error: no number in a worked example goes unchecked.

Exit status 0 when every line agrees, 1 otherwise; each check is printed.
"""

from __future__ import annotations

import math
import os
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
DEFAULT_PAGE = ROOT / "docs" / "methodology.md"

BLOCK = re.compile(r"^```text check:([a-z_]+)\n(.*?)^```", re.M | re.S)
INPUT = re.compile(r"^([a-z_]+):\s*(.*)$")
NOT_SCORED = "not scored"

# The least number of examples of each kind the page must hold: a block lost to an edit (a typo
# in its fence) must not pass silently.
MINIMUM_BLOCKS = {"scoring": 4, "counting": 4, "counting_scores": 1, "risk": 3, "fit": 1, "hazard_fit": 1,
                  "metrics": 3}


# ------------------------------------------------------------------------------------------------
# Expressions


def sigma(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def logit(p: float) -> float:
    return math.log(p / (1.0 - p))


_NAMES = {"ln": math.log, "log": math.log, "exp": math.exp, "sqrt": math.sqrt, "sigma": sigma,
          "logit": logit, "max": max, "min": min}
_ALLOWED = re.compile(r"^[0-9.+\-*/() ,a-z]*$")


def evaluate(expression: str):
    """The value of an arithmetic expression written as on the page, or None when it is text."""
    text = (expression.replace("×", "*").replace("·", "*").replace("−", "-").replace("^", "**")
            .replace("σ", "sigma").replace("√", "sqrt"))
    # "2 ln(2)" is 2 × ln(2): an implicit product before a function or a parenthesis.
    text = re.sub(r"(\d)\s+(ln|log|exp|sqrt|sigma|logit)\(", r"\1*\2(", text)
    if not _ALLOWED.match(text):
        return None
    words = set(re.findall(r"[a-z]+", text))
    if not words <= set(_NAMES):
        return None
    try:
        value = eval(text, {"__builtins__": {}}, _NAMES)  # noqa: S307 - restricted to arithmetic above
    except Exception:  # noqa: BLE001 - anything that does not evaluate is text
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def decimals(text: str) -> int:
    match = re.search(r"\.(\d+)\s*$", text.replace("−", "-"))
    return len(match.group(1)) if match else 0


def agrees(expected, expression: str, approximate: bool) -> bool:
    if isinstance(expected, str):
        return " ".join(expression.split()) == expected
    value = evaluate(expression)
    if value is None or expected is None or (isinstance(expected, float) and math.isnan(expected)):
        return False
    if approximate:
        return abs(value - expected) <= 0.5 * 10.0 ** -decimals(expression) * (1 + 1e-9)
    return abs(value - expected) <= 1e-12 * max(1.0, abs(expected))


# ------------------------------------------------------------------------------------------------
# Inputs


def numbers(text: str) -> list:
    values = [evaluate(part) for part in text.split(",")]
    if any(v is None for v in values):
        raise ValueError(f"not a list of numbers: {text!r}")
    return values


def assignments(text: str) -> dict:
    """'a1 = 3, a2 = 0' -> {'a1': 3.0, 'a2': 0.0}."""
    out = {}
    for part in text.split(","):
        name, _, value = part.partition("=")
        number = evaluate(value)
        if not name.strip() or number is None:
            raise ValueError(f"not 'name = number': {part!r}")
        out[name.strip()] = number
    return out


def words(text: str) -> list:
    return [w.strip() for w in text.split(",")]


# ------------------------------------------------------------------------------------------------
# What pact computes, per kind of example. Each returns {quantity: value}, quantity without spaces.


def key(text: str) -> str:
    return "".join(text.split())


def optional(value):
    return "none" if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


def split_check(line: str) -> list:
    """'s(a1 = 3) = 0.5 + 0.25 ≈ 0.8' -> ['s(a1 = 3)', '=', '0.5 + 0.25', '≈', '0.8']: the line cut at
    every ' = ' or ' ≈ ' outside parentheses."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(line):
        ch = line[i]
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0 and line.startswith((" = ", " ≈ "), i):
            parts += [line[start:i].strip(), line[i + 1]]
            i += 3
            start = i
            continue
        i += 1
    parts.append(line[start:].strip())
    return parts


def instrument_values(pact, instrument) -> dict:
    """The instrument's parameters, and s(<item> = <response>): the severity pact gives a response."""
    import json

    values = {}
    for item_id, row in instrument.items("en").iterrows():
        values[f"w({item_id})"] = float(row["weight"])
        values[f"critical({item_id})"] = optional(row["critical_cutoff"])
    for dim_id, row in instrument.dimensions("en").iterrows():
        values[f"v({dim_id})"] = float(row["normalized_weight"])
        values[f"z({dim_id})"] = float(row["deprivation_cutoff"])
        values[f"min_coverage({dim_id})"] = float(row["min_coverage"])
        values[f"critical({dim_id})"] = optional(row["critical_cutoff"])
    for level_id, row in instrument.levels("en").iterrows():
        values[f"min_score({level_id})"] = float(row["min_score"])
    values["min_coverage(C)"] = float(json.loads(instrument.to_json())["composite"]["min_coverage"])
    required = {i: row for i, row in instrument.items("en").iterrows() if row["required"]}

    def severity(name: str):
        match = re.fullmatch(r"s\((\w+)=(.+)\)", name)
        if not match or match.group(1) not in instrument.item_ids or evaluate(match.group(2)) is None:
            return None
        item, response = match.group(1), evaluate(match.group(2))
        # A valid case: each required item at its first option, then the response asked about.
        case = {i: row["options"][0]["value"] for i, row in required.items()}
        case[item] = response
        result = pact.score_one(case, instrument=instrument, model=False, items=True, lang="en")
        return float(next(r["severity"] for r in result["items"] if r["id"] == item))

    values["__dynamic__"] = severity
    return values


def scoring_values(result: dict, instrument) -> dict:
    values = {}
    for item in result.get("items", []):
        values[f"s({item['id']})"] = "missing" if item["severity"] is None else float(item["severity"])
    for d in result["dimensions"]:
        values[f"cov({d['id']})"] = float(d["coverage"])
        values[f"D({d['id']})"] = float(d["score"]) if d["scored"] else NOT_SCORED
    composite = result["composite"]
    values["cov(C)"] = float(composite["coverage"])
    values["C"] = float(composite["score"]) if composite["scored"] else NOT_SCORED
    values["level"] = composite["level"]["id"] if composite.get("level") else "none"
    values["c_i"] = float(result["deprivation"]["score"])
    values["deprived_count"] = float(result["deprivation"]["count"])
    factors = result["critical_factors"]
    values["critical_factors"] = ", ".join(f"{f['kind']} {f['id']}" for f in factors) or "none"
    for f in factors:
        values[key(f"importance({f['id']})" if f["kind"] == "item" else f"importance(dimension {f['id']})")] = \
            float(f["importance"])
    return values


def compute_scoring(pact, inputs: dict) -> dict:
    instrument = pact.Instrument.load(ROOT / inputs["instrument"])
    values = instrument_values(pact, instrument)
    if "responses" in inputs:
        result = pact.score_one(assignments(inputs["responses"]), instrument=instrument, model=False, items=True,
                                lang="en")
        values.update(scoring_values(result, instrument))
    return values


def model_values(model) -> dict:
    """The model's parameters: b0, b(<feature>), ref(<feature>), knot, at_least, a(<band>),
    min_probability(<band>), horizon."""
    values = {"horizon": float(model.horizon_months)}
    params = model.params
    if model.form == "logistic":
        values["b0"] = float(params["intercept"])
    else:
        for name in params.index[: len(model.baseline())]:
            values[key(f"a({name})")] = float(params[name])
    for feature, row in model.features("en").iterrows():
        values[f"b({feature})"] = float(row["coefficient"])
        values[f"ref({feature})"] = float(row["reference"])
        for field in ("knot", "at_least"):
            if optional(row.get(field)) != "none":
                values[f"{field}({feature})"] = float(row[field])
    for band, row in model.bands("en").iterrows():
        values[f"min_probability({band})"] = float(row["min_probability"])
    values["actionable"] = ", ".join(model.actionable_items)
    if model.duration_item:
        values["duration_item"] = model.duration_item
    return values


def compute_risk(pact, inputs: dict) -> dict:
    instrument = pact.Instrument.load(ROOT / inputs["instrument"])
    model = pact.RiskModel.load(ROOT / inputs["model"], instrument)
    values = model_values(model)
    if "responses" not in inputs:
        return values
    responses = assignments(inputs["responses"])
    result = pact.score_one(responses, model=model, items=True, lang="en")
    values.update(scoring_values(result, instrument))
    risk = result["risk"]
    values["eta"] = float(risk["linear_predictor"])
    values["p"] = float(risk["probability"])
    values["band"] = risk["band"]["id"]
    if risk.get("duration_months") is not None:
        values["t0"] = float(risk["duration_months"])
    imputed = []
    for c in risk["contributions"]:
        values[f"x({c['feature']})"] = float(c["value"])
        values[f"contribution({c['feature']})"] = float(c["contribution"])
        values[f"risk_effect({c['feature']})"] = float(c["risk_effect"])
        if c["imputed"]:
            imputed.append(c["feature"])
    values["imputed"] = ", ".join(imputed) or "none"
    values["top_factors"] = ", ".join(f["feature"] for f in risk["top_factors"]) or "none"
    cf = risk.get("counterfactual")
    if cf:
        def shown(v):
            return str(int(v)) if float(v).is_integer() else repr(float(v))
        values["counterfactual"] = f"{cf['item']}: {shown(cf['from'])} → {shown(cf['to'])}"
        values["p(counterfactual)"] = float(cf["probability"])
        values["band(counterfactual)"] = cf["band"]["id"]
    else:
        values["counterfactual"] = "none"
    if model.form == "discrete_hazard":
        # The curve as far as any S(m) or h(t) on the page asks: S from the model's survival
        # curve, h(t) = 1 - S(m) / S(m - 1) for duration month t = t0 + m.
        curve = model.survival(responses, months=120).iloc[0].to_numpy()
        t0 = int(values["t0"])
        for m in range(1, len(curve) + 1):
            values[f"S({m})"] = float(curve[m - 1])
            previous = 1.0 if m == 1 else float(curve[m - 2])
            values[f"h({t0 + m})"] = 1.0 - float(curve[m - 1]) / previous
    return values


def compute_counting(pact, inputs: dict, people: list) -> dict:
    import numpy as np

    names = words(inputs["dimensions"])
    y = np.array(people, dtype=float)
    cutoffs = numbers(inputs["cutoffs"])
    weights = numbers(inputs["weights"]) if "weights" in inputs else None
    k = evaluate(inputs["k"])
    by = words(inputs["groups"]) if "groups" in inputs else None
    values = {}
    for alpha in (0, 1, 2):
        r = pact.alkire_foster(y, cutoffs=cutoffs, weights=weights, k=k, alpha=alpha, by=by)
        if alpha == 0:
            values.update({"n": float(r.n), "q": float(r.q), "H": r.H, "A": r.A, "M0": r.M0})
            for d, name in enumerate(names):
                values[f"uncensored({name})"] = float(r.uncensored_headcount.iloc[d])
                values[f"censored({name})"] = float(r.censored_headcount.iloc[d])
                values[f"contribution({name})"] = float(r.contribution.iloc[d])
            if r.groups is not None:
                for group, row in r.groups.iterrows():
                    values[f"M0({group})"] = float(row["M0"])
                    values[f"share({group})"] = float(row["population_share"])
                    values[f"contribution({group})"] = float(row["contribution"])
        else:
            values[f"M{alpha}"] = r.M
    # A person's deprivation score c_i: the person alone, identified at any positive score, has
    # M0 = c_i (and 0 when deprived in nothing).
    for i, row in enumerate(people, start=1):
        alone = pact.alkire_foster(np.array([row], dtype=float), cutoffs=cutoffs, weights=weights, k=1e-9)
        values[f"c({i})"] = alone.M0
    return values


def compute_counting_scores(pact, inputs: dict, cases: list) -> dict:
    import pandas as pd

    instrument = pact.Instrument.load(ROOT / inputs["instrument"])
    values = {}
    for i, case in enumerate(cases, start=1):
        result = pact.score_one(assignments(case), instrument=instrument, model=False, lang="en")
        for d in result["dimensions"]:
            values[f"D({i},{d['id']})"] = float(d["score"]) if d["scored"] else NOT_SCORED
        values[f"c_i({i})"] = float(result["deprivation"]["score"])
    scored = pact.score(pd.DataFrame([assignments(c) for c in cases]), instrument=instrument, model=False)
    k = evaluate(inputs["k"])
    for alpha in (0, 1, 2):
        r = pact.alkire_foster(scored, instrument=instrument, k=k, alpha=alpha)
        if alpha == 0:
            values.update({"n": float(r.n), "q": float(r.q), "H": r.H, "A": r.A, "M0": r.M0,
                           "incomplete": float(r.incomplete)})
        else:
            values[f"M{alpha}"] = r.M
    return values


def compute_fit(pact, groups: list) -> dict:
    import pandas as pd

    rows = []
    for g in groups:
        spec = assignments(g)
        x, cases, events = spec["x"], int(spec["cases"]), int(spec["events"])
        rows += [{"x": x, "y": 1.0}] * events + [{"x": x, "y": 0.0}] * (cases - events)
    r = pact.fit(pd.DataFrame(rows), outcome="y", features=["x"])
    values = {"llf": r.llf}
    for name in r.params.index:
        values[key(f"b({name})")] = float(r.params[name])
        values[key(f"se({name})")] = float(r.bse[name])
    return values


def compute_hazard_fit(pact, inputs: dict, cases: list) -> dict:
    import pandas as pd

    frame = pd.DataFrame([assignments(c) for c in cases])
    r = pact.fit(frame, outcome="left", form="discrete_hazard", features=[], followup="followed", duration="t0",
                 bands=[int(b) for b in numbers(inputs["bands"])])
    values = {"llf": r.llf, "person_months": float(r.person_months), "events": float(r.events)}
    for name in r.params.index:
        values[key(f"a({name})")] = float(r.params[name])
        values[key(f"se({name})")] = float(r.bse[name])
    return values


def compute_metrics(pact, inputs: dict) -> dict:
    import numpy as np
    from pact import metrics

    y = np.array(numbers(inputs["y"]))
    p = np.array(numbers(inputs["p"]))
    values = {}
    if len(set(y)) == 2:
        values["AUC"] = float(metrics.roc_auc(y, p))
    values["Brier"] = float(metrics.brier_score(y, p))
    bins = int(evaluate(inputs.get("bins", "10")))
    curve = metrics.calibration_curve(y, p, n_bins=bins)
    for _, row in curve.iterrows():
        b = int(row["bin"]) + 1
        values[f"n(bin{b})"] = float(row["count"])
        values[f"observed(bin{b})"] = float(row["prob_true"])
        values[f"predicted(bin{b})"] = float(row["prob_pred"])
    values["ECE"] = float(metrics.expected_calibration_error(y, p, n_bins=bins))
    try:
        c = metrics.calibration_regression(y, p)
    except (ValueError, pact.FitError):
        c = None  # undefined for these data (one outcome, p of 0 or 1, separation): no such quantity
    if c is not None:
        values.update({"intercept": float(c["intercept"]), "slope": float(c["slope"]),
                       "a'": float(c["slope_intercept"]), "se(intercept)": float(c["intercept_se"]),
                       "se(slope)": float(c["slope_se"])})
    return values


def compute(pact, kind: str, inputs: dict, repeated: dict) -> dict:
    if kind == "scoring":
        return compute_scoring(pact, inputs)
    if kind == "risk":
        return compute_risk(pact, inputs)
    if kind == "counting":
        return compute_counting(pact, inputs, [numbers(p) for p in repeated.get("person", [])])
    if kind == "counting_scores":
        return compute_counting_scores(pact, inputs, repeated.get("case", []))
    if kind == "fit":
        return compute_fit(pact, repeated.get("group", []))
    if kind == "hazard_fit":
        return compute_hazard_fit(pact, inputs, repeated.get("case", []))
    if kind == "metrics":
        return compute_metrics(pact, inputs)
    raise ValueError(f"unknown kind of example {kind!r}")


# Inputs each kind takes; those that may repeat (one line per person, case or group) are lists.
INPUTS = {
    "scoring": {"instrument", "responses"},
    "risk": {"instrument", "model", "responses"},
    "counting": {"dimensions", "person", "cutoffs", "weights", "k", "groups"},
    "counting_scores": {"instrument", "case", "k"},
    "fit": {"group"},
    "hazard_fit": {"bands", "case"},
    "metrics": {"y", "p", "bins"},
}
REPEATED = {"person", "case", "group"}


# ------------------------------------------------------------------------------------------------


def check_page(pact, page: pathlib.Path) -> int:
    text = page.read_text(encoding="utf-8")
    blocks = BLOCK.findall(text)
    failures = 0
    checked = 0
    counts = {}
    for number, (kind, body) in enumerate(blocks, start=1):
        counts[kind] = counts.get(kind, 0) + 1
        line_of_block = text[: text.index(body)].count("\n") + 1
        inputs, repeated, checks = {}, {}, []
        for offset, line in enumerate(body.splitlines()):
            if not line.strip():
                continue
            match = INPUT.match(line)
            if match and match.group(1) in INPUTS.get(kind, set()):
                name, value = match.groups()
                if name in REPEATED:
                    repeated.setdefault(name, []).append(value)
                else:
                    inputs[name] = value
            elif " = " in line:
                checks.append((line_of_block + offset, line))
            else:
                print(f"FAIL {page.name}:{line_of_block + offset}: neither an input of a {kind} example nor "
                      f"'quantity = value': {line}")
                failures += 1
        try:
            values = compute(pact, kind, inputs, repeated)
        except Exception as e:  # noqa: BLE001 - report and go on to the next block
            print(f"FAIL {page.name}:{line_of_block}: example {number} ({kind}) could not be computed: "
                  f"{type(e).__name__}: {e}")
            failures += 1
            continue
        for line_number, line in checks:
            parts = split_check(line)
            quantity = parts[0]
            pairs = list(zip(parts[1::2], parts[2::2]))
            name = key(quantity)
            if name not in values and "__dynamic__" in values:
                dynamic = values["__dynamic__"](name)
                if dynamic is not None:
                    values[name] = dynamic
            if name not in values or name == "__dynamic__":
                print(f"FAIL {page.name}:{line_number}: pact computes no {quantity.strip()!r} in a {kind} example")
                failures += 1
                continue
            expected = values[name]
            bad = [expr for sign, expr in pairs if not agrees(expected, expr, sign == "≈")]
            checked += len(pairs)
            if bad:
                shown = expected if isinstance(expected, str) else repr(expected)
                print(f"FAIL {page.name}:{line_number}: {quantity.strip()}: pact gives {shown}; "
                      f"the page's {', '.join(repr(b) for b in bad)} disagree")
                failures += 1
            else:
                print(f"ok   {page.name}:{line_number}: {line}")
    for kind, least in MINIMUM_BLOCKS.items():
        if counts.get(kind, 0) < least:
            print(f"FAIL {page.name}: expected at least {least} worked examples of kind {kind}, "
                  f"found {counts.get(kind, 0)}")
            failures += 1
    print(f"\n{len(blocks)} worked examples, {checked} values checked against pact, {failures} failures")
    return 1 if failures else 0


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    page = pathlib.Path(argv[0]) if argv else DEFAULT_PAGE
    build_python = os.environ.get("PACT_PYTHONPATH")
    if build_python:
        sys.path.insert(0, build_python)
    import pact

    return check_page(pact, page)


if __name__ == "__main__":
    sys.exit(main())
