"""Params from a dict, a file or an experiment name, checked by palmc."""

import ctypes
import json
import math
import os
import warnings

from . import _lib, errors

TASKS = ("bw_only", "fw_bw", "classify")


def source(src):
    """The kind ("json", "file", "experiment") and value of a params
    source."""
    if isinstance(src, dict):
        try:
            return "json", json.dumps(src, allow_nan=False)
        except ValueError:
            bad = [k for k, v in src.items() if _has_nonfinite(v)]
            raise errors.ParamsError(f"params: {', '.join(bad) or 'a value'}: NaN and infinite values are not allowed in params",
                                     bad) from None
        except TypeError as e:
            raise errors.ParamsError(f"params: a value cannot be written as JSON: {e}") from None
    if isinstance(src, (str, os.PathLike)):
        path = os.fspath(src)
        if os.path.exists(path):
            return "file", os.path.abspath(path)
        if isinstance(src, str) and os.sep not in path and not path.endswith(".json"):
            return "experiment", path
        raise FileNotFoundError(f"palmc: no params file {path!r}")
    raise TypeError(f"palmc: params must be a dict, a path or an experiment name, not {type(src).__name__}")


def _has_nonfinite(v):
    if isinstance(v, float):
        return not math.isfinite(v)
    if isinstance(v, (list, tuple)):
        return any(_has_nonfinite(x) for x in v)
    return False


def check(src, task=None):
    """Checks params and returns (params dict, task, warnings)."""
    if task is not None and task not in TASKS:
        raise ValueError(f"palmc: unknown task {task!r} (bw_only, fw_bw or classify)")
    kind, value = source(src)
    out = ctypes.c_void_p()
    _lib.check(_lib.lib().palmc_params(kind.encode(), value.encode(), (task or "").encode(), ctypes.byref(out)))
    r = _lib.out_json(out)
    p = json.loads(r["text"])
    for k in r["unused"]:
        p.pop(k, None)
    for w in r["warnings"]:
        warnings.warn(w, errors.ParamsWarning, stacklevel=3)
    return p, r["task"], r["warnings"]


def params(source, task=None):
    """Reads and checks params as ``palmc run`` does.

    Parameters
    ----------
    source : dict, str or path
        A params dict (the keys of params.json), the path of a params file
        (or of a folder holding ``params.json``), or the name of one of
        palmc's experiments (``palmc params --list``: ``"example"``,
        ``"fig3abc"``, ``"yinyang-pal"``, ...).
    task : {"bw_only", "fw_bw", "classify"}, optional
        The task to check them for; by default classify if they name a
        ``dataset``, else bw_only.

    Returns
    -------
    dict
        The params with every default filled in, ready for
        :class:`palmc.Network` and :func:`palmc.run`.

    Raises
    ------
    ParamsError
        For bad params; the message names every field at fault, as the
        command's does, and ``.fields`` lists them.

    Warns
    -----
    ParamsWarning
        For what palmc warns about: an unknown key (and the key it may
        mean), a repeated key, a key the task does not read.

    Examples
    --------
    >>> p = palmc.params("example")
    >>> p["layers"]
    [5, 20, 10, 20, 5]
    >>> palmc.params(dict(p, eta_bw=[-1, 1, 1]))
    Traceback (most recent call last):
    ...
    palmc.errors.ParamsError: params: eta_bw[0]: value -1: must be >= 0 (a learning rate)
    """
    p, _, _ = check(source, task)
    return p


def experiments():
    """The names of palmc's experiments (as ``palmc params --list``)."""
    from . import runs
    out = runs.palmc_output(["params", "--list"])
    return [line.split()[0] for line in out.splitlines() if line.strip() and not line.startswith(" ")]
