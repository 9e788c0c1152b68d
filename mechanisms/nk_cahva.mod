COMMENT
nk_cahva: high-voltage-activated calcium current, m^2 h.
Kinetics of Reuveni et al. (1993, J Neurosci 13:4609) as implemented in Hay et al. (2011,
"Ca_HVA.mod", ModelDB 139653). No temperature correction (as in the source).
ENDCOMMENT

NEURON {
    SUFFIX nk_cahva
    USEION ca READ eca WRITE ica
    RANGE gbar, ica, g
}

UNITS {
    (mA) = (milliamp)
    (mV) = (millivolt)
    (S) = (siemens)
}

PARAMETER {
    gbar = 0.0001 (S/cm2)
}

ASSIGNED {
    v (mV)
    eca (mV)
    ica (mA/cm2)
    g (S/cm2)
    mInf
    mTau (ms)
    hInf
    hTau (ms)
}

STATE { m h }

BREAKPOINT {
    SOLVE states METHOD cnexp
    g = gbar * m * m * h
    ica = g * (v - eca)
}

INITIAL {
    rates(v)
    m = mInf
    h = hInf
}

DERIVATIVE states {
    rates(v)
    m' = (mInf - m) / mTau
    h' = (hInf - h) / hTau
}

PROCEDURE rates(v (mV)) {
    LOCAL ma, mb, ha, hb, x
    x = (-27 - v) / 3.8
    : 0.055 * (-27 - v) / (exp(x) - 1), continuous at v = -27 mV
    if (fabs(x) < 1e-6) {
        ma = 0.055 * 3.8 * (1 - x / 2)
    } else {
        ma = 0.055 * (-27 - v) / (exp(x) - 1)
    }
    mb = 0.94 * exp((-75 - v) / 17)
    mInf = ma / (ma + mb)
    mTau = 1 / (ma + mb)
    ha = 0.000457 * exp((-13 - v) / 50)
    hb = 0.0065 / (exp((-v - 15) / 28) + 1)
    hInf = ha / (ha + hb)
    hTau = 1 / (ha + hb)
}
