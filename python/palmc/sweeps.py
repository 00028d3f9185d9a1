"""Sweep folders read back: sweep.csv as a table, cells as runs, learning
curves per cell."""

import json
import pathlib

from .runs import Run


class Sweep:
    """A sweep folder (``palmc sweep init``/``run``/``gather``).

    Attributes
    ----------
    folder : pathlib.Path
    task : str
    axes : list of str
        The grid's keys.
    index : list of dict
        index.json's cells: every cell's folder (``dir``), variant, grid
        values (``values``, in the order of ``axes``) and seed.
    table : pandas.DataFrame
        sweep.csv, one row per cell (after ``palmc sweep gather``).
    summary : dict
        The gathered summary.json (per grid point, mean ± std).
    """

    def __init__(self, folder):
        self.folder = pathlib.Path(folder)
        idx = self.folder / "index.json"
        if not idx.exists():
            raise FileNotFoundError(f"palmc: {idx} does not exist: not a sweep folder (palmc sweep init makes one)")
        meta = json.loads(idx.read_text())
        self.task = meta.get("task")
        self.axes = list(meta.get("axes") or [])
        self.index = list(meta.get("cells") or [])
        self._table = None

    def __repr__(self):
        return f"<palmc.Sweep {str(self.folder)!r}: {len(self.index)} cells>"

    def __len__(self):
        return len(self.index)

    @property
    def table(self):
        if self._table is None:
            import pandas as pd
            csv = self.folder / "sweep.csv"
            if not csv.exists():
                raise FileNotFoundError(f"palmc: {csv} does not exist: palmc sweep gather {self.folder} writes it")
            self._table = pd.read_csv(csv)
        return self._table

    @property
    def summary(self):
        return json.loads((self.folder / "summary.json").read_text(), parse_constant=float)

    def cell_dir(self, i):
        """The run folder of cell ``i``."""
        return self.folder / self.index[i]["dir"]

    def cell(self, i):
        """Cell ``i``'s run folder, loaded (:class:`Run`)."""
        return Run(self.cell_dir(i))

    def curves(self, var, layer=None):
        """The learning curves of every finished cell: a DataFrame with one
        row per cell and record (``cell``, the grid values, ``seed``,
        ``net``, ``time_ms``, ``epoch``, the values)."""
        import pandas as pd
        parts = []
        for i, c in enumerate(self.index):
            try:
                run = self.cell(i)
            except FileNotFoundError:
                continue
            df = run.frame(var, layer)
            df.insert(0, "cell", i)
            at = 1
            if "variant" in c:
                df.insert(at, "variant", c["variant"])
                at += 1
            for k, v in zip(self.axes, c.get("values") or []):
                # lists as sweep.csv writes them: [10 10 10]
                df.insert(at, k, "[" + " ".join(map(str, v)) + "]" if isinstance(v, list) else v)
                at += 1
            df.insert(at, "seed", c.get("seed"))
            parts.append(df)
        if not parts:
            raise FileNotFoundError(f"palmc: no cell of {self.folder} has finished")
        return pd.concat(parts, ignore_index=True)


def load_sweep(folder):
    """Reads a sweep folder (:class:`Sweep`)."""
    return Sweep(folder)
