COMMENT
nk_hh_traub: Hodgkin-Huxley Na and K currents with the Traub & Miles (1991) rate functions,
exactly as in Brian2's COBAHH benchmark (Brette et al. 2007, J Comput Neurosci 23:349) and
neurokit.models.point.HH, so a one-compartment cell with this mechanism agrees with the native
engine. vT shifts every rate function. Gates start at 0 (as in COBAHH), not at steady state.
No temperature correction (the reference has none).
ENDCOMMENT

NEURON {
    SUFFIX nk_hh_traub
    USEION na READ ena WRITE ina
    USEION k READ ek WRITE ik
    RANGE gnabar, gkbar, vT, ina, ik
}

UNITS {
    (mA) = (milliamp)
    (mV) = (millivolt)
    (S) = (siemens)
}

PARAMETER {
    gnabar = 0.1 (S/cm2)
    gkbar = 0.03 (S/cm2)
    vT = -63 (mV)
}

ASSIGNED {
    v (mV)
    ena (mV)
    ek (mV)
    ina (mA/cm2)
    ik (mA/cm2)
    am (/ms)
    bm (/ms)
    an (/ms)
    bn (/ms)
    ah (/ms)
    bh (/ms)
}

STATE { m n h }

BREAKPOINT {
    SOLVE states METHOD cnexp
    ina = gnabar * m * m * m * h * (v - ena)
    ik = gkbar * n * n * n * n * (v - ek)
}

INITIAL {
    m = 0
    n = 0
    h = 0
}

DERIVATIVE states {
    rates(v)
    m' = am * (1 - m) - bm * m
    n' = an * (1 - n) - bn * n
    h' = ah * (1 - h) - bh * h
}

FUNCTION efun(x) {
    : x / (exp(x) - 1), i.e. 1/exprel(x), continuous at x = 0
    if (fabs(x) < 1e-6) {
        efun = 1 - x / 2
    } else {
        efun = x / (exp(x) - 1)
    }
}

PROCEDURE rates(v (mV)) {
    am = 0.32 * 4 * efun((13 - v + vT) / 4)
    bm = 0.28 * 5 * efun((v - vT - 40) / 5)
    an = 0.032 * 5 * efun((15 - v + vT) / 5)
    bn = 0.5 * exp((10 - v + vT) / 40)
    ah = 0.128 * exp((17 - v + vT) / 18)
    bh = 4 / (1 + exp((40 - v + vT) / 5))
}
