"""The Python package's core: instruments, scoring (against an independent numpy
implementation), zero-copy input, errors, pickling, and the Alkire-Foster measures."""

import pickle

import numpy as np
import pandas as pd
import pytest

import pact
from conftest import DATA_DIR, MODELS_DIR
import reference_scoring


def test_default_instrument():
    inst = pact.Instrument.default()
    assert inst.id == "pact-instrument" and inst.version == "1.0.0"
    assert inst.hash.startswith("sha256:")
    assert inst == pact.Instrument.load(MODELS_DIR / "pact-instrument.json")
    assert inst.dimensions("en").loc["employability", "label"] == "Employability"
    items = inst.items("es")
    assert list(items.index) == inst.item_ids
    assert set(items["type"]) == {"ordinal", "yes_no", "count", "months", "amount"}


def test_instrument_errors_are_value_errors_with_the_path():
    with pytest.raises(ValueError) as e:
        pact.Instrument.from_json('{"format": "pact.instrument", "format_version": 1, "id": "X"}')
    assert isinstance(e.value, pact.ValidationError)
    assert e.value.where == "/id"
    with pytest.raises(OSError):
        pact.Instrument.load("/nonexistent.json")


def test_instrument_pickles_by_canonical_json():
    inst = pact.Instrument.load(DATA_DIR / "instruments" / "small.json")
    again = pickle.loads(pickle.dumps(inst))
    assert again == inst and again.hash == inst.hash and again.to_json() == inst.to_json()


@pytest.mark.parametrize("threads", [1, 2])
def test_scores_agree_with_an_independent_numpy_implementation(threads):
    path = MODELS_DIR / "pact-instrument.json"
    x = reference_scoring.random_responses(path, 5000, seed=3)
    ref_scores, ref_composite, ref_level, ref_depr = reference_scoring.score(path, x)
    df = pact.score(x, threads=threads)
    inst = pact.Instrument.default()
    np.testing.assert_allclose(df[inst.dimension_ids].to_numpy(), ref_scores, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(df["composite"].to_numpy(), ref_composite, rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(df["level"].cat.codes.to_numpy(), ref_level)
    np.testing.assert_allclose(df["deprivation_score"].to_numpy(), ref_depr, rtol=1e-12, atol=1e-15)
    assert df.attrs["instrument_hash"] == inst.hash


def test_dataframe_input_by_column_name_equals_matrix_input():
    inst = pact.Instrument.default()
    x = reference_scoring.random_responses(MODELS_DIR / "pact-instrument.json", 200, seed=5)
    frame = pd.DataFrame(x, columns=inst.item_ids, index=[f"case-{i}" for i in range(200)])
    shuffled = frame[list(reversed(frame.columns))].assign(territory="leon")
    a = pact.score(x)
    b = pact.score(shuffled)
    assert list(b.index) == list(frame.index)
    np.testing.assert_array_equal(a["composite"].to_numpy(), b["composite"].to_numpy())
    assert str(b["level"].dtype) == "category"


def test_c_contiguous_float64_is_not_copied_and_other_layouts_are_converted():
    x = np.zeros((10, 47))
    assert pact._pact._matrix_address(x) == x.ctypes.data
    padded = np.zeros((10, 50))[:, :47]  # rows padded: still viewed in place
    assert pact._pact._matrix_address(padded) == padded.ctypes.data
    fortran = np.asfortranarray(x)
    assert pact._pact._matrix_address(fortran) != fortran.ctypes.data
    ints = np.zeros((10, 47), dtype=np.int64)
    assert pact._pact._matrix_address(ints) != ints.ctypes.data


def _same_frames(a: pd.DataFrame, b: pd.DataFrame) -> None:
    """Every column equal, floats to the bit (NaN where NaN)."""
    assert list(a.columns) == list(b.columns) and list(a.index) == list(b.index)
    for column in a.columns:
        x, y = a[column], b[column]
        if x.dtype == np.float64:
            assert np.array_equal(x.to_numpy().view(np.int64), y.to_numpy().view(np.int64)), column
        else:
            pd.testing.assert_series_equal(x, y, check_exact=True)


def test_dataframes_and_fortran_arrays_are_read_in_place():
    inst = pact.Instrument.default()
    x = reference_scoring.random_responses(MODELS_DIR / "pact-instrument.json", 100, seed=6)
    fortran = np.asfortranarray(x)
    step = fortran.strides[1]
    assert pact._pact._response_addresses(fortran) == [fortran.ctypes.data + j * step for j in range(x.shape[1])]
    # A frame of separate columns (consolidated by pandas into one block) and one over a
    # row-major array (its columns are strided views of the array): neither is copied.
    from pact._data import batch_responses

    for frame in (pd.DataFrame({c: x[:, j].copy() for j, c in enumerate(inst.item_ids)}),
                  pd.DataFrame(x, columns=inst.item_ids)):
        columns, _ = batch_responses(frame, inst)
        assert pact._pact._response_addresses(columns) == [frame[c].to_numpy().ctypes.data for c in inst.item_ids]
    assert pact._pact._response_addresses(x) == [x.ctypes.data]  # a row-major matrix: read as one


@pytest.mark.parametrize("model", [None, False])
def test_every_input_layout_scores_the_same_bits(model):
    inst = pact.Instrument.default()
    x = reference_scoring.random_responses(MODELS_DIR / "pact-instrument.json", 3000, seed=7)
    months = inst.item_ids.index("tic_months_in_care")
    x[::7, months] = np.nan  # rows without a risk
    x[11, inst.item_ids.index("emp_work_status")] = 2.5  # a row the instrument rejects
    kwargs = {"model": model, "errors": "mark", "threads": 2}
    expected = pact.score(x, **kwargs)
    assert expected["error"].notna().sum() == 1
    frame = pd.DataFrame(x, columns=inst.item_ids)
    optional = [i for i, required in zip(inst.item_ids, inst.items()["required"]) if not required]
    dropped = optional[::5]  # item columns a frame may lack: unanswered in every row
    y = x.copy()
    y[:, [inst.item_ids.index(i) for i in dropped]] = np.nan
    without = pact.score(y, **kwargs)
    mixed = frame.copy()
    yes_no = [i for i, t in zip(inst.item_ids, inst.items()["type"]) if t == "yes_no"]
    mixed[yes_no[0]] = mixed[yes_no[0]].astype("Float64")  # a nullable column: converted
    mixed[yes_no[1]] = mixed[yes_no[1]].map({0.0: "no", 1.0: "sí"})  # words: converted
    for layout, data, want in [
        ("fortran", np.asfortranarray(x), expected),
        ("frame over the array", frame, expected),
        ("frame of columns", pd.DataFrame({c: x[:, j].copy() for j, c in enumerate(inst.item_ids)}), expected),
        ("reordered, with another column", frame[list(reversed(frame.columns))].assign(region="norte"), expected),
        ("mixed dtypes", mixed, expected),
        ("optional columns absent", frame.drop(columns=dropped), without),
        ("columns of a wider array", pd.DataFrame(np.hstack([x, x])[:, : x.shape[1]], columns=inst.item_ids), expected),
    ]:
        got = pact.score(data, **kwargs)
        _same_frames(got, want)


def test_a_bad_response_in_a_dataframe_names_the_row_label_the_item_and_the_value():
    inst = pact.Instrument.default()
    x = reference_scoring.random_responses(MODELS_DIR / "pact-instrument.json", 20, seed=8)
    x[7, inst.item_ids.index("emp_work_status")] = 9
    frame = pd.DataFrame(x, columns=inst.item_ids, index=[f"case-{i}" for i in range(20)])
    with pytest.raises(ValueError, match=r"row 'case-7', item 'emp_work_status': 9 is not one of the options"):
        pact.score(frame)
    with pytest.raises(ValueError, match=r"row 'case-7', item 'emp_work_status': 9 is not one of the options"):
        pact.score(frame, model=False)


def test_bad_columns_are_errors_that_say_which_column():
    model = pact.RiskModel.default()
    items = len(model.instrument.item_ids)
    column = np.ones(5)
    columns = [column] * items
    with pytest.raises(ValueError, match=r"responses\[3\] has 4 rows, the columns before it 5"):
        pact._pact.score_risk_batch(model._native, columns[:3] + [np.ones(4)] + columns[4:])
    with pytest.raises(ValueError, match="at least one column must be an array"):
        pact._pact.score_batch(model.instrument._native, [None] * items)
    with pytest.raises(ValueError, match=r"responses\[0\] must be 1-D, got 2"):
        pact._pact.score_batch(model.instrument._native, [np.ones((5, 2))] + columns[1:])
    with pytest.raises(ValueError, match=r"responses\[1\] must be 1-D, got 0 dimension"):
        pact._pact.score_batch(model.instrument._native, [column, 3.0] + columns[2:])
    with pytest.raises(TypeError, match=r"responses\[1\] cannot be converted to float64"):
        pact._pact.score_batch(model.instrument._native, [column, np.array(["a"] * 5, dtype=object)] + columns[2:])
    with pytest.raises(ValueError, match="one column per item"):
        pact._pact.score_risk_batch(model._native, columns[1:])
    # Converted columns (integers, a reversed view) score as their float64 copies do.
    ints = [np.arange(5) % 2 for _ in range(items)]
    a = pact._pact.score_batch(model.instrument._native, ints)
    b = pact._pact.score_batch(model.instrument._native, [c.astype(float)[::-1][::-1] for c in ints])
    np.testing.assert_array_equal(a["status"], b["status"])


def test_invalid_response_names_the_row_the_item_and_the_reason():
    inst = pact.Instrument.default()
    x = reference_scoring.random_responses(MODELS_DIR / "pact-instrument.json", 10, seed=1)
    j = inst.item_ids.index("emp_work_status")
    x[7, j] = 9
    with pytest.raises(ValueError, match=r"row 7, item 'emp_work_status': 9 is not one of the options"):
        pact.score(x)
    marked = pact.score(x, errors="mark")
    assert marked["error"].notna().sum() == 1
    assert np.isnan(marked.loc[7, "composite"])
    assert pd.isna(marked.loc[7, "level"])
    frame = pd.DataFrame(x, columns=inst.item_ids).drop(columns=["hou_homelessness"])
    with pytest.raises(ValueError, match="missing required item column"):
        pact.score(frame)
    frame = pd.DataFrame(x, columns=inst.item_ids).astype(object)
    frame.loc[3, "eco_income_ratio"] = "mucho"
    with pytest.raises(ValueError, match=r"item 'eco_income_ratio', row 3: 'mucho' is not a number"):
        pact.score(frame)


def test_yes_no_text_columns():
    inst = pact.Instrument.default()
    frame = pd.DataFrame({"emp_work_status": [1, 1], "hou_homelessness": [1, 1], "emp_job_search": ["sí", "no"]})
    df = pact.score(frame, errors="mark")
    assert df["error"].isna().all()


def test_alkire_foster_paper_example_and_groups():
    y = np.array([[13.1, 14, 4, 1], [15.2, 7, 5, 0], [12.5, 10, 1, 0], [20, 11, 3, 1]])
    r = pact.alkire_foster(y, cutoffs=[13, 12, 3, 1], k=0.5)
    assert (r.H, r.A, r.M0, r.M) == (0.5, 0.75, 0.375, 0.375)
    frame = pd.DataFrame(y, columns=["income", "school", "health", "access"]).assign(region=["n", "n", "s", "s"])
    r = pact.alkire_foster(frame, cutoffs=[13, 12, 3, 1], k=0.5, by="region")
    assert list(r.censored_headcount.index) == ["income", "school", "health", "access"]
    assert r.groups.loc["n", "M0"] == 0.25 and r.groups.loc["s", "M0"] == 0.5
    assert r.groups["contribution"].sum() == pytest.approx(1.0)
    assert (r.groups["population_share"] * r.groups["M0"]).sum() == pytest.approx(r.M0)


def test_alkire_foster_from_scores_matches_a_hand_count():
    path = MODELS_DIR / "pact-instrument.json"
    x = reference_scoring.random_responses(path, 2000, seed=9, missing_rate=0.05)
    scored = pact.score(x)
    inst = pact.Instrument.default()
    dims = inst.dimensions()
    r = pact.alkire_foster(scored, k=0.4)
    complete = scored[inst.dimension_ids].dropna()
    deprived = complete.to_numpy() >= dims["deprivation_cutoff"].to_numpy()
    c = deprived @ dims["normalized_weight"].to_numpy()
    poor = c >= 0.4 - 1e-12
    assert r.n == len(complete) and r.incomplete == len(scored) - len(complete)
    assert r.H == pytest.approx(poor.mean(), rel=1e-12)
    assert r.M0 == pytest.approx((c * poor).sum() / len(complete), rel=1e-12)
