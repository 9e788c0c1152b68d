COMMENT
nk_cad: intracellular calcium in a submembrane shell: influx from ica (fraction gamma into a
shell of depth `depth`), first-order removal to minCai with time constant `decay`.
As "CaDynamics_E2.mod" of Hay et al. (2011, ModelDB 139653), after Destexhe et al. (1994).
ENDCOMMENT

NEURON {
    SUFFIX nk_cad
    USEION ca READ ica WRITE cai
    RANGE gamma, decay, depth, minCai
}

UNITS {
    (mV) = (millivolt)
    (mA) = (milliamp)
    FARADAY = (faraday) (coulombs)
    (molar) = (1/liter)
    (mM) = (millimolar)
    (um) = (micron)
}

PARAMETER {
    gamma = 0.05
    decay = 80 (ms)
    depth = 0.1 (um)
    minCai = 1e-4 (mM)
}

ASSIGNED {
    ica (mA/cm2)
}

STATE { cai (mM) }

INITIAL {
    cai = minCai
}

BREAKPOINT {
    SOLVE states METHOD cnexp
}

DERIVATIVE states {
    : 10000 converts mA/cm2 / (C/mol * um) to mM/ms
    cai' = -(10000) * (ica * gamma / (2 * FARADAY * depth)) - (cai - minCai) / decay
}
