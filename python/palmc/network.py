"""A network in process: build it, step it, read and write its state."""

import ctypes
import json
import time as _time
import weakref

import numpy as np

from . import _lib, errors
from .params import TASKS, check, source
from .progress import Progress

#: The state variables that are one vector, not one per layer.
SINGLE = ("r0", "r0_old", "epsilon", "epsilon_LO")


def teacher_seed(first_seed):
    """The seed of the teacher of an fw_bw run whose first student seed is
    ``first_seed`` (drawn as the published code draws it)."""
    out = ctypes.c_int64()
    _lib.check(_lib.lib().palmc_teacher_seed(int(first_seed), ctypes.byref(out)))
    return out.value


def _close(handle):
    try:
        _lib.take_string(_lib.lib().palmc_close(handle))
    except Exception:
        pass


class Recording(dict):
    """What :meth:`Network.run` recorded: a dict of arrays by the names of
    results.npz (``"uP/0"``, ``"WPP/1"``, ``"MSE"``, ``"angle_WPPT_BPP/0"``),
    records along the first axis.

    Attributes
    ----------
    step, time : ndarray
        The network's step count (since it was built) and time in ms
        (step·dt) of every record.
    step_target, time_target : ndarray
        The same for the records of ``MSE``, ``error`` and ``target``,
        which exist only at steps with a target.
    """

    def __init__(self, arrays, step, step_target, dt):
        super().__init__(arrays)
        self.step = step.astype(np.int64)
        self.step_target = step_target.astype(np.int64)
        self.time = self.step * dt
        self.time_target = self.step_target * dt

    def frame(self, name):
        """One series as a pandas DataFrame indexed by time (ms), one
        column per entry (``"i"`` or ``"i,j"``)."""
        import pandas as pd
        a = self[name]
        t = self.time_target if name.split("/")[0] in ("MSE", "error", "target") else self.time
        flat = a.reshape(len(a), -1)
        if a.ndim == 1:
            cols = [name]
        else:
            cols = [",".join(map(str, ix)) for ix in np.ndindex(*a.shape[1:])]
        return pd.DataFrame(flat, index=pd.Index(t, name="time_ms"), columns=cols)


class Network:
    """One microcircuit, run by palmc's Go code in this process.

    Parameters
    ----------
    params : dict, str or path
        Params as :func:`palmc.params` takes them.
    seed : int
        The network's seed, in [0, 2**32): the same params and seed give
        the network that ``palmc run`` builds for that seed, in the same
        initial state.
    task : {"bw_only", "fw_bw", "classify"}, optional
        The task the params are checked for (default: classify if they name
        a dataset, else bw_only).
    teacher : bool
        Build the teacher of an fw_bw run instead (its initial ranges, in
        the self-predicting state, taur 1); its seed is
        :func:`palmc.teacher_seed` of the first student seed.

    Notes
    -----
    The state variables are named as in results.npz and model.npz:
    ``WPP, WIP, BPP, BPI`` (weights), ``dWPP, …, dWPP_LO`` (increments),
    ``uP, uP_breve, rP_breve, vbas, vapi, vapi_noise, uI, uI_breve,
    rI_breve, vden, noise, rP_breve_HI`` and their ``_old`` values,
    ``r_LO, post_LO`` (filters), ``r0, r0_old, epsilon, epsilon_LO``.
    ``names`` lists them.

    Examples
    --------
    >>> net = palmc.Network("example", seed=123)
    >>> net.get("WPP", 0).shape
    (20, 5)
    >>> r = net.run(np.full(5, 0.5), steps=1000, learn_lat=True, learn_bw=True,
    ...             record=["uP"], every=100)
    >>> r["uP/0"].shape, net.time
    ((10, 20), 10.0)
    """

    def __init__(self, params, seed, task=None, teacher=False):
        p, task, _ = check(params, task)
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
            raise TypeError(f"palmc: seed must be an integer, not {type(seed).__name__}")
        if not 0 <= int(seed) < 2**32:
            raise ValueError(f"palmc: seed {seed} is outside [0, 4294967295], the seeds of numpy's RandomState")
        h = ctypes.c_uint64()
        info = ctypes.c_void_p()
        _lib.check(_lib.lib().palmc_net_new(json.dumps(p).encode(), task.encode(), int(seed), int(bool(teacher)),
                                            ctypes.byref(h), ctypes.byref(info)))
        self._init(h.value, _lib.out_json(info))

    def _init(self, handle, info):
        self._h = handle
        self._info = info
        self.layers = list(info["layers"])
        self.dt = info["dt"]
        self.model = info["model"]
        self.seed = info["seed"]
        self.task = info["task"]
        self.teacher = info["teacher"]
        self.params = json.loads(json.dumps(info["params"]))
        self.warnings = info["warnings"]
        self._shapes = {}
        for name, sizes in info["vectors"].items():
            self._shapes[name] = [(s,) for s in sizes]
        for name, rc in info["matrices"].items():
            self._shapes[name] = [(rc[i], rc[i + 1]) for i in range(0, len(rc), 2)]
        self.last_recording = None
        self._finalizer = weakref.finalize(self, _close, handle)

    # -- life ---------------------------------------------------------

    def close(self):
        """Frees the network; using it afterwards raises ClosedError."""
        if self._h is not None:
            self._finalizer()
            self._h = None

    @property
    def closed(self):
        return self._h is None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _handle(self):
        if self._h is None:
            raise errors.ClosedError("palmc: the network is closed")
        return self._h

    def __repr__(self):
        if self._h is None:
            return "<palmc.Network closed>"
        return f"<palmc.Network {self.model} {self.layers} seed {self.seed} at step {self.steps}>"

    # -- state --------------------------------------------------------

    @property
    def names(self):
        """The names of the state variables."""
        return sorted(self._shapes)

    def shape(self, name, layer=None):
        """The shape of variable ``name`` of ``layer``."""
        shapes = self._layers_of(name)
        return shapes[self._layer(name, layer, len(shapes))]

    def _layers_of(self, name):
        if not isinstance(name, str):
            raise TypeError(f"palmc: a variable name is a string, not {type(name).__name__}")
        if name not in self._shapes:
            raise KeyError(f"palmc: no state variable {name!r} (the variables: {', '.join(self.names)})")
        return self._shapes[name]

    @staticmethod
    def _layer(name, layer, n):
        if layer is None:
            if name in SINGLE:
                return 0
            raise TypeError(f"palmc: {name} has one array per layer: give the layer (0 to {n - 1})")
        if isinstance(layer, bool) or not isinstance(layer, (int, np.integer)):
            raise TypeError(f"palmc: a layer is an integer, not {type(layer).__name__}")
        if not 0 <= layer < n:
            raise IndexError(f"palmc: {name} has layers 0 to {n - 1}, not {layer}")
        return int(layer)

    def get(self, name, layer=None):
        """A copy of state variable ``name`` of ``layer`` as a numpy array.

        ``layer`` may be left out for the variables that are one vector
        (``r0``, ``r0_old``, ``epsilon``, ``epsilon_LO``); for the others,
        ``layer=None`` gives a list with the array of every layer.
        With per-sample input weights (``input_update`` ``"per_sample"``,
        the default of classify) ``WPP[0]`` and ``dWPP_LO[0]`` are read as
        they are after the last step without changing the steps to come.
        """
        h = self._handle()
        shapes = self._layers_of(name)
        if layer is None and name not in SINGLE:
            return [self.get(name, i) for i in range(len(shapes))]
        i = self._layer(name, layer, len(shapes))
        out = np.empty(shapes[i], dtype=np.float64)
        _lib.check(_lib.lib().palmc_net_get(h, name.encode(), i, _lib.as_doubles(out), out.size))
        return out

    def set(self, name, layer, array):
        """Writes ``array`` into state variable ``name`` of ``layer``
        (``None`` for the single-vector variables). Its shape must be the
        variable's, its values finite; the next step reads it. The
        ``held_*`` variables of per-sample input weights are read-only."""
        h = self._handle()
        shapes = self._layers_of(name)
        i = self._layer(name, layer, len(shapes))
        a = _lib.float_array(array, name)
        if a.shape != shapes[i]:
            raise ValueError(f"palmc: {name}[{i}] has shape {shapes[i]}, not {a.shape}")
        _lib.check(_lib.lib().palmc_net_set(h, name.encode(), i, _lib.as_doubles(a), a.size))

    def _state(self):
        out = ctypes.c_void_p()
        _lib.check(_lib.lib().palmc_net_state(self._handle(), ctypes.byref(out)))
        return _lib.out_json(out)

    @property
    def steps(self):
        """The number of steps made since the network was built."""
        return self._state()["steps"]

    @property
    def time(self):
        """The network's time in ms: steps·dt."""
        return float(self._state()["time"])

    def shuffle(self, order):
        """Shuffles the int64 array ``order`` in place with the network's own
        generator, as bw_only and fw_bw shuffle their sample order at the
        start of every epoch (the previous epoch's order: start with
        ``np.arange(n)``). It advances the generator that also draws PAL's
        noise. Returns ``order``."""
        if not isinstance(order, np.ndarray) or order.dtype != np.int64 or order.ndim != 1 \
                or not order.flags.c_contiguous or not order.flags.writeable:
            raise TypeError("palmc: shuffle takes a writable one-dimensional int64 numpy array (np.arange(n))")
        _lib.check(_lib.lib().palmc_net_shuffle(self._handle(), order.ctypes.data_as(_lib.c_int64_p), order.size))
        return order

    def clone(self):
        """An independent copy of the network, in the same state (its
        generator included): both step on to the same numbers."""
        h = ctypes.c_uint64()
        _lib.check(_lib.lib().palmc_net_clone(self._handle(), ctypes.byref(h)))
        c = object.__new__(Network)
        c._init(h.value, self._info)
        return c

    # -- stepping -----------------------------------------------------

    def step(self, r0, target=None, learn_fw=False, learn_lat=False, learn_bw=False):
        """One Euler step of dt with input rates ``r0`` (n0 values) and an
        optional ``target`` for the output layer (nN values); the switches
        turn the forward, lateral and backward plasticity on."""
        self.run(r0, target=target, steps=1, learn_fw=learn_fw, learn_lat=learn_lat, learn_bw=learn_bw)

    def run(self, r0, target=None, steps=None, learn_fw=False, learn_lat=False, learn_bw=False,
            record=(), every=1, compare=False, progress=False, max_memory=None):
        """Makes T steps in one call.

        Parameters
        ----------
        r0 : array_like
            Inputs, T×n0 (one row per step), or n0 values held for
            ``steps`` steps.
        target : array_like, optional
            Targets of the output layer: T×nN, or nN values for every step.
        steps : int, optional
            T, when ``r0`` is one row (else it must equal ``len(r0)``).
        learn_fw, learn_lat, learn_bw : bool
            The plasticity switches: forward (WPP), lateral (WIP, BPI) and
            backward (BPP, with PAL's noise) weights.
        record : list of str
            Variables to record, by their ``rec_<name>`` of params.json
            (``"uP"``, ``"WPP"``, ``"MSE"``, ``"vapi_noise"``, ...).
        every : int
            Record after every step whose count since the network was
            built is a multiple of ``every``, as ``palmc run`` records with
            ``rec_per_steps``.
        compare : bool
            Also record the angles to backprop (``angle_WPPT_BPP/k``, ...).
        progress : bool
            Show a progress bar (terminal or notebook).
        max_memory : int, optional
            Bytes the recording may take (default: the memory available);
            a larger one is refused before the first step.

        Returns
        -------
        Recording
            The recorded arrays (empty without ``record`` and ``compare``).

        Raises
        ------
        DivergedError
            If the voltages stop being finite: the network stops at that
            step; ``.recording`` holds the records until then.
        KeyboardInterrupt
            On Ctrl-C; the network stops between two steps (``steps``
            says after how many), and ``last_recording`` holds the records
            until then (it holds the recording of the last call that
            recorded).
        """
        h = self._handle()
        n0, nN = self.layers[0], self.layers[-1]
        x = _lib.float_array(r0, "r0")
        if x.ndim == 1:
            if x.shape != (n0,):
                raise ValueError(f"palmc: r0 has shape {x.shape}: one row needs {n0} inputs")
            if steps is None:
                raise ValueError("palmc: r0 is one row: give steps")
            stride = 0
        elif x.ndim == 2:
            if x.shape[1] != n0:
                raise ValueError(f"palmc: r0 has shape {x.shape}: rows of {n0} inputs needed")
            if steps is not None and steps != x.shape[0]:
                raise ValueError(f"palmc: r0 has {x.shape[0]} rows but steps is {steps}")
            steps = x.shape[0]
            stride = n0
        else:
            raise ValueError(f"palmc: r0 has shape {x.shape}: one row of {n0} or T rows")
        if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or not 0 <= steps < 2**62:
            raise ValueError(f"palmc: steps must be a whole number in [0, 2**62), not {steps!r}")
        steps = int(steps)
        t, tstride = None, 0
        if target is not None:
            t = _lib.float_array(target, "target")
            if t.ndim == 1 and t.shape == (nN,):
                tstride = 0
            elif t.ndim == 2 and t.shape == (steps, nN):
                tstride = nN
            else:
                raise ValueError(f"palmc: target has shape {t.shape}: {nN} values or {steps}×{nN}")
        record = [record] if isinstance(record, str) else list(record)
        recording = bool(record) or compare
        if isinstance(every, bool) or not isinstance(every, (int, np.integer)) or not 1 <= every < 2**62:
            raise ValueError(f"palmc: every must be a whole number >= 1, not {every!r}")
        L = _lib.lib()
        if recording:
            if max_memory is not None and (isinstance(max_memory, bool) or not isinstance(max_memory, (int, np.integer))
                                           or not 1 <= max_memory < 2**63):
                raise ValueError(f"palmc: max_memory must be a number of bytes >= 1, not {max_memory!r}")
            _lib.check(L.palmc_net_record_start(h, json.dumps(record).encode(), int(every), steps, int(bool(compare)),
                                                int(max_memory or 0)))
        bar = Progress(steps, "steps") if progress else None
        done, chunk = 0, 64
        tp = _lib.as_doubles(t) if t is not None else None
        tlen = t.size if t is not None else 0
        try:
            while done < steps:
                k = min(chunk, steps - done)
                start = _time.perf_counter()
                xp = x[done:] if stride else x
                tq = t[done:] if (t is not None and tstride) else t
                err = L.palmc_net_run(h, _lib.as_doubles(xp), xp.size, stride,
                                      _lib.as_doubles(tq) if tq is not None else tp, tq.size if tq is not None else tlen,
                                      tstride, k, int(bool(learn_fw)), int(bool(learn_lat)), int(bool(learn_bw)))
                _lib.check(err)
                done += k
                if bar:
                    bar.update(done)
                # Calls of about 50 ms: Ctrl-C is seen within that.
                el = _time.perf_counter() - start
                chunk = int(max(1, min(chunk * 4, k * 0.05 / el if el > 0 else chunk * 4)))
        except errors.DivergedError as e:
            if recording:
                e.recording = self._stop_recording(h)
                self.last_recording = e.recording
            raise
        except BaseException:
            if recording:
                self.last_recording = self._stop_recording(h)
            raise
        finally:
            if bar:
                bar.close()
        if not recording:
            return Recording({}, np.zeros(0), np.zeros(0), self.dt)
        self.last_recording = self._stop_recording(h)
        return self.last_recording

    def _stop_recording(self, net):
        h = ctypes.c_uint64()
        info = ctypes.c_void_p()
        L = _lib.lib()
        _lib.check(L.palmc_net_record_stop(net, ctypes.byref(h), ctypes.byref(info)))
        series = _lib.out_json(info)
        arrays = {}
        try:
            for s in series:
                shape = (s["records"], *s["shape"])
                a = np.empty(shape, dtype=np.float64)
                _lib.check(L.palmc_record_get(h.value, s["name"].encode(), _lib.as_doubles(a), a.size))
                arrays[s["name"]] = a
        finally:
            _lib.take_string(L.palmc_close(h.value))
        step, tstep = arrays.pop("rec_step"), arrays.pop("rec_step_target")
        return Recording({k: v for k, v in arrays.items() if len(v) or k.split("/")[0] not in ("MSE", "error", "target")},
                         step, tstep, self.dt)
