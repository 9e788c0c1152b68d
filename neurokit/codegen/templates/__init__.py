"""C templates that wrap code printed from the IR: the delayed-coupling loop of node networks
(:mod:`.delayed_coupling`) and the rate-network loop with learning rules (:mod:`.rate_network`)."""


def c_double(x: float) -> str:
    """``x`` as an exact C double literal (``repr`` round-trips)."""
    return repr(float(x))
