"""Make docs/figures/recordings.png: the shipped recordings as neurokit loads them.

Run from the repository root: ``python docs/figures_recordings.py``. Panels: a "dual" ABF sweep
with its command current, the Igor B6 sweeps with their recorded current, the F-I curves of
every stepped recording (first step window), and the eFEL text trace with detected spikes.
"""

from __future__ import annotations

import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from neurokit import features as fx  # noqa: E402
from neurokit.io import load_recording  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REC = os.path.join(ROOT, "data", "recordings")
OUT = os.path.join(ROOT, "docs", "figures", "recordings.png")


def main(out: str = OUT) -> str:
    dual = load_recording(os.path.join(REC, "pyabf", "171116sh_0018.abf"))
    b6 = load_recording(os.path.join(REC, "bluepyefe", "B6"))
    text = load_recording(os.path.join(REC, "efel", "testdata.txt"))
    stepped = {
        "171116sh_0018": dual,
        "fsi (2019_07_24_0055)": load_recording(os.path.join(REC, "pyabf", "2019_07_24_0055_fsi.abf")),
        "File_axon_5": load_recording(os.path.join(REC, "pyabf", "File_axon_5.abf")),
        "B6 (Igor)": b6,
    }

    fig = plt.figure(figsize=(10, 7.0), dpi=100)
    outer = fig.add_gridspec(2, 2, height_ratios=[4.2, 3], hspace=0.35, wspace=0.28)
    left = outer[0, 0].subgridspec(2, 1, height_ratios=[3, 1.2], hspace=0.08)
    right = outer[0, 1].subgridspec(2, 1, height_ratios=[3, 1.2], hspace=0.08)

    # a: one dual sweep, voltage over command current, with the default window shaded.
    ax_v = fig.add_subplot(left[0])
    ax_i = fig.add_subplot(left[1], sharex=ax_v)
    start, stop = fx.default_window(dual)
    sweep = dual.isel(sweep=12)
    t = dual["time"].values
    ax_v.plot(t, sweep["membrane_potential"], lw=0.5, color="k")
    ax_i.plot(t, sweep["stimulus_current"], lw=0.8, color="tab:red")
    for ax in (ax_v, ax_i):
        ax.axvspan(start, stop, color="tab:blue", alpha=0.12, lw=0)
    ax_v.text((start + stop) / 2, -95, "default window", ha="center", fontsize=7, color="tab:blue")
    ax_v.set_ylim(-100, 65)
    ax_v.set(title="ABF: 171116sh_0018, sweep 12 (dual steps)", ylabel="V (mV)")
    ax_i.set(xlabel="time (s)", ylabel="I (nA)")

    # b: B6 sweeps with the recorded current.
    ax_bv = fig.add_subplot(right[0])
    ax_bi = fig.add_subplot(right[1], sharex=ax_bv)
    tb = b6["time"].values
    colours = plt.cm.viridis(np.linspace(0, 0.9, b6.sizes["sweep"]))
    for k, c in enumerate(colours):
        ax_bv.plot(tb, b6["membrane_potential"][k], lw=0.4, color=c)
        ax_bi.plot(tb, b6["stimulus_current"][k], lw=0.4, color=c)
    ax_bv.set_xlim(0.6, 1.2)
    ax_v.tick_params(labelbottom=False)
    ax_bv.tick_params(labelbottom=False)
    ax_bv.set(title="Igor folder B6: sweeps 181-185", ylabel="V (mV)")
    ax_bi.set(xlabel="time (s)", ylabel="I (nA)")

    # c: F-I curves in the first step window.
    ax_fi = fig.add_subplot(outer[1, 0])
    for label, ds in stepped.items():
        fi = fx.fi_curve(ds)
        order = np.argsort(fi["step_amplitude"].values)
        ax_fi.plot(fi["step_amplitude"].values[order], fi["rate"].values[order], "o-", ms=3,
                   label=label)
    ax_fi.set(title="F-I curves (first step window)", xlabel="step amplitude (nA)",
              ylabel="rate (Hz)")
    ax_fi.legend(fontsize=7, frameon=False)

    # d: the eFEL text trace with the detected spikes.
    ax_t = fig.add_subplot(outer[1, 1])
    tt, vt = text["time"].values, text["membrane_potential"].values[0]
    spikes = fx.detect_spikes(vt, tt)
    ax_t.plot(tt, vt, lw=0.5, color="k")
    ax_t.plot(spikes, np.zeros_like(spikes), "v", color="tab:orange", ms=5,
              label=f"{spikes.size} spikes (0 mV crossings)")
    ax_t.set(title="efel/testdata.txt (text columns, no current)", xlabel="time (s)",
             ylabel="V (mV)")
    ax_t.legend(fontsize=7, frameon=False, loc="lower right")

    os.makedirs(os.path.dirname(out), exist_ok=True)
    fig.savefig(out, dpi=100, bbox_inches="tight")
    plt.close(fig)
    return out


if __name__ == "__main__":
    print(main(*sys.argv[1:]))
