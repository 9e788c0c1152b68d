import pytest

from neurokit.backends import base
from neurokit.errors import BackendError


def test_unknown_backend_lists_available_ones():
    with pytest.raises(BackendError) as err:
        base.get_backend("nest")
    msg = str(err.value)
    assert "unknown backend 'nest'" in msg and "native" in msg


def test_registry_names_builtins():
    assert {"native", "brian2", "neuron"} <= set(base.list_backends())


def test_third_party_backends_register_through_entry_points(tmp_path, monkeypatch):
    # A real installed distribution (dist-info on sys.path) declaring an entry point.
    (tmp_path / "echo_backend.py").write_text(
        "from neurokit.backends.base import Simulator\n"
        "class Echo(Simulator):\n"
        "    name = 'echo'\n"
        "    def simulate(self, model, params, protocol):\n"
        "        return params\n")
    info = tmp_path / "echo_backend-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: echo-backend\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(f"[{base.ENTRY_POINT_GROUP}]\necho = echo_backend:Echo\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert "echo" in base.list_backends()
    assert base.get_backend("echo").simulate(None, 42, None) == 42


def test_unavailable_backend_says_why(monkeypatch):
    class Missing(base.Simulator):
        @classmethod
        def is_available(cls):
            return False

        @classmethod
        def unavailable_reason(cls):
            return "no simulator installed"

        def simulate(self, model, params, protocol):
            raise AssertionError("not reached")

    monkeypatch.setattr(base, "backend_class", lambda name: Missing)
    with pytest.raises(BackendError, match="no simulator installed"):
        base.get_backend("missing")


def test_a_skipped_backend_logs_why(monkeypatch, caplog):
    class Missing(base.Simulator):
        name = "missing"

        @classmethod
        def is_available(cls):
            return False

        @classmethod
        def unavailable_reason(cls):
            return "no simulator here"

        def simulate(self, model, params, protocol):  # pragma: no cover - never called
            raise AssertionError

    monkeypatch.setattr(base, "list_backends", lambda: ["missing"])
    monkeypatch.setattr(base, "backend_class", lambda name: Missing)
    with caplog.at_level("WARNING", logger="neurokit.backends"):
        assert base.available_backends() == []
    assert "no simulator here" in caplog.text
