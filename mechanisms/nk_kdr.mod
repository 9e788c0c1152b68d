COMMENT
nk_kdr: delayed-rectifier potassium current, n^1.
Kinetics of Mainen & Sejnowski (1996, Nature 382:363), "kv.mod" in ModelDB entry 2488,
measured at 23 degC with Q10 2.3; gbar in S/cm2 (their pS/um2 times 1e-4).
ENDCOMMENT

NEURON {
    SUFFIX nk_kdr
    USEION k READ ek WRITE ik
    RANGE gbar, ik, g, ninf, ntau
}

UNITS {
    (mA) = (milliamp)
    (mV) = (millivolt)
    (S) = (siemens)
}

PARAMETER {
    gbar = 0.03 (S/cm2)
    tha = 25 (mV)
    qa = 9 (mV)
    Ra = 0.02 (/ms)
    Rb = 0.002 (/ms)
    temp = 23 (degC)
    q10 = 2.3
}

ASSIGNED {
    v (mV)
    celsius (degC)
    ek (mV)
    ik (mA/cm2)
    g (S/cm2)
    ninf
    ntau (ms)
}

STATE { n }

BREAKPOINT {
    SOLVE states METHOD cnexp
    g = gbar * n
    ik = g * (v - ek)
}

INITIAL {
    rates(v)
    n = ninf
}

DERIVATIVE states {
    rates(v)
    n' = (ninf - n) / ntau
}

FUNCTION trap0(v (mV), th (mV), a (/ms), q (mV)) (/ms) {
    if (fabs((v - th) / q) > 1e-6) {
        trap0 = a * (v - th) / (1 - exp(-(v - th) / q))
    } else {
        trap0 = a * q
    }
}

PROCEDURE rates(v (mV)) {
    LOCAL a, b, tadj
    tadj = q10 ^ ((celsius - temp) / 10)
    a = trap0(v, tha, Ra, qa)
    b = trap0(-v, -tha, Rb, qa)
    ntau = 1 / tadj / (a + b)
    ninf = a / (a + b)
}
