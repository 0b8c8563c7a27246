"""Recalibrating the chronicity-risk model on a service's own caseload, and publishing it with
its model card: fit on two thirds of the cases with the `pact` command-line tool, compare the new
model with the default one on the third held out, overall, by group and by band, compile the
bundle the case-management system will load, and write the card from the model's provenance and
the measured figures.

    python3 recalibration.py CASELOAD.csv        (with `pact` on the PATH)

The walk-through is docs/tutorials/recalibration.md; the test tutorial.recalibration runs this
file on models/sample-caseload.csv and compares what it prints and writes with the page.
"""

import csv
import json
import math
import subprocess
import sys
from pathlib import Path

caseload = Path(sys.argv[1])
SERVICE = "Servicios sociales de Castilla y León (PACT pilot)"
VERSION, FITTED_AT = "1.0.0", "2026-11-23"
MODEL = Path("pact-chronicity-cyl.json")
BUNDLE = Path("pact-chronicity-cyl.bundle")
CARD = Path("pact-chronicity-cyl.md")
GROUPS = ["sex", "age_band", "nationality", "territory"]
SMALL = 100  # groups smaller than this are flagged in the card


def pact(*args: str) -> str:
    """Runs pact; any exit status but 0 stops the recalibration with pact's message."""
    done = subprocess.run(["pact", *map(str, args)], capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"pact {args[0]} failed with status {done.returncode}:\n{done.stdout}{done.stderr}")
    return done.stdout


# --- 1. Hold out a third of the cases ---------------------------------------------------------
# Performance measured on the cases a model was fitted on is optimistic; every third case is
# kept aside for the comparison. (With real data, hold out a later cohort or another territory.)
with caseload.open(newline="", encoding="utf-8") as f:
    reader = csv.DictReader(f)
    header, cases = reader.fieldnames, list(reader)
held_out = [c for c in cases if int(c["case_id"].split("-")[1]) % 3 == 0]
fitting = [c for c in cases if int(c["case_id"].split("-")[1]) % 3 != 0]
for name, rows in (("fitting.csv", fitting), ("held-out.csv", held_out)):
    with open(name, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
print(f"{len(fitting)} cases to fit on, {len(held_out)} held out")

# --- 2. Fit: the default model's specification, the service's coefficients ---------------------
# The hazard form uses every month each case was followed (followup_months, left_care).
# The template's name and description call its coefficients illustrative: the new model gets
# its own, in every language of the template.
NAME = {"es": "Riesgo de cronificación (Castilla y León, calibrado)",
        "ca": "Risc de cronificació (Castella i Lleó, calibrat)",
        "en": "Chronicity risk (Castilla y León, calibrated)"}
DESCRIPTION = {
    "es": "Probabilidad de seguir en atención de los servicios sociales 24 meses después de la valoración, "
          "calibrada con datos del servicio. Apoya el juicio profesional; nunca decide por sí solo.",
    "ca": "Probabilitat de continuar en atenció dels serveis socials 24 mesos després de la valoració, "
          "calibrada amb dades del servei. Dona suport al judici professional; mai no decideix tot sol.",
    "en": "The probability of still being in social-services care 24 months after the assessment, "
          "calibrated on the service's data. It supports a professional's judgement; it never decides alone."}
labels = [arg for lang in NAME for arg in ("--name", f"{lang}={NAME[lang]}", "--description",
                                            f"{lang}={DESCRIPTION[lang]}")]
print(pact("fit", "--input", "fitting.csv", "--output", MODEL, "--version", VERSION,
           "--fitted-on", "pact sample caseload (synthetic, seed 2026), 2/3 of 3,000 cases",
           "--fitted-at", FITTED_AT, "--notes", f"Tutorial recalibration for {SERVICE}.", *labels))

model = json.loads(MODEL.read_text(encoding="utf-8"))
pact("validate", MODEL)

# --- 3. The new model against the old, on the held-out cases ----------------------------------
old = json.loads(pact("evaluate", "--input", "held-out.csv", "--outcome", "chronic", "--output-format", "json"))
new = json.loads(pact("evaluate", "--input", "held-out.csv", "--outcome", "chronic", "--output-format", "json",
                      "--model", MODEL))
by_group = {g: json.loads(pact("evaluate", "--input", "held-out.csv", "--outcome", "chronic", "--by", g,
                               "--output-format", "json", "--model", MODEL))["groups"] for g in GROUPS}
STATISTICS = [("auc", "AUC"), ("brier", "Brier"), ("calibration_intercept", "cal. intercept"),
              ("calibration_slope", "cal. slope"), ("ece", "ECE")]
print(f"held out: {new['total']['n']} cases, {new['total']['events']} still in care at 24 months")
print(f"  {'':16}{'old ' + old['model']['version']:>12}{'new ' + new['model']['version']:>12}")
for key, label in STATISTICS:
    print(f"  {label:16}{old['total'][key]:12.3f}{new['total'][key]:12.3f}")

# Observed chronicity by band (evaluate's "bands"), and the scored cases for the bundle check.
bands = {b["band"]: b for b in new["bands"]}
pact("score", "--input", "held-out.csv", "--output", "held-out-scored.csv", "--model", MODEL, "--quiet")

# --- 4. The bundle the case-management system loads: the same model, faster --------------------
pact("bundle", "--model", MODEL, "--output", BUNDLE)
pact("score", "--input", "held-out.csv", "--output", "from-bundle.csv", "--bundle", BUNDLE, "--quiet")
assert Path("from-bundle.csv").read_bytes() == Path("held-out-scored.csv").read_bytes()
print(f"wrote {MODEL} and {BUNDLE} ({new['model']['hash']})")

# --- 5. The model card --------------------------------------------------------------------------
provenance = model["provenance"]


def figure(value, digits=3):
    return "-" if value is None else f"{round(value, digits) + 0.0:.{digits}f}"  # + 0.0: no "-0.000"


def row(*cells):
    return "| " + " | ".join(str(c) for c in cells) + " |"


lines = [
    f"# Model card: `{model['id']}` {model['version']}, {model['name']['en']}",
    "",
    f"> Calibrated by pact on {provenance['fitted_at']} from {provenance['fitted_on']}. "
    "**The data are synthetic**: this card shows how a service publishes a calibrated model, "
    "and its figures say nothing about any real caseload.",
    "",
    "| | |",
    "| --- | --- |",
    row("File", f"`{MODEL}`; compiled bundle `{BUNDLE}`"),
    row("Content hash", f"`{new['model']['hash']}`"),
    row("Replaces", f"`{old['model']['id']}` {old['model']['version']} ({old['model']['status']}), "
                    f"`{old['model']['hash']}`"),
    row("Instrument", f"`{model['instrument']['id']}` versions [{model['instrument']['min_version']}, "
                      f"{model['instrument']['max_version']})"),
    row("Outcome", f"still in care {model['outcome']['horizon_months']} months after the assessment"),
    row("Form", f"{model['form']}, {len(model['baseline'])} duration bands, {len(model['features'])} features"),
    row("Provenance", f"{provenance['status']}; {provenance['method']}; {provenance['n_cases']} cases, "
                      f"{provenance['n_rows']} person-months"),
    "",
    "## Intended use",
    "",
    "The same as the default model's (its card, `models/pact-chronicity.md` in pact, says what it may "
    "and may not be used for): it supports a professional's judgement in proactive casework and never "
    "decides anything by itself (GDPR Art. 22; EU AI Act Annex III 5(a), Arts. 12-14 and 86).",
    "",
    f"## Performance on {new['total']['n']} held-out cases",
    "",
    row("statistic", f"{old['model']['id']} {old['model']['version']}", f"{model['id']} {model['version']}"),
    row("---", "---:", "---:"),
    *[row(label, figure(old["total"][key]), figure(new["total"][key])) for key, label in STATISTICS],
    "",
    "Apparent performance on the fitting cases, as `pact fit` reports it (optimistic): " +
    ", ".join(f"{label} {figure(provenance['metrics'][key])}" for key, label in STATISTICS
              if provenance["metrics"].get(key) is not None) + ".",
    "",
    "## By group (held-out cases, new model)",
    "",
    f"Groups of fewer than {SMALL} cases (marked *) give unstable figures. The default card also asks "
    "for figures by disability, which these data do not record.",
    "",
]
for group in GROUPS:
    lines += [row(group, "n", "chronic", *[label for _, label in STATISTICS]),
              row("---", *["---:"] * (2 + len(STATISTICS)))]
    for g in by_group[group]:
        name = g["group"] + (" *" if g["n"] < SMALL else "")
        lines.append(row(name, g["n"], f"{g['prevalence']:.1%}", *[figure(g[key]) for key, _ in STATISTICS]))
    lines.append("")
lines += [
    "## By band (held-out cases, new model)",
    "",
    row("band", "from P =", "n", "observed chronic"),
    row("---", "---:", "---:", "---:"),
    *[row(b["id"], figure(b["min_probability"], 2), bands[b["id"]]["n"],
          f"{bands[b['id']]['observed_rate']:.1%}" if bands[b["id"]]["n"] else "-")
      for b in model["bands"]],
    "",
    "## Coefficients",
    "",
    "Hazard of leaving care, per month: a negative coefficient lowers the exit hazard and so raises the risk.",
    "",
    row("term", "coefficient", "std. error", "exp(b)"),
    row("---", "---:", "---:", "---:"),
    *[row(f"months {b['from_month']}-{after['from_month'] - 1}" if after else f"months {b['from_month']}+",
          f"{b['coefficient']:.3f}", f"{b['se']:.3f}", "")
      for b, after in zip(model["baseline"], model["baseline"][1:] + [None])],
    *[row(f"`{f['id']}`", f"{f['coefficient']:.3f}", f"{f['se']:.3f}", f"{math.exp(f['coefficient']):.2f}")
      for f in model["features"]],
    "",
    "## Known limits",
    "",
    "Every limit in the default model's card applies, except that the coefficients are now "
    "estimated: time in care is partly the outcome's own history; missing items are imputed at the "
    "reference; feedback loops; automation bias; proxies. Monitor calibration and override rates, "
    "and recalibrate when the caseload, benefits or labour market change.",
]
CARD.write_text("\n".join(lines) + "\n", encoding="utf-8")
print(f"wrote {CARD}")
