"""The ``brian2`` backend's simulator: point-model batches and networks through Brian2.

Two kinds of model: a :class:`~neurokit.models.point.PointModel` batch (see
:mod:`neurokit.backends.brian2.point`) and a :class:`~neurokit.models.network.Network`
(see :mod:`neurokit.backends.brian2.network`).

Targets: ``"cython"`` and ``"numpy"`` (Brian2 runtime), ``"cpp_standalone"`` and
``"cuda_standalone"`` (brian2cuda, where installed). Brian2's global preferences and device
are set for the length of one ``simulate`` call and restored after
(:mod:`neurokit.backends.brian2.session`), and every Brian2 object gets an explicit
namespace: nothing is looked up in the caller's variables. Brian2 itself is imported on the
first ``simulate``, not with this module.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import xarray as xr

from neurokit.backends.base import Simulator
from neurokit.backends.brian2.network import simulate_network
from neurokit.backends.brian2.point import simulate_point
from neurokit.backends.brian2.session import TARGETS, brian2_session, target_unavailable_reason
from neurokit.errors import BackendError, ModelError
from neurokit.models.network import Network
from neurokit.models.point import PointModel


class Brian2Simulator(Simulator):
    """Simulate point-neuron batches and networks with Brian2.

    Parameters
    ----------
    target : {"cython", "numpy", "cpp_standalone", "cuda_standalone"}
        Brian2 code-generation target (runtime) or standalone device.
    threads : int, optional
        OpenMP threads of a standalone project (default: Brian2's, no OpenMP).
    build_dir : str or Path, optional
        Folder of the standalone project; kept after the call and reused by later calls
        (only changed sources recompile). Default: a fresh temporary folder under the
        neurokit cache, deleted afterwards.
    """

    name = "brian2"

    def __init__(self, target: str = "cython", threads: int | None = None, build_dir=None):
        if target not in TARGETS:
            raise BackendError(f"unknown Brian2 target {target!r}; use one of {', '.join(TARGETS)}")
        if threads is not None and int(threads) < 1:
            raise BackendError(f"threads must be >= 1, got {threads!r}")
        self.target = target
        self.threads = None if threads is None else int(threads)
        self.build_dir = None if build_dir is None else Path(build_dir)
        reason = self.target_unavailable_reason(target)
        if reason:
            raise BackendError(f"Brian2 target {target!r} is not available here: {reason}")

    @classmethod
    def is_available(cls) -> bool:
        return importlib.util.find_spec("brian2") is not None

    @classmethod
    def unavailable_reason(cls) -> str:
        return "" if cls.is_available() else "brian2 is not installed"

    @staticmethod
    def target_unavailable_reason(target: str) -> str:
        """Why ``target`` cannot run here (empty if it can)."""
        return target_unavailable_reason(target)

    @classmethod
    def target_available(cls, target: str) -> bool:
        return not cls.target_unavailable_reason(target)

    def supports(self, model) -> bool:
        return isinstance(model, (PointModel, Network))

    def simulate(self, model, params, protocol) -> xr.Dataset:
        """Simulate a point-model batch or a network under ``protocol``.

        Returns
        -------
        xarray.Dataset
            Conforming to :mod:`neurokit.schema`; the layouts are described in
            :mod:`neurokit.backends.brian2.point` and :mod:`neurokit.backends.brian2.network`.
        """
        if isinstance(model, PointModel):
            return simulate_point(model, params, protocol, self._session)
        if isinstance(model, Network):
            return simulate_network(model, params, protocol, self._session)
        raise ModelError("the brian2 backend simulates a PointModel or a Network, "
                         f"not {type(model).__name__}")

    def _session(self, dt: float):
        return brian2_session(self.target, dt, threads=self.threads, build_dir=self.build_dir)
