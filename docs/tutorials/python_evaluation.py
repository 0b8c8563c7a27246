"""Evaluating a pilot with pact: score a caseload with outcomes, check the chronicity-risk model
against what happened, overall and by group, refit it on the pilot's data, draw the calibration
and the exclusion profile of each territory, and measure exclusion with the Alkire-Foster method.

    PYTHONPATH=<build>/python /usr/bin/python3 python_evaluation.py CASELOAD.csv FIGURE.png

The walk-through is docs/tutorials/python-evaluation.md; the test tutorial.python_evaluation runs
this file on models/sample-caseload.csv and compares what it prints with the page.
"""

import sys

import matplotlib

matplotlib.use("Agg")  # no display on an analysis server: draw straight to a file
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

import pact

pd.set_option("display.width", 120)
caseload_path, figure_path = sys.argv[1], sys.argv[2]

# --- 1. The pilot's caseload ------------------------------------------------------------------
# One row per case: the pseudonymous case id, subgroup attributes, one column per item of the
# instrument, and what happened after the assessment.
cases = pd.read_csv(caseload_path, index_col="case_id")
print(f"{len(cases)} cases in {cases['territory'].nunique()} territories; "
      f"{cases['chronic'].mean():.1%} still in care 24 months after the assessment")

# --- 2. Score every case -----------------------------------------------------------------------
model = pact.RiskModel.default()
scored = pact.score(cases, model=model, lang="en")
print(f"model {model.id} {model.version} ({model.status}), hash {model.hash[:19]}...")
print(scored["level"].value_counts(sort=False).to_string())
print(scored["band"].value_counts(sort=False).to_string())

# --- 3. Validate the predictions against the outcome, overall and by group ----------------------
# EU AI Act Art. 13: state accuracy on the groups the model is used on.
columns = ["n", "prevalence", "auc", "brier", "calibration_intercept", "calibration_slope", "ece"]
for attribute in ["sex", "age_band", "territory"]:
    table = pact.metrics.validate(cases["chronic"], scored["risk"], by=cases[attribute])
    print(f"\nby {attribute}:")
    print(table[columns].round(3).to_string())

# pact's AUC is the Mann-Whitney statistic; scikit-learn computes the same number.
auc = pact.metrics.roc_auc(cases["chronic"], scored["risk"])
assert abs(auc - roc_auc_score(cases["chronic"], scored["risk"])) < 1e-12
print(f"\nAUC {auc:.4f}, as scikit-learn's roc_auc_score")

# --- 4. Refit the model on the pilot's data ---------------------------------------------------
# The discrete-time hazard of leaving care, on every month each case was observed: cases
# followed for less than 24 months count too, up to the month their follow-up ended.
fit = pact.fit(cases, outcome="left_care", form="discrete_hazard", followup="followup_months", model=model)
comparison = fit.summary()[["coef", "std err", "[0.025", "0.975]"]].copy()
comparison["default"] = model.params
comparison["inside"] = comparison["default"].between(comparison["[0.025"], comparison["0.975]"])
print(f"\nhazard model refitted on {fit.nobs:.0f} person-months, converged: {fit.converged}")
print(comparison.round(3).to_string())
print(f"the default coefficient lies in the 95% interval for {comparison['inside'].sum()} "
      f"of {len(comparison)} parameters")

# --- 5. Alkire-Foster measures by territory ----------------------------------------------------
# A person is excluded when deprived in at least a third of the weighted dimensions (k = 1/3).
af = pact.alkire_foster(scored, k=1 / 3, by=cases["territory"])
print(f"\nH = {af.H:.3f}, A = {af.A:.3f}, M0 = {af.M0:.3f}: {af.q} of {af.n} cases excluded "
      f"({af.incomplete} left out: a dimension not scored)")
print(af.groups[["n", "H", "A", "M0", "contribution"]].round(3).to_string())
# M0 decomposes by subgroup: the population-weighted mean of the territories' M0.
assert np.isclose((af.groups["population_share"] * af.groups["M0"]).sum(), af.M0, rtol=0, atol=1e-12)
print("dimensions contributing most to M0:")
print(af.contribution.sort_values(ascending=False).head(3).round(3).to_string())

# --- 6. One figure for the evaluation report --------------------------------------------------
fig, (left, right) = plt.subplots(1, 2, figsize=(13, 5), layout="constrained")
pact.plot.calibration(cases["chronic"], scored["risk"], n_bins=10, by=cases["territory"], ax=left)
left.set_title("Calibration of P(still in care at 24 months), by territory")
pact.plot.contributions(af, lang="en", ax=right)
right.set_title("Contribution of each dimension to M0 (k = 1/3)")
fig.savefig(figure_path, dpi=100)
print(f"\nwrote {figure_path}")
