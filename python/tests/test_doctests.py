"""The examples in the package's docstrings run and give what they show."""

import doctest
import importlib

import numpy as np
import pytest

import palmc


@pytest.mark.parametrize("name", ["palmc.params", "palmc.network", "palmc.data", "palmc.runs"])
def test_docstring_examples(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    # (palmc.params and palmc.data are also the names of functions)
    module = importlib.import_module(name)
    r = doctest.testmod(module, globs={"palmc": palmc, "np": np}, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert r.attempted > 0 and r.failed == 0
