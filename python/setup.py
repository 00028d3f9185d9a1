"""Builds palmc's Go parts into the package: the shared library libpalmc.so
(``go build -buildmode=c-shared ./capi``), which runs networks in process,
and the palmc command (``go build ./cmd/palmc``), which runs whole runs.

Both are built from the Go module that holds this folder (its parent, the
repository's root), with the ``go`` on the PATH (or $GO); cgo must be on,
which it is where a C compiler is found.
"""

import os
import pathlib
import shutil
import subprocess

from setuptools import setup
from setuptools.dist import Distribution
from setuptools.command.build_py import build_py

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent


class BuildGo(build_py):
    """build_py that also builds libpalmc.so and the palmc command."""

    def run(self):
        super().run()
        if not (ROOT / "go.mod").is_file():
            raise SystemExit(f"palmc: {ROOT} holds no go.mod: install from a copy of the repository (pip install ./python in its root)")
        go = os.environ.get("GO") or shutil.which("go")
        if not go:
            raise SystemExit("palmc: the go command is not on the PATH (Go 1.26 builds the package's library)")
        out = pathlib.Path(self.build_lib).resolve() / "palmc"
        (out / "bin").mkdir(parents=True, exist_ok=True)
        env = dict(os.environ, CGO_ENABLED="1")
        for args in (["build", "-buildmode=c-shared", "-o", str(out / "libpalmc.so"), "./capi"],
                     ["build", "-o", str(out / "bin" / "palmc"), "./cmd/palmc"]):
            print("palmc:", go, " ".join(args), flush=True)
            subprocess.run([go, *args], cwd=ROOT, env=env, check=True)
        header = out / "libpalmc.h"
        if header.exists():
            header.unlink()


class BinaryDistribution(Distribution):
    """The package holds a compiled library: its wheel is for this platform."""

    def has_ext_modules(self):
        return True


setup(cmdclass={"build_py": BuildGo}, distclass=BinaryDistribution)
