"""The rate-network loop (linear, threshold-linear or sigmoidal units with a dense weight
matrix, an input source drawn in the loop, and a local learning rule on the feed-forward
weights) as a C template, run through ctypes; its NumPy twin is :mod:`.rate_network_numpy`.

A run is one (sample, sweep); runs go to OpenMP threads. Forward Euler (Euler-Maruyama for
the noise). Random numbers come from the one generator (:mod:`neurokit.codegen.rng`): the
activity noise of unit ``i`` at step ``n`` uses Box-Muller pair ``ctr0 + n N + i`` of the
run's key; input draws and pattern choices use sub-streams 1 and 2 of that key.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass

import numpy as np

from neurokit.codegen.rng import NORMAL2_C, RNG_C
from neurokit.codegen.templates.delayed_coupling import PRELUDE
from neurokit.errors import ModelError


def _ptr(arr: np.ndarray, ctype):
    return arr.ctypes.data_as(ctypes.POINTER(ctype))



TRANSFERS_C = {
    "linear": "h",
    "threshold_linear": "(h > theta ? h - theta : 0.0)",
    "sigmoid": "r_max / (1.0 + exp(-(h - theta) / slope))",
}
RULES_C = {
    "none": None,
    "hebbian": "y * xm",
    "oja": "y * (xm - y * w)",
    "bcm": "xm * y * (y - th)",
}
# Per-run parameter rows of rate networks, in kernel units (s for times).
NET_PARAMS = ("tau", "w_scale", "input_gain", "sigma", "eta", "tau_theta", "y0", "theta", "r_max", "slope")
SOURCE_KINDS = {"none": 0, "gaussian": 1, "patterns": 2}
NORMALISE = {None: 0, "l1": 1, "l2": 2}


NET_TEMPLATE = r"""
static inline double nk_f(double h, double theta, double r_max, double slope) {
    (void)theta; (void)r_max; (void)slope;
    return __TRANSFER__;
}

int nk_net(int64_t n_runs, int64_t N, int64_t M, int64_t n_steps, int64_t rec_start,
           int64_t rec_every, int64_t n_rec, const double *P, int64_t n_par, const uint64_t *keys,
           const uint64_t *ctr0, const double *inp, int64_t inp_len, const int64_t *inp_row,
           const double *inp_nodes, const double *W, const double *bias, const double *Win0,
           const double *r0, int64_t instantaneous, int64_t src_kind, int64_t hold,
           const double *src_mean, const double *src_chol, const double *patterns, int64_t n_pat,
           double src_noise, double wmin, double wmax, int64_t normalise, double norm_target,
           double dt, double *out_r, double *out_w, double *out_theta, int64_t threads)
{
    int failed = 0;
    const double sqrt_dt = sqrt(dt);
    #pragma omp parallel for schedule(dynamic, 1) num_threads(threads) reduction(|:failed)
    for (int64_t r = 0; r < n_runs; r++) {
        const double *p = P + r * n_par;
        const double tau = p[0], w_scale = p[1], input_gain = p[2], sigma = p[3], eta = p[4];
        const double tau_theta = p[5], y0 = p[6], theta = p[7], r_max = p[8], slope = p[9];
        (void)tau_theta; (void)y0;
        double *rr = (double *)malloc(sizeof(double) * N);
        double *h = (double *)malloc(sizeof(double) * N);
        double *th_ = (double *)malloc(sizeof(double) * N);
        double *x = (double *)malloc(sizeof(double) * (M + 2));
        double *z = (double *)malloc(sizeof(double) * (M + 2));
        double *win = (double *)malloc(sizeof(double) * (N * M + 1));
        if (!rr || !h || !th_ || !x || !z || !win) {
            free(rr); free(h); free(th_); free(x); free(z); free(win); failed = 1; continue;
        }
        memcpy(rr, r0, sizeof(double) * N);
        if (N * M) memcpy(win, Win0, sizeof(double) * N * M);
        for (int64_t i = 0; i < N; i++) th_[i] = 0.0;  /* BCM threshold starts at zero */
        for (int64_t m = 0; m < M; m++) x[m] = 0.0;
        const uint64_t key = keys[r], c0r = ctr0[r];
        const uint64_t key_src = nk_stream(key, 1), key_pat = nk_stream(key, 2);
        const int64_t M2 = (M + 1) / 2;
        const double *urow = inp_row[r] >= 0 ? inp + inp_row[r] * inp_len : NULL;
        for (int64_t n = 0; n < n_steps; n++) {
            if (src_kind != 0 && n % hold == 0) {
                const uint64_t d = (uint64_t)(n / hold);
                for (int64_t q = 0; q < M2; q++)
                    nk_normal2(key_src, c0r + d * (uint64_t)M2 + (uint64_t)q, z[2 * q], z[2 * q + 1]);
                if (src_kind == 1) {
                    for (int64_t m = 0; m < M; m++) {
                        double acc = src_mean[m];
                        for (int64_t q = 0; q <= m; q++) acc += src_chol[m * M + q] * z[q];
                        x[m] = acc;
                    }
                } else {
                    int64_t k = (int64_t)((1.0 - nk_uniform(key_pat, c0r + d)) * (double)n_pat);
                    if (k >= n_pat) k = n_pat - 1;
                    for (int64_t m = 0; m < M; m++) x[m] = patterns[k * M + m] + src_noise * z[m];
                }
            }
            const double un = urow ? urow[n] * input_gain : 0.0;
            for (int64_t i = 0; i < N; i++) {
                double acc = bias[i] + un * inp_nodes[i];
                const double *wr = W + i * N;
                double rec = 0.0;
                for (int64_t j = 0; j < N; j++) rec += wr[j] * rr[j];
                acc += w_scale * rec;
                const double *wi = win + i * M;
                for (int64_t m = 0; m < M; m++) acc += wi[m] * x[m];
                h[i] = acc;
            }
            if (instantaneous)
                for (int64_t i = 0; i < N; i++) rr[i] = nk_f(h[i], theta, r_max, slope);
            if (n >= rec_start && (n - rec_start) % rec_every == 0) {
                const int64_t k = (n - rec_start) / rec_every;
                if (out_r) memcpy(out_r + (r * n_rec + k) * N, rr, sizeof(double) * N);
                if (out_w && N * M) memcpy(out_w + (r * n_rec + k) * N * M, win, sizeof(double) * N * M);
                if (out_theta) memcpy(out_theta + (r * n_rec + k) * N, th_, sizeof(double) * N);
            }
            if (!instantaneous) {
                for (int64_t i = 0; i < N; i++) {
                    double z0 = 0.0, z1 = 0.0;
                    (void)z1;
                    if (sigma != 0.0) nk_normal2(key, c0r + (uint64_t)(n * N + i), z0, z1);
                    rr[i] += dt / tau * (-rr[i] + nk_f(h[i], theta, r_max, slope)) + sigma * sqrt_dt * z0;
                }
            }
__LEARN__
        }
        free(rr); free(h); free(th_); free(x); free(z); free(win);
    }
    return failed;
}
"""

LEARN_C = r"""
            for (int64_t i = 0; i < N; i++) {
                const double y = rr[i], th = th_[i];
                (void)th;
                double *wi = win + i * M;
                double norm = 0.0;
                for (int64_t m = 0; m < M; m++) {
                    const double xm = x[m], w = wi[m];
                    double nw = w + dt * eta * (__RULE__);
                    if (nw < wmin) nw = wmin;
                    if (nw > wmax) nw = wmax;
                    wi[m] = nw;
                    norm += normalise == 1 ? fabs(nw) : nw * nw;
                }
                if (normalise != 0 && norm > 0.0) {
                    const double scale = norm_target / (normalise == 2 ? sqrt(norm) : norm);
                    for (int64_t m = 0; m < M; m++) wi[m] *= scale;
                }
__THETA__
            }
"""


def net_source(transfer: str, rule: str) -> str:
    """C source of a rate-network kernel with the given transfer function and learning rule."""
    if transfer not in TRANSFERS_C:
        raise ModelError(f"unknown transfer function {transfer!r}; use one of {sorted(TRANSFERS_C)}")
    if rule not in RULES_C:
        raise ModelError(f"unknown learning rule {rule!r}; use one of {sorted(RULES_C)}")
    learn = ""
    if RULES_C[rule] is not None:
        theta = ("                th_[i] = th + dt / tau_theta * (y * y / y0 - th);"
                 if rule == "bcm" else "")
        learn = LEARN_C.replace("__RULE__", RULES_C[rule]).replace("__THETA__", theta)
    body = NET_TEMPLATE.replace("__TRANSFER__", TRANSFERS_C[transfer]).replace("__LEARN__", learn)
    return f"/* neurokit rate network: {transfer}, rule {rule} */\n" + PRELUDE + RNG_C + NORMAL2_C + body


@dataclass
class NetProblem:
    """Everything a rate-network kernel needs for one batch (times in s).

    ``P`` rows follow :data:`NET_PARAMS`; ``W`` (N, N) recurrent weights, ``bias`` (N,),
    ``Win0`` (N, M) initial feed-forward weights, ``r0`` (N,) initial activity; the input
    source is described by ``src_kind`` (see :data:`SOURCE_KINDS`), ``hold`` (steps between
    draws), ``src_mean`` (M,), ``src_chol`` (M, M) lower Cholesky factor, ``patterns`` (P, M)
    and ``src_noise``. Weight bounds ``wmin``/``wmax`` (``-inf``/``inf`` for none) and
    ``normalise`` (0 none, 1 L1, 2 L2) to ``norm_target`` after each update.
    """

    P: np.ndarray
    keys: np.ndarray
    ctr0: np.ndarray
    inp: np.ndarray
    inp_row: np.ndarray
    inp_nodes: np.ndarray
    W: np.ndarray
    bias: np.ndarray
    Win0: np.ndarray
    r0: np.ndarray
    instantaneous: bool
    src_kind: int
    hold: int
    src_mean: np.ndarray
    src_chol: np.ndarray
    patterns: np.ndarray
    src_noise: float
    wmin: float
    wmax: float
    normalise: int
    norm_target: float
    n_steps: int
    rec_start: int
    rec_every: int
    n_rec: int
    dt: float
    record_r: bool = True
    record_w: bool = False
    record_theta: bool = False

    @property
    def n_runs(self) -> int:
        return self.P.shape[0]

    @property
    def n_units(self) -> int:
        return self.W.shape[0]

    @property
    def n_inputs(self) -> int:
        return self.Win0.shape[1]


def _net_outputs(prob: NetProblem) -> dict[str, np.ndarray | None]:
    R, N, M, K = prob.n_runs, prob.n_units, prob.n_inputs, prob.n_rec
    return {"r": np.zeros((R, K, N)) if prob.record_r else None,
            "w": np.zeros((R, K, N, M)) if prob.record_w else None,
            "theta": np.zeros((R, K, N)) if prob.record_theta else None}


def run_net_c(transfer: str, rule: str, prob: NetProblem, threads: int) -> dict:
    """Run a rate network in compiled C. Returns ``{"r": (runs, n_rec, N) or None,
    "w": (runs, n_rec, N, M) or None, "theta": (runs, n_rec, N) or None}``."""
    from neurokit.codegen.build import build

    lib = build(net_source(transfer, rule), name=f"ratenet_{transfer}_{rule}")
    fn = lib.nk_net
    fn.restype = ctypes.c_int
    out = _net_outputs(prob)
    i64, f64, u64 = ctypes.c_int64, ctypes.c_double, ctypes.c_uint64
    a = {k: np.ascontiguousarray(getattr(prob, k), np.float64) for k in
         ("P", "inp", "inp_nodes", "W", "bias", "Win0", "r0", "src_mean", "src_chol", "patterns")}
    keys, ctr0 = np.ascontiguousarray(prob.keys, np.uint64), np.ascontiguousarray(prob.ctr0, np.uint64)
    inp_row = np.ascontiguousarray(prob.inp_row, np.int64)
    dptr = ctypes.POINTER(f64)

    def optr(v):
        return _ptr(v, f64) if v is not None else dptr()

    rc = fn(i64(prob.n_runs), i64(prob.n_units), i64(prob.n_inputs), i64(prob.n_steps),
            i64(prob.rec_start), i64(prob.rec_every), i64(prob.n_rec), _ptr(a["P"], f64),
            i64(a["P"].shape[1]), _ptr(keys, u64), _ptr(ctr0, u64), _ptr(a["inp"], f64),
            i64(a["inp"].shape[1]), _ptr(inp_row, i64), _ptr(a["inp_nodes"], f64), _ptr(a["W"], f64),
            _ptr(a["bias"], f64), _ptr(a["Win0"], f64), _ptr(a["r0"], f64), i64(int(prob.instantaneous)),
            i64(prob.src_kind), i64(prob.hold), _ptr(a["src_mean"], f64), _ptr(a["src_chol"], f64),
            _ptr(a["patterns"], f64), i64(a["patterns"].shape[0]), f64(prob.src_noise), f64(prob.wmin),
            f64(prob.wmax), i64(prob.normalise), f64(prob.norm_target), f64(prob.dt),
            optr(out["r"]), optr(out["w"]), optr(out["theta"]), i64(max(int(threads), 1)))
    if rc != 0:
        raise ModelError("rate network kernel: out of memory")
    return out
