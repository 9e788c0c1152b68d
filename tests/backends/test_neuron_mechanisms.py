"""nrnivmodl builds of the NMODL mechanisms: cache by content, user folders, errors naming the line."""

from __future__ import annotations

import shutil
import time

import pytest

from neurokit.backends.neuron import mechanisms
from neurokit.errors import CompilerError, ModelError

pytestmark = pytest.mark.skipif(shutil.which("nrnivmodl") is None, reason="NEURON's nrnivmodl is not installed")

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


def test_builtin_library_is_cached_by_content(builtin_library):
    assert builtin_library.exists() and builtin_library.name.startswith("libnrnmech")
    t0 = time.perf_counter()
    again = mechanisms.compile_mechanisms()
    assert again == builtin_library
    assert time.perf_counter() - t0 < 2.0  # a cache hit, no nrnivmodl run


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
