"""nrnivmodl builds of the NMODL mechanisms: cache by content, user folders, errors naming the line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from neurokit.backends.neuron import mechanisms
from neurokit.errors import CompilerError, ModelError

# The only reason to skip: NEURON cannot be imported. Installed without a findable nrnivmodl
# must fail, not skip.
pytest.importorskip("neuron", reason="NEURON is not installed")

EXPECTED = {"nk_na", "nk_kdr", "nk_kv1", "nk_kv3", "nk_km", "nk_ih", "nk_cahva", "nk_calva",
            "nk_sk", "nk_cad", "nk_leak", "nk_hh_traub"}

GOOD = """
NEURON { SUFFIX nk_user_leak NONSPECIFIC_CURRENT i RANGE g, e }
UNITS { (mA) = (milliamp) (mV) = (millivolt) (S) = (siemens) }
PARAMETER { g = 1e-4 (S/cm2) e = -60 (mV) }
ASSIGNED { v (mV) i (mA/cm2) }
BREAKPOINT { i = g * (v - e) }
"""

BAD = """NEURON { SUFFIX nk_broken RANGE g }
PARAMETER { g = 1 }
BREAKPOINT {
  g = g +
}
"""


@pytest.fixture(scope="module")
def builtin_library():
    return mechanisms.compile_mechanisms()


def test_builtin_set_defines_every_mechanism_once():
    names = mechanisms.suffixes(mechanisms.mod_files())
    assert set(names) == EXPECTED
    assert all(path.suffix == ".mod" for path in names.values())


def test_builtin_library_is_cached_by_content(builtin_library, tmp_path):
    assert builtin_library.exists() and builtin_library.name.startswith("libnrnmech")
    assert mechanisms.compile_mechanisms() == builtin_library
    # A cache hit runs no nrnivmodl: it works in a Python that cannot find one.
    out = _python_in(tmp_path / "bin", "/nonexistent",
                     "from neurokit.backends.neuron import mechanisms as m; print(m.compile_mechanisms())")
    assert out == str(builtin_library)


def test_changed_mod_file_gets_a_new_build(tmp_path):
    folder = tmp_path / "user"
    folder.mkdir()
    (folder / "nk_user_leak.mod").write_text(GOOD)
    first = mechanisms.build_hash(mechanisms.mod_files([folder], builtin=False))
    (folder / "nk_user_leak.mod").write_text(GOOD.replace("e = -60", "e = -61"))
    second = mechanisms.build_hash(mechanisms.mod_files([folder], builtin=False))
    assert first != second


def test_user_folder_loads_beside_builtin_set(tmp_path, builtin_library):
    folder = tmp_path / "modeldb"
    folder.mkdir()
    (folder / "nk_user_leak.mod").write_text(GOOD)
    libs = mechanisms.load_mechanisms([folder])
    assert len(libs) == 2
    loaded = mechanisms.loaded_mechanisms()
    assert EXPECTED | {"nk_user_leak"} <= loaded
    assert mechanisms.load_mechanisms([folder]) == libs  # a second load is a no-op


def test_failing_mod_names_file_and_line(tmp_path):
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "nk_broken.mod").write_text(BAD)
    with pytest.raises(CompilerError) as info:
        mechanisms.compile_mechanisms([folder], builtin=False)
    message = str(info.value)
    assert str(folder / "nk_broken.mod") in message
    assert "line 5" in message


def test_duplicate_mechanism_name_is_refused(tmp_path):
    folder = tmp_path / "dup"
    folder.mkdir()
    (folder / "my_na.mod").write_text(GOOD.replace("nk_user_leak", "nk_na"))
    with pytest.raises(ModelError, match="nk_na"):
        mechanisms.load_mechanisms([folder])


def test_missing_folder_is_named(tmp_path):
    with pytest.raises(ModelError, match="does not exist"):
        mechanisms.mod_files([tmp_path / "nope"])


def _python_in(folder: Path, path: str, code: str, link_nrnivmodl: bool = False) -> str:
    """Run ``code`` with this Python started through a link in ``folder`` (its
    ``sys.executable``, as a virtual environment's ``bin/python``) and ``PATH=path``; stdout."""
    folder.mkdir(parents=True, exist_ok=True)
    python = folder / "python"
    if not python.exists():
        python.symlink_to(sys.executable)
    if link_nrnivmodl and not (folder / "nrnivmodl").exists():
        found = mechanisms.find_nrnivmodl()
        assert found is not None, "NEURON is importable but nrnivmodl cannot be found"
        (folder / "nrnivmodl").symlink_to(found)
    proc = subprocess.run([str(python), "-c", code], env={**os.environ, "PATH": path},
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def test_nrnivmodl_is_found_beside_the_python_executable(tmp_path):
    code = ("from neurokit.backends.neuron import NeuronSimulator as S, mechanisms as m; "
            "print(m.find_nrnivmodl(), repr(S.unavailable_reason()), sep='|')")
    venv_bin = tmp_path / "venv" / "bin"
    found, reason = _python_in(venv_bin, "/usr/bin:/bin", code, link_nrnivmodl=True).split("|")
    assert found == str(venv_bin / "nrnivmodl") and reason == "''"
    # Neither beside the executable nor on PATH: unavailable, and the reason says why.
    found, reason = _python_in(tmp_path / "bare", "/nonexistent", code).split("|")
    assert found == "None" and "nrnivmodl" in reason
