"""The sweep file of the sweep tests (``sweep_file``), shared with the config tests."""

from __future__ import annotations

from pathlib import Path

import pytest

SPEC = """
name = "small"
seed = 2

[model]
name = "lif"
backend = "native"

[model.fixed]
E_L = "-70 mV"

[design]
method = "{method}"
n = {n}

[parameters]
g_L = ["5 nS", "20 nS"]
C = {{ bounds = ["0.1 nF", "0.4 nF"], transform = "log" }}

[protocol]
steps = {{ amplitudes = ["150 pA", "300 pA"], start = "10 ms", stop = "90 ms" }}
duration = "0.1 s"
dt = "0.1 ms"
sampling_interval = "0.5 ms"

[execution]
chunk_size = {chunk_size}
"""


@pytest.fixture
def sweep_file(tmp_path):
    """Builder: ``sweep_file(method="grid", n=3, chunk_size=4, name="small.toml", replace={old: new})``."""
    def build(method="grid", n=3, chunk_size=4, name="small.toml", replace=None) -> Path:
        text = SPEC.format(method=method, n=n, chunk_size=chunk_size)
        for old, new in (replace or {}).items():
            assert old in text, old
            text = text.replace(old, new)
        path = tmp_path / name
        path.write_text(text)
        return path

    return build
