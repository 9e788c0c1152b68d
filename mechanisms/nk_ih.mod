COMMENT
nk_ih: hyperpolarisation-activated cation current (HCN), m^1, reversal ehcn.
Kinetics of Kole et al. (2006, J Neurosci 26:1677) as implemented in Hay et al. (2011,
"Ih.mod", ModelDB 139653). No temperature correction (as in the source).
ENDCOMMENT

NEURON {
    SUFFIX nk_ih
    NONSPECIFIC_CURRENT ihcn
    RANGE gbar, ehcn, ihcn, g
}

UNITS {
    (mA) = (milliamp)
    (mV) = (millivolt)
    (S) = (siemens)
}

PARAMETER {
    gbar = 0.0001 (S/cm2)
    ehcn = -45 (mV)
}

ASSIGNED {
    v (mV)
    ihcn (mA/cm2)
    g (S/cm2)
    mInf
    mTau (ms)
}

STATE { m }

BREAKPOINT {
    SOLVE states METHOD cnexp
    g = gbar * m
    ihcn = g * (v - ehcn)
}

INITIAL {
    rates(v)
    m = mInf
}

DERIVATIVE states {
    rates(v)
    m' = (mInf - m) / mTau
}

PROCEDURE rates(v (mV)) {
    LOCAL a, b, x
    x = (v + 154.9) / 11.9
    : 6.43e-3 * (v + 154.9) / (exp(x) - 1), continuous at v = -154.9 mV
    if (fabs(x) < 1e-6) {
        a = 6.43e-3 * 11.9 * (1 - x / 2)
    } else {
        a = 6.43e-3 * (v + 154.9) / (exp(x) - 1)
    }
    b = 0.193 * exp(v / 33.1)
    mInf = a / (a + b)
    mTau = 1 / (a + b)
}
