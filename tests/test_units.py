import numpy as np
import pytest

from neurokit.errors import UnitError
from neurokit.units import conversion_factor, convert, magnitude, parse_unit, quantity, same_dimensions


@pytest.mark.parametrize("text", ["mV", "nA", "pA", "S/cm2", "uF/cm2", "nS", "pF", "Hz", "ms", "um",
                                  "Mohm", "ohm*cm", "1", "", "nS/mV", "mV**-1"])
def test_known_units_parse(text):
    parse_unit(text)


def test_conversions_follow_brian2():
    assert conversion_factor("pA", "nA") == pytest.approx(1e-3)
    assert conversion_factor("mS/cm2", "S/cm2") == pytest.approx(1e-3)
    assert conversion_factor("uF/cm2", "F/m2") == pytest.approx(1e-2)
    np.testing.assert_allclose(convert([1.0, -65.0], "mV", "V"), [1e-3, -65e-3])
    assert same_dimensions("nS", "S") and not same_dimensions("nS", "nA")


@pytest.mark.parametrize("bad", ["furlong", "mV;import os", "__import__('os')", "mV +", "m V"])
def test_unknown_or_malformed_unit_names_culprit(bad):
    with pytest.raises(UnitError) as err:
        parse_unit(bad)
    assert repr(bad) in str(err.value)


def test_mismatch_names_what():
    with pytest.raises(UnitError, match="parameter 'g_L'"):
        conversion_factor("mV", "nS", what="parameter 'g_L'")


def test_quantity_roundtrip():
    q = quantity(3.0, "nA")
    assert magnitude(q, "pA") == pytest.approx(3000.0)
    with pytest.raises(UnitError):
        magnitude(q, "mV")
