"""The package as a user meets it: its public names, its type stubs (checked against the
runtime with mypy's stubtest, and used by a program that mypy type-checks), and the examples in
its docstrings (run with pytest --doctest-modules)."""

import os
import pathlib
import subprocess
import sys

import pytest

import pact

HERE = pathlib.Path(__file__).parent
PACKAGE = pathlib.Path(pact.__file__).parent


def run(args, **kwargs):
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONPATH=str(PACKAGE.parent))
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, **kwargs)


def test_public_names():
    for name in pact.__all__:
        assert getattr(pact, name) is not None, name
    assert pact.metrics.validate is not None and pact.plot.radar is not None
    assert issubclass(pact.FitError, ValueError) and issubclass(pact.ValidationError, ValueError)
    assert issubclass(pact.IoError, OSError)


def test_the_plots_import_matplotlib_only_when_used():
    program = ("import sys, pact; print('matplotlib' in sys.modules); "
               "pact.plot.calibration([0, 1, 0, 1], [0.2, 0.7, 0.4, 0.6]); print('matplotlib' in sys.modules)")
    out = run(["-c", program])
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "True"]


def test_stubs_match_the_runtime(tmp_path):
    config = tmp_path / "mypy.ini"
    config.write_text("[mypy]\nignore_missing_imports = True\ncache_dir = {}\n".format(tmp_path / "cache"))
    out = run(["-m", "mypy.stubtest", "pact", "--mypy-config-file", str(config),
               "--allowlist", str(HERE / "stubtest-allowlist.txt")], cwd=tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr
    assert (PACKAGE / "py.typed").exists()


def test_a_program_using_the_api_type_checks(tmp_path):
    config = tmp_path / "mypy.ini"
    config.write_text("[mypy]\nignore_missing_imports = True\ncache_dir = {}\n".format(tmp_path / "cache"))
    out = run(["-m", "mypy", "--config-file", str(config), "--strict-optional", "--disallow-untyped-calls",
               str(HERE / "typing_example.py")], cwd=tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr
    # And the checker does read the stubs: a wrong call is reported.
    bad = tmp_path / "bad.py"
    bad.write_text("import pact\npact.score([], threads='two')\nx: int = pact.Instrument.default().id\n")
    out = run(["-m", "mypy", "--config-file", str(config), str(bad)], cwd=tmp_path)
    assert out.returncode == 1
    assert 'Argument "threads" to "score" has incompatible type "str"' in out.stdout
    assert 'Incompatible types in assignment (expression has type "str", variable has type "int")' in out.stdout


def test_docstring_examples(tmp_path):
    out = run(["-m", "pytest", "-q", "-p", "no:cacheprovider", "--doctest-modules", str(PACKAGE),
               "--rootdir", str(PACKAGE.parent)], cwd=tmp_path)
    assert out.returncode == 0, out.stdout[-6000:] + out.stderr[-2000:]
    passed = int(out.stdout.strip().splitlines()[-1].split()[0])
    assert passed >= 15, out.stdout  # every module with examples ran


def test_every_public_function_is_documented_with_an_example():
    for name in ["simulate", "simulation_options", "fit", "changes", "prioritise", "score", "score_one",
                 "Override", "AuditLog"]:
        doc = getattr(pact, name).__doc__
        assert doc and ">>>" in doc, name
    assert ">>>" in pact.FitResult.to_model.__doc__ and ">>>" in pact.RiskModel.to_bundle.__doc__
    assert ">>>" in pact.metrics.override_report.__doc__
    assert "latent exclusion severity" in pact.simulate.__doc__
