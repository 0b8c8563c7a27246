"""Plots with matplotlib (an optional dependency, imported only when a plot is drawn).

Each function draws on the Axes it is given (or a new figure's) and returns the Axes, so that
plots compose and save as usual: ``ax.figure.savefig("case.png")``.

* :func:`radar` - a case's dimension scores on a radar chart;
* :func:`survival` - the survival curve of staying in care (hazard models);
* :func:`calibration` - observed against predicted risk, overall or by group;
* :func:`contributions` - each dimension's contribution to the Alkire-Foster measure M.
"""

from __future__ import annotations

from typing import Optional

import numpy as np
import pandas as pd

from . import metrics as _metrics
from .counting import AlkireFoster
from .instrument import Instrument
from .risk import RiskModel


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError as e:  # pragma: no cover - depends on the installation
        raise ImportError("pact's plots need matplotlib (Debian: apt-get install python3-matplotlib)") from e
    return plt


def _axes(ax, polar: bool = False):
    if ax is not None:
        return ax
    plt = _pyplot()
    fig = plt.figure(figsize=(6, 6) if polar else (7, 4.5))
    return fig.add_subplot(111, polar=polar)


def radar(case, instrument: Optional[Instrument] = None, lang: str = "es", ax=None, title: Optional[str] = None,
          percent: bool = True):
    """A case's dimension scores on a radar chart (0 = no difficulty, at the centre).

    `case` is one row of :func:`pact.score`'s result (a Series) or a mapping of dimension id to
    score in [0, 1]; dimensions not scored (NaN) are drawn at 0 and marked with a hollow point.
    With ``percent`` the axis runs 0-100, as reports show scores.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> import pact
    >>> df = pact.score({"emp_work_status": 4, "hou_homelessness": 1, "tic_months_in_care": 30})
    >>> ax = pact.plot.radar(df.iloc[0], lang="en")
    >>> len(ax.get_xticklabels())
    9
    """
    instrument = instrument or Instrument.default()
    dims = instrument.dimensions(lang)
    case = pd.Series(case) if not isinstance(case, pd.Series) else case
    missing = [d for d in dims.index if d not in case.index]
    if missing:
        raise ValueError(f"the case has no score for dimension(s): {', '.join(missing)}")
    values = case[list(dims.index)].to_numpy(dtype="float64", na_value=np.nan)
    scale = 100.0 if percent else 1.0
    scored = ~np.isnan(values)
    r = np.where(scored, values, 0.0) * scale
    angles = np.linspace(0.0, 2.0 * np.pi, len(values), endpoint=False)
    ax = _axes(ax, polar=True)
    ax.set_theta_offset(np.pi / 2.0)
    ax.set_theta_direction(-1)
    closed_angles = np.append(angles, angles[0])
    closed_r = np.append(r, r[0])
    ax.plot(closed_angles, closed_r, color="C3", linewidth=1.5)
    ax.fill(closed_angles, closed_r, color="C3", alpha=0.25)
    ax.scatter(angles[scored], r[scored], color="C3", zorder=3)
    if (~scored).any():
        ax.scatter(angles[~scored], r[~scored], facecolors="none", edgecolors="grey", zorder=3, label="not scored")
        ax.legend(loc="upper right", bbox_to_anchor=(1.25, 1.1), fontsize="small")
    ax.set_xticks(angles)
    ax.set_xticklabels(list(dims["label"]), fontsize="small")
    ax.set_ylim(0, scale)
    if title is not None:
        ax.set_title(title)
    return ax


def survival(data, model: Optional[RiskModel] = None, months: Optional[int] = None, ax=None,
             labels=None, lang: str = "es"):
    """The survival curve of staying in care: S(m), the probability of still being in care m
    months after the assessment, for each case in `data` (a mapping of responses, or a DataFrame
    of cases), with the model's horizon marked. Hazard-form models only.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> import pact
    >>> ax = pact.plot.survival({"emp_work_status": 4, "hou_homelessness": 1, "tic_months_in_care": 3})
    >>> len(ax.get_lines())     # the curve and the horizon's marker
    2
    """
    model = model or RiskModel.default()
    months = months or 2 * model.horizon_months
    curves = model.survival(data, months=months)
    ax = _axes(ax)
    x = np.arange(0, months + 1)
    for k, (label, row) in enumerate(curves.iterrows()):
        y = np.concatenate([[1.0], row.to_numpy()])
        name = labels[k] if labels is not None else (None if len(curves) == 1 else str(label))
        ax.step(x, y, where="post", label=name)
    ax.axvline(model.horizon_months, color="grey", linestyle="--", linewidth=1)
    ax.set_xlim(0, months)
    ax.set_ylim(0, 1.02)
    english = lang == "en"
    ax.set_xlabel("months after the assessment" if english else "meses desde la valoración")
    ax.set_ylabel("P(still in care)" if english else "P(sigue en atención)")
    ax.set_title(model.name(lang))
    if len(curves) > 1 or labels is not None:
        ax.legend(fontsize="small")
    return ax


def calibration(y, p, n_bins: int = 10, strategy: str = "uniform", by=None, ax=None):
    """The calibration curve: observed share of outcomes against mean predicted probability per
    bin (:func:`pact.metrics.calibration_curve`), with the diagonal of perfect calibration; one
    curve per subgroup with ``by=``.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> import numpy as np, pact
    >>> rng = np.random.default_rng(0)
    >>> p = rng.uniform(0.05, 0.95, 500)
    >>> ax = pact.plot.calibration((rng.random(500) < p).astype(float), p)
    >>> len(ax.get_lines())     # the diagonal and the curve
    2
    """
    curve = _metrics.calibration_curve(y, p, n_bins=n_bins, strategy=strategy, by=by)
    ax = _axes(ax)
    ax.plot([0, 1], [0, 1], color="grey", linestyle="--", linewidth=1, label="perfect calibration")
    groups = [(None, curve)] if by is None else list(curve.groupby("group", sort=False))
    for group, frame in groups:
        ax.plot(frame["prob_pred"], frame["prob_true"], marker="o", label=group if group is not None else "model")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("mean predicted probability")
    ax.set_ylabel("observed share")
    ax.legend(fontsize="small")
    return ax


def contributions(result: AlkireFoster, instrument: Optional[Instrument] = None, lang: str = "es", ax=None):
    """Each dimension's contribution to the Alkire-Foster measure M as a stacked bar: one bar for
    the whole population and, when the measures were computed with ``by=``, one per subgroup
    (each bar sums to 1). Dimension labels come from the instrument when the dimensions are its own.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> import numpy as np, pact
    >>> y = np.array([[13.1, 14, 4, 1], [15.2, 7, 5, 0], [12.5, 10, 1, 0], [20, 11, 3, 1]])
    >>> ax = pact.plot.contributions(pact.alkire_foster(y, cutoffs=[13, 12, 3, 1], k=0.5))
    >>> len(ax.patches)         # one segment per dimension
    4
    """
    table = result.contribution.to_frame().T
    table.index = ["all"]
    if result.group_contribution is not None:
        table = pd.concat([table, result.group_contribution])
    names = list(table.columns)
    instrument = instrument or Instrument.default()
    dims = instrument.dimensions(lang)
    if all(n in dims.index for n in names):
        names = list(dims.loc[names, "label"])
    ax = _axes(ax)
    left = np.zeros(len(table))
    positions = np.arange(len(table))
    for j, name in enumerate(names):
        widths = table.iloc[:, j].to_numpy(dtype="float64")
        ax.barh(positions, widths, left=left, label=name, color=f"C{j % 10}")
        left += widths
    ax.set_yticks(positions)
    ax.set_yticklabels([str(i) for i in table.index])
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel(f"contribution to M (alpha = {result.alpha}, k = {result.k:g})")
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return ax
