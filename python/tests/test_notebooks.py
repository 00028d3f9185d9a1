"""The notebooks of docs/ run, shortened, so that they cannot rot: each
one's parameters cell is replaced by smaller values and the notebook is
executed with nbclient in a kernel of this Python."""

import os
import subprocess
import sys

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import ROOT

SHORT = {
    "notebook_bw_only.ipynb": 'EPOCHS = 2\nSEEDS = [123, 124]\nOUT = "nb-bw-only"\n',
    "notebook_teacher_student.ipynb": 'EPOCHS = 20\nSEEDS = [1, 2]\nOUT = "nb-fw-bw"\n',
    "notebook_yinyang.ipynb": 'EPOCHS = 1\nSIZES = [150, 30, 30]\nSEEDS = [123456]\nOUT = "nb-yinyang"\n',
}


def test_every_notebook_is_tested():
    assert sorted(p.name for p in (ROOT / "docs").glob("*.ipynb")) == sorted(SHORT)


@pytest.fixture(scope="module")
def kernel_env(tmp_path_factory):
    """A Jupyter kernel spec that runs this interpreter (the one palmc is
    installed in)."""
    d = tmp_path_factory.mktemp("kernel")
    subprocess.run([sys.executable, "-m", "ipykernel", "install", "--prefix", str(d), "--name", "palmc-test"],
                   check=True, capture_output=True)
    old = os.environ.get("JUPYTER_PATH")
    os.environ["JUPYTER_PATH"] = str(d / "share" / "jupyter")
    yield "palmc-test"
    if old is None:
        del os.environ["JUPYTER_PATH"]
    else:
        os.environ["JUPYTER_PATH"] = old


@pytest.mark.parametrize("name", sorted(SHORT))
def test_notebook_runs(name, tmp_path, kernel_env):
    nb = nbformat.read(ROOT / "docs" / name, as_version=4)
    params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1, "one cell tagged parameters"
    params[0].source = SHORT[name]
    NotebookClient(nb, kernel_name=kernel_env, timeout=300, resources={"metadata": {"path": str(tmp_path)}}).execute()
    figures = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
               if "image/png" in o.get("data", {})]
    assert figures, "the notebook draws figures"
