"""Fixtures of palmc's Python tests. They run against the installed
package (pip install --no-build-isolation ./python), from the repository."""

import json
import pathlib
import subprocess
import sys

import numpy as np
import pytest

import palmc
from palmc import _lib

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def root():
    return ROOT


@pytest.fixture(scope="session")
def palmc_bin():
    return str(_lib.binary_path())


@pytest.fixture
def tiny():
    """A small fw_bw params dict: the golden case pal_fw_tiny."""
    return json.loads((ROOT / "params/testdata/golden/pal_fw_tiny/params.json").read_text())


@pytest.fixture
def example():
    return palmc.params("example")


def run_script(code, timeout=120, **kw):
    """Runs Python code in a child interpreter (for signals and crashes)."""
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def same(a, b):
    """Bit-for-bit equality of two float arrays (NaN equal to NaN)."""
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and np.array_equal(a.view(np.int64) if a.dtype == np.float64 else a,
                                                 b.view(np.int64) if b.dtype == np.float64 else b)
