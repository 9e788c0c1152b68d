"""Assemble docs/performance.md from the per-layer result files in benchmarks/results/.

Each layer's benchmark writes its own file (so parallel work never edits one shared page);
this script concatenates them, the summary first, demoting headings by one level.
Usage: python benchmarks/assemble_performance.py
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ORDER = ["00-summary", "native", "gpu", "rate", "brian2", "neuron", "fitting", "dask", "io", "python312"]


def main() -> None:
    results = ROOT / "benchmarks" / "results"
    files = sorted(results.glob("*.md"), key=lambda p: (ORDER.index(p.stem) if p.stem in ORDER else 99, p.stem))
    parts = []
    for i, path in enumerate(files):
        text = path.read_text().strip()
        if i:  # the summary keeps its title; each layer becomes a section of the page
            text = f'<a id="{path.stem}"></a>\n\n' + "\n".join(
                ("#" + line) if line.startswith("#") else line for line in text.splitlines())
        parts.append(text)
    out = ROOT / "docs" / "performance.md"
    out.write_text("\n\n".join(parts) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
