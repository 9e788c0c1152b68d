"""The one model registry: built-in models of every granularity by name."""

import pytest

from neurokit.errors import ModelError
from neurokit.models import registry
from neurokit.models.point import BUILTIN


def test_every_granularity_is_looked_up_by_name():
    assert set(BUILTIN) <= set(registry.builtin_models("point"))
    assert registry.get_model("GIF") is BUILTIN["gif"]
    assert registry.get_model("wilson_cowan").name == "wilson_cowan"
    cell = registry.get_model("single_compartment_hh", "cell", {"area": 1000.0})
    assert cell.name == "hh_traub_1comp"
    assert registry.granularity_of("jansen_rit") == "rate"


def test_unknown_names_wrong_granularity_and_bad_options_are_errors():
    with pytest.raises(ModelError, match="unknown model 'lifx'; built-in: .*lif"):
        registry.get_model("lifx")
    with pytest.raises(ModelError, match="unknown cell model 'lif'"):
        registry.get_model("lif", "cell")
    with pytest.raises(ModelError, match="takes no options"):
        registry.get_model("lif", options={"x": 1})
    with pytest.raises(ModelError, match="is not 'package.module:attr'"):
        registry.import_model("no_colon")
