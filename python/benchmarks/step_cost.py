"""Measures what a step costs from Python (not a test: numbers to read).

- one Network.step call (a single step: the cost of a call from Python);
- Network.run of T steps in one call, per step;
- the same network's steps in palmc run (``palmc bench``: its training
  loop, per step).

Run with the Python that has palmc installed:
``python python/benchmarks/step_cost.py [experiment] [task]``
(default: the Fig. 3 network, example, bw_only).
"""

import json
import re
import subprocess
import sys
import tempfile
import time

import numpy as np

import palmc
from palmc import _lib


def main():
    name = sys.argv[1] if len(sys.argv) > 1 else "example"
    task = sys.argv[2] if len(sys.argv) > 2 else "bw_only"
    p = palmc.params(name, task)
    n0 = p["layers"][0]
    net = palmc.Network(p, p["random_seed"][0], task=task)
    row = np.full(n0, 0.5)
    # as the task trains: a target and forward learning for fw_bw
    fw = task == "fw_bw"
    tgt = np.full(p["layers"][-1], 0.5) if fw else None
    sw = dict(learn_fw=fw, learn_lat=True, learn_bw=True)
    for _ in range(1000):  # warm up
        net.step(row, target=tgt, **sw)
    calls = 20000
    t = time.perf_counter()
    for _ in range(calls):
        net.step(row, target=tgt, **sw)
    single = (time.perf_counter() - t) / calls * 1e6
    T = 500000
    x = np.random.default_rng(0).uniform(0, 1, size=(T, n0))
    t = time.perf_counter()
    net.run(x, target=tgt, **sw, record=[k[4:] for k, v in p.items()
                                                      if k.startswith("rec_") and k != "rec_per_steps" and v is True],
            every=p["rec_per_steps"])
    bulk = (time.perf_counter() - t) / T * 1e6
    with tempfile.NamedTemporaryFile("w", suffix=".json") as f:
        json.dump(p, f)
        f.flush()
        out = subprocess.run([str(_lib.binary_path()), "bench", "--params", f.name, "--task", task, "--steps", str(T)],
                             capture_output=True, text=True)
    m = re.search(r"us_per_step=([0-9.eE+-]+)", out.stdout)
    cli = float(m.group(1)) if m else float("nan")
    print(f"{name} {p['layers']} {p['model_type']}, {task}:")
    print(f"  one Network.step call from Python: {single:.2f} µs")
    print(f"  Network.run, {T} steps in one call: {bulk:.3f} µs per step")
    print(f"  palmc bench (palmc run's training loop): {cli:.3f} µs per step" if m else
          f"  palmc bench: {out.stdout}{out.stderr}")


if __name__ == "__main__":
    main()
