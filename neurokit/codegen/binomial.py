"""Brian2's ``BinomialFunction`` on the counter-based generator (C, CUDA and NumPy twins).

Brian2 (brian2/input/binomial.py) chooses per function: with ``approximate=True`` and
``n p > 5`` and ``n (1 - p) > 5`` a normal number ``n p + sqrt(n p (1-p)) * randn()``
(not rounded, as in Brian2), which the front end writes as that expression of one normal
draw; otherwise numpy's binomial inversion of one uniform (``nk_binomial_inv`` here), on
``P = min(p, 1 - p)`` with ``n - X`` returned for ``p > 0.5``. Brian2 draws a fresh uniform
where float rounding walks the inversion past its bound (``min(n, n P + 10 sqrt(n P q + 1))``,
about 1e-23 of the draws); with one counter-based draw per call, ``1 - u`` is inverted
there instead.
"""

from __future__ import annotations

import numpy as np

#: C (and, with ``__device__``, CUDA) body of the exact case; ``u`` uniform in (0, 1].
_BODY = r"""{
    const double rev = p > 0.5, P = rev ? 1.0 - p : p, q = 1.0 - P;
    const double qn = exp(n * log(q)), bound = fmin(n, n * P + 10.0 * sqrt(n * P * q + 1.0));
    double X = 0.0, px = qn, U = u;
    int again = 1;
    while (U > px) {
        X += 1.0;
        if (X > bound) {
            if (!again) break;
            again = 0; X = 0.0; px = qn; U = 1.0 - u;
        } else {
            U -= px;
            px = ((n - X + 1.0) * P * px) / (X * q);
        }
    }
    return rev ? n - X : X;
}
"""

BINOMIAL_C = ("/* Brian2's BinomialFunction, exact case: numpy's inversion (neurokit.codegen.binomial). */\n"
              "static inline double nk_binomial_inv(double u, double n, double p) " + _BODY +
              "static inline float nk_binomial_inv_f(float u, float n, float p) "
              "{ return (float)nk_binomial_inv(u, n, p); }\n")

BINOMIAL_CUDA = ("/* Brian2's BinomialFunction, exact case (neurokit.codegen.binomial). */\n"
                 "__device__ double nk_binomial_inv(double u, double n, double p) " + _BODY)


def binomial_inv(u, n, p) -> np.ndarray:
    """The NumPy twin of ``nk_binomial_inv``: binomial numbers of ``n`` trials with
    probability ``p`` from uniforms ``u`` (arrays broadcast)."""
    u, n, p = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in (u, n, p)))
    rev = p > 0.5
    P = np.where(rev, 1.0 - p, p)
    q = 1.0 - P
    with np.errstate(all="ignore"):
        qn = np.exp(n * np.log(q))
        bound = np.minimum(n, n * P + 10.0 * np.sqrt(n * P * q + 1.0))
    X = np.zeros(u.shape)
    px, U = qn.copy(), u.copy()
    again = np.ones(u.shape, dtype=bool)
    todo = U > px
    while todo.any():
        X = np.where(todo, X + 1.0, X)
        over = todo & (X > bound)
        stop = over & ~again
        restart = over & again
        step = todo & ~over
        with np.errstate(all="ignore"):
            U = np.where(step, U - px, np.where(restart, 1.0 - u, U))
            px = np.where(step, ((n - X + 1.0) * P * px) / np.where(step, X * q, 1.0), np.where(restart, qn, px))
        X = np.where(restart, 0.0, X)
        again &= ~restart
        todo = todo & ~stop & (U > px)
    return np.where(rev, n - X, X)
