COMMENT
nk_calva: low-voltage-activated (T-type) calcium current, m^2 h.
Kinetics of Avery & Johnston (1996, J Neurosci 16:5567), shifted by +10 mV, as implemented in
Hay et al. (2011, "Ca_LVAst.mod", ModelDB 139653); measured at 21 degC, Q10 2.3.
ENDCOMMENT

NEURON {
    SUFFIX nk_calva
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
    celsius (degC)
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
    LOCAL qt, vs
    qt = 2.3 ^ ((celsius - 21) / 10)
    vs = v + 10
    mInf = 1 / (1 + exp((vs + 30) / -6))
    mTau = (5 + 20 / (1 + exp((vs + 25) / 5))) / qt
    hInf = 1 / (1 + exp((vs + 80) / 6.4))
    hTau = (20 + 50 / (1 + exp((vs + 40) / 7))) / qt
}
