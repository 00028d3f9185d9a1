"""A Network stepped from Python gives the numbers of palmc run bit for bit:
the golden cases, driven as the tasks drive their networks (docs/model.md
§6), against the CLI's results.npz."""

import json

import numpy as np
import pytest

import palmc
from conftest import ROOT, same

CASES = sorted(p.name for p in (ROOT / "params/testdata/golden").iterdir())


def drive(p, task, compare):
    """Runs the task of p with palmc.Network as palmc run does, and returns
    per student the recordings (joined) and the final networks."""
    hold = round(p["Tpres"] / p["dt"])
    settle = round(p["settling_time"] / p["dt"])
    n0, N = p["layers"][0], len(p["layers"]) - 1
    seeds = p["random_seed"]
    rec = [k[4:] for k, v in p.items() if k.startswith("rec_") and k != "rec_per_steps" and v is True]
    every = p["rec_per_steps"]
    targets = None
    if task == "fw_bw":
        ts = palmc.teacher_seed(seeds[0])
        rows = np.random.RandomState(ts).uniform(0, 1, size=(p["dataset_size"], n0))
        with palmc.Network(p, ts, task="fw_bw", teacher=True) as t:
            t.run(np.repeat(rows, hold, axis=0)[:settle])
            targets = []
            for r in rows:
                t.run(r, steps=hold - 1)
                targets.append(t.get("uP_breve", N - 1))
                t.step(r)
        targets = np.array(targets)
    else:
        rows = np.random.RandomState(seeds[0]).uniform(0, 1, size=(p["dataset_size"], n0))
    out = {}
    for s in seeds:
        net = palmc.Network(p, s, task=task)
        parts = [net.run(np.repeat(rows, hold, axis=0)[:settle], record=rec, every=every, compare=compare)]
        order = np.arange(len(rows))
        for _ in range(p["epochs"]):
            net.shuffle(order)
            x = np.repeat(rows[order], hold, axis=0)
            tg = np.repeat(targets[order], hold, axis=0) if targets is not None else None
            parts.append(net.run(x, target=tg, learn_fw=targets is not None, learn_lat=True, learn_bw=True,
                                 record=rec, every=every, compare=compare))
        joined = {k: np.concatenate([r[k] for r in parts if k in r]) for k in set().union(*parts)}
        out[s] = (joined, net)
    return out


@pytest.mark.parametrize("case", CASES)
def test_golden_bit_for_bit(case, tmp_path):
    c = json.loads((ROOT / "testdata/golden" / case / "case.json").read_text())
    p = json.loads((ROOT / "params/testdata/golden" / case / "params.json").read_text())
    run = palmc.run(p, c["task"], out=tmp_path / "run", compare_bp=c["compare"], quiet=True, no_plots=True)
    got = drive(palmc.params(p, c["task"]), c["task"], c["compare"])
    compared = 0
    for s, (rec, net) in got.items():
        net_keys = [k for k in run.results if k.startswith(f"seed{s}/")]
        for key in net_keys:
            name = key.split("/", 1)[1]
            if name.startswith("final_"):
                var, layer = name[len("final_"):].rsplit("/", 1)
                assert same(run.results[key], net.get(var, int(layer))), key
                compared += 1
            elif name in rec:
                assert same(run.results[key], rec[name]), key
                compared += 1
        recorded = {k.split("/", 1)[1] for k in net_keys}
        assert set(rec) <= recorded, set(rec) - recorded
        net.close()
    assert compared > 10


def test_golden_detects_a_difference(tmp_path):
    """The comparison can fail: one flipped bit in a weight is seen."""
    case = "pal_fw_tiny"
    c = json.loads((ROOT / "testdata/golden" / case / "case.json").read_text())
    p = json.loads((ROOT / "params/testdata/golden" / case / "params.json").read_text())
    run = palmc.run(p, c["task"], out=tmp_path / "run", quiet=True, no_plots=True)
    s = p["random_seed"][0]
    a = run.results[f"seed{s}/WPP/0"].copy()
    a.view(np.int64)[-1] ^= 1
    assert not same(run.results[f"seed{s}/WPP/0"], a)
