"""The ``native`` backend's simulator: one entry point that dispatches by model kind to the
point-neuron runner (:mod:`.point`), node networks (:mod:`.rate`) or rate networks
(:mod:`.rate_network`)."""

from __future__ import annotations

import xarray as xr

from neurokit.backends.native.point import LOG, PointSimulator
from neurokit.errors import CompilerError, ProtocolError
from neurokit.models.network import Network
from neurokit.models.rate_networks import RateNetwork
from neurokit.models.rate_nodes import NodeNetwork


class NativeSimulator(PointSimulator):
    """neurokit's own generated code for point neurons and rate models (options: see
    :class:`~neurokit.backends.native.point.PointSimulator`; rate models run on the CPU
    targets, ``"c"`` or ``"numpy"``, whatever ``device`` says)."""

    def supports(self, model) -> bool:
        return isinstance(model, (NodeNetwork, RateNetwork, Network)) or super().supports(model)

    def simulate(self, model, params, protocol) -> xr.Dataset:
        """Simulate ``model`` for every sample of ``params`` and every sweep of ``protocol``
        (datasets: see :mod:`.point`, :mod:`.rate`, :mod:`.rate_network`)."""
        if not isinstance(model, (NodeNetwork, RateNetwork, Network)):
            return super().simulate(model, params, protocol)
        from neurokit.protocols import Protocol

        if not isinstance(protocol, Protocol):
            raise ProtocolError(f"native: protocol must be a neurokit Protocol, got {type(protocol).__name__}")
        if isinstance(model, NodeNetwork):
            from neurokit.backends.native.rate import simulate_nodes as run
        elif isinstance(model, Network):  # spiking networks: neurokit.backends.native.network
            from neurokit.backends.native.network import simulate_network as run
        else:
            from neurokit.backends.native.rate_network import simulate_network as run
        if isinstance(model, Network) and self.device != "cpu":  # one GPU thread per run
            from neurokit.codegen.targets.cuda import gpu_available

            if self.device == "cuda" or (gpu_available() and self.dtype == "float64"):
                return run(model, params, protocol, "cuda", self._threads(), dtype=self.dtype)
            LOG.warning("native: device='auto' runs network %r in C on the CPU (no CUDA device with CuPy, "
                        "or dtype %s)", model.name, self.dtype)
        target = self.resolved_target()
        extra = {"dtype": self.dtype} if isinstance(model, Network) else {}  # float32: spiking networks
        if target == "c":
            try:
                return run(model, params, protocol, "c", self._threads(), **extra)
            except CompilerError as exc:
                if self.target != "auto":
                    raise
                LOG.warning("native: the C target is not available (%s); falling back to the slow "
                            "NumPy reference for model %r", exc, model.name)
        return run(model, params, protocol, "numpy", self._threads())
