"""Regenerate docs/figures/fitting_report.png: run the default fit (``neurokit fit
fits/171116sh_gif.toml``) and copy its report figure, downscaled, into docs/figures/.

    python docs/make_fitting_figure.py            # fit, then copy
    python docs/make_fitting_figure.py --no-fit   # copy the existing fits/results/ figure
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIT = ROOT / "fits" / "171116sh_gif.toml"


def main(argv=None) -> Path:
    import matplotlib.image as mpimg
    from matplotlib.figure import Figure

    from neurokit.cli.main import main as cli
    from neurokit.plot import save_figure

    argv = sys.argv[1:] if argv is None else argv
    if "--no-fit" not in argv and cli(["fit", str(FIT), "--quiet"]) != 0:
        raise SystemExit("the fit failed")
    img = mpimg.imread(ROOT / "fits" / "results" / "171116sh_gif" / "report.png")
    h, w = img.shape[:2]
    fig = Figure(figsize=(w / 150, h / 150))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.imshow(img, interpolation="antialiased")
    ax.set_axis_off()
    return save_figure(fig, ROOT / "docs" / "figures" / "fitting_report.png", dpi=110)


if __name__ == "__main__":
    print(main())
