"""palmc.run and palmc.load: whole runs with the palmc command, progress,
Ctrl-C and resume, run and sweep folders read back."""

import json
import signal
import subprocess
import time

import numpy as np
import pytest

import palmc
from conftest import run_script, same


def test_run_and_load(tmp_path, example):
    p = dict(example, random_seed=[1, 2], epochs=3)
    run = palmc.run(p, "bw_only", out=tmp_path / "r", compare_bp=True, quiet=True)
    assert run.networks == ["seed1", "seed2"]
    assert run.summary["task"] == "bw_only" and run.summary["compare"] == "BP"
    t, e, a = run.series("angle_WPPT_BPP", "seed2", 0)
    assert len(t) == len(e) == len(a) > 0 and e[-1] == 3
    assert run.params["epochs"] == 3 and isinstance(run.results["provenance"], str)
    df = run.frame("BPP", 0)
    assert set(df["net"]) == {"seed1", "seed2"} and "0,0" in df.columns
    assert run.model["seed1/BPP/0"].shape == (20, 10)
    again = palmc.load(tmp_path / "r")
    assert same(again.results["seed1/BPP/0"], run.results["seed1/BPP/0"])
    with pytest.raises(KeyError, match="no seed1/nope"):
        run.series("nope", "seed1")


def test_run_equals_cli(tmp_path, example, palmc_bin):
    p = dict(example, random_seed=[4], epochs=2)
    (tmp_path / "cli").mkdir()
    (tmp_path / "cli/params.json").write_text(json.dumps(p))
    subprocess.run([palmc_bin, "run", "--params", str(tmp_path / "cli"), "--task", "bw_only", "--quiet", "--no-plots"],
                   check=True)
    cli = palmc.load(tmp_path / "cli")
    py = palmc.run(p, "bw_only", out=tmp_path / "py", quiet=True, no_plots=True)
    for k, v in cli.results.items():
        if isinstance(v, np.ndarray) and v.dtype == np.float64:
            assert same(v, py.results[k]), k


def test_params_file_runs_in_its_folder(tmp_path, example):
    d = tmp_path / "r"
    d.mkdir()
    (d / "params.json").write_text(json.dumps(dict(example, random_seed=[1], epochs=1)))
    run = palmc.run(d / "params.json", "bw_only", quiet=True, no_plots=True)
    assert run.folder == d and (d / "results.npz").exists()


def test_bad_params_run_nothing(tmp_path, example):
    with pytest.raises(palmc.ParamsError, match="eta_bw"):
        palmc.run(dict(example, eta_bw="fast"), "bw_only", out=tmp_path / "r")
    assert not (tmp_path / "r").exists()
    with pytest.raises(ValueError, match="unknown task"):
        palmc.run(example, "fw_only", out=tmp_path / "r")
    with pytest.raises(palmc.ParamsError, match="init_teacher"):
        palmc.run({k: v for k, v in example.items() if not k.startswith("init_teacher")}, "fw_bw", out=tmp_path / "r")


def test_second_run_into_folder_refused(tmp_path, example):
    """A folder with an unfinished run is not overwritten (palmc's refusal,
    as an exception), and a busy folder neither."""
    p = dict(example, random_seed=[1], epochs=1)
    palmc.run(p, "bw_only", out=tmp_path / "r", quiet=True, no_plots=True)
    with pytest.raises(palmc.RunError) as e:
        palmc.run(dict(p, epochs=2), "bw_only", out=tmp_path / "r", quiet=True, no_plots=True)
    assert e.value.returncode == 2 and "differs from the params given" in str(e.value)


def test_load_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="no run folder"):
        palmc.load(tmp_path / "none")
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match="results.npz"):
        palmc.load(tmp_path / "empty")
    with pytest.raises(FileNotFoundError, match="not a sweep folder"):
        palmc.load_sweep(tmp_path / "empty")


def started(folder):
    """Waits until palmc runs in folder (its lock file is there), and a
    second more, so that its networks step."""
    for _ in range(600):
        if (folder / ".palmc.lock").exists():
            time.sleep(1.5)
            return
        time.sleep(0.1)
    raise AssertionError(f"palmc did not start in {folder}")


def test_ctrl_c_checkpoints_and_resume(tmp_path, example):
    """Ctrl-C in palmc.run: palmc saves the checkpoint, Python gets
    KeyboardInterrupt; resume=True finishes the run with the numbers of an
    uninterrupted one."""
    p = dict(example, random_seed=[7], epochs=300, rec_per_steps=10000)
    (tmp_path / "p.json").write_text(json.dumps(p))
    code = f"""
import palmc, json
print("start", flush=True)
try:
    palmc.run(json.load(open({str(tmp_path / 'p.json')!r})), "bw_only", out={str(tmp_path / 'r')!r}, no_plots=True)
    print("finished")
except KeyboardInterrupt as e:
    print("interrupted")
"""
    proc = run_script(code)
    assert proc.stdout.readline().strip() == "start"
    started(tmp_path / "r")
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert out.strip() == "interrupted", out + err
    assert (tmp_path / "r/checkpoint.npz").exists() and not (tmp_path / "r/results.npz").exists()
    with pytest.raises(FileNotFoundError, match="unfinished run"):
        palmc.load(tmp_path / "r")
    resumed = palmc.run(None, "bw_only", out=tmp_path / "r", resume=True, quiet=True, no_plots=True)
    assert len(resumed.summary["segments"]) == 2
    whole = palmc.run(p, "bw_only", out=tmp_path / "w", quiet=True, no_plots=True)
    for key in ("seed7/BPP/0", "seed7/final_BPP/2", "seed7/vbas/1"):
        assert same(resumed.results[key], whole.results[key]), key


def test_progress_json(tmp_path, example, palmc_bin):
    (tmp_path / "r").mkdir()
    (tmp_path / "r/params.json").write_text(json.dumps(dict(example, random_seed=[1], epochs=2)))
    p = subprocess.run([palmc_bin, "run", "--params", str(tmp_path / "r"), "--task", "bw_only", "--no-plots",
                        "--progress-json"], capture_output=True, text=True, check=True)
    lines = [json.loads(l)["progress"] for l in p.stderr.splitlines() if l.startswith('{"progress"')]
    assert lines[-1] == {"name": "seed1", "epoch": 2, "epochs": 2, "step": 30000, "steps": 30000, "done": True}


def test_sweep(tmp_path, example, palmc_bin):
    base = dict(example, epochs=2)
    (tmp_path / "base.json").write_text(json.dumps(base))
    (tmp_path / "sweep.json").write_text(json.dumps({
        "base": "base.json", "task": "bw_only", "flags": ["--compare", "BP", "--no-plots"],
        "grid": {"eta_bw": [[10, 10, 10], [50, 50, 50]]}, "seeds": [1, 2]}))
    for args in (["init", str(tmp_path / "sweep.json"), str(tmp_path / "s")], ["run", str(tmp_path / "s")],
                 ["gather", str(tmp_path / "s")]):
        subprocess.run([palmc_bin, "sweep", *args], check=True, capture_output=True)
    s = palmc.load_sweep(tmp_path / "s")
    assert len(s) == 4 and len(s.table) == 4 and "final_angle_WPPT_BPP_0" in s.table.columns
    c = s.curves("angle_WPPT_BPP", 0)
    assert set(c["cell"]) == {0, 1, 2, 3} and set(c["eta_bw"]) == {"[10 10 10]", "[50 50 50]"}
    assert set(c["seed"]) == {1, 2} and c["angle_WPPT_BPP"].notna().all()
    assert s.cell(0).summary["task"] == "bw_only"


def test_python_killed_checkpoints(tmp_path, example):
    """Python killed (SIGKILL) during palmc.run: palmc is told (SIGTERM),
    saves its checkpoint and stops, and the run resumes."""
    p = dict(example, random_seed=[7], epochs=300, rec_per_steps=10000)
    (tmp_path / "p.json").write_text(json.dumps(p))
    code = f"""
import palmc, json
print("start", flush=True)
palmc.run(json.load(open({str(tmp_path / 'p.json')!r})), "bw_only", out={str(tmp_path / 'r')!r}, no_plots=True, quiet=True)
"""
    proc = run_script(code)
    assert proc.stdout.readline().strip() == "start"
    started(tmp_path / "r")
    proc.kill()
    proc.wait()
    for _ in range(100):
        if (tmp_path / "r/checkpoint.npz").exists() and not subprocess.run(
                ["pgrep", "-f", str(tmp_path / "r")], capture_output=True).stdout:
            break
        time.sleep(0.2)
    assert (tmp_path / "r/checkpoint.npz").exists()
    run = palmc.run(None, "bw_only", out=tmp_path / "r", resume=True, quiet=True, no_plots=True)
    assert run.summary["networks"][0]["status"] == "ok"
