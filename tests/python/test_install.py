"""`pip install --no-build-isolation .` on a machine with only Debian packages: a copy of the
source tree (without build trees) is installed into a virtual environment that sees the
system's numpy and pandas, with no package index; then a fresh interpreter imports pact from
there and scores. Slow: it builds the library and the module from scratch."""

import json
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

import caseload
import pact
from conftest import SOURCE_DIR

# What the package build reads; everything else (tests, docs, benchmarks) stays behind.
SOURCES = ["CMakeLists.txt", "pyproject.toml", "setup.py", "README.md", "cmake", "include", "src", "models",
           "bindings"]

SCRIPT = """
import json, pathlib, sys
import numpy as np
import pact
x = np.load(sys.argv[1])
df = pact.score(x, lang="en")
one = pact.score_one({"emp_work_status": 4, "hou_homelessness": 1, "tic_months_in_care": 30})
package = pathlib.Path(pact.__file__).parent
print(json.dumps({
    "file": pact.__file__,
    "version": pact.__version__,
    "composite": df["composite"].tolist(),
    "risk": df["risk"].tolist(),
    "band": [str(v) for v in df["band"]],
    "one": one["risk"]["model"]["id"],
    "typed": sorted(p.name for p in package.iterdir() if p.suffix == ".pyi" or p.name == "py.typed"),
}))
"""


@pytest.mark.skipif(shutil.which("cmake") is None, reason="needs cmake")
def test_pip_install_no_build_isolation_into_a_venv(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    for name in SOURCES:
        path = SOURCE_DIR / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(path, source / name)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    python = venv / "bin" / "python"
    env = dict(os.environ, PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1",
               CMAKE_BUILD_PARALLEL_LEVEL=os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL", "2"))
    env.pop("PYTHONPATH", None)
    install = subprocess.run([str(python), "-m", "pip", "install", "--no-build-isolation", str(source)],
                             cwd=tmp_path, env=env, capture_output=True, text=True)
    assert install.returncode == 0, install.stdout[-4000:] + install.stderr[-4000:]

    frame, _ = caseload.responses(50, 61)
    np.save(tmp_path / "x.npy", frame.to_numpy())
    run = subprocess.run([str(python), "-c", SCRIPT, str(tmp_path / "x.npy")], cwd=tmp_path, env=env,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout.strip().splitlines()[-1])
    assert out["file"].startswith(str(venv)), out["file"]
    assert out["version"] == pact.__version__
    # The installed package scores as the one in the build tree.
    expected = pact.score(frame.to_numpy(), lang="en")
    assert out["composite"] == expected["composite"].tolist()
    assert out["risk"] == expected["risk"].tolist()
    assert out["band"] == [str(v) for v in expected["band"]]
    assert out["one"] == "pact-chronicity"
    assert "py.typed" in out["typed"] and "__init__.pyi" in out["typed"] and "_pact.pyi" in out["typed"]
