"""Whole runs with the palmc command, and run folders read back."""

import datetime
import json
import os
import pathlib
import signal
import subprocess
import sys
import tempfile
import threading

import numpy as np

from . import _lib, errors
from .params import TASKS, check, source
from .progress import Progress

TEXT_KEYS = ("run_id", "provenance", "options", "params")


def palmc_output(args):
    """Runs ``palmc ARGS`` and returns its standard output; a failure
    raises RunError with palmc's message."""
    p = subprocess.run([str(_lib.binary_path()), *args], capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if p.returncode != 0:
        raise errors.RunError(p.stderr.strip() or f"palmc {' '.join(args)}: exit code {p.returncode}", p.returncode)
    return p.stdout


def run(params, task, out=None, compare_bp=False, quiet=False, resume=False, restart=False, workers=None,
        shared_input=False, no_plots=False, checkpoint_every=None, max_memory=None):
    """Runs a task into a run folder with ``palmc run`` and loads it.

    Parameters
    ----------
    params : dict, str or path
        As :func:`palmc.params` takes them: a dict, a params file (or a
        folder holding ``params.json``) or an experiment name. They are
        checked before anything runs.
    task : {"bw_only", "fw_bw", "classify"}
    out : str or path, optional
        The run folder. By default the folder of a params file, else a new
        folder ``palmc-<task>-<date>-<time>`` in the current directory.
    compare_bp : bool
        Record the angles to backprop (``--compare BP``).
    quiet : bool
        No progress bar.
    resume : bool
        Go on with the unfinished run of ``out`` (``--resume``).
    restart : bool
        Discard the unfinished run of ``out`` and start anew.
    workers, shared_input, no_plots, checkpoint_every, max_memory
        The ``palmc run`` options of the same names.

    Returns
    -------
    Run
        The run folder, loaded.

    Raises
    ------
    ParamsError
        Bad params (nothing is run).
    KeyboardInterrupt
        Ctrl-C: palmc saves the run to ``checkpoint.npz`` in the folder, as
        Ctrl-C does to ``palmc run``; ``run(..., out=folder, resume=True)``
        goes on. A second Ctrl-C stops palmc at once.
    RunError
        palmc failed (its message; a run with a diverged network too: the
        folder holds the results, ``palmc.load(e.folder)`` reads them).

    Examples
    --------
    >>> p = dict(palmc.params("example"), epochs=1, random_seed=[1])
    >>> run = palmc.run(p, "bw_only", out="ex1", compare_bp=True, quiet=True)
    >>> run.results["seed1/BPP/0"].shape          # records, rows, columns
    (20, 20, 10)
    >>> t, epoch, angle = run.series("angle_WPPT_BPP", "seed1", 0)
    >>> t[-1], epoch[-1]
    (200.0, 1.0)
    >>> palmc.load("ex1").summary["networks"][0]["status"]
    'ok'
    """
    if task not in TASKS:
        raise ValueError(f"palmc: unknown task {task!r} (bw_only, fw_bw or classify)")
    args = ["run", "--task", task]
    tmp = None
    if resume:
        if out is None:
            raise ValueError("palmc: resume needs out, the run folder to go on with")
        folder = pathlib.Path(out)
        args = ["run", "--resume", str(folder)]
    else:
        p, _, _ = check(params, task)
        if source(params)[0] == "file" and out is None:
            src = pathlib.Path(params)
            folder = src if src.is_dir() else src.parent
            args += ["--params", str(src)]
        else:
            if out is None:
                out = f"palmc-{task}-{datetime.datetime.now():%Y%m%d-%H%M%S}"
            folder = pathlib.Path(out)
            tmp = tempfile.NamedTemporaryFile("w", suffix=".json", prefix="palmc-params-", delete=False)
            with tmp:
                if isinstance(params, dict) or source(params)[0] == "experiment":
                    json.dump(p if not isinstance(params, dict) else _absolute_files(params), tmp, indent=4)
                else:
                    tmp.write(pathlib.Path(source(params)[1]).read_text())
            args += ["--params", tmp.name, "--out", str(folder)]
        if restart:
            args.append("--restart")
    if compare_bp and not resume:
        args += ["--compare", "BP"]
    if workers is not None:
        args += ["--workers", str(int(workers))]
    if shared_input and not resume:
        args.append("--shared-input")
    if no_plots:
        args.append("--no-plots")
    if checkpoint_every is not None:
        args += ["--checkpoint-every", str(checkpoint_every)]
    if max_memory is not None:
        args += ["--max-memory", str(max_memory)]
    args.append("--quiet" if quiet else "--progress-json")
    try:
        code, message = _watch(args, quiet)
    except KeyboardInterrupt as e:
        if (folder / "checkpoint.npz").exists():
            hint = f"palmc.run(None, {task!r}, out={str(folder)!r}, resume=True) goes on"
            print(f"palmc: {hint}", file=sys.stderr, flush=True)
            raise KeyboardInterrupt(f"{e}; {hint}") from None
        raise
    finally:
        if tmp is not None:
            os.unlink(tmp.name)
    if code == 0 and message and not quiet:
        # What palmc run says at its end (what it wrote, its warnings).
        print(message, file=sys.stderr, flush=True)
    if code != 0:
        if tmp is not None:
            message = message.replace(tmp.name, "the params given")
        if "--resume" in message:
            message += f" (from Python: palmc.run(None, {task!r}, out={str(folder)!r}, resume=True), or restart=True)"
        raise errors.RunError(message or f"palmc run: exit code {code}", code, str(folder))
    return load(folder)


def _absolute_files(p):
    """p with dataset_files and dataset_dir made absolute, so that palmc
    finds them from the run folder's side."""
    p = dict(p)
    if isinstance(p.get("dataset_files"), list):
        p["dataset_files"] = [os.path.abspath(f) if isinstance(f, str) else f for f in p["dataset_files"]]
    if isinstance(p.get("dataset_dir"), str) and p["dataset_dir"]:
        p["dataset_dir"] = os.path.abspath(p["dataset_dir"])
    return p


def _watch(args, quiet):
    """Runs palmc with args, showing its progress; returns its exit code and
    its messages. Ctrl-C is handed to palmc once (it checkpoints), then
    KeyboardInterrupt is raised when palmc has stopped."""
    proc = subprocess.Popen([str(_lib.binary_path()), *args], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            # Out of the terminal's process group: a Ctrl-C reaches Python
                            # only, which hands palmc exactly one SIGINT.
                            start_new_session=True)
    # A watchdog sends palmc one SIGTERM (it saves its checkpoint and stops)
    # if Python dies: it waits for the end of a pipe that only Python holds.
    # (A parent-death signal would come once per thread of this process.)
    r, w = os.pipe()
    try:
        watchdog = subprocess.Popen(["/bin/sh", "-c", f"read _; kill -TERM {proc.pid} 2>/dev/null"], stdin=r,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError:
        watchdog = None
    os.close(r)
    try:
        return _follow(proc, quiet)
    finally:
        if watchdog is not None:
            watchdog.kill()
            watchdog.wait()
        os.close(w)


def _follow(proc, quiet):
    """Shows palmc's progress until it ends; see _watch."""
    lines, nets = [], {}
    bar = None

    def read_err():
        nonlocal bar
        for line in proc.stderr:
            if line.startswith('{"progress"'):
                try:
                    p = json.loads(line)["progress"]
                except ValueError:
                    continue
                nets[p["name"]] = p
                if not quiet:
                    total = sum(n["steps"] for n in nets.values())
                    done = sum(n["step"] for n in nets.values())
                    if bar is None:
                        bar = Progress(total, "steps", label="palmc run")
                    bar.total = max(total, 1)
                    bar.update(done, note=f"({len(nets)} networks)")
            else:
                lines.append(line)

    def read_out():
        for line in proc.stdout:
            lines.append(line)

    threads = [threading.Thread(target=read_err, daemon=True), threading.Thread(target=read_out, daemon=True)]
    for t in threads:
        t.start()
    interrupted = False
    while True:
        try:
            code = proc.wait()
            break
        except KeyboardInterrupt:
            # First: palmc finishes its step and saves the checkpoint;
            # a second Ctrl-C stops it at once, as in a terminal.
            interrupted = True
            try:
                proc.send_signal(signal.SIGINT)
            except ProcessLookupError:
                pass
    for t in threads:
        t.join(timeout=5)
    if bar is not None:
        bar.close()
    message = "".join(lines).strip()
    if interrupted:
        if message and not quiet:
            print(message, file=sys.stderr, flush=True)
        raise KeyboardInterrupt(f"palmc run interrupted: {message}")
    return code, message


def _text_of(a):
    return bytes(np.asarray(a, dtype=np.uint8)).decode("utf-8")


class Run:
    """A run folder, read: ``palmc.load(folder)``.

    Attributes
    ----------
    folder : pathlib.Path
    results : dict
        The arrays of results.npz by their keys (``"seed123/MSE"``,
        ``"seed123/WPP/0"``, ``"seed123/rec_time"``, ...); the text entries
        (``params``, ``provenance``, ``options``, ``run_id``) as str.
    summary : dict
        summary.json (``"NaN"`` and ``"Infinity"`` as floats).
    params : dict
        The params of the run.
    """

    def __init__(self, folder):
        self.folder = pathlib.Path(folder)
        if not self.folder.is_dir():
            raise FileNotFoundError(f"palmc: no run folder {str(self.folder)!r}")
        res = self.folder / "results.npz"
        if not res.exists():
            hint = " (an unfinished run: its checkpoint.npz is there; palmc.run(..., out=folder, resume=True) goes on)" \
                if (self.folder / "checkpoint.npz").exists() else ""
            raise FileNotFoundError(f"palmc: {res} does not exist{hint}")
        self.results = {}
        with np.load(res, allow_pickle=False) as z:
            for k in z.files:
                a = z[k]
                self.results[k] = _text_of(a) if k in TEXT_KEYS else a
        summ = self.folder / "summary.json"
        self.summary = json.loads(summ.read_text(), parse_constant=float) if summ.exists() else {}
        _nonfinite(self.summary)
        self.params = json.loads(self.results["params"]) if "params" in self.results else {}
        self._model = None

    def __repr__(self):
        return f"<palmc.Run {str(self.folder)!r}: {self.summary.get('task', '?')}, {len(self.networks)} networks>"

    @property
    def networks(self):
        """The networks' names, teacher first (``"teacher"``, ``"seed123"``, ...)."""
        return [n["name"] for n in self.summary.get("networks", [])] or sorted(
            {k.split("/")[0] for k in self.results if "/" in k})

    @property
    def model(self):
        """model.npz's arrays by key (the final state of every network)."""
        if self._model is None:
            with np.load(self.folder / "model.npz", allow_pickle=False) as z:
                self._model = {k: z[k] for k in z.files}
        return self._model

    def series(self, var, net=None, layer=None):
        """One recorded series with its time axes.

        Returns (time in ms, epoch, values) of ``<net>/<var>[/<layer>]``;
        ``net`` defaults to the first student. ``MSE``, ``error`` and
        ``target`` take the times of the records with a target.
        """
        net = net or next(n for n in self.networks if n != "teacher")
        key = f"{net}/{var}" if layer is None else f"{net}/{var}/{layer}"
        if key not in self.results:
            have = sorted({k.split("/", 1)[1] for k in self.results if k.startswith(net + "/")})
            raise KeyError(f"palmc: no {key} in {self.folder}/results.npz (it has for {net}: {', '.join(have)})")
        tgt = var.split("/")[0] in ("MSE", "error", "target")
        suffix = "_target" if tgt else ""
        return (self.results[f"{net}/rec_time{suffix}"], self.results[f"{net}/rec_epoch{suffix}"], self.results[key])

    def frame(self, var, layer=None):
        """A series of every network as a pandas DataFrame: one row per
        network and record (``net``, ``time_ms``, ``epoch``), one column
        per entry."""
        import pandas as pd
        parts = []
        for net in self.networks:
            try:
                t, e, v = self.series(var, net, layer)
            except KeyError:
                continue
            flat = v.reshape(len(v), -1)
            cols = [var] if v.ndim == 1 else [",".join(map(str, ix)) for ix in np.ndindex(*v.shape[1:])]
            df = pd.DataFrame(flat, columns=cols)
            df.insert(0, "epoch", e.astype(int))
            df.insert(0, "time_ms", t)
            df.insert(0, "net", net)
            parts.append(df)
        if not parts:
            raise KeyError(f"palmc: no network of {self.folder} recorded {var}")
        return pd.concat(parts, ignore_index=True)


def _nonfinite(x):
    """Turns summary.json's "NaN", "Infinity" and "-Infinity" into floats,
    in place."""
    conv = {"NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf")}
    items = x.items() if isinstance(x, dict) else enumerate(x) if isinstance(x, list) else ()
    for k, v in list(items):
        if isinstance(v, str) and v in conv:
            x[k] = conv[v]
        elif isinstance(v, (dict, list)):
            _nonfinite(v)


def load(folder):
    """Reads a run folder: results.npz, summary.json, and model.npz on
    demand. Returns a :class:`Run`."""
    return Run(folder)
