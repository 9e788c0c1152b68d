COMMENT
nk_km: muscarinic (M-type, Kv7) potassium current, m^1.
Kinetics of Adams et al. (1982, J Physiol 330:537) as implemented in Hay et al. (2011,
"Im.mod", ModelDB 139653), measured at 21 degC, Q10 2.3.
ENDCOMMENT

NEURON {
    SUFFIX nk_km
    USEION k READ ek WRITE ik
    RANGE gbar, ik, g
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
    celsius (degC)
    ek (mV)
    ik (mA/cm2)
    g (S/cm2)
    mInf
    mTau (ms)
}

STATE { m }

BREAKPOINT {
    SOLVE states METHOD cnexp
    g = gbar * m
    ik = g * (v - ek)
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
    LOCAL qt, a, b
    qt = 2.3 ^ ((celsius - 21) / 10)
    a = 3.3e-3 * exp(2.5 * 0.04 * (v + 35))
    b = 3.3e-3 * exp(-2.5 * 0.04 * (v + 35))
    mInf = a / (a + b)
    mTau = 1 / (a + b) / qt
}
