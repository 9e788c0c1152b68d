"""Figure of docs/native.md: an AdEx batch through the native C target, checked against the
NumPy reference, and the spike raster of a 200-sample batch.

Run: python docs/figures_native.py  (writes docs/figures/native_adex_batch.png)
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from neurokit.backends.native import NativeSimulator  # noqa: E402
from neurokit.models.point import ADEX  # noqa: E402
from neurokit.protocols import step_protocol  # noqa: E402

OUT = Path(__file__).resolve().parent / "figures" / "native_adex_batch.png"


def main() -> Path:
    proto = step_protocol([0.6], start=0.05, stop=0.45, duration=0.5, dt=1e-4, sampling_interval=2e-4)
    few = {"b": [10.0, 80.0, 300.0], "tau_w": [50.0, 144.0, 300.0]}
    c = NativeSimulator(target="c").simulate(ADEX, few, proto)
    ref = NativeSimulator(target="numpy").simulate(ADEX, few, proto)
    batch = ADEX.space.sample(256, seed=0).isel(sample=slice(0, 200))
    big = NativeSimulator(target="c").simulate(ADEX, batch, proto.replace(record=()))

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.6), dpi=100)
    t = c.time.values * 1e3
    for s, color in zip(range(3), ("C0", "C1", "C2")):
        ax1.plot(t, c.membrane_potential.values[s, 0], color=color, lw=1,
                 label=f"b={few['b'][s]:g} pA, tau_w={few['tau_w'][s]:g} ms")
        ax1.plot(t, ref.membrane_potential.values[s, 0], color="k", lw=0.6, ls=":")
    dv = np.nanmax(np.abs(c.membrane_potential.values - ref.membrane_potential.values))
    ax1.set(xlabel="time (ms)", ylabel="membrane potential (mV)",
            title=f"AdEx, C (colour) vs NumPy (dotted): max |dV| {dv:.1e} mV")
    ax1.legend(fontsize=7, loc="lower right")
    ax2.plot(big.spike_time.values * 1e3, big.spike_sample.values, "|", ms=2, color="k")
    ax2.set(xlabel="time (ms)", ylabel="sample (parameter set)", title="200 parameter sets, one call")
    fig.tight_layout()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(OUT)
    return OUT


if __name__ == "__main__":
    print(main())
