"""Data sets as numpy arrays: palmc's own (``palmc data``) and one's own
npz files."""

import ctypes
import json
import os

import numpy as np

from . import _lib

SPLITS = ("train", "validation", "test")


def data(name, split="train", size=None, seed=None, noise=None, dir=None, files=None):
    """One split of a data set as ``palmc data`` writes it.

    Parameters
    ----------
    name : str
        ``"yinyang"``, ``"mnist"``, ``"fashion-mnist"``, ``"bars"``, or
        ``"files"`` (one's own: ``files`` names the three npz files).
    split : {"train", "validation", "test"}
    size : int, optional
        The number of samples (the split's first ones, or as many
        generated); default: the split's size.
    seed : int, optional
        The numpy seed of a generated set (yinyang, bars); default: the
        split's published seed.
    noise : float, optional
        The noise of bars (default 0.1).
    dir : str, optional
        The folder of MNIST's or Fashion-MNIST's IDX files (default: where
        ``palmc data --help`` says palmc looks).
    files : sequence of 3 paths, optional
        For ``"files"``: the npz files of train, validation and test.

    Returns
    -------
    x : ndarray, float64, samples × inputs
        The input rates.
    y : ndarray, int64
        The labels.

    Examples
    --------
    >>> x, y = palmc.data("yinyang", "test", size=300, seed=9876545)
    >>> x.shape, y[:5]
    ((300, 4), array([...]))
    """
    if split not in SPLITS:
        raise ValueError(f"palmc: {split!r} is not a split (train, validation, test)")
    req = {"name": name, "split": split, "size": 0, "dir": dir or ""}
    if size is not None:
        if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 1:
            raise ValueError(f"palmc: size must be a whole number >= 1, not {size!r}")
        req["size"] = int(size)
    if seed is not None:
        req["seed"] = int(seed)
    if noise is not None:
        req["noise"] = float(noise)
    if name == "files":
        if files is None or len(files) != 3:
            raise ValueError("palmc: the data set 'files' needs files, the npz files of train, validation and test")
        req["files"] = [os.path.abspath(os.fspath(f)) for f in files]
    elif files is not None:
        raise ValueError(f"palmc: files are for the data set 'files', not {name!r}")
    h = ctypes.c_uint64()
    info = ctypes.c_void_p()
    L = _lib.lib()
    try:
        body = json.dumps(req, allow_nan=False).encode()
    except ValueError:
        raise ValueError(f"palmc: noise must be finite, not {noise!r}") from None
    _lib.check(L.palmc_data_load(body, ctypes.byref(h), ctypes.byref(info)))
    try:
        d = _lib.out_json(info)
        x = np.empty((d["samples"], d["inputs"]), dtype=np.float64)
        y = np.empty(d["samples"], dtype=np.int64)
        _lib.check(L.palmc_data_get(h.value, _lib.as_doubles(x), x.size, y.ctypes.data_as(_lib.c_int64_p), y.size))
    finally:
        _lib.take_string(L.palmc_close(h.value))
    return x, y


def save_data(path, x, y):
    """Writes samples as palmc reads them: an npz file with ``x`` (samples
    × inputs, float64, finite) and ``y`` (labels >= 0, int64), as
    ``palmc data`` writes. Three such files (train, validation, test) make
    a data set of one's own: ``"dataset": "files"`` and
    ``"dataset_files": [...]`` in the params."""
    x = _lib.float_array(x, "x")
    y = np.asarray(y)
    if x.ndim != 2 or x.shape[0] == 0 or x.shape[1] == 0:
        raise ValueError(f"palmc: x has shape {x.shape}: samples × inputs needed")
    if not np.all(np.isfinite(x)):
        raise ValueError("palmc: x holds NaN or infinite values; inputs must be finite rates")
    if y.shape != (x.shape[0],):
        raise ValueError(f"palmc: y has shape {y.shape}: one label per sample ({x.shape[0]}) needed")
    if y.dtype.kind not in "iu" and not (y.dtype.kind == "f" and np.all(y == np.round(y))):
        raise ValueError(f"palmc: y must hold whole-number labels, not dtype {y.dtype}")
    y = y.astype(np.int64)
    if len(y) and y.min() < 0:
        raise ValueError("palmc: labels must be >= 0")
    path = os.fspath(path)
    tmp = path + ".tmp.npz"
    try:
        np.savez(tmp, x=x, y=y)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path
