"""The runnable example of docs/data-format.md runs and prints what the page says it prints."""

from __future__ import annotations

import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PAGE = os.path.join(ROOT, "docs", "data-format.md")


def test_data_format_example_prints_what_the_page_shows(tmp_path):
    text = open(PAGE).read()
    example = text.split("## A runnable example", 1)[1]
    code = re.search(r"```python\n(.*?)```", example, re.S).group(1)
    expected = re.search(r"prints\n\n```text\n(.*?)```", example, re.S).group(1)
    code = code.replace("/tmp/toy.nc", str(tmp_path / "toy.nc"))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == expected
    assert (tmp_path / "toy.nc").exists()
