"""Data sets as numpy arrays, and classification on one's own files from
Python and from a params file."""

import json
import subprocess

import numpy as np
import pytest

import palmc
from conftest import same


def test_data_equals_palmc_data(tmp_path, palmc_bin):
    subprocess.run([palmc_bin, "data", "yinyang", "--split", "test", "--size", "300", "--seed", "9876545",
                    "--out", str(tmp_path / "yy.npz")], check=True, capture_output=True)
    ref = np.load(tmp_path / "yy.npz")
    x, y = palmc.data("yinyang", "test", size=300, seed=9876545)
    assert same(x, ref["x"]) and np.array_equal(y, ref["y"]) and y.dtype == np.int64
    x, y = palmc.data("bars", "validation")
    assert x.shape == (60, 9) and set(y) == {0, 1, 2}


@pytest.mark.parametrize("kw, exc, words", [
    (dict(name="nope"), palmc.DataError, "not a data set"),
    (dict(name="yinyang", split="dev"), ValueError, "not a split"),
    (dict(name="yinyang", size=0), ValueError, "size"),
    (dict(name="bars", size=10), palmc.DataError, "multiple of 3"),
    (dict(name="yinyang", seed=-1), palmc.DataError, "Seed"),
    (dict(name="bars", noise=float("nan")), ValueError, "finite"),
    (dict(name="mnist", dir="/nonexistent"), palmc.DataError, "nonexistent"),
    (dict(name="files"), ValueError, "needs files"),
])
def test_data_bad(kw, exc, words):
    with pytest.raises(exc, match=words):
        palmc.data(**kw)


def own_files(tmp_path, n=(90, 30, 30)):
    """A small 2-input, 2-class data set of one's own: which input is
    larger."""
    rs = np.random.RandomState(0)
    paths = []
    for split, size in zip(("train", "validation", "test"), n):
        x = rs.uniform(0, 1, size=(size, 2))
        y = (x[:, 1] > x[:, 0]).astype(np.int64)
        paths.append(palmc.save_data(tmp_path / f"{split}.npz", x, y))
    return paths


def classify_params(files):
    p = palmc.params("yinyang-bp")
    for k in ("dataset_seeds", "dataset_sizes", "dataset_dir"):
        p.pop(k, None)
    return dict(p, dataset="files", dataset_files=[str(f) for f in files], layers=[2, 6, 2], epochs=2,
                random_seed=[1], rec_per_steps=1000, eta_fw=[p["eta_fw"][0], p["eta_fw"][1]])


def test_own_files_roundtrip(tmp_path):
    files = own_files(tmp_path)
    x, y = palmc.data("files", "validation", files=files)
    ref = np.load(files[1])
    assert same(x, ref["x"]) and np.array_equal(y, ref["y"])
    x, y = palmc.data("files", "train", size=10, files=files)
    assert x.shape == (10, 2)


def test_classify_own_files_python_and_cli(tmp_path, palmc_bin):
    files = own_files(tmp_path)
    p = classify_params(files)
    run = palmc.run(p, "classify", out=tmp_path / "py", quiet=True, no_plots=True)
    acc = run.results["seed1/val_accuracy"]
    assert acc.shape == (3,) and run.results["seed1/test_prediction"].shape == (30,)
    # the same params file with the CLI, from another folder: the same numbers
    (tmp_path / "cli").mkdir()
    (tmp_path / "cli/params.json").write_text(json.dumps(p))
    subprocess.run([palmc_bin, "run", "--params", str(tmp_path / "cli"), "--task", "classify", "--quiet",
                    "--no-plots"], check=True, cwd="/")
    cli = palmc.load(tmp_path / "cli")
    assert same(cli.results["seed1/val_accuracy"], acc)
    assert same(cli.results["seed1/final_WPP/0"], run.results["seed1/final_WPP/0"])


def test_own_files_bad(tmp_path):
    files = own_files(tmp_path)
    p = classify_params(files)
    with pytest.raises(palmc.ParamsError, match=r"layers\[0\].*must be 2"):
        palmc.params(dict(p, layers=[3, 6, 2]), "classify")
    with pytest.raises(palmc.ParamsError, match="dataset_files"):
        palmc.params(dict(p, dataset_files=files[:2]), "classify")
    with pytest.raises(palmc.ParamsError, match="no such file"):
        palmc.params(dict(p, dataset_files=[str(tmp_path / "none.npz")] * 3), "classify")
    with pytest.raises(palmc.ParamsError, match=r"dataset_sizes\[2\].*has 30 samples"):
        palmc.params(dict(p, dataset_sizes=[0, 0, 31]), "classify")
    np.savez(tmp_path / "bad.npz", x=np.zeros((3, 2)), y=np.zeros(4, dtype=np.int64))
    with pytest.raises(palmc.ParamsError, match="3 samples, y 4 labels"):
        palmc.params(dict(p, dataset_files=[str(tmp_path / "bad.npz")] + [str(f) for f in files[1:]]), "classify")
    np.savez(tmp_path / "nokeys.npz", a=np.zeros(3))
    with pytest.raises(palmc.ParamsError, match="needs the keys x"):
        palmc.params(dict(p, dataset_files=[str(tmp_path / "nokeys.npz")] * 3), "classify")
    (tmp_path / "text.npz").write_text("not a zip")
    with pytest.raises(palmc.ParamsError, match="not an npz file"):
        palmc.params(dict(p, dataset_files=[str(tmp_path / "text.npz")] * 3), "classify")
    with pytest.raises(palmc.ParamsError, match="leave dataset_files out"):
        palmc.params(dict(palmc.params("yinyang-bp"), dataset_files=files), "classify")


def test_save_data_bad(tmp_path):
    with pytest.raises(ValueError, match="samples × inputs"):
        palmc.save_data(tmp_path / "a.npz", np.zeros(3), np.zeros(3))
    with pytest.raises(ValueError, match="finite"):
        palmc.save_data(tmp_path / "a.npz", np.full((3, 2), np.nan), np.zeros(3))
    with pytest.raises(ValueError, match="one label per sample"):
        palmc.save_data(tmp_path / "a.npz", np.zeros((3, 2)), np.zeros(2))
    with pytest.raises(ValueError, match=">= 0"):
        palmc.save_data(tmp_path / "a.npz", np.zeros((3, 2)), -np.ones(3))
    with pytest.raises(ValueError, match="whole-number"):
        palmc.save_data(tmp_path / "a.npz", np.zeros((3, 2)), np.full(3, 0.5))
    assert not (tmp_path / "a.npz").exists()
