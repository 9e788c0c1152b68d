COMMENT
nk_kv3: fast Kv3.1 potassium current, m^1.
Kinetics of Rettig et al. (1992, EMBO J 11:2473) as implemented in Hay et al. (2011,
"SKv3_1.mod", ModelDB 139653). No temperature correction (as in the source).
ENDCOMMENT

NEURON {
    SUFFIX nk_kv3
    USEION k READ ek WRITE ik
    RANGE gbar, ik, g
}

UNITS {
    (mA) = (milliamp)
    (mV) = (millivolt)
    (S) = (siemens)
}

PARAMETER {
    gbar = 0.01 (S/cm2)
}

ASSIGNED {
    v (mV)
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
    mInf = 1 / (1 + exp((v - 18.7) / -9.7))
    mTau = 0.2 * 20 / (1 + exp((v + 46.56) / -44.14))
}
