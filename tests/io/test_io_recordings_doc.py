"""The runnable example of docs/recordings.md runs and prints what the page says it prints."""

from __future__ import annotations

import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PAGE = os.path.join(ROOT, "docs", "recordings.md")


def test_recordings_example_prints_what_the_page_shows():
    text = open(PAGE).read()
    example = text.split("## A runnable example", 1)[1]
    code = re.search(r"```python\n(.*?)```", example, re.S).group(1)
    expected = re.search(r"prints\n\n```text\n(.*?)```", example, re.S).group(1)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == expected
    assert os.path.exists(os.path.join(ROOT, "docs", "figures", "recordings.png"))


def test_figure_script_writes_the_png(tmp_path):
    sys.path.insert(0, os.path.join(ROOT, "docs"))
    try:
        import figures_recordings
    finally:
        sys.path.remove(os.path.join(ROOT, "docs"))
    out = figures_recordings.main(str(tmp_path / "recordings.png"))
    with open(out, "rb") as fh:
        assert fh.read(8) == b"\x89PNG\r\n\x1a\n"
    assert 20_000 < os.path.getsize(out) < 400_000  # a real figure, commit-sized


def test_data_readme_checksums_cover_every_data_file():
    import hashlib

    data = os.path.join(ROOT, "data")
    text = open(os.path.join(data, "README.md")).read()
    block = re.search(r"```text\n(.*?)```", text, re.S).group(1)
    listed = dict(reversed(line.split()) for line in block.strip().splitlines())
    shipped = {os.path.relpath(os.path.join(d, f), data).replace(os.sep, "/")
               for d, _, files in os.walk(data) for f in files
               if f.endswith((".abf", ".ibw", ".swc")) or f == "testdata.txt"}
    assert set(listed) == shipped
    for rel, digest in listed.items():
        with open(os.path.join(data, rel), "rb") as fh:
            assert hashlib.sha256(fh.read()).hexdigest() == digest, rel
