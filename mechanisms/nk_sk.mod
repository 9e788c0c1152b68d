COMMENT
nk_sk: small-conductance calcium-activated potassium current (SK), z^1, gated by cai.
Kinetics of Koehler et al. (1996, Science 273:1709) as implemented in Hay et al. (2011,
"SK_E2.mod", ModelDB 139653): Hill coefficient 4.8, half activation 0.43 uM, tau 1 ms.
ENDCOMMENT

NEURON {
    SUFFIX nk_sk
    USEION k READ ek WRITE ik
    USEION ca READ cai
    RANGE gbar, ik, g
}

UNITS {
    (mA) = (milliamp)
    (mV) = (millivolt)
    (mM) = (milli/liter)
    (S) = (siemens)
}

PARAMETER {
    gbar = 0.0001 (S/cm2)
    zTau = 1 (ms)
}

ASSIGNED {
    v (mV)
    ek (mV)
    cai (mM)
    ik (mA/cm2)
    g (S/cm2)
    zInf
}

STATE { z }

BREAKPOINT {
    SOLVE states METHOD cnexp
    g = gbar * z
    ik = g * (v - ek)
}

INITIAL {
    rates(cai)
    z = zInf
}

DERIVATIVE states {
    rates(cai)
    z' = (zInf - z) / zTau
}

PROCEDURE rates(ca (mM)) {
    if (ca < 1e-7) {
        ca = ca + 1e-7
    }
    zInf = 1 / (1 + (0.00043 / ca) ^ 4.8)
}
