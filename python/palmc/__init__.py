"""palmc from Python: dendritic cortical microcircuits that learn their
feedback weights with Phaseless Alignment Learning, simulated by palmc's
Go code.

- :func:`params` reads and checks params (a dict, a file, an experiment);
- :class:`Network` builds one network in this process, steps it with your
  inputs, records it, and reads and writes its state;
- :func:`run` runs a task into a run folder with the palmc command and
  :func:`load` reads a run folder back (:class:`Run`), :func:`load_sweep`
  a sweep folder;
- :func:`data` gives a data set's samples; :func:`save_data` writes your
  own for ``"dataset": "files"``.

Errors are exceptions: :class:`ParamsError` names the params fields at
fault; :class:`DivergedError`, :class:`DataError`, :class:`ClosedError`,
:class:`RunError`, :class:`InternalError` (all :class:`PalmcError`).
"""

from ._version import __version__
from .data import data, save_data
from .errors import (ClosedError, DataError, DivergedError, InternalError, PalmcError, ParamsError,
                     ParamsWarning, RunError)
from .network import Network, Recording, teacher_seed
from .params import experiments, params
from .runs import Run, load, run
from .sweeps import Sweep, load_sweep


def version():
    """The version of palmc's Go code that this package runs."""
    from . import _lib
    return _lib.take_string(_lib.lib().palmc_version())


__all__ = ["ClosedError", "DataError", "DivergedError", "InternalError", "Network", "PalmcError", "ParamsError",
           "ParamsWarning",
           "Recording", "Run", "RunError", "Sweep", "data", "experiments", "load", "load_sweep", "params", "run",
           "save_data", "teacher_seed", "version", "__version__"]
