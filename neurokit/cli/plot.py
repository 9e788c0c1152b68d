"""``neurokit plot FILE -o out.png``: a recording's voltage traces above its stimulus."""

from __future__ import annotations

from pathlib import Path

import click

from neurokit.cli._common import load, parse_sweeps


@click.command(name="plot")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Image to write (.png, .pdf, .svg...); missing folders are created. "
                   "Default: FILE's name with .png, in the current folder.")
@click.option("--sweeps", default=None, metavar="LIST",
              help="Sweeps to draw, numbered from 0 as `neurokit inspect` shows them: "
                   "e.g. 0,4,8 or 2-6. Default: all.")
@click.option("--dpi", default=110, show_default=True, type=click.IntRange(30, 600),
              help="Resolution of raster images.")
@click.option("--title", default=None, help="Figure title (default: the file name).")
def command(file: Path, output: Path | None, sweeps: str | None, dpi: int, title: str | None) -> None:
    """Plot a recording's membrane potential above its stimulus current.

    FILE is a recording neurokit reads (ABF, NWB, Igor .ibw folder, text columns). The image is
    written atomically: a failed run never leaves half an image behind.
    """
    from neurokit.plot import plot_recording

    chosen = parse_sweeps(sweeps)
    output = output if output is not None else Path(f"{file.stem or file.name}.png")
    ds = load(file)
    plot_recording(ds, sweeps=chosen, title=title, path=output, dpi=dpi)
    n = ds.sizes.get("sweep", 1)
    shown = n if chosen is None else len(chosen)
    click.echo(f"wrote {output} ({shown} of {n} sweeps)")
