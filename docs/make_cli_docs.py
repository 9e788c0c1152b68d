"""Regenerate the example outputs of docs/cli.md and the figure docs/figures/cli_plot.png by
running the real ``neurokit`` commands on the shipped recordings.

Run from anywhere: ``python docs/make_cli_docs.py``. In docs/cli.md, every line
``<!-- run: ARGS -->`` is followed by a ```text block that this script replaces with the
command line and its output (stdout, then stderr) of ``neurokit ARGS`` run in the repository
root.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "cli.md"
BLOCK = re.compile(r"(<!-- run: (?P<args>.*?) -->\n```text\n)(?P<out>.*?)(```)", re.S)


def run(args: str) -> str:
    exe = shutil.which("neurokit")
    cmd = [exe] if exe else [sys.executable, "-m", "neurokit.cli.main"]
    proc = subprocess.run([*cmd, *shlex.split(args)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    text = f"$ neurokit {args}\n" + proc.stdout + proc.stderr
    if proc.returncode:
        text += f"[exit status {proc.returncode}]\n"
    return text if text.endswith("\n") else text + "\n"


def main() -> int:
    page = PAGE.read_text()
    new = BLOCK.sub(lambda m: m.group(1) + run(m.group("args")) + m.group(4), page)
    PAGE.write_text(new)
    print(f"updated {PAGE.relative_to(ROOT)} ({len(BLOCK.findall(page))} outputs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
