"""Compare a palmc results.npz with a reference.npz of the published code.

usage: python3 compare_npz.py RESULTS REFERENCE

Every key of the reference must be in the results with the same shape and
dtype, and agree to |a-b| <= 1e-9*max(1,|b|); the results may add keys
without "/" (what palmc says about the run), the time axes of the records
and angle_dWPP_BP, no others. Angles where the reference is
NaN (a cosine rounded past +-1) must be 0 or 180 in the results; where the
reference cosine lies within 4 ulps of +-1, the cosines are compared to
4 ulps. Prints one line per failure and exits 1 if there is any.
"""
import sys

import numpy as np

TOL = 1e-9
BAND = 1.75e-6


def main(results, reference):
    got = np.load(results)
    want = np.load(reference)
    failures = []
    worst = 0.0
    for key in want.files:
        if key not in got.files:
            failures.append(f"{key}: missing")
            continue
        a, b = got[key], want[key]
        if key.endswith("/error") and b.ndim == 3 and b.shape[1] == 1:
            # The published (records, 1, nN) is palmc's (records, nN).
            b = b[:, 0, :]
        if a.shape != b.shape or a.dtype != b.dtype:
            failures.append(f"{key}: shape {a.shape} {a.dtype}, want {b.shape} {b.dtype}")
            continue
        a = a.astype(np.float64).ravel()
        b = b.astype(np.float64).ravel()
        ok = np.zeros(a.shape, dtype=bool)
        if "/angle_" in key:
            nan = np.isnan(b)
            ok |= nan & ((a == 0) | (a == 180))
            near = ~nan & ((b <= BAND) | (b >= 180 - BAND))
            cd = np.abs(np.cos(np.radians(a)) - np.cos(np.radians(b)))
            ok |= near & (cd <= 4 * 2.0**-53)
            rest = ~nan & ~near
        else:
            rest = np.ones(a.shape, dtype=bool)
        d = np.abs(a - b) / np.maximum(1, np.abs(b))
        ok |= rest & (d <= TOL)
        if rest.any():
            worst = max(worst, float(np.nanmax(d[rest])))
        if not ok.all():
            i = int(np.flatnonzero(~ok)[0])
            failures.append(f"{key}[{i}] = {a[i]!r}, reference {b[i]!r}")
    # Keys without "/" describe the run (run_id, provenance, params, time
    # axes): palmc's own, not part of the reference layout.
    # So do the time and epoch of the records, "<net>/rec_time" and the like.
    # The references were recorded without the replays of the angles
    # between the updates and backprop's (angle_dWPP_BP) and their axes.
    axes = ("rec_time", "rec_epoch", "rec_time_target", "rec_epoch_target",
            "rec_time_dWPP_BP", "rec_epoch_dWPP_BP", "rec_sample_dWPP_BP")
    extra = sorted(k for k in set(got.files) - set(want.files)
                   if "/" in k and k.split("/", 1)[1] not in axes
                   and not k.split("/", 1)[1].startswith("angle_dWPP_BP/"))
    for key in extra:
        failures.append(f"{key}: not in the reference")
    for f in failures:
        print(f)
    print(f"{len(want.files)} keys, {len(failures)} failures, largest relative difference {worst:.3g}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
