"""Parameters that a reset writes (Brian2's adaptive threshold ``vt : volt`` with reset
``vt += 1*mV``): in Brian2 every parameter is a per-neuron variable, so a value written at a
spike is kept for the rest of the run. The front end makes such a parameter a per-neuron
state whose start value is the parameter's own per-sample value (its initial value
``vt = vt`` reads the parameter column, see :meth:`neurokit.codegen.cache.CachedIR.initial_values`),
and no longer a parameter of the step, so nothing hoists it as a constant.
"""

from __future__ import annotations

import re

from neurokit.errors import EquationError

_TARGET = re.compile(r"^\s*([A-Za-z_]\w*)\s*(?:=|\+=|-=|\*=|/=)")


def reset_targets(reset: str | None) -> set[str]:
    """Names the reset statements ``reset`` (Brian2 code, ``;`` or newlines) assign."""
    out = set()
    for line in re.split(r"[;\n]", reset or ""):
        m = _TARGET.match(line.split("#", 1)[0])
        if m and not re.match(r"^\s*\w+\s*==", line):
            out.add(m.group(1))
    return out


def written_parameters(reset_code: str | None, eqs, stimulus: str | None, model_name: str) -> list[str]:
    """The parameters of ``eqs`` (Brian2 ``Equations``) that ``reset_code`` writes, sorted.

    Raises
    ------
    EquationError
        The reset writes the stimulus, or a parameter declared ``(constant)`` or ``(shared)``.
    """
    out = []
    for name in sorted(reset_targets(reset_code) & set(eqs.parameter_names)):
        flags = set(eqs[name].flags)
        if name == stimulus:
            raise EquationError(f"model {model_name!r}: the reset writes the input variable {name!r}")
        if flags & {"constant", "shared"}:
            raise EquationError(f"model {model_name!r}: the reset writes {name!r}, which is declared "
                                f"({', '.join(sorted(flags & {'constant', 'shared'}))}); drop the flag to "
                                "let spikes change it")
        out.append(name)
    return out
