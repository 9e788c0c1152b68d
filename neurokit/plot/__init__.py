"""Figures people expect from neurokit datasets: traces with their stimulus, model against
recording, F-I curves, spike rasters and the history of a fit.

Every function takes datasets in neurokit's format (:mod:`neurokit.schema`) and returns a
:class:`matplotlib.figure.Figure`. Figures are built with the object API (no ``pyplot``), so
nothing depends on a display or on pyplot's global list of open figures, and nothing has to be
closed. Pass ``path=`` (or call :func:`save_figure`) to write the figure atomically, so a crash
never leaves half a PNG.

- :mod:`~neurokit.plot.figure`: :func:`save_figure`, display units, colours.
- :mod:`~neurokit.plot.recording`: :func:`plot_recording`, :func:`plot_raster`.
- :mod:`~neurokit.plot.fit`: :func:`plot_traces_vs_data`, :func:`plot_fi`, :func:`plot_history`.
"""

from neurokit.plot.figure import DATA_COLOR, DEFAULT_DPI, MODEL_COLOR, save_figure
from neurokit.plot.fit import plot_fi, plot_history, plot_traces_vs_data
from neurokit.plot.recording import plot_raster, plot_recording

__all__ = ["DATA_COLOR", "DEFAULT_DPI", "MODEL_COLOR", "plot_fi", "plot_history", "plot_raster",
           "plot_recording", "plot_traces_vs_data", "save_figure"]
