"""``neurokit inspect`` on a file of each format added to the readers, generated here."""

from __future__ import annotations

import json

import numpy as np
import pytest
from _writers import write_atf, write_wcp
from click.testing import CliRunner

from neurokit.cli.inspect import command as inspect

T = np.arange(1024) * 1e-4
V = np.stack([-65.0 + np.where((T > 0.02) & (T < 0.08), 20.0 * k, 0.0) for k in range(2)])
I_PA = np.stack([np.where((T > 0.02) & (T < 0.08), 100.0 * k, 0.0) for k in range(2)])


def _qsnmc(path):
    rows = "\n".join(f"{t:.4f} {i:.1f} {v:.3f}" for t, i, v in zip(T, I_PA[1], V[1]))
    path.write_text('"s"\n"pA"\n"mV"\n' + rows + "\n")
    return path


def _folder(path):
    path.mkdir()
    for k in (1, 2):
        _qsnmc(path / f"sweep{k}.txt")
    return path


MAKERS = {
    "qsnmc.txt": _qsnmc,
    "steps.atf": lambda p: write_atf(p, T, {"Trace #1 (mV)": V[0], "Trace #2 (mV)": V[1],
                                            "Trace #1 (pA)": I_PA[0], "Trace #2 (pA)": I_PA[1]},
                                     {"Protocol": "steps.pro"}),
    "sweeps": _folder,
    "cell.wcp": lambda p: write_wcp(p, V, I_PA, 1e-4),
}


@pytest.mark.parametrize("name", list(MAKERS))
def test_inspect_reads_every_generated_format(tmp_path, name):
    if name.endswith(".wcp"):
        pytest.importorskip("neo")
    path = MAKERS[name](tmp_path / name)
    result = CliRunner().invoke(inspect, [str(path), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["sweeps"] == (1 if name == "qsnmc.txt" else 2)
    assert summary["variables"] == {"membrane_potential": "mV", "stimulus_current": "nA"}
    step = summary["table"][-1]["step_pA"]  # the step of sweep 1 (100 pA), in every format
    assert step == pytest.approx(100.0, abs=0.05)
