"""Learn files: values read, grids flattened, every error names FILE:LINE."""

import pytest

from neurokit.errors import FitConfigError
from neurokit.learning.run import load_spec

GOOD = """name = "t"
seed = 2
epochs = 3
units = 4

[data]
name = "digits"

[rule]
name = "krotov"
batch = 20

[hyper]
eta = 0.05
p = [2, 3]
delta = { bounds = [0.2, 0.4], n = 3 }
"""


def _write(tmp_path, text):
    path = tmp_path / "l.toml"
    path.write_text(text)
    return path


def test_good_file_flattens_grid(tmp_path):
    spec = load_spec(_write(tmp_path, GOOD))
    assert spec.n_samples == 6 and spec.rule == "krotov" and spec.batch == 20
    assert sorted(set(spec.hyper["p"].tolist())) == [2.0, 3.0]
    assert spec.hyper["eta"].tolist() == [0.05] * 6
    assert spec.output == tmp_path / "results" / "t"


def test_quantity_strings_convert_to_rule_units(tmp_path):
    text = GOOD.replace('name = "krotov"\nbatch = 20', 'name = "stdp"\ndt = "0.5 ms"').replace(
        'p = [2, 3]\ndelta = { bounds = [0.2, 0.4], n = 3 }', 'tau_m = "20 ms"\nrate_max = ["0.1 kHz", "200 Hz"]')
    spec = load_spec(_write(tmp_path, text))
    assert spec.dt == pytest.approx(5e-4)
    assert spec.hyper["tau_m"].tolist() == pytest.approx([0.02, 0.02])
    assert spec.hyper["rate_max"].tolist() == pytest.approx([100.0, 200.0])


@pytest.mark.parametrize("old,new,line,message", [
    ('name = "krotov"', 'name = "hebb"', 10, "rule.name 'hebb'"),
    ("p = [2, 3]", "q = [2, 3]", 15, "unknown key 'q'"),
    ("p = [2, 3]", "p = []", 15, "empty list"),
    ("bounds = [0.2, 0.4]", "bounds = [0.4, 0.2]", 16, "not below"),
    ('name = "digits"', 'name = "cifar"', 7, "data.name 'cifar'"),
    ("epochs = 3", "epochs = 0", 3, "epochs must be >= 1"),
    ("units = 4", "units = 4\nwidth = 2", 5, "unknown key 'width'"),
    ('name = "digits"', 'name = "digits"\nwhiten = true', 8, "patches only"),
    ("units = 4", 'units = 4\ndevice = "tpu"', 5, "device 'tpu'"),
    ("units = 4", 'units = 4\nengine = "numpy"\ndevice = "cuda"', 6, "CPU"),
])
def test_errors_name_file_and_line(tmp_path, old, new, line, message):
    path = _write(tmp_path, GOOD.replace(old, new))
    with pytest.raises(FitConfigError, match=message) as info:
        load_spec(path)
    assert str(info.value).startswith(f"{path}:{line}:")


def test_stdp_time_unit_mismatch_is_located(tmp_path):
    text = GOOD.replace('name = "krotov"\nbatch = 20', 'name = "stdp"').replace(
        'p = [2, 3]\ndelta = { bounds = [0.2, 0.4], n = 3 }', 'tau_m = "20 mV"')
    path = _write(tmp_path, text)
    with pytest.raises(FitConfigError, match="unit mismatch") as info:
        load_spec(path)
    assert str(info.value).startswith(f"{path}:14:")


@pytest.mark.parametrize("device", ["cpu", "cuda", "auto"])
def test_device_is_read(tmp_path, device):
    spec = load_spec(_write(tmp_path, GOOD.replace("units = 4", f'units = 4\ndevice = "{device}"')))
    assert spec.device == device
    assert load_spec(_write(tmp_path, GOOD)).device == "cpu"
