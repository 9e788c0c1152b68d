"""The README's example runs as written, and its two set-up commands are the ones CI runs."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def test_readme_example_runs(monkeypatch):
    code = re.search(r"```python\n(.*?)```", README, re.S).group(1)
    monkeypatch.chdir(ROOT)
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102 - our own README
    assert namespace["sim"].membrane_potential.dims == ("sample", "sweep", "time")
    assert namespace["sim"].sizes["sample"] == 64


def test_exactly_two_setup_commands_and_ci_runs_the_test_one():
    commands = re.findall(r"^    (pip install .*)$", README, re.M)
    assert len(commands) == 2
    main, tests = commands
    assert "neurokit fit fits/" in main and (ROOT / main.split("neurokit fit ")[1]).exists()
    assert tests in (ROOT / ".ci" / "run").read_text()
