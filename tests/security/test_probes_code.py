"""Probes of issue 17, "nothing in a file runs code": C through a model name, Python through a
cell scaling rule, a crafted pickle checkpoint, a replaced cached library, a sweep file naming
``subprocess:run``. Each ends in a typed error or a correct result, and the marker file the
payload would create never appears."""

from __future__ import annotations

from pathlib import Path

import pytest

from neurokit.cli.main import main
from neurokit.errors import ExpressionError, FitConfigError, NeurokitError

# A fit file whose model, written in Brian2 syntax, carries C in its name: if the name reached
# generated code outside an escaped comment, the comment would close and f() would be compiled
# in. The payload touches a marker in the test's folder (not /tmp/pwn).
EVIL_FIT = '''\
name = "evil"
budget = 16
seed = 1

[model]
name = "x */ int f(){{system(\\"touch {marker}\\");}} /*"
backend = "native"
dt = "0.1 ms"
equations = """
dv/dt = (g_L*(E_L - v) + I_stim)/C : volt (unless refractory)
I_stim : amp
C : farad
g_L : siemens
E_L : volt
V_th : volt
"""
threshold = "v > V_th"
reset = "v = E_L"
refractory = "2*ms"
initial = {{ v = "E_L" }}

[model.fixed]
C = "150 pF"
E_L = "-65 mV"

[parameters]
g_L = ["2 nS", "30 nS"]
V_th = ["-60 mV", "-40 mV"]

[recording]
path = "{rec}"
train = [0, 1]
sampling_interval = "1 ms"

[[objectives]]
kind = "count"

[optimiser]
method = "cmaes"
popsize = 8
'''


def test_c_in_a_model_name_of_a_fit_file_never_runs(tmp_path, lif_recording):
    marker = tmp_path / "pwn"
    path = tmp_path / "evil.toml"
    path.write_text(EVIL_FIT.format(marker=marker, rec=lif_recording))
    code = main(["fit", str(path), "--budget", "16", "--no-figure", "--quiet",
                 "--output", str(tmp_path / "out")])
    assert code == 0  # the name is only a label: the fit runs
    assert not marker.exists()


def test_c_in_a_model_name_through_the_python_api_never_runs(tmp_path):
    from neurokit.backends.native import NativeSimulator
    from neurokit.codegen.frontend import model_from_equations
    from neurokit.protocols import step_protocol

    marker = tmp_path / "pwn"
    name = f'x */ int f(){{system("touch {marker}");}} /*'
    model = model_from_equations("dv/dt = -v/tau : volt\ntau : second", name=name, defaults={"tau": 0.01})
    proto = step_protocol([0.0], start=0.0, stop=0.001, duration=0.002, dt=1e-4)
    try:
        ds = NativeSimulator(target="c").simulate(model, {}, proto)
        assert ds.sizes["sample"] == 1
    except NeurokitError:
        pass
    assert not marker.exists()


def test_python_in_a_cell_scaling_rule_is_an_expression_error():
    from neurokit.models.cell import CellModel, Region
    from neurokit.models.morphology import Morphology

    with pytest.raises(ExpressionError):
        CellModel("c", Morphology.ball_and_stick(), regions=(Region("apical", ("nk_ih",)),),
                  scaling={"gbar_nk_ih.apical": "().__class__.__base__.__subclasses__()"})


def test_a_crafted_pickle_checkpoint_is_refused_on_resume(tmp_path, fit_file):
    out = tmp_path / "out"
    out.mkdir()
    marker = tmp_path / "ran"
    (out / "checkpoint.pkl").write_bytes(b"cos\nsystem\n(S'touch " + str(marker).encode() + b"'\ntR.")
    code = main(["fit", str(fit_file(budget=32)), "--resume", "--quiet", "--no-figure", "--output", str(out)])
    assert code == 2
    assert not marker.exists()


def test_a_replaced_cached_library_is_rebuilt():
    from neurokit.codegen.build import build, compile_shared, file_hash, find_compiler

    if find_compiler() is None:
        pytest.skip("no C compiler")
    source = "int nk_probe_answer(void) { return 17; }\n"
    path = compile_shared(source, name="probe")
    other = compile_shared(source.replace("17", "666"), name="probe_other")
    path.write_bytes(other.read_bytes())  # a whole, valid library, but not the one built here
    assert build(source, name="probe").nk_probe_answer() == 17
    assert file_hash(path) == Path(str(path) + ".sha256").read_text().strip()


def test_a_sweep_file_naming_subprocess_run_needs_trust(tmp_path, sweep_spec_text):
    from neurokit.config.sweep import SweepSpec

    path = tmp_path / "evil_sweep.toml"
    path.write_text(sweep_spec_text.replace('name = "lif"', 'name = "subprocess:run"'))
    with pytest.raises(FitConfigError, match="needs trust"):
        SweepSpec.from_toml(path)
    assert main(["sweep", str(path)]) == 2


@pytest.fixture
def sweep_spec_text():
    return """
[model]
name = "lif"
backend = "native"
[design]
method = "sobol"
n = 4
[parameters]
g_L = [5.0, 20.0]
[protocol]
steps = { amplitudes = [0.3], start = 0.01, stop = 0.05 }
duration = 0.06
dt = 1e-4
"""
