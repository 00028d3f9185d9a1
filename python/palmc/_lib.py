"""Loading libpalmc.so (palmc's C interface, the Go package capi) with
ctypes, and turning its errors into exceptions.

The library is looked for in $PALMC_LIB, then next to this file (where
``pip install ./python`` puts it). The palmc command likewise in
$PALMC_BIN, then ``bin/palmc`` next to this file, then on the PATH.
"""

import ctypes
import json
import os
import pathlib
import shutil
import threading

import numpy as np

from . import errors

_HERE = pathlib.Path(__file__).resolve().parent
_lock = threading.Lock()
_lib = None

c_double_p = ctypes.POINTER(ctypes.c_double)
c_int64_p = ctypes.POINTER(ctypes.c_int64)
_err = ctypes.c_void_p  # a char* that the caller frees

_SIGNATURES = {
    "palmc_free": (None, [ctypes.c_void_p]),
    "palmc_version": (ctypes.c_void_p, []),
    "palmc_params": (_err, [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]),
    "palmc_teacher_seed": (_err, [ctypes.c_int64, c_int64_p]),
    "palmc_net_new": (_err, [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int64, ctypes.c_int,
                             ctypes.POINTER(ctypes.c_uint64), ctypes.POINTER(ctypes.c_void_p)]),
    "palmc_close": (_err, [ctypes.c_uint64]),
    "palmc_net_get": (_err, [ctypes.c_uint64, ctypes.c_char_p, ctypes.c_int64, c_double_p, ctypes.c_int64]),
    "palmc_net_set": (_err, [ctypes.c_uint64, ctypes.c_char_p, ctypes.c_int64, c_double_p, ctypes.c_int64]),
    "palmc_net_state": (_err, [ctypes.c_uint64, ctypes.POINTER(ctypes.c_void_p)]),
    "palmc_net_clone": (_err, [ctypes.c_uint64, ctypes.POINTER(ctypes.c_uint64)]),
    "palmc_net_shuffle": (_err, [ctypes.c_uint64, c_int64_p, ctypes.c_int64]),
    "palmc_check_panic": (_err, []),
    "palmc_net_record_start": (_err, [ctypes.c_uint64, ctypes.c_char_p, ctypes.c_int64, ctypes.c_int64, ctypes.c_int,
                                      ctypes.c_int64]),
    "palmc_net_record_stop": (_err, [ctypes.c_uint64, ctypes.POINTER(ctypes.c_uint64), ctypes.POINTER(ctypes.c_void_p)]),
    "palmc_record_get": (_err, [ctypes.c_uint64, ctypes.c_char_p, c_double_p, ctypes.c_int64]),
    "palmc_net_run": (_err, [ctypes.c_uint64, c_double_p, ctypes.c_int64, ctypes.c_int64, c_double_p, ctypes.c_int64,
                             ctypes.c_int64, ctypes.c_int64, ctypes.c_int, ctypes.c_int, ctypes.c_int]),
    "palmc_data_load": (_err, [ctypes.c_char_p, ctypes.POINTER(ctypes.c_uint64), ctypes.POINTER(ctypes.c_void_p)]),
    "palmc_data_get": (_err, [ctypes.c_uint64, c_double_p, ctypes.c_int64, c_int64_p, ctypes.c_int64]),
}


def library_path():
    """The path of libpalmc.so that palmc loads."""
    env = os.environ.get("PALMC_LIB")
    if env:
        return pathlib.Path(env)
    return _HERE / "libpalmc.so"


def binary_path():
    """The path of the palmc command that :func:`palmc.run` calls."""
    env = os.environ.get("PALMC_BIN")
    if env:
        return pathlib.Path(env)
    here = _HERE / "bin" / "palmc"
    if here.exists():
        return here
    found = shutil.which("palmc")
    if found:
        return pathlib.Path(found)
    raise errors.PalmcError("palmc: the palmc command is not installed with this package nor on the PATH "
                            "(pip install --no-build-isolation ./python in palmc's repository builds it; or set PALMC_BIN)")


_forked = False


def _after_fork():
    global _forked
    if _lib is not None:
        _forked = True


os.register_at_fork(after_in_child=_after_fork)


def lib():
    """The loaded library, loaded on first use."""
    global _lib
    if _forked:
        # The Go runtime's threads do not survive a fork: calls would hang.
        raise errors.PalmcError("palmc: this process was forked after palmc's library was loaded, which the Go runtime "
                                "does not survive; use multiprocessing with the 'spawn' or 'forkserver' start method")
    with _lock:
        if _lib is None:
            path = library_path()
            if not path.exists():
                raise errors.PalmcError(f"palmc: {path} is missing: install the package with "
                                        "pip install --no-build-isolation ./python in palmc's repository (or set PALMC_LIB)")
            l = ctypes.CDLL(str(path))
            for name, (res, args) in _SIGNATURES.items():
                f = getattr(l, name)
                f.restype, f.argtypes = res, args
            _lib = l
        return _lib


def take_string(ptr):
    """The text of a C string returned by the library, which it frees."""
    if not ptr:
        return None
    try:
        return ctypes.string_at(ptr).decode("utf-8")
    finally:
        lib().palmc_free(ptr)


_KINDS = {
    "params": lambda e: errors.ParamsError(e["message"], e.get("fields", [])),
    "value": lambda e: ValueError(e["message"]),
    "closed": lambda e: errors.ClosedError(e["message"]),
    "diverged": lambda e: errors.DivergedError(e["message"], e.get("step", 0), e.get("variables", [])),
    "data": lambda e: errors.DataError(e["message"]),
}


def check(ptr):
    """Raises the exception of an error returned by the library (None: no
    error)."""
    text = take_string(ptr)
    if text is None:
        return
    e = json.loads(text)
    make = _KINDS.get(e.get("kind"), lambda e: errors.InternalError(e["message"]))
    raise make(e)


def out_json(ptr):
    """The JSON value of a char* out-parameter, freed."""
    return json.loads(take_string(ptr.value))


def as_doubles(a):
    """A pointer to the data of a C-contiguous float64 array."""
    return a.ctypes.data_as(c_double_p)


def float_array(x, what):
    """x as a C-contiguous float64 array; a clear error for what cannot be
    one (strings, objects, complex numbers)."""
    try:
        a = np.asarray(x)
    except Exception as e:  # ragged lists and the like
        raise TypeError(f"palmc: {what}: not an array of numbers ({e})") from None
    if a.dtype.kind not in "biuf":
        raise TypeError(f"palmc: {what}: dtype {a.dtype} is not a real number type")
    return np.ascontiguousarray(a, dtype=np.float64)
