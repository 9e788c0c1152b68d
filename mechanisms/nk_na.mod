COMMENT
nk_na: fast transient sodium current, m^3 h.
Kinetics of Mainen & Sejnowski (1996, Nature 382:363), "na.mod" in their ModelDB entry 2488,
measured at 23 degC with Q10 2.3; gbar here in S/cm2 (their pS/um2 times 1e-4).
vshift moves every rate function along the voltage axis.
ENDCOMMENT

NEURON {
    SUFFIX nk_na
    USEION na READ ena WRITE ina
    RANGE gbar, vshift, ina, g, minf, hinf, mtau, htau
}

UNITS {
    (mA) = (milliamp)
    (mV) = (millivolt)
    (S) = (siemens)
}

PARAMETER {
    gbar = 0.1 (S/cm2)
    vshift = 0 (mV)
    tha = -35 (mV)
    qa = 9 (mV)
    Ra = 0.182 (/ms)
    Rb = 0.124 (/ms)
    thi1 = -50 (mV)
    thi2 = -75 (mV)
    qi = 5 (mV)
    thinf = -65 (mV)
    qinf = 6.2 (mV)
    Rg = 0.0091 (/ms)
    Rd = 0.024 (/ms)
    temp = 23 (degC)
    q10 = 2.3
}

ASSIGNED {
    v (mV)
    celsius (degC)
    ena (mV)
    ina (mA/cm2)
    g (S/cm2)
    minf
    hinf
    mtau (ms)
    htau (ms)
}

STATE { m h }

BREAKPOINT {
    SOLVE states METHOD cnexp
    g = gbar * m * m * m * h
    ina = g * (v - ena)
}

INITIAL {
    rates(v)
    m = minf
    h = hinf
}

DERIVATIVE states {
    rates(v)
    m' = (minf - m) / mtau
    h' = (hinf - h) / htau
}

FUNCTION trap0(v (mV), th (mV), a (/ms), q (mV)) (/ms) {
    : a * (v - th) / (1 - exp(-(v - th) / q)), continuous at v = th
    if (fabs((v - th) / q) > 1e-6) {
        trap0 = a * (v - th) / (1 - exp(-(v - th) / q))
    } else {
        trap0 = a * q
    }
}

PROCEDURE rates(vm (mV)) {
    LOCAL a, b, tadj, vs
    tadj = q10 ^ ((celsius - temp) / 10)
    vs = vm - vshift
    a = trap0(vs, tha, Ra, qa)
    b = trap0(-vs, -tha, Rb, qa)
    mtau = 1 / tadj / (a + b)
    minf = a / (a + b)
    a = trap0(vs, thi1, Rd, qi)
    b = trap0(-vs, -thi2, Rg, qi)
    htau = 1 / tadj / (a + b)
    hinf = 1 / (1 + exp((vs - thinf) / qinf))
}
