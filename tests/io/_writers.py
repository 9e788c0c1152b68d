"""Small writers of recording formats for the reader tests: files are made in tmp_path, so the
tests need no binary fixtures. Each writes only what the reader being tested parses."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np

SECTOR = 512
ADCMAX = 32767


def write_wcp(path: Path, volts_mV: np.ndarray, amps_pA: np.ndarray, interval_s: float) -> Path:
    """A WinWCP (``.wcp``) file, version 8: one record per sweep, channels Vm (mV), Im (pA).

    Values are stored as int16 with a full scale of 100 mV and 1000 pA, so they come back to
    within 100/32767 mV and 1000/32767 pA.
    """
    n_sweeps, n = volts_mV.shape
    n_chan = 2
    if (2 * n_chan * n) % SECTOR:
        raise ValueError("samples per sweep must fill whole 512-byte sectors")
    nbd = 2 * n_chan * n // SECTOR
    vmax = (100.0, 1000.0)  # full scale of each channel, in its unit
    header = {"VER": 8, "NC": n_chan, "NR": n_sweeps, "NBH": 2, "NBA": 2, "NBD": nbd,
              "ADCMAX": ADCMAX, "NP": n, "AD": 5.0, "DT": interval_s,
              "YN0": "Vm", "YO0": 0, "YU0": "mV", "YG0": 1.0,
              "YN1": "Im", "YO1": 1, "YU1": "pA", "YG1": 1.0}
    text = "\r\n".join(f"{k}={v}" for k, v in header.items()) + "\r\n"
    text = text.encode("ascii")
    out = [text.ljust(1024, b"\0")]
    for k in range(n_sweeps):
        analysis = struct.pack("8s4sfff8f", b"ACCEPTED", b"TEST", 0.0, 0.0, interval_s,
                               *vmax, *([0.0] * 6))
        out.append(analysis.ljust(1024, b"\0"))
        counts = np.column_stack([volts_mV[k] / vmax[0], amps_pA[k] / vmax[1]]) * ADCMAX
        out.append(np.round(counts).astype("<i2").tobytes())
    path.write_bytes(b"".join(out))
    return path


def write_atf(path: Path, time_s, columns: dict[str, np.ndarray], records: dict[str, str]) -> Path:
    """An ATF 1.0 file: ``columns`` maps titles such as ``"Trace #1 (mV)"`` to values."""
    titles = ['"Time (s)"'] + [f'"{t}"' for t in columns]
    lines = ["ATF\t1.0", f"{len(records)}\t{len(titles)}"]
    lines += [f'"{k}={v}"' for k, v in records.items()]
    lines.append("\t".join(titles))
    table = np.column_stack([time_s] + list(columns.values()))
    lines += ["\t".join(repr(float(x)) for x in row) for row in table]
    path.write_text("\r\n".join(lines) + "\r\n")
    return path
