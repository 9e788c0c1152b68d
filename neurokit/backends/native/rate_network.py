"""Rate networks (:class:`~neurokit.models.rate_networks.RateNetwork`) on the native backend:
batch layout and datasets here, the loop in :mod:`neurokit.codegen.templates.rate_network`."""

from __future__ import annotations

import numpy as np
import xarray as xr

from neurokit.backends.native.rate import coords as make_coords
from neurokit.backends.native.rate import finish, record_names
from neurokit.backends.native.rate import layout as make_layout
from neurokit.codegen.templates.rate_network import NORMALISE as NORMALISE_CODES
from neurokit.codegen.templates.rate_network import NET_PARAMS, SOURCE_KINDS, NetProblem, run_net_c
from neurokit.errors import ProtocolError
from neurokit.models.rate_networks import GaussianInput, PatternInput
from neurokit.params import batch_columns


def simulate_network(model, params, protocol, target: str, threads: int) -> xr.Dataset:
    """Simulate a rate network for a batch (arguments as
    :func:`neurokit.backends.native.rate.simulate_nodes`).

    ``protocol.record`` may name ``activity``, ``weight`` (the feed-forward weights, dims
    (sample, sweep, time, post, pre)) and, for BCM, ``bcm_threshold``.
    """
    record = record_names(protocol, model.recordable())
    units = {"tau": "s"}
    samples, cols = batch_columns(params, model.space, units=units, what=model.name)
    _, shown = batch_columns(params, model.space, what=model.name)
    neutral = {"tau": 0.01, "w_scale": 1.0, "input_gain": 1.0, "sigma": 0.0, "eta": 0.0,
               "tau_theta": 1.0, "y0": 1.0, "theta": 0.0, "r_max": 1.0, "slope": 1.0}
    P = np.stack([cols[n] if n in cols else np.full(samples.size, neutral[n])
                  for n in NET_PARAMS], axis=1)
    layout = make_layout(protocol, samples)
    n, m = model.n_nodes, model.n_inputs
    src = model.source
    hold = 1
    if src is not None:
        hold = int(round(src.interval / protocol.dt))
        if hold < 1 or abs(hold * protocol.dt - src.interval) > 1e-9 * max(1.0, src.interval):
            raise ProtocolError(f"input interval {src.interval} s must be a whole multiple of dt {protocol.dt} s")
    pl = model.plasticity
    prob = NetProblem(
        P=np.repeat(P, layout.n_sweeps, axis=0), keys=layout.keys, ctr0=layout.ctr0, inp=layout.inp,
        inp_row=layout.inp_row, inp_nodes=model.input_nodes if model.input_nodes is not None else np.ones(n),
        W=model.weights, bias=model.bias if model.bias is not None else np.zeros(n),
        Win0=model.initial_input_weights() if m else np.zeros((n, 0)),
        r0=model.initial if model.initial is not None else np.zeros(n),
        instantaneous=model.instantaneous,
        src_kind=SOURCE_KINDS["none" if src is None else
                                  ("gaussian" if isinstance(src, GaussianInput) else "patterns")],
        hold=hold,
        src_mean=src.mean if isinstance(src, GaussianInput) else np.zeros(max(m, 1)),
        src_chol=np.linalg.cholesky(src.cov) if isinstance(src, GaussianInput) else np.zeros((1, 1)),
        patterns=src.patterns if isinstance(src, PatternInput) else np.zeros((1, max(m, 1))),
        src_noise=src.noise if isinstance(src, PatternInput) else 0.0,
        wmin=pl.bounds[0] if pl and pl.bounds else -np.inf,
        wmax=pl.bounds[1] if pl and pl.bounds else np.inf,
        normalise=NORMALISE_CODES[pl.normalise] if pl else 0,
        norm_target=pl.norm_target if pl else 1.0,
        n_steps=layout.n_steps, rec_start=layout.rec_start, rec_every=layout.rec_every,
        n_rec=layout.n_rec, dt=float(protocol.dt), record_r="activity" in record,
        record_w="weight" in record, record_theta="bcm_threshold" in record)
    rule = pl.rule if pl else "none"
    if target == "c":
        out = run_net_c(model.transfer, rule, prob, threads)
    else:
        from neurokit.codegen.templates.rate_network_numpy import run_net_numpy

        out = run_net_numpy(model.transfer, rule, prob)
    S, K = layout.samples.size, layout.n_sweeps
    data = {}
    if out["r"] is not None:
        data["activity"] = xr.DataArray(out["r"].reshape(S, K, layout.n_rec, n),
                                        dims=("sample", "sweep", "time", "node"),
                                        attrs={"units": model.unit, "long_name": "rate-model activity"})
    if out["w"] is not None:
        data["weight"] = xr.DataArray(out["w"].reshape(S, K, layout.n_rec, n, m),
                                      dims=("sample", "sweep", "time", "post", "pre"),
                                      attrs={"units": "1", "long_name": "feed-forward weight"})
    if out["theta"] is not None:
        data["bcm_threshold"] = xr.DataArray(out["theta"].reshape(S, K, layout.n_rec, n),
                                             dims=("sample", "sweep", "time", "node"),
                                             attrs={"units": model.unit, "long_name": "BCM sliding threshold"})
    coords = make_coords(protocol, layout, model, shown, n)
    if m:
        coords.update(post=np.arange(n), pre=np.arange(m))
    ds = xr.Dataset(data, coords=coords)
    return finish(ds, model, protocol, target, threads)
