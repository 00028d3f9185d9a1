"""palmc.Network: state by name, stepping, recording, and every kind of bad
input giving a clear exception that leaves the network as it was."""

import signal
import time

import numpy as np
import pytest

import palmc
from palmc import _lib
from conftest import run_script, same


@pytest.fixture
def net(example):
    with palmc.Network(example, 123) as n:
        yield n


def test_initial_state_is_palmc_runs(tmp_path, example):
    """The network is built as palmc run builds its students: its first
    record (after 10 settling steps) is the same, bit for bit."""
    p = dict(example, random_seed=[123], epochs=1, dataset_size=5, settling_time=1, rec_per_steps=10, rec_uP=True)
    run = palmc.run(p, "bw_only", out=tmp_path / "r", quiet=True, no_plots=True)
    net = palmc.Network(p, 123)
    rows = np.random.RandomState(123).uniform(0, 1, size=(p["dataset_size"], 5))
    net.run(rows[0], steps=10)
    for j in range(4):
        assert same(run.results[f"seed123/WPP/{j}"][0], net.get("WPP", j))
        assert same(run.results[f"seed123/uP/{j}"][0], net.get("uP", j))


def test_get_set_roundtrip(net):
    w = net.get("BPP", 1)
    assert w.shape == (10, 20)
    w2 = w * 0.5
    net.set("BPP", 1, w2)
    assert same(net.get("BPP", 1), w2)
    g = net.get("BPP", 1)
    g[:] = 7  # a copy: the network is not changed
    assert same(net.get("BPP", 1), w2)
    assert [a.shape for a in net.get("uP")] == [(20,), (10,), (20,), (5,)]
    assert net.get("r0").shape == (5,)
    net.set("noise", 0, np.ones(20))
    assert same(net.get("noise", 0), np.ones(20))


@pytest.mark.parametrize("args, exc, words", [
    (("nope", 0), KeyError, "no state variable 'nope'"),
    (("WPP", 9), IndexError, "layers 0 to 3"),
    (("WPP", None), None, None),
    (("WPP", "0"), TypeError, "integer"),
    ((3, 0), TypeError, "string"),
])
def test_get_bad(net, args, exc, words):
    if exc is None:
        assert len(net.get(*args)) == 4
        return
    with pytest.raises(exc, match=words):
        net.get(*args)


@pytest.mark.parametrize("value, exc, words", [
    (np.zeros((5, 20)), ValueError, r"shape \(20, 5\), not \(5, 20\)"),
    (np.full((20, 5), np.nan), ValueError, "NaN; the state must be finite"),
    (np.full((20, 5), np.inf), ValueError, r"\+Inf"),
    (np.array([["a"] * 5] * 20), TypeError, "not a real number type"),
    ([[1, 2], [3]], TypeError, "not an array of numbers"),
])
def test_set_bad_leaves_state(net, value, exc, words):
    before = net.get("WPP", 0)
    with pytest.raises(exc, match=words):
        net.set("WPP", 0, value)
    assert same(net.get("WPP", 0), before)


def test_run_bad_inputs(net):
    x = np.random.rand(10, 5)
    with pytest.raises(ValueError, match="rows of 5 inputs"):
        net.run(np.zeros((10, 4)))
    with pytest.raises(ValueError, match="give steps"):
        net.run(np.zeros(5))
    with pytest.raises(ValueError, match="steps is 3"):
        net.run(x, steps=3)
    bad = x.copy()
    bad[4, 2] = np.nan
    with pytest.raises(ValueError, match=r"step 4, entry 2\) is NaN"):
        net.run(bad)
    with pytest.raises(ValueError, match="target has shape"):
        net.run(x, target=np.zeros(3))
    with pytest.raises(ValueError, match="every must be"):
        net.run(x, record=["uP"], every=0)
    with pytest.raises(ValueError, match="unknown variable"):
        net.run(x, record=["nope"])
    with pytest.raises(TypeError):
        net.run(x.astype(complex))
    assert net.steps == 0  # nothing ran
    net.run(x.astype(np.float32))  # other float types are converted
    assert net.steps == 10


def test_run_equals_steps_and_clone(example):
    """T steps in one call, T calls of one step and a clone all give the
    same bits; the recording is that of palmc run's recorder."""
    x = np.random.RandomState(1).rand(300, 5)
    a = palmc.Network(example, 5)
    b = a.clone()
    ra = a.run(x, learn_lat=True, learn_bw=True, record=["uP", "BPP", "noise"], every=7, compare=True)
    for row in x:
        b.step(row, learn_lat=True, learn_bw=True)
    for name in ("uP", "BPP", "noise", "vapi_noise", "rP_breve_HI"):
        for i in range(len(a.get(name))):
            assert same(a.get(name, i), b.get(name, i)), name
    assert len(ra["uP/0"]) == 300 // 7 and list(ra.step[:3]) == [7, 14, 21]
    assert np.allclose(ra.time, ra.step * example["dt"])
    assert "angle_WPPT_BPP/0" in ra and ra["BPP/1"].shape == (42, 10, 20)
    assert same(ra["uP/3"][-1], a.last_recording["uP/3"][-1])


def test_target_and_mse(tiny):
    net = palmc.Network(tiny, 123, task="fw_bw")
    x = np.full((100, 1), 0.3)
    r = net.run(x, record=["MSE", "uP"], every=10)
    assert "MSE" not in r and len(r["uP/0"]) == 10
    r = net.run(x, target=np.array([0.5]), learn_fw=True, record=["MSE", "target"], every=10)
    assert r["MSE"].shape == (10,) and np.all(r["target/0"] == 0.5)
    assert list(r.step_target) == list(r.step)
    df = r.frame("MSE")
    assert list(df.index[:2]) == [pytest.approx(1.1), pytest.approx(1.2)]


def test_diverged(tiny):
    net = palmc.Network(tiny, 123, task="fw_bw")
    net.set("WPP", 0, np.array([[1e300]]))
    with pytest.raises(palmc.DivergedError) as e:
        net.run(np.full((50, 1), 1.0), record=["uP"], every=1)
    assert e.value.step >= 1 and e.value.variables
    assert len(e.value.recording["uP/0"]) == e.value.step - 1 or len(e.value.recording["uP/0"]) == e.value.step
    assert net.steps == e.value.step


def test_closed(example):
    net = palmc.Network(example, 1)
    net.close()
    net.close()  # twice is fine
    for f in (lambda: net.get("WPP", 0), lambda: net.step(np.zeros(5)), lambda: net.steps, net.clone):
        with pytest.raises(palmc.ClosedError):
            f()
    assert "closed" in repr(net)


def test_params_errors(example):
    with pytest.raises(palmc.ParamsError) as e:
        palmc.Network(dict(example, eta_bw=[1, -1, 1], layers=[5, 0]), 1)
    assert "eta_bw" in str(e.value) or "layers" in str(e.value)
    assert "layers" in e.value.fields
    with pytest.raises(palmc.ParamsError, match="tauxi"):
        palmc.Network(dict(example, tauxi=float("nan")), 1)
    with pytest.raises(ValueError, match="seed"):
        palmc.Network(example, -1)
    with pytest.raises(ValueError, match="seed"):
        palmc.Network(example, 2**32)
    with pytest.raises(TypeError):
        palmc.Network(example, 1.5)
    with pytest.raises(FileNotFoundError):
        palmc.Network("/no/such/params.json", 1)
    with pytest.raises(ValueError, match="no experiment"):
        palmc.Network("no-such-experiment", 1)
    with pytest.raises(palmc.ParamsError, match="unknown data set"):
        palmc.Network(dict(example, dataset="nope"), 1)


def test_params_sources(root, tmp_path):
    a = palmc.params("example")
    b = palmc.params(root / "experiments/example/params.json")
    c = palmc.params(root / "experiments/example")
    assert a == b == c
    assert "example" in palmc.experiments() and "yinyang-pal" in palmc.experiments()


def test_panic_is_an_exception():
    with pytest.raises(palmc.InternalError, match="Go panic"):
        _lib.check(_lib.lib().palmc_check_panic())
    # and the library goes on working
    assert palmc.params("example")["layers"][0] == 5


def test_threads_share_a_network(example):
    """Calls from several threads are serialised, none crashes."""
    import threading
    net = palmc.Network(example, 3)
    errs = []

    def work():
        try:
            for _ in range(20):
                net.run(np.full(5, 0.2), steps=200, learn_bw=True)
                net.get("BPP", 0)
        except Exception as e:  # pragma: no cover
            errs.append(e)
    ts = [threading.Thread(target=work) for _ in range(4)]
    [t.start() for t in ts]
    [t.join() for t in ts]
    assert not errs and net.steps == 4 * 20 * 200


def test_ctrl_c_in_run():
    """Ctrl-C during a long run gives KeyboardInterrupt between two steps;
    the network stays usable and says how far it came."""
    code = """
import numpy as np, palmc, sys
net = palmc.Network("example", 1)
print("ready", flush=True)
try:
    net.run(np.full(5, 0.3), steps=10**9, learn_bw=True, learn_lat=True, record=["uP"], every=1000)
except KeyboardInterrupt:
    s = net.steps
    net.step(np.zeros(5))
    print("interrupted", s, len(net.last_recording["uP/0"]), net.steps, flush=True)
"""
    p = run_script(code)
    assert p.stdout.readline().strip() == "ready"
    time.sleep(1.5)
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=60)
    assert p.returncode == 0, err
    words = out.split()
    assert words[0] == "interrupted", out + err
    steps, recs, after = map(int, words[1:])
    assert 0 < steps < 10**9 and recs == steps // 1000 and after == steps + 1


def test_too_large_is_refused(example):
    """Sizes that would not fit are refused before anything is allocated
    (a failed Go allocation would end this process)."""
    net = palmc.Network(example, 1)
    with pytest.raises(ValueError, match="record fewer variables"):
        net.run(np.zeros(5), steps=10**15, record=["WPP", "BPP"], every=1)
    with pytest.raises(ValueError, match="the memory limit given"):
        net.run(np.zeros(5), steps=1000, record=["uP"], every=1, max_memory=1000)
    assert net.steps == 0
    big = dict(example, layers=[5, 2**20, 2**20, 5], eta_fw=[0, 0, 0], eta_bw=[1, 1], eta_IP=[1, 1], eta_PI=[1, 1],
               noise_scale=[1, 1], alpha=[1, 1])
    with pytest.raises(ValueError, match="fewer or smaller layers"):
        palmc.Network(big, 1)


def test_forked_child_is_told(example):
    """A child forked after the library was loaded gets an error, not a
    hang (the Go runtime does not survive a fork)."""
    code = """
import os, palmc
palmc.params("example")
pid = os.fork()
if pid == 0:
    try:
        palmc.params("example")
        os._exit(3)
    except palmc.PalmcError as e:
        os._exit(0 if "spawn" in str(e) else 4)
_, status = os.waitpid(pid, 0)
print(os.waitstatus_to_exitcode(status))
"""
    p = run_script(code)
    out, err = p.communicate(timeout=60)
    assert out.strip() == "0", out + err


def test_close_while_running(example):
    """Closing a network that another thread steps: that thread gets
    ClosedError at its next call, nothing crashes."""
    import threading
    net = palmc.Network(example, 1)
    got = []

    def work():
        try:
            net.run(np.full(5, 0.1), steps=10**8)
        except Exception as e:
            got.append(e)
    t = threading.Thread(target=work)
    t.start()
    time.sleep(0.3)
    net.close()
    t.join(timeout=30)
    assert not t.is_alive() and isinstance(got[0], palmc.ClosedError)


def test_params_warnings(example):
    with pytest.warns(palmc.ParamsWarning, match="my_label"):
        p = palmc.params(dict(example, my_label=[1, 2, 3]))
    assert "my_label" not in p
    # A key this close to a known one is a misspelling: refused, not ignored.
    with pytest.raises(palmc.ParamsError, match='did you mean "eta_bw"'):
        palmc.params(dict(example, eta_bww=[1, 2, 3]))
    with pytest.warns(palmc.ParamsWarning, match="dataset_size is not used"):
        palmc.params(dict(palmc.params("yinyang-pal"), dataset_size=10), "classify")
