COMMENT
nk_kv1: slowly inactivating (Kv1-family-like, D-type) potassium current, m^2 h.
Kinetics of the persistent K current of Korngreen & Sakmann (2000, J Physiol 525:621) as
implemented in Hay et al. (2011, PLoS Comput Biol 7:e1002107, "K_Pst.mod", ModelDB 139653),
measured at 21 degC, Q10 2.3.
ENDCOMMENT

NEURON {
    SUFFIX nk_kv1
    USEION k READ ek WRITE ik
    RANGE gbar, ik, g
}

UNITS {
    (mA) = (milliamp)
    (mV) = (millivolt)
    (S) = (siemens)
}

PARAMETER {
    gbar = 0.001 (S/cm2)
}

ASSIGNED {
    v (mV)
    celsius (degC)
    ek (mV)
    ik (mA/cm2)
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
    ik = g * (v - ek)
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
    LOCAL qt
    qt = 2.3 ^ ((celsius - 21) / 10)
    mInf = 1 / (1 + exp(-(v + 1) / 12))
    if (v < -50) {
        mTau = (1.25 + 175.03 * exp(0.026 * v)) / qt
    } else {
        mTau = (1.25 + 13 * exp(-0.026 * v)) / qt
    }
    hInf = 1 / (1 + exp((v + 54) / 11))
    hTau = (360 + (1010 + 24 * (v + 55)) * exp(-((v + 75) / 48) ^ 2)) / qt
}
