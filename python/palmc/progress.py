"""Progress display: a bar that redraws itself in a terminal, a line that
updates itself in a Jupyter notebook, a line every few seconds elsewhere
(a log file)."""

import sys
import time


def _notebook():
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    ip = get_ipython()
    return ip is not None and type(ip).__name__ == "ZMQInteractiveShell"


def _fmt(seconds):
    seconds = int(round(seconds))
    h, r = divmod(seconds, 3600)
    m, s = divmod(r, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


class Progress:
    """A progress display of ``total`` units (``unit``: "steps")."""

    def __init__(self, total, unit="steps", label="palmc", stream=None):
        self.total = max(int(total), 1)
        self.unit = unit
        self.label = label
        self.stream = stream or sys.stderr
        self.start = time.monotonic()
        self.last = 0.0
        self.text = ""
        self.handle = None
        self.tty = False
        if _notebook():
            from IPython.display import display
            self.handle = display({"text/plain": self._line(0)}, raw=True, display_id=True)
        else:
            self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()

    def _line(self, done, note=""):
        frac = min(done / self.total, 1.0)
        width = 30
        fill = int(frac * width)
        el = time.monotonic() - self.start
        eta = f" eta {_fmt(el / frac * (1 - frac))}" if 0 < frac < 1 and el > 0 else ""
        note = f" {note}" if note else ""
        return (f"{self.label} [{'#' * fill}{'.' * (width - fill)}] {frac * 100:3.0f}% "
                f"{done}/{self.total} {self.unit}{eta}{note}")

    def update(self, done, note="", force=False):
        """Shows that ``done`` units are done."""
        now = time.monotonic()
        every = 0.2 if (self.handle or self.tty) else 5.0
        if not force and now - self.last < every and done < self.total:
            return
        self.last = now
        self.text = self._line(done, note)
        if self.handle is not None:
            self.handle.update({"text/plain": self.text}, raw=True)
        elif self.tty:
            self.stream.write("\r" + self.text + "\033[K")
            self.stream.flush()
        else:
            self.stream.write(self.text + "\n")
            self.stream.flush()

    def close(self, note=""):
        """Ends the display (a last line with ``note``)."""
        if note:
            self.text = self.text + " " + note
            if self.handle is not None:
                self.handle.update({"text/plain": self.text}, raw=True)
        if self.tty:
            if note:
                self.stream.write("\r" + self.text + "\033[K")
            self.stream.write("\n")
            self.stream.flush()
