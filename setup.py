"""Builds pact's Python package: the pure-Python package in bindings/python/pact and its
compiled module pact._pact, which CMake builds (no scikit-build: Debian's setuptools only).

    pip install --no-build-isolation .

Environment: CMAKE_BUILD_PARALLEL_LEVEL (compile jobs), PACT_CMAKE_BUILD_DIR (where CMake
builds; by default under setuptools' build directory, build-pip/), PACT_CMAKE_ARGS (extra
arguments for the CMake configure step).
"""

import os
import pathlib
import re
import shlex
import shutil
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = pathlib.Path(__file__).parent.resolve()


def version() -> str:
    # The version lives in include/pact/version.hpp only.
    text = (ROOT / "include" / "pact" / "version.hpp").read_text(encoding="utf-8")
    return ".".join(re.search(rf"#define PACT_VERSION_{part} (\d+)", text).group(1)
                    for part in ("MAJOR", "MINOR", "PATCH"))


class CMakeExtension(Extension):
    """An extension module that CMake builds (target pact_python)."""

    def __init__(self, name: str, target: str):
        super().__init__(name, sources=[])
        self.target = target


class CMakeBuild(build_ext):
    def build_extension(self, ext: CMakeExtension) -> None:
        destination = pathlib.Path(self.get_ext_fullpath(ext.name)).resolve()
        build_dir = pathlib.Path(os.environ.get("PACT_CMAKE_BUILD_DIR") or pathlib.Path(self.build_temp) / "cmake")
        build_dir = build_dir.resolve()
        configure = [
            "cmake", "-S", str(ROOT), "-B", str(build_dir),
            "-DCMAKE_BUILD_TYPE=Release",
            "-DPACT_BUILD_PYTHON=ON",
            "-DPACT_BUILD_TESTS=OFF",
            "-DPACT_BUILD_BENCHMARKS=OFF",
            "-DPACT_BUILD_EXAMPLES=OFF",
            "-DPACT_BUILD_DOCS=OFF",
            "-DPACT_INSTALL=OFF",
            f"-DPython_EXECUTABLE={sys.executable}",
            *shlex.split(os.environ.get("PACT_CMAKE_ARGS", "")),
        ]
        subprocess.run(configure, check=True)
        jobs = os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL") or str(os.cpu_count() or 1)
        subprocess.run(["cmake", "--build", str(build_dir), "--target", ext.target, "--parallel", jobs], check=True)
        suffix = destination.name[len("_pact"):]
        built = build_dir / "python" / "pact" / f"_pact{suffix}"
        if not built.exists():
            raise RuntimeError(f"CMake did not produce {built}")
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(built, destination)


(ROOT / "build-pip").mkdir(exist_ok=True)

setup(
    version=version(),
    packages=["pact"],
    package_dir={"pact": "bindings/python/pact"},
    package_data={"pact": ["*.pyi", "py.typed"]},
    ext_modules=[CMakeExtension("pact._pact", target="pact_python")],
    cmdclass={"build_ext": CMakeBuild},
    zip_safe=False,
    # Not build/: that is where .ci/test builds with CMake.
    options={"build": {"build_base": "build-pip"}, "egg_info": {"egg_base": "build-pip"}},
)
