"""Regenerate the fitting figures of docs/fitting.md.

- docs/figures/fitting_report.png: the default fit's report (``neurokit fit
  fits/171116sh_gif.toml``), downscaled.
- docs/figures/fitting_extrapolation.png: ``neurokit predict`` of the extrapolation fit
  (fits/171116sh_extrapolate.toml: trained up to 175 pA, restarts chosen at 200 pA) on the
  sweeps above the trained range (225-300 pA), model against recording.

    python docs/make_fitting_figure.py            # run both fits (--force), then draw
    python docs/make_fitting_figure.py --no-fit   # draw from the existing results folders
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIT = ROOT / "fits" / "171116sh_gif.toml"
EXTRAPOLATE = ROOT / "fits" / "171116sh_extrapolate.toml"
ABF = ROOT / "data" / "recordings" / "pyabf" / "171116sh_0018.abf"
ABOVE = [13, 14, 15, 16]  # 225..300 pA (neurokit.features.step_amplitude)


def main(argv=None) -> list[Path]:
    import matplotlib.image as mpimg
    from matplotlib.figure import Figure

    from neurokit.cli.main import main as cli
    from neurokit.fitting.predict import fit_results
    from neurokit.plot import save_figure

    argv = sys.argv[1:] if argv is None else argv
    if "--no-fit" not in argv:
        for fit in (FIT, EXTRAPOLATE):
            if cli(["fit", str(fit), "--quiet", "--force"]) != 0:
                raise SystemExit(f"the fit {fit.name} failed")
    img = mpimg.imread(fit_results(FIT) / "report.png")
    h, w = img.shape[:2]
    fig = Figure(figsize=(w / 150, h / 150))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.imshow(img, interpolation="antialiased")
    ax.set_axis_off()
    out = [save_figure(fig, ROOT / "docs" / "figures" / "fitting_report.png", dpi=110)]
    target = ROOT / "docs" / "figures" / "fitting_extrapolation.png"
    if cli(["predict", str(EXTRAPOLATE), str(ABF), "--sweeps", ",".join(map(str, ABOVE)),
            "--figure", str(target)]) != 0:
        raise SystemExit("neurokit predict failed")
    out.append(target)
    return out


if __name__ == "__main__":
    print(main())
