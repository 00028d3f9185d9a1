"""The exceptions of palmc: one type per kind of fault, with palmc's own
message."""


class PalmcError(Exception):
    """Base class of palmc's errors; ``str(e)`` is palmc's message."""


class ParamsError(PalmcError, ValueError):
    """Bad params: the message names every field at fault, as ``palmc run``
    does; ``fields`` lists the keys (``["eta_bw", "layers"]``)."""

    def __init__(self, message, fields=()):
        super().__init__(message)
        self.fields = list(fields)


class DataError(PalmcError):
    """A data set that cannot be made or read (a missing or damaged file, a
    bad size or seed)."""


class ClosedError(PalmcError):
    """A network (or another object) used after it was closed."""


class DivergedError(PalmcError):
    """A network whose voltages stopped being finite. It stopped at
    ``step`` (its count of steps since it was built); ``variables`` names
    what is not finite; ``recording`` holds what was recorded until then
    (or None)."""

    def __init__(self, message, step=0, variables=(), recording=None):
        super().__init__(message)
        self.step = step
        self.variables = list(variables)
        self.recording = recording


class RunError(PalmcError):
    """``palmc run`` (or another palmc command) failed; ``returncode`` is its
    exit code (2: bad usage or params, 1: other failures) and ``folder`` the
    run folder."""

    def __init__(self, message, returncode=1, folder=None):
        super().__init__(message)
        self.returncode = returncode
        self.folder = folder


class InternalError(PalmcError):
    """A fault inside palmc, a Go panic included: report it."""


class ParamsWarning(UserWarning):
    """A warning of palmc about params that still run: an unknown key (with
    the key it may mean), a repeated key, a key the task does not read."""
