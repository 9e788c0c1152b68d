import subprocess
import sys
import textwrap

import numpy as np
import pytest

from neurokit.errors import UnitError
from neurokit.units import (DISPLAY_UNITS, conversion_factor, convert, display_unit, magnitude, parse_unit,
                            quantity, same_dimensions)


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


# --------------------------------------------------------------------------- safe parsing (issue 17)
@pytest.mark.parametrize("bomb", ["mV*10**10**10", "10**10**10", "mV**10**10", "(10**9)**(10**9)*mV"])
def test_huge_powers_raise_instead_of_hanging(bomb):
    with pytest.raises(UnitError, match="power too large"):
        parse_unit(bomb)
    with pytest.raises(UnitError):
        conversion_factor(bomb, "mV")


@pytest.mark.parametrize("trick", ["mV.__class__", "().__class__.__bases__", "mV.dim", "nS.__dict__",
                                   "__builtins__", "__import__('os').system('true')", "(lambda: mV)()",
                                   "[mV][0]", "exp(mV)", "mV if 1 else nA", "mV < nA", "'mV'",
                                   "mV**mV", "getattr(mV, 'dim')"])
def test_attribute_dunder_and_call_tricks_are_refused(trick):
    with pytest.raises(UnitError) as err:
        parse_unit(trick)
    assert repr(trick) in str(err.value)


def test_unit_arithmetic_still_parses():
    assert conversion_factor("1e-3*V", "mV") == pytest.approx(1.0)
    assert conversion_factor("(nS/mV)**2", "S**2/V**2") == pytest.approx(1e-12)
    assert float(parse_unit("-mV") / parse_unit("mV")) == pytest.approx(-1.0)


def test_display_units():
    assert display_unit("second") == "ms"  # time-valued states and parameters; the time coord stays s
    assert display_unit("volt") == "mV" and display_unit("amp") == "nA" and display_unit("1") == "1"
    assert set(DISPLAY_UNITS) >= {"mV", "nA", "nS", "pF", "ms", "Hz"}


# --------------------------------------------------------------------------- lazy Brian2
def _python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          timeout=300)


def test_leaf_modules_do_not_import_brian2():
    out = _python("""
        import sys
        import neurokit.units, neurokit.params, neurokit.schema
        from neurokit.params import as_batch
        as_batch({"g_L": [1.0, 2.0]})  # plain numbers never need Brian2
        print(sorted(m for m in sys.modules if m.split(".")[0] == "brian2"))
    """)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_user_excepthook_survives_brian2_import():
    out = _python("""
        import sys
        def hook(*exc):
            print("user hook", exc[0].__name__)
        sys.excepthook = hook
        from neurokit.units import parse_unit
        parse_unit("mV")  # imports Brian2, which installs its own hook
        assert "brian2" in sys.modules
        print("same hook", sys.excepthook is hook)
        raise ValueError("user error")
    """)
    assert "same hook True" in out.stdout and "user hook ValueError" in out.stdout
    assert "Brian 2 encountered" not in out.stdout + out.stderr


def test_default_excepthook_reports_user_errors_as_python_does():
    out = _python("""
        from neurokit.units import brian2_module
        brian2_module()
        raise ValueError("user error")
    """)
    assert "ValueError: user error" in out.stderr
    assert "Brian 2 encountered" not in out.stderr
