"""The plots render to PNG files with matplotlib's Agg backend: each file exists, is a PNG of
the expected size, and is not blank (many distinct colours)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import caseload  # noqa: E402
import pact  # noqa: E402

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def save(ax, path):
    ax.figure.savefig(path, dpi=80)
    plt.close(ax.figure)
    data = path.read_bytes()
    assert data.startswith(PNG_MAGIC)
    assert len(data) > 5000, f"{path.name} is suspiciously small ({len(data)} bytes)"
    image = plt.imread(path)
    colours = np.unique(image.reshape(-1, image.shape[-1]), axis=0)
    assert len(colours) > 20, f"{path.name} looks blank ({len(colours)} colours)"
    return image


@pytest.fixture(scope="module")
def scored():
    frame, _ = caseload.responses(2000, 21)
    return frame, pact.score(frame, lang="en")


def test_radar_of_a_case(tmp_path, scored):
    _, df = scored
    ax = pact.plot.radar(df.iloc[0], lang="en", title="case c000000")
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels[0] == "Employability" and len(labels) == 9
    image = save(ax, tmp_path / "radar.png")
    assert image.shape[:2] == (480, 480)
    # A dimension not scored is drawn hollow at the centre, with a legend entry.
    row = df.iloc[1].copy()
    row["housing"] = np.nan
    ax = pact.plot.radar(row, lang="en")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["not scored"]
    save(ax, tmp_path / "radar-missing.png")


def test_survival_curves(tmp_path, scored):
    frame, _ = scored
    ax = pact.plot.survival(frame.iloc[:3], months=48, lang="en")
    lines = ax.get_lines()
    assert len(lines) == 4  # three cases and the horizon
    first = lines[0].get_ydata()
    assert first[0] == 1.0 and len(first) == 49 and np.all(np.diff(first) <= 0)
    expected = pact.RiskModel.default().survival(frame.iloc[:1], months=48).iloc[0].to_numpy()
    np.testing.assert_array_equal(first[1:], expected)
    save(ax, tmp_path / "survival.png")


def test_calibration_curve_overall_and_by_group(tmp_path):
    rng = np.random.default_rng(3)
    p = rng.uniform(0.02, 0.98, 3000)
    y = (rng.random(3000) < p).astype(float)
    group = rng.choice(["f", "m"], size=3000)
    ax = pact.plot.calibration(y, p, n_bins=10)
    save(ax, tmp_path / "calibration.png")
    ax = pact.plot.calibration(y, p, n_bins=8, strategy="quantile", by=group)
    curve = pact.metrics.calibration_curve(y, p, n_bins=8, strategy="quantile", by=group)
    lines = ax.get_lines()
    assert len(lines) == 3
    np.testing.assert_array_equal(lines[1].get_xdata(), curve[curve["group"] == "f"]["prob_pred"].to_numpy())
    save(ax, tmp_path / "calibration-by-group.png")


def test_alkire_foster_contributions(tmp_path, scored):
    frame, df = scored
    df["territory"] = np.where(np.arange(len(df)) % 3 == 0, "leon", "valladolid")
    result = pact.alkire_foster(df, k=0.4, by="territory")
    ax = pact.plot.contributions(result, lang="en")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["all", "leon", "valladolid"]
    assert len(ax.patches) == 9 * 3
    widths = np.array([patch.get_width() for patch in ax.patches]).reshape(9, 3)
    np.testing.assert_allclose(widths.sum(axis=0), 1.0, rtol=1e-12)
    np.testing.assert_allclose(widths[:, 0], result.contribution.to_numpy())
    save(ax, tmp_path / "contributions.png")
